"""A hotline month in prose only (categories in brackets, a breakdown by type, a second
subject's paragraph, units listed with bracketed rates), ingested for real and compared
through facts_readable with a golden CSV written by reading the fixture."""

from __future__ import annotations

import csv
from pathlib import Path

import sqlite_utils

from normalize.catalog import Catalog
from normalize.names import NameBook
from tests.helpers import ROOT, ingest_into

FIXTURE = ROOT / "tests" / "fixtures" / "prose-parts" / "hotline-categories.txt"
GOLDEN = ROOT / "tests" / "golden" / "prose-parts" / "hotline-categories.csv"
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


def comparable(row: dict[str, object]) -> tuple[object, ...]:
    """Empty and NULL alike; numbers as rounded floats; flags as ints."""
    out: list[object] = []
    for key in FIELDS:
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


def test_categories_scopes_and_listed_units_land_as_written(
    tmp_path: Path, catalog: Catalog, names: NameBook
) -> None:
    db, report = ingest_into(tmp_path / "a.db", [FIXTURE], catalog, names)
    assert [o.status for o in report.outcomes] == ["ingested"]
    got = [
        comparable(r)
        for r in sqlite_utils.Database(db.conn).query(
            f"SELECT {', '.join(FIELDS)} FROM facts_readable ORDER BY line, fact_id"
        )
    ]
    with GOLDEN.open(encoding="utf-8", newline="") as handle:
        want = [comparable(r) for r in csv.DictReader(handle)]
    assert got == want
