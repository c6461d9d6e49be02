"""The passes across bulletins done again only where something changed give what doing
everything again gives: after adding, replacing and pruning bulletins, and after a
names-only change.

``ingest`` is run with ``refresh_cross_checks(conn, only_changed=True)`` (the call the
ingest makes once it passes the flag), and the archive is compared with the same files
ingested at once, and with a full recomputation of the same archive.
"""

from __future__ import annotations

import functools
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

import archive.crossbulletin
import archive.editions
import archive.ingest
from archive.crossbulletin import refresh_cross_checks
from archive.editions import Edition, Facts, Reading, same_report
from normalize.catalog import Catalog
from normalize.names import NameBook, load_names
from tests.archive.test_crosscheck import month_before
from tests.helpers import CORPUS, DEC, SEP, ingest_into

Snapshot = dict[str, list[tuple[object, ...]]]


@pytest.fixture(autouse=True)
def only_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    incremental = functools.partial(refresh_cross_checks, only_changed=True)
    monkeypatch.setattr(archive.ingest, "refresh_cross_checks", incremental)


def changed_figure(text: str, before: str, after: str) -> str:
    """The tab-indented sample with one printed figure changed (区社保局 accepted 2586)."""
    assert text.count(before) == 1
    return text.replace(before, after)


SOCIAL_ACCEPTED = "区社保局\n\t2586\n"


def write_files(folder: Path, files: dict[str, str]) -> None:
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")


def first_files() -> dict[str, str]:
    """December 2020 once, and August 2022 with 区民政局's cumulative cases 7 too many."""
    sep = SEP.read_text(encoding="utf-8")
    return {
        "dec.txt": DEC.read_text(encoding="utf-8"),
        "2022-08.txt": month_before(sep, {"区民政局": 7}),
    }


def second_files() -> dict[str, str]:
    """September 2022, and an edition of December 2020 printing 2596 for 2586."""
    dec = DEC.read_text(encoding="utf-8")
    return {
        "2022-09.txt": SEP.read_text(encoding="utf-8"),
        "dec_word.txt": changed_figure(dec, SOCIAL_ACCEPTED, "区社保局\n\t2596\n"),
    }


def snapshot(db: sqlite_utils.Database) -> Snapshot:
    """What the passes wrote, by bulletin key and cell (ids differ between archives)."""
    cell = (
        "(SELECT bulletin || ' ' || ifnull(table_no, '-') || ' ' || ifnull(\"row\", '-') || ' ' "
        "|| ifnull(col, '-') || ' ' || metric FROM facts_readable WHERE fact_id = j.value)"
    )
    return {
        "bulletins": db.execute(
            "SELECT b.path, b.is_primary, p.path FROM bulletins b "
            "LEFT JOIN bulletins p ON p.id = b.edition_of ORDER BY b.path"
        ).fetchall(),
        "checks": db.execute(
            f"SELECT b.path, c.rule, c.subject, c.metric, c.expected, c.actual, c.message, "
            f"(SELECT group_concat({cell}, '; ') FROM json_each(c.cells) j) "
            "FROM checks c JOIN bulletins b ON b.id = c.bulletin_id "
            "WHERE c.rule IN ('editions_agree', 'cumulative_follows') ORDER BY 1, 2, 3, 4, 7"
        ).fetchall(),
        "contested": db.execute(
            'SELECT r.bulletin, r.table_no, r."row", r.col, r.metric, r.value '
            "FROM facts f JOIN facts_readable r ON r.fact_id = f.id "
            "WHERE f.needs_review & 2 ORDER BY 1, 2, 3, 4"
        ).fetchall(),
    }


def fully_recomputed(db_path: Path, tmp_path: Path) -> Snapshot:
    """The snapshot of a copy of the archive after doing everything again."""
    copy = tmp_path / "recomputed.db"
    copy.unlink(missing_ok=True)
    with sqlite3.connect(db_path) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    conn = sqlite3.connect(copy)
    refresh_cross_checks(conn)
    conn.close()
    return snapshot(sqlite_utils.Database(copy))


