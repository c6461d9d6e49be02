"""Identity: keys never collide, content seen before is not stored twice, files gone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from archive.cli import main
from archive.ingest import ingest
from archive.paths import Found, KeyCollision, walk
from normalize.catalog import Catalog
from normalize.names import NameBook
from tests.helpers import DEC, SEP, ingest_into


def keys(db: sqlite_utils.Database) -> list[tuple[str, int]]:
    return db.execute("SELECT path, n_facts FROM bulletins ORDER BY path").fetchall()


def stored_values(db: sqlite_utils.Database, path: str) -> list[tuple[object, ...]]:
    return db.execute(
        "SELECT entity_raw, metric, value FROM facts_readable WHERE bulletin = ? "
        "AND entity_raw = '区社保局' ORDER BY fact_id",
        [path],
    ).fetchall()


@pytest.fixture()
def years(tmp_path: Path) -> Path:
    """archive/2021/01.txt (the 2020-12 sample) and archive/2022/01.txt (2022-09)."""
    root = tmp_path / "archive"
    for year, sample in (("2021", DEC), ("2022", SEP)):
        (root / year).mkdir(parents=True)
        shutil.copy(sample, root / year / "01.txt")
    return root


def test_two_folders_with_the_same_file_name_give_two_bulletins(
    tmp_path: Path, years: Path, catalog: Catalog, names: NameBook
) -> None:
    db, report = ingest_into(tmp_path / "a.db", [years / "2021", years / "2022"], catalog, names)
    assert [(o.path, o.status) for o in report.outcomes] == [
        ("2021/01.txt", "ingested"),
        ("2022/01.txt", "ingested"),
    ]
    assert keys(db) == [("2021/01.txt", 90), ("2022/01.txt", 832)]
    assert db["facts"].count == 922
    assert stored_values(db, "2021/01.txt") == [
        ("区社保局", "accepted", 2586.0),
        ("区社保局", "completed", 2587.0),
        ("区社保局", "evaluations", 2174.0),
        ("区社保局", "satisfaction_rate", 100.0),
    ]


def test_the_parent_folder_afterwards_stores_nothing_twice(
    tmp_path: Path, years: Path, catalog: Catalog, names: NameBook
) -> None:
    ingest_into(tmp_path / "a.db", [years / "2021", years / "2022"], catalog, names)
    db, report = ingest_into(tmp_path / "a.db", [years], catalog, names)
    assert [(o.path, o.status) for o in report.outcomes] == [
        ("2021/01.txt", "skipped"),
        ("2022/01.txt", "skipped"),
    ]
    assert keys(db) == [("2021/01.txt", 90), ("2022/01.txt", 832)]
    assert db["facts"].count == 922


def test_one_folder_then_its_parent_records_a_copy(
    tmp_path: Path, years: Path, catalog: Catalog, names: NameBook
) -> None:
    ingest_into(tmp_path / "a.db", [years / "2021"], catalog, names)
    db, report = ingest_into(tmp_path / "a.db", [years], catalog, names)
    assert [(o.path, o.status, o.message) for o in report.outcomes] == [
        ("2022/01.txt", "ingested", ""),
        ("2021/01.txt", "copy", "same content as 01.txt"),
    ]
    assert keys(db) == [("01.txt", 90), ("2022/01.txt", 832)]
    assert db["facts"].count == 922
    assert db.execute("SELECT c.path, b.path FROM copies c JOIN bulletins b "
                      "ON b.id = c.bulletin_id").fetchall() == [("2021/01.txt", "01.txt")]  # fmt: skip
    again = ingest(db, [years], catalog, names)
    assert [(o.path, o.status) for o in again.outcomes] == [
        ("2021/01.txt", "skipped"),
        ("2022/01.txt", "skipped"),
    ]


def test_the_summary_says_same_content_as(tmp_path: Path, years: Path) -> None:
    db = str(tmp_path / "a.db")
    CliRunner().invoke(main, ["ingest", str(years / "2021"), "--db", db])
    result = CliRunner().invoke(main, ["ingest", str(years), "--db", db])
    assert result.exit_code == 0, result.output
    assert "copy: 2021/01.txt: same content as 01.txt\n" in result.output
    assert "1 ingested, 1 copy (same content as 01.txt), 0 unchanged, 0 failed; 832 facts" in (
        result.output
    )


def a_bulletin_and_its_mirror(folder: Path) -> Path:
    """A folder holding the 2020-12 sample twice: a.txt and mirror/a.txt."""
    (folder / "mirror").mkdir(parents=True)
    shutil.copy(DEC, folder / "a.txt")
    shutil.copy(DEC, folder / "mirror" / "a.txt")
    return folder


def test_two_copies_in_one_run_store_one_bulletin(
    tmp_path: Path, catalog: Catalog, names: NameBook
) -> None:
    folder = a_bulletin_and_its_mirror(tmp_path / "in")
    db, report = ingest_into(tmp_path / "a.db", [folder], catalog, names)
    assert [(o.path, o.status, o.message) for o in report.outcomes] == [
        ("a.txt", "ingested", ""),
        ("mirror/a.txt", "copy", "same content as a.txt"),
    ]
    assert keys(db) == [("a.txt", 90)]


def test_a_key_collision_is_an_error_before_anything_is_written(tmp_path: Path) -> None:
    for year in ("2021", "2022"):
        (tmp_path / year).mkdir()
        shutil.copy(DEC, tmp_path / year / "01.txt")
    first, second = tmp_path / "2021" / "01.txt", tmp_path / "2022" / "01.txt"
    with pytest.raises(KeyCollision, match=r"would both be stored as 01\.txt"):
        list(walk([first, second]))
    db = tmp_path / "a.db"
    result = CliRunner().invoke(main, ["ingest", str(first), str(second), "--db", str(db)])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {first} and {second} would both be stored as 01.txt; "
        "name the folder that holds both instead\n"
    )
    assert not db.exists()


def test_the_same_file_named_twice_is_read_once(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(DEC, folder / "a.txt")
    found = list(walk([folder, folder / "a.txt"]))
    assert found == [Found(folder / "a.txt", "a.txt")]


def test_files_gone_are_listed_and_pruned(tmp_path: Path, years: Path) -> None:
    db_path = tmp_path / "a.db"
    runner = CliRunner()
    runner.invoke(main, ["ingest", str(years), "--db", str(db_path)])
    (years / "2022" / "01.txt").unlink()
    result = runner.invoke(main, ["ingest", str(years), "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert (
        "1 gone from disk (still in the archive; --prune removes them):\n"
        f"  2022/01.txt ({years / '2022' / '01.txt'})\n"
    ) in result.output
    assert keys(sqlite_utils.Database(db_path)) == [("2021/01.txt", 90), ("2022/01.txt", 832)]
    result = runner.invoke(main, ["ingest", str(years), "--db", str(db_path), "--prune"])
    assert result.exit_code == 0, result.output
    assert "1 gone from disk, removed from the archive:" in result.output
    db = sqlite_utils.Database(db_path)
    assert keys(db) == [("2021/01.txt", 90)]
    assert db["facts"].count == 90
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_pruning_a_bulletin_keeps_it_under_its_copy(
    tmp_path: Path, catalog: Catalog, names: NameBook
) -> None:
    folder = a_bulletin_and_its_mirror(tmp_path / "in")
    db, _ = ingest_into(tmp_path / "a.db", [folder], catalog, names)
    (folder / "a.txt").unlink()
    report = ingest(db, [folder], catalog, names, prune_gone=True)
    assert [(o.path, o.status, o.message) for o in report.outcomes] == [
        ("mirror/a.txt", "skipped", "same content as a.txt")
    ]
    assert [(g.path, g.kind) for g in report.gone] == [("a.txt", "bulletin")]
    assert keys(db) == [("mirror/a.txt", 90)]
    assert db["copies"].count == 0
    assert db["facts"].count == 90


def test_names_only_a_pruned_bulletin_printed_leave_the_resolutions(
    tmp_path: Path, years: Path
) -> None:
    db_path = tmp_path / "a.db"
    runner = CliRunner()
    runner.invoke(main, ["ingest", str(years), "--db", str(db_path)])

    def resolved(raw: str) -> int:
        db = sqlite_utils.Database(db_path)
        return int(
            db.execute("SELECT COUNT(*) FROM resolutions WHERE raw = ?", [raw]).fetchone()[0]
        )

    assert resolved("区社会保险事务中心") == 1  # printed in 2022-09 only
    assert resolved("区社保局") == 1  # printed in 2020-12
    (years / "2022" / "01.txt").unlink()
    result = runner.invoke(main, ["ingest", str(years), "--db", str(db_path), "--prune"])
    assert result.exit_code == 0, result.output
    assert resolved("区社会保险事务中心") == 0
    assert resolved("区社保局") == 1
