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

import csv
from pathlib import Path

import pytest
import sqlite_utils

from normalize.catalog import Catalog
from normalize.names import NameBook
from tests.helpers import ROOT, ingest_into

FIXTURES = ROOT / "tests" / "fixtures" / "family"
GOLDEN = ROOT / "tests" / "golden" / "family"
FILES = sorted(p for p in FIXTURES.glob("prose-*") if p.suffix in (".txt", ".html"))
FIELDS = (
    "entity_raw",
    "row_role",
    "metric",
    "header",
    "value",
    "value_raw",
    "unit",
    "note",
    "period",
    "period_type",
    "needs_review",
)
BULLETIN_FIELDS = (
    "period",
    "period_type",
    "period_start",
    "period_end",
    "period_basis",
    "published",
    "publisher",
    "title",
)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def comparable(row: dict[str, object], fields: tuple[str, ...]) -> tuple[object, ...]:
    """Empty and NULL alike; numbers as rounded floats; flags as ints."""
    out: list[object] = []
    for key in fields:
        value = row[key]
        if value in ("", None):
            out.append(None)
        elif key == "value":
            out.append(round(float(str(value)), 6))
        elif key == "needs_review":
            out.append(int(str(value)))
        else:
            out.append(str(value))
    return tuple(out)


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
    columns = ", ".join(FIELDS)
    cursor = archive.execute(
        f"SELECT {columns}, table_kind FROM facts_readable WHERE bulletin = ? ORDER BY fact_id",
        [name],
    )
    rows = [dict(zip([d[0] for d in cursor.description], r, strict=True)) for r in cursor]
    assert {r["table_kind"] for r in rows} == {"headline"}
    got = [comparable(r, FIELDS) for r in rows]
    want = [comparable(r, FIELDS) for r in read_csv(GOLDEN / f"{Path(name).stem}.csv")]
    assert got == want


def test_bulletin_rows_equal_the_hand_written_golden_file(archive: sqlite_utils.Database) -> None:
    columns = ", ".join(BULLETIN_FIELDS)
    cursor = archive.execute(f"SELECT path, {columns} FROM bulletins ORDER BY path")
    got = {
        r[0]: comparable(dict(zip(BULLETIN_FIELDS, r[1:], strict=True)), BULLETIN_FIELDS)
        for r in cursor
    }
    want = {
        r["bulletin"]: comparable(r, BULLETIN_FIELDS)
        for r in read_csv(GOLDEN / "prose-bulletins.csv")
    }
    assert got == want


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