def at_once(files: dict[str, str], tmp_path: Path, catalog: Catalog, names: NameBook) -> Snapshot:
    folder = tmp_path / "at_once"
    shutil.rmtree(folder, ignore_errors=True)
    write_files(folder, files)
    db_path = tmp_path / "at_once.db"
    db_path.unlink(missing_ok=True)
    db, _ = ingest_into(db_path, [folder], catalog, names)
    return snapshot(db)


DISAGREEMENT = ("dec_word.txt", "editions_agree", "区社保局", "accepted", 2586.0, 2596.0)
NOT_ADDING_UP = ("2022-09.txt", "cumulative_follows", "区民政局", "cumulative_cases", 1685.0,
                 1678.0)  # fmt: skip


def test_bulletins_added_to_an_archive(tmp_path: Path, catalog: Catalog, names: NameBook) -> None:
    folder = tmp_path / "in"
    write_files(folder, first_files())
    db_path = tmp_path / "a.db"
    db, _ = ingest_into(db_path, [folder], catalog, names)
    assert snapshot(db)["checks"] == []
    write_files(folder, second_files())
    db, report = ingest_into(db_path, [folder], catalog, names)
    assert report.count("ingested") == 2
    got = snapshot(db)
    assert got["bulletins"] == [
        ("2022-08.txt", 1, None),
        ("2022-09.txt", 1, None),
        ("dec.txt", 1, None),
        ("dec_word.txt", 0, "dec.txt"),
    ]
    assert [c[:6] for c in got["checks"]] == [NOT_ADDING_UP, DISAGREEMENT]
    assert got["checks"][1][7] == "dec.txt 1 2 2 accepted; dec_word.txt 1 2 2 accepted"
    assert got["contested"] == [("dec.txt", 1, 2, 2, "accepted", 2586.0)]
    assert got == fully_recomputed(db_path, tmp_path)
    assert got == at_once({**first_files(), **second_files()}, tmp_path, catalog, names)


def test_bulletins_replaced_and_pruned(tmp_path: Path, catalog: Catalog, names: NameBook) -> None:
    folder = tmp_path / "in"
    files = {**first_files(), **second_files()}
    write_files(folder, files)
    db_path = tmp_path / "a.db"
    ingest_into(db_path, [folder], catalog, names)
    # the edition now agrees, and August's misprint is corrected
    files["dec_word.txt"] = files["dec.txt"] + "\n"
    files["2022-08.txt"] = month_before(SEP.read_text(encoding="utf-8"), {})
    write_files(folder, files)
    db, report = ingest_into(db_path, [folder], catalog, names)
    assert report.count("ingested") == 2
    got = snapshot(db)
    assert got["checks"] == [] and got["contested"] == []
    assert ("dec_word.txt", 0, "dec.txt") in got["bulletins"]
    assert got == fully_recomputed(db_path, tmp_path)
    assert got == at_once(files, tmp_path, catalog, names)
    # the edition disagrees again; then its primary's file is gone: it stands alone
    files["dec_word.txt"] = changed_figure(files["dec.txt"], SOCIAL_ACCEPTED, "区社保局\n\t2596\n")
    write_files(folder, files)
    db, _ = ingest_into(db_path, [folder], catalog, names)
    assert [c[:6] for c in snapshot(db)["checks"]] == [DISAGREEMENT]
    (folder / "dec.txt").unlink()
    del files["dec.txt"]
    db = sqlite_utils.Database(db_path)
    report = archive.ingest.ingest(db, [folder], catalog, names, prune_gone=True)
    assert report.pruned == 1
    got = snapshot(db)
    assert got["bulletins"] == [
        ("2022-08.txt", 1, None),
        ("2022-09.txt", 1, None),
        ("dec_word.txt", 1, None),
    ]
    assert got["checks"] == [] and got["contested"] == []
    assert got == fully_recomputed(db_path, tmp_path)
    assert got == at_once(files, tmp_path, catalog, names)


