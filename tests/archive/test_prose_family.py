"""Prose-only bulletins of the family, ingested for real, against golden CSVs written by hand.

Each fixture under tests/fixtures/family/prose-* is a bulletin without a table (a
hotline month, a mayor's mailbox, a quarter, a half year, a year, a 1-9月 cumulative beside
its month, a meeting notice, an issue-numbered 简报, a site metadata block, and a web page
written by hand with its metadata block, navigation and footer). Its facts are
compared field by field through facts_readable with tests/golden/family/<name>.csv, and
its bulletin row with tests/golden/family/prose-bulletins.csv. The CSVs were written by
reading the fixtures, not by running the pipeline.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils

from normalize.catalog import Catalog
from normalize.names import NameBook
from tests.archive.prose_golden import (
    golden_bulletins,
    golden_facts,
    stored_bulletins,
    stored_facts,
)
from tests.helpers import ROOT, ingest_into

FIXTURES = ROOT / "tests" / "fixtures" / "family"
GOLDEN = ROOT / "tests" / "golden" / "family"
FILES = sorted(p for p in FIXTURES.glob("prose-*") if p.suffix in (".txt", ".html"))


@pytest.fixture(scope="module")
def archive(
    tmp_path_factory: pytest.TempPathFactory, catalog: Catalog, names: NameBook
) -> sqlite_utils.Database:
    db, report = ingest_into(tmp_path_factory.mktemp("family") / "a.db", FILES, catalog, names)
    assert [o.status for o in report.outcomes] == ["ingested"] * len(FILES)
    return db


def test_there_are_eleven_prose_fixtures_each_with_a_golden_file() -> None:
    assert [f.stem for f in FILES] == [
        "prose-briefing",
        "prose-cumulative",
        "prose-half",
        "prose-hotline",
        "prose-mailbox",
        "prose-meeting",
        "prose-metadata",
        "prose-page",
        "prose-quarter",
        "prose-windows",
        "prose-year",
    ]
    assert all((GOLDEN / f"{f.stem}.csv").exists() for f in FILES)


@pytest.mark.parametrize("name", [f.name for f in FILES])
def test_facts_equal_the_hand_written_golden_file(
    archive: sqlite_utils.Database, name: str
) -> None:
    assert stored_facts(archive, name) == golden_facts(GOLDEN / f"{Path(name).stem}.csv")


def test_bulletin_rows_equal_the_hand_written_golden_file(archive: sqlite_utils.Database) -> None:
    assert stored_bulletins(archive) == golden_bulletins(GOLDEN / "prose-bulletins.csv")


def test_the_eight_august_paragraph_lands_with_three_facts(archive: sqlite_utils.Database) -> None:
    rows = archive.execute(
        "SELECT period, entity_raw, metric, value FROM facts_readable WHERE bulletin = ?",
        ["prose-windows.txt"],
    ).fetchall()
    assert rows == [
        ("2025-08", "各窗口", "cases", 31250.0),
        ("2025-08", "各窗口", "completed", 31250.0),
        ("2025-08", "各窗口", "completion_rate", 100.0),
    ]


def test_every_prose_bulletin_warns_that_no_table_was_found(archive: sqlite_utils.Database) -> None:
    rows = archive.execute(
        "SELECT b.path FROM warnings w JOIN bulletins b ON b.id = w.bulletin_id "
        "WHERE w.message = 'no table found; the bulletin''s figures are read from its prose' "
        "ORDER BY b.path"
    ).fetchall()
    assert [r[0] for r in rows] == [f.name for f in FILES]


def test_unknown_labels_are_reported(archive: sqlite_utils.Database) -> None:
    rows = archive.execute(
        "SELECT b.path, w.message FROM warnings w JOIN bulletins b ON b.id = w.bulletin_id "
        "WHERE w.message LIKE '%not in the vocabulary%' ORDER BY b.path, w.id"
    ).fetchall()
    assert rows == [
        (
            "prose-quarter.txt",
            "line 2: prose label '接听咨询电话' is not in the vocabulary; "
            "kept as metric '接听咨询电话'",
        ),
    ]
