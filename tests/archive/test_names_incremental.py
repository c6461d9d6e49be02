"""Incremental names: a new bulletin resolves only its own names, a run that changes
nothing reads no fact, a names file change re-resolves only the publisher it serves."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

import archive.names
from archive.cli import main
from archive.ingest import ingest
from normalize.catalog import Catalog
from normalize.names import NameBook, load_names
from tests.helpers import CORPUS, DEC, SEP

PUBLISHER = "攀枝花市西区行政审批局"


def reading(db: sqlite_utils.Database, table: str) -> list[str]:
    """Record every statement prepared on ``db`` that reads ``table``."""
    reads: list[str] = []

    def authorizer(action: int, arg1: str | None, *_: object) -> int:
        if action == sqlite3.SQLITE_READ and arg1 == table:
            reads.append(f"{arg1}.{_[0]}")
        return sqlite3.SQLITE_OK

    db.conn.set_authorizer(authorizer)
    return reads


def test_a_run_that_changes_nothing_reads_no_fact(
    tmp_path: Path, catalog: Catalog, names: NameBook
) -> None:
    path = tmp_path / "a.db"
    first = ingest(sqlite_utils.Database(path), [SEP, DEC], catalog, names, publisher=PUBLISHER)
    assert (first.resolved, first.unresolved) == (92, 0)
    db = sqlite_utils.Database(path)  # a new connection: no statement prepared before
    before = db.execute("SELECT * FROM resolutions ORDER BY raw").fetchall()
    reads = reading(db, "facts")
    again = ingest(db, [SEP, DEC], catalog, names, publisher=PUBLISHER)
    assert (again.count("skipped"), again.resolved, again.unresolved) == (2, 92, 0)
    assert reads == []
    assert db.execute("SELECT * FROM resolutions ORDER BY raw").fetchall() == before
    db.execute("SELECT COUNT(*) FROM facts_readable").fetchone()
    assert "facts.bulletin_id" in reads  # the probe does see a read of facts


def test_a_new_bulletin_resolves_only_its_own_names(
    tmp_path: Path, catalog: Catalog, names: NameBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = sqlite_utils.Database(tmp_path / "a.db")
    ingest(db, [SEP], catalog, names, publisher=PUBLISHER)
    sep_names = db.execute("SELECT raw, entity_id FROM resolutions").fetchall()

    def no_rebuild(*args: object) -> None:
        raise AssertionError("the publisher's names were re-resolved")

    monkeypatch.setattr(archive.names, "rebuild_publisher", no_rebuild)
    report = ingest(db, [DEC], catalog, names, publisher=PUBLISHER)
    assert (report.count("ingested"), report.resolved, report.unresolved) == (1, 92, 0)
    both = dict(db.execute("SELECT raw, entity_id FROM resolutions").fetchall())
    assert {raw: both[raw] for raw, _ in sep_names} == dict(sep_names)
    social = db.execute(
        "SELECT DISTINCT bulletin, entity FROM facts_readable WHERE entity_raw = '区社保局'"
    ).fetchall()
    assert social == [(DEC.name, "区社会保险事务中心")]


def test_a_names_change_re_resolves_only_its_publisher(
    tmp_path: Path, catalog: Catalog, names: NameBook
) -> None:
    db = sqlite_utils.Database(tmp_path / "a.db")
    ingest(db, [SEP], catalog, names, publisher=PUBLISHER)
    ingest(db, [DEC], catalog, names, publisher="另一发布单位")
    kept = db.execute("SELECT * FROM entities WHERE publisher = ?", [PUBLISHER]).fetchall()
    text = (CORPUS / "names.yaml").read_text(encoding="utf-8")
    changed = tmp_path / "names.yaml"
    changed.write_text(text.replace(", aliases: [区社保局]", ""), encoding="utf-8")
    report = ingest(db, [DEC], catalog, load_names(changed), publisher="另一发布单位")
    assert (report.count("skipped"), report.unresolved) == (1, 1)
    assert db.execute("SELECT * FROM entities WHERE publisher = ?", [PUBLISHER]).fetchall() == kept
    assert db.execute("SELECT name, publisher FROM unresolved_names").fetchall() == [
        ("区社保局", "另一发布单位")
    ]


def test_names_no_bulletin_prints_any_more_are_dropped(
    tmp_path: Path, catalog: Catalog, names: NameBook
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    bulletin = folder / DEC.name
    bulletin.write_text(DEC.read_text(encoding="utf-8").replace("区林业局", "区林业和草原局"))
    db = sqlite_utils.Database(tmp_path / "a.db")
    first = ingest(db, [bulletin], catalog, names, publisher=PUBLISHER)
    assert (first.resolved, first.unresolved) == (21, 1)
    assert db.execute("SELECT raw, rank FROM name_candidates").fetchall() == [
        ("区林业和草原局", 1), ("区林业和草原局", 2)
    ]  # fmt: skip
    bulletin.write_text(DEC.read_text(encoding="utf-8"))  # the printer's error corrected
    again = ingest(db, [bulletin], catalog, names, publisher=PUBLISHER)
    assert (again.count("ingested"), again.resolved, again.unresolved) == (1, 22, 0)
    assert db.execute("SELECT raw FROM resolutions WHERE raw LIKE '区林业%'").fetchall() == [
        ("区林业局",)
    ]
    assert db.execute("SELECT COUNT(*) FROM name_candidates").fetchone() == (0,)


def test_a_bulletin_of_a_profiled_publisher_resolves_against_its_names_file(
    tmp_path: Path, catalog: Catalog
) -> None:
    """A run without a profile stores a bulletin whose text names a publisher an earlier
    run stored with its profile: the bulletin resolves against that profile's names
    file, and that publisher's names are left as they were."""
    db_path = tmp_path / "a.db"
    result = CliRunner().invoke(main, ["ingest", str(SEP), "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    db = sqlite_utils.Database(db_path)
    kept = db.execute("SELECT * FROM entities ORDER BY id").fetchall()
    other = tmp_path / "other.yaml"
    other.write_text("entities:\n  - {name: 区社保局, kind: department}\n", encoding="utf-8")
    report = ingest(db, [DEC], catalog, load_names(other))  # its text names 西区's publisher
    assert report.count("ingested") == 1
    assert db.execute("SELECT DISTINCT publisher FROM bulletins").fetchall() == [(PUBLISHER,)]
    assert db.execute("SELECT * FROM entities ORDER BY id").fetchall() == kept
    social = db.execute(
        "SELECT DISTINCT entity FROM facts_readable WHERE entity_raw = '区社保局'"
    ).fetchall()
    assert social == [("区社会保险事务中心",)]