def test_a_names_only_change(tmp_path: Path, catalog: Catalog, names: NameBook) -> None:
    """区科技局 made an alias of 区民政局: their rows become one, whose first figures
    (区科技局's, printed first) are checked; before, each row was checked on its own."""
    folder = tmp_path / "in"
    files = {**first_files(), **second_files()}
    sep = SEP.read_text(encoding="utf-8")
    files["2022-08.txt"] = month_before(sep, {"区民政局": 7, "区科技局": 5})
    write_files(folder, files)
    db_path = tmp_path / "a.db"
    db, _ = ingest_into(db_path, [folder], catalog, names)
    subjects = [(c[2], c[3]) for c in snapshot(db)["checks"] if c[1] == "cumulative_follows"]
    assert subjects == [("区民政局", "cumulative_cases"), ("区科技局", "cumulative_cases")]
    text = (CORPUS / "names.yaml").read_text(encoding="utf-8")
    merged = text.replace("  - {name: 区科技局, kind: department}\n", "").replace(
        "aliases: [民政和扶贫开发局]", "aliases: [民政和扶贫开发局, 区科技局]"
    )
    assert merged != text
    (tmp_path / "names.yaml").write_text(merged, encoding="utf-8")
    db, report = ingest_into(db_path, [folder], catalog, load_names(tmp_path / "names.yaml"))
    assert report.count("ingested") == 0
    got = snapshot(db)
    (found,) = [c for c in got["checks"] if c[1] == "cumulative_follows"]
    assert found[2:4] == ("区科技局", "cumulative_cases")
    assert found[4] - found[5] == 5  # August printed 5 too many
    assert got == fully_recomputed(db_path, tmp_path)


def edition(keys: range, printed: range) -> Edition:
    bits = sum(1 << k for k in keys)
    return Edition(1, "a.txt", "text-pipe", 0, len(keys), bits, sum(1 << p for p in printed))


def test_one_report_at_exactly_the_thresholds() -> None:
    """25 facts each, 20 keys shared (80%), 16 of them printed alike (80%): one report;
    one fewer of either and they are two."""
    a = edition(range(25), range(25))
    assert same_report(a, edition(range(5, 30), range(9, 34)))  # shares 5..24, agrees on 9..24
    assert not same_report(a, edition(range(6, 31), range(9, 34)))  # 19 shared
    assert not same_report(a, edition(range(5, 30), range(10, 35)))  # 15 agreeing


def test_a_bulletin_stored_again_keeps_its_findings(
    tmp_path: Path, catalog: Catalog, names: NameBook
) -> None:
    """Read again with --force, the last bulletin stored gets its id back (and maybe the
    same second): its findings, deleted with its old rows, are written again."""
    folder = tmp_path / "in"
    files = {"2022-08.txt": first_files()["2022-08.txt"], "2022-09.txt": SEP.read_text("utf-8")}
    write_files(folder, files)
    db_path = tmp_path / "a.db"
    db, _ = ingest_into(db_path, [folder], catalog, names)
    before = snapshot(db)
    assert [c[:6] for c in before["checks"]] == [NOT_ADDING_UP]
    last = db.execute("SELECT id, path FROM bulletins ORDER BY id DESC LIMIT 1").fetchone()
    assert last[1] == "2022-09.txt"
    report = archive.ingest.ingest(db, [folder / "2022-09.txt"], catalog, names, force=True)
    assert report.count("ingested") == 1
    again = db.execute("SELECT id FROM bulletins WHERE path = '2022-09.txt'").fetchone()
    assert again == (last[0],)
    assert snapshot(db) == before


