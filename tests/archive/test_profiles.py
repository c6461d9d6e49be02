"""Profiles at the command line: a new district from an empty folder, its own names."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from archive.cli import main
from archive.names import entity_join
from normalize.names import check_names
from tests.helpers import CORPUS, SEP


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def east(text: str) -> str:
    """A bulletin (or names file) of another district: 西区 → 东区, 攀枝花市 → 某市."""
    return text.replace("攀枝花市", "某市").replace("西区", "东区")


def resolved(db: str, publisher: str | None = None) -> dict[str, str | None]:
    rows = sqlite_utils.Database(db).execute(
        "SELECT DISTINCT entity_raw, entity FROM facts_readable WHERE table_kind != 'headline' "
        "AND (? IS NULL OR publisher = ?)",
        [publisher, publisher],
    )
    return dict(rows.fetchall())


def test_a_new_district_from_an_empty_folder_writes_only_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    shipped = (CORPUS / "names.yaml").read_text(encoding="utf-8")
    code, out = run("init", "bulletins", "--publisher", "某市东区行政审批局")
    assert code == 0, out
    (tmp_path / "bulletins" / "2022-09.txt").write_text(
        east(SEP.read_text(encoding="utf-8")), encoding="utf-8"
    )
    code, out = run("ingest", "bulletins/")
    assert code == 0, out
    names = (tmp_path / "bulletins" / "names.yaml").resolve()
    profile = names.with_name("bulletins.yaml")
    assert f"profile {profile} (某市东区行政审批局); names {names}" in out
    code, out = run("names", "suggest")
    assert code == 0, out
    assert f"suggestions added, 0 updated in {names}" in out
    written = {str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()}
    sqlite_files = {"archive.db-shm", "archive.db-wal", "archive.db.lock"}
    assert written - sqlite_files == {
        "archive.db",
        "bulletins/2022-09.txt",
        "bulletins/bulletins.yaml",
        "bulletins/names.yaml",
    }
    assert "- raw: 东区行政审批局\n" not in names.read_text(encoding="utf-8")  # not a unit
    assert "  - raw: 区发展改革局\n    accept:\n" in names.read_text(encoding="utf-8")
    assert (CORPUS / "names.yaml").read_text(encoding="utf-8") == shipped
    db = sqlite_utils.Database(tmp_path / "archive.db")
    assert db.execute("SELECT DISTINCT publisher FROM bulletins").fetchall() == [
        ("某市东区行政审批局",)
    ]
    assert db.execute("SELECT name FROM publishers").fetchall() == [("某市东区行政审批局",)]


def test_the_other_district_resolves_what_this_one_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    west_db = str(tmp_path / "west.db")
    code, out = run("ingest", str(SEP), "--db", west_db)
    assert code == 0, out
    folder = tmp_path / "east"
    folder.mkdir()
    (folder / "2022-09.txt").write_text(east(SEP.read_text(encoding="utf-8")), encoding="utf-8")
    (folder / "names.yaml").write_text(
        east((CORPUS / "names.yaml").read_text(encoding="utf-8")), encoding="utf-8"
    )
    (folder / "bulletins.yaml").write_text(
        "publisher: 某市东区行政审批局\nshort_names: [东区行政审批局]\nnames: names.yaml\n",
        encoding="utf-8",
    )
    east_db = str(tmp_path / "east.db")
    code, out = run("ingest", str(folder), "--db", east_db)
    assert code == 0, out
    west, other = resolved(west_db), resolved(east_db)
    assert len(west) == 79 and None not in west.values()
    assert west["区社会保险事务中心"] == "区社会保险事务中心"
    assert {east(raw): east(e) if e else None for raw, e in west.items()} == other

    # the east bulletins into the west archive: two publishers, each with its own names
    code, out = run("ingest", str(folder), "--db", west_db)
    assert code == 0, out
    assert resolved(west_db, WEST) == west
    assert resolved(west_db, EAST) == other


WEST, EAST = "攀枝花市西区行政审批局", "某市东区行政审批局"


def two_publishers(tmp_path: Path, east_names: str) -> tuple[str, Path]:
    """The 2022-09 sample under its profile and its east copy under another, in one archive."""
    folder = tmp_path / "east"
    folder.mkdir()
    (folder / "2022-09.txt").write_text(east(SEP.read_text(encoding="utf-8")), encoding="utf-8")
    (folder / "names.yaml").write_text(east_names, encoding="utf-8")
    (folder / "bulletins.yaml").write_text(
        f"publisher: {EAST}\nshort_names: [东区行政审批局]\nnames: names.yaml\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "both.db")
    for path in (SEP, folder):
        code, out = run("ingest", str(path), "--db", db)
        assert code == 0, out
    return db, folder / "names.yaml"


def test_two_publishers_in_one_archive_share_no_entity(tmp_path: Path) -> None:
    shipped = (CORPUS / "names.yaml").read_text(encoding="utf-8")
    db_path, _ = two_publishers(tmp_path, east(shipped))
    db = sqlite_utils.Database(db_path)
    assert db.execute("SELECT name, profile IS NOT NULL FROM publishers ORDER BY name").fetchall() == [
        (WEST, 1), (EAST, 1)
    ]  # fmt: skip
    # the same printed 区民政局: one entity of each publisher, each bulletin reaching its own
    rows = db.execute(
        "SELECT b.publisher, e.publisher, e.name, f.value FROM facts f "
        f"JOIN bulletins b ON b.id = f.bulletin_id {entity_join()} "
        "JOIN labels le ON le.id = f.entity_raw JOIN labels lm ON lm.id = f.metric "
        "WHERE le.text = '区民政局' AND lm.text = 'claimed_items'"
    ).fetchall()
    assert sorted(rows) == [(WEST, WEST, "区民政局", 60.0), (EAST, EAST, "区民政局", 60.0)]
    two = db.execute(
        "SELECT publisher FROM entities WHERE name = '区民政局' ORDER BY id"
    ).fetchall()
    assert two == [(WEST,), (EAST,)]
    crossed = db.execute(
        f"SELECT COUNT(*) FROM facts f JOIN bulletins b ON b.id = f.bulletin_id {entity_join()} "
        "WHERE e.id IS NOT NULL AND e.publisher != b.publisher"
    ).fetchone()
    assert crossed == (0,)
    west, other = resolved(db_path, WEST), resolved(db_path, EAST)
    assert len(west) == 79 and None not in west.values()
    assert {east(raw): east(e) if e else None for raw, e in west.items()} == other
    assert db.execute("SELECT DISTINCT publisher FROM resolutions ORDER BY 1").fetchall() == [
        (WEST,), (EAST,)
    ]  # fmt: skip


def test_suggestions_are_made_within_a_publisher(tmp_path: Path) -> None:
    shipped = (CORPUS / "names.yaml").read_text(encoding="utf-8")
    bus = "  - {name: 市公交公司, kind: department, aliases: [市公交公司(市级下沉窗口)]}\n"
    assert bus in shipped
    renamed = "  - {name: 市公共汽车公司, kind: department}\n"  # a name only like it
    db_path, east_names = two_publishers(tmp_path, east(shipped.replace(bus, renamed)))
    west_names = (CORPUS / "names.yaml").read_text(encoding="utf-8")
    db = sqlite_utils.Database(db_path)
    assert db.execute("SELECT name, publisher FROM unresolved_names").fetchall() == [
        ("市公交公司(市级下沉窗口)", EAST)
    ]
    code, out = run("names", "suggest", "--db", db_path, "--names", str(east_names))
    assert code == 0, out
    text = east_names.read_text(encoding="utf-8")
    assert "  - raw: 市公交公司(市级下沉窗口)\n" in text
    assert (CORPUS / "names.yaml").read_text(encoding="utf-8") == west_names
    assert "candidates: ['市公共汽车公司 (66.7, fuzzy)']" in text
    candidates = db.execute(
        "SELECT c.publisher, c.raw, e.publisher, e.name, c.score FROM name_candidates c "
        "JOIN entities e ON e.id = c.entity_id"
    ).fetchall()
    assert candidates == [(EAST, "市公交公司(市级下沉窗口)", EAST, "市公共汽车公司", 66.7)]
    # the west publisher still resolves its bus company
    assert resolved(db_path, WEST)["市公交公司(市级下沉窗口)"] == "市公交公司"


def test_without_a_profile_or_names_file_the_command_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text(SEP.read_text(encoding="utf-8"), encoding="utf-8")
    code, out = run("ingest", "a.txt")
    assert code == 1
    assert out == (
        "Error: no names file: pass --names FILE, or write a profile with `bulletins init "
        "FOLDER` (a commented bulletins.yaml and an empty names registry) in the bulletins' "
        "folder\n"
    )


def test_suggest_with_a_names_file_no_publisher_uses_says_so(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    code, out = run("ingest", str(SEP), "--db", db)
    assert code == 0, out
    stray = tmp_path / "names.yaml"
    stray.write_text("entities: []\n", encoding="utf-8")
    code, out = run("names", "suggest", "--db", db, "--names", str(stray))
    assert code == 1
    assert out == (
        f"Error: no bulletin in {db} resolves its names with {stray} (its publishers: {WEST}, "
        "each with the names file of its profile); pass that file with --names\n"
    )
    assert stray.read_text(encoding="utf-8") == "entities: []\n"


def test_a_unit_both_names_files_share_is_one_entity(tmp_path: Path) -> None:
    """市公交公司 sits in both districts' halls: listed under `shared:` in both names
    files, it is one entity (publisher NULL); each district's own units stay apart."""
    shipped = (CORPUS / "names.yaml").read_text(encoding="utf-8") + "shared: [市公交公司]\n"
    db = str(tmp_path / "a.db")
    for who, text in ((WEST, SEP.read_text(encoding="utf-8")), (EAST, None)):
        folder = tmp_path / ("west" if who == WEST else "east")
        folder.mkdir()
        bulletin = text if text is not None else east(SEP.read_text(encoding="utf-8"))
        (folder / f"2022-09_{folder.name}.txt").write_text(bulletin, encoding="utf-8")
        names = shipped if who == WEST else east(shipped)
        (folder / "names.yaml").write_text(names, encoding="utf-8")
        (folder / "bulletins.yaml").write_text(
            f"publisher: {who}\nnames: names.yaml\n", encoding="utf-8"
        )
        code, out = run("ingest", str(folder), "--db", db)
        assert code == 0, out
    archive = sqlite_utils.Database(db)
    rows = archive.execute(
        "SELECT publisher, COUNT(*) FROM entities WHERE name IN ('市公交公司', '区民政局') "
        "GROUP BY publisher ORDER BY publisher"
    ).fetchall()
    assert rows == [(None, 1), (WEST, 1), (EAST, 1)]
    reached = archive.execute(
        f"SELECT DISTINCT b.publisher, e.name, e.publisher FROM facts f "
        f"JOIN bulletins b ON b.id = f.bulletin_id {entity_join()} "
        "JOIN labels le ON le.id = f.entity_raw "
        "WHERE le.text IN ('市公交公司(市级下沉窗口)', '区民政局') ORDER BY 1, 2"
    ).fetchall()
    assert reached == [
        (WEST, "区民政局", WEST), (WEST, "市公交公司", None),
        (EAST, "区民政局", EAST), (EAST, "市公交公司", None),
    ]  # fmt: skip
    assert resolved(db, WEST)["市公交公司(市级下沉窗口)"] == "市公交公司"
    assert resolved(db, EAST)["市公交公司(市级下沉窗口)"] == "市公交公司"


def test_shared_names_only_entities_of_the_file() -> None:
    data = {
        "entities": [{"name": "市公交公司", "kind": "department"}],
        "shared": ["市公交公司", "市医保局"],
    }
    book, problems = check_names(data)
    assert problems == ["entry 2: shared '市医保局' is not an entity"]
    assert book.shared == frozenset({"市公交公司"})
    _, problems = check_names({"entities": [], "shared": "市公交公司"})
    assert problems == ["'shared' must be a list of entity names, e.g. [市公交公司]"]
