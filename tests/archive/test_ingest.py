"""Ingest: idempotent loads, replacement of changed files, failures, names-only refresh."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import archive.ingest
from archive.cli import main
from normalize.catalog import Catalog
from normalize.names import NameBook, load_names
from tests.helpers import DEC, SEP, ingest_into

TABLES = ("bulletins", "source_tables", "cells", "facts", "blocks", "warnings", "failures")


def counts(db) -> dict[str, int]:
    return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def readable(db, path: str) -> list[tuple]:
    return db.execute(
        "SELECT table_kind, entity, entity_raw, row_role, metric, value, value_raw, unit, note, "
        "line FROM facts_readable WHERE bulletin = ? ORDER BY fact_id",
        [path],
    ).fetchall()


def test_bulletins_table(tmp_path: Path, catalog: Catalog, names: NameBook) -> None:
    db, report = ingest_into(tmp_path / "a.db", [SEP, DEC], catalog, names)
    assert [o.status for o in report.outcomes] == ["ingested", "ingested"]
    rows = db.execute(
        "SELECT path, sha256, format, encoding, period, period_basis, published, n_tables, n_facts "
        "FROM bulletins ORDER BY path"
    ).fetchall()
    assert rows == [
        (DEC.name, hashlib.sha256(DEC.read_bytes()).hexdigest(), "text-tab", "utf-8", "2020-12",
         "publication_date", "2021-01-13", 1, 90),
        (SEP.name, hashlib.sha256(SEP.read_bytes()).hexdigest(), "text-pipe", "utf-8", "2022-09",
         "text_years", None, 3, 832),
    ]  # fmt: skip
    kinds = db.execute(
        "SELECT table_no, kind, n_rows, n_cols FROM source_tables ORDER BY id"
    ).fetchall()
    assert kinds == [
        (1, "online_service", 40, 19),
        (2, "hall_windows", 22, 4),
        (3, "town_centers", 40, 6),
        (1, "hall_windows", 22, 6),
    ]


def test_unchanged_files_add_nothing(tmp_path: Path, catalog: Catalog, names: NameBook) -> None:
    db, _ = ingest_into(tmp_path / "a.db", [SEP, DEC], catalog, names)
    before = counts(db)
    db, report = ingest_into(tmp_path / "a.db", [SEP, DEC], catalog, names)
    assert [o.status for o in report.outcomes] == ["skipped", "skipped"]
    assert counts(db) == before


def test_changed_file_replaces_its_rows(tmp_path: Path, catalog: Catalog, names: NameBook) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    copy = folder / SEP.name
    shutil.copy(SEP, copy)
    db, _ = ingest_into(tmp_path / "a.db", [folder], catalog, names)
    before = counts(db)
    copy.write_text(
        SEP.read_text(encoding="utf-8")
        .replace("\n4406 |\n", "\n4407 |\n")
        .replace("\n13907 |\n", "\n13908 |\n"),  # the total follows, or the gate flags it
        encoding="utf-8",
    )
    db, report = ingest_into(tmp_path / "a.db", [folder], catalog, names)
    assert [o.status for o in report.outcomes] == ["ingested"]
    assert counts(db) == before
    values = db.execute(
        "SELECT value FROM facts_readable WHERE entity = '市公交公司' AND metric = 'handled'"
    ).fetchall()
    assert values == [(4407.0,)]


def test_same_bulletin_in_other_encodings_gives_identical_facts(
    tmp_path: Path, catalog: Catalog, names: NameBook
) -> None:
    text = SEP.read_text(encoding="utf-8")
    variants = {
        "utf16.txt": text.encode("utf-16"),
        "gb.txt": text.replace("\n", "\r\n").encode("gb18030"),
    }
    for name, data in variants.items():
        (tmp_path / name).write_bytes(data)
    shutil.copy(SEP, tmp_path / SEP.name)
    db, _ = ingest_into(
        tmp_path / "a.db",
        [tmp_path / SEP.name, tmp_path / "utf16.txt", tmp_path / "gb.txt"],
        catalog,
        names,
    )
    original = readable(db, SEP.name)
    assert len(original) == 832
    assert readable(db, "utf16.txt") == original
    assert readable(db, "gb.txt") == original
    encodings = dict(db.execute("SELECT path, encoding FROM bulletins").fetchall())
    assert encodings == {SEP.name: "utf-8", "utf16.txt": "utf-16-le", "gb.txt": "gb18030"}


def test_parallel_jobs_give_the_same_archive(
    tmp_path: Path, catalog: Catalog, names: NameBook
) -> None:
    import sqlite_utils

    from archive.ingest import ingest

    one, _ = ingest_into(tmp_path / "one.db", [SEP, DEC], catalog, names)
    two = sqlite_utils.Database(tmp_path / "two.db")
    ingest(two, [SEP, DEC], catalog, names, jobs=2)
    assert readable(two, SEP.name) == readable(one, SEP.name)
    assert readable(two, DEC.name) == readable(one, DEC.name)


def test_names_only_change_re_resolves_without_reading_files(
    tmp_path: Path, catalog: Catalog, names: NameBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    yaml_text = (Path(__file__).parents[2] / "corpus" / "names.yaml").read_text(encoding="utf-8")
    names_file = tmp_path / "names.yaml"
    names_file.write_text(yaml_text.replace(", aliases: [区社保局]", ""), encoding="utf-8")
    db, report = ingest_into(tmp_path / "a.db", [DEC], catalog, load_names(names_file))
    assert report.unresolved == 1
    unresolved = db.execute("SELECT name, facts, bulletins FROM unresolved_names").fetchall()
    assert unresolved == [("区社保局", 4, 1)]

    def no_extraction(*args: object) -> None:
        raise AssertionError("a file was read again")

    monkeypatch.setattr(archive.ingest, "process", no_extraction)
    names_file.write_text(yaml_text, encoding="utf-8")
    db, report = ingest_into(tmp_path / "a.db", [DEC], catalog, load_names(names_file))
    assert (report.count("skipped"), report.unresolved) == (1, 0)
    rows = db.execute(
        "SELECT entity, value FROM facts_readable WHERE entity_raw = '区社保局' ORDER BY fact_id"
    ).fetchall()
    assert rows == [("区社会保险事务中心", 2586.0), ("区社会保险事务中心", 2587.0),
                    ("区社会保险事务中心", 2174.0), ("区社会保险事务中心", 100.0)]  # fmt: skip


def test_bad_files_are_reported_and_the_rest_lands(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(DEC, folder / "good.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(1, 40)) * 20)
    (folder / "prose.txt").write_text("一、办件情况\n本月工作平稳。\n", encoding="utf-8")
    (folder / "broken.txt").write_bytes("序号 |\n".encode() + b"\xff\xfe\xfd\x80\x80")
    (folder / "scan.pdf").write_bytes(b"%PDF-1.7\n")
    (folder / "names.yaml").write_text("entities: []\n", encoding="utf-8")  # not a bulletin
    db_path = tmp_path / "a.db"
    result = CliRunner().invoke(main, ["ingest", str(folder), "--db", str(db_path)])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        "error: broken.txt: not valid UTF-8 (byte 9), nor GB18030 or Big5; re-save it as UTF-8",
        "error: empty.txt: the file is empty",
        "error: image.txt: not a readable image: it starts like a PNG file but cannot be decoded "
        "(truncated or damaged); copy or export it again",
        "error: prose.txt: no table and no figure found "
        "(if the bulletin is an attached .doc or .pdf, ingest that file)",
        "error: scan.pdf: not a readable PDF: it starts with %PDF but holds no PDF objects",
    ]
    assert "Traceback" not in result.output
    assert result.stderr.splitlines()[-1].startswith("1 ingested, 0 unchanged, 5 failed; 90 facts")
    import sqlite_utils

    db = sqlite_utils.Database(db_path)
    failures = db.execute("SELECT path, stage FROM failures ORDER BY path").fetchall()
    assert failures == [("broken.txt", "decode"), ("empty.txt", "extract"), ("image.txt", "extract"),
                        ("prose.txt", "extract"), ("scan.pdf", "extract")]  # fmt: skip
    assert db.execute("SELECT path FROM bulletins").fetchall() == [("good.txt",)]
    # Once fixed, a file's failure is cleared.
    (folder / "empty.txt").write_bytes(DEC.read_bytes())
    CliRunner().invoke(main, ["ingest", str(folder / "empty.txt"), "--db", str(db_path)])
    assert db.execute("SELECT COUNT(*) FROM failures WHERE path = 'empty.txt'").fetchone() == (0,)


def test_indexes_are_rebuilt_at_the_end_only_when_a_run_adds_many_against_what_is_stored() -> None:
    import sqlite_utils

    from archive.ingest import Job, is_bulk
    from archive.schema import ensure_schema

    db = sqlite_utils.Database(memory=True)
    ensure_schema(db)

    def jobs(n: int, start: int = 0) -> list[Job]:
        return [Job(Path(f"{i}.txt"), f"{i}.txt", "x") for i in range(start, start + n)]

    def store(n: int) -> None:
        count = db["bulletins"].count
        db["bulletins"].insert_all(
            {"path": f"old-{i}.txt", "sha256": "y"} for i in range(count, count + n)
        )

    assert is_bulk(db, jobs(100))  # a new archive
    assert not is_bulk(db, jobs(99))
    store(150)
    assert is_bulk(db, jobs(100))  # 100 new against 150 stored: rebuilding pays
    store(50)
    assert not is_bulk(db, jobs(100))  # against 200: kept live
    assert not is_bulk(db, [*jobs(300)[:-1], Job(Path("r.txt"), "old-3.txt", "z")])  # replaces
    assert not is_bulk(db, [*jobs(299), Job(Path("d.txt"), "d.txt", "z", rederive=1)])
    assert is_bulk(db, jobs(300))