def test_only_the_groups_of_a_new_bulletin_are_done_again(
    tmp_path: Path, catalog: Catalog, names: NameBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "in"
    write_files(folder, {**first_files(), **second_files()})
    db_path = tmp_path / "a.db"
    db, _ = ingest_into(db_path, [folder], catalog, names)
    done: list[tuple[str, list[int] | None]] = []
    editions, cumulative = (
        archive.crossbulletin.assign_editions,
        archive.crossbulletin.check_cumulative,
    )

    def assign(conn: sqlite3.Connection, groups: list[list[int]] | None = None) -> int:
        done.extend(("editions", g) for g in groups or [None])
        return editions(conn, groups)

    def check(
        conn: sqlite3.Connection, pairs: dict[str, str], among: list[int] | None = None
    ) -> int:
        done.append(("cumulative", among))
        return cumulative(conn, pairs, among)

    monkeypatch.setattr(archive.crossbulletin, "assign_editions", assign)
    monkeypatch.setattr(archive.crossbulletin, "check_cumulative", check)
    write_files(folder, {"dec_mirror.txt": DEC.read_text(encoding="utf-8") + "\n\n"})
    db, _ = ingest_into(db_path, [folder], catalog, names)
    paths = dict(db.execute("SELECT id, path FROM bulletins").fetchall())
    named = [(kind, sorted(paths[i] for i in ids or [])) for kind, ids in done]
    december = ["dec.txt", "dec_mirror.txt", "dec_word.txt"]
    assert named == [("editions", december), ("cumulative", december)]
    assert snapshot(db)["bulletins"][2:] == [
        ("dec.txt", 1, None),
        ("dec_mirror.txt", 0, "dec.txt"),
        ("dec_word.txt", 0, "dec.txt"),
    ]


def test_a_row_printed_twice_is_compared_by_its_repeats(
    tmp_path: Path, catalog: Catalog, names: NameBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edition printing 区社保局's row twice (first with 2596, then as the other
    edition prints it): the group is read one fact at a time, the first repeat pairs
    with the other edition's only one, and the edition with more traced facts leads."""
    dec = DEC.read_text(encoding="utf-8")
    row = "\t2\n\t区社保局\n\t2586\n\t2587\n\t2174\n\t100%\n\n"
    assert dec.count(row) == 1
    doubled = dec.replace(row, row.replace("2586", "2596") + row)
    folder = tmp_path / "in"
    write_files(folder, {"dec.txt": dec, "dec_twice.txt": doubled})
    read_alone: list[int] = []
    one_by_one = archive.editions._one_by_one

    def spy(conn: sqlite3.Connection, reading: Reading, row: tuple[Any, ...]) -> Facts:
        read_alone.append(int(row[0]))
        return one_by_one(conn, reading, row)

    monkeypatch.setattr(archive.editions, "_one_by_one", spy)
    db, _ = ingest_into(tmp_path / "a.db", [folder], catalog, names)
    assert len(read_alone) == 2
    got = snapshot(db)
    assert got["bulletins"] == [("dec.txt", 0, "dec_twice.txt"), ("dec_twice.txt", 1, None)]
    assert got["checks"] == [
        ("dec.txt", "editions_agree", "区社保局", "accepted", 2596.0, 2586.0,
         "dec.txt table 1 row 2 col 2 prints '2586', the primary edition dec_twice.txt "
         "table 1 row 2 col 2 prints '2596'",
         "dec_twice.txt 1 2 2 accepted; dec.txt 1 2 2 accepted"),
    ]  # fmt: skip
    assert got["contested"] == [("dec_twice.txt", 1, 2, 2, "accepted", 2596.0)]


def test_editions_whose_period_is_gone_stand_alone(
    tmp_path: Path, catalog: Catalog, names: NameBook
) -> None:
    folder = tmp_path / "in"
    dec = DEC.read_text(encoding="utf-8")
    write_files(folder, {"dec.txt": dec, "dec_word.txt": second_files()["dec_word.txt"]})
    db_path = tmp_path / "a.db"
    db, _ = ingest_into(db_path, [folder], catalog, names)
    assert snapshot(db)["bulletins"] == [("dec.txt", 1, None), ("dec_word.txt", 0, "dec.txt")]
    with db.conn:
        db.conn.execute("UPDATE bulletins SET period = NULL")
    assert refresh_cross_checks(db.conn, only_changed=True) == (0, 0)
    got = snapshot(db)
    assert got == {
        "bulletins": [("dec.txt", 1, None), ("dec_word.txt", 1, None)],
        "checks": [],
        "contested": [],
    }
    assert got == fully_recomputed(db_path, tmp_path)
