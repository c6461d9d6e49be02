"""A hotline month in prose only (categories in brackets, a breakdown by type, a second
subject's paragraph, units listed with bracketed rates), ingested for real and compared
through facts_readable with a golden CSV written by reading the fixture."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from normalize.catalog import Catalog
from normalize.names import NameBook
from tests.archive.prose_golden import FIELDS, comparable, read_csv
from tests.helpers import ROOT, ingest_into

FIXTURE = ROOT / "tests" / "fixtures" / "prose-parts" / "hotline-categories.txt"
GOLDEN = ROOT / "tests" / "golden" / "prose-parts" / "hotline-categories.csv"


def test_categories_scopes_and_listed_units_land_as_written(
    tmp_path: Path, catalog: Catalog, names: NameBook
) -> None:
    db, report = ingest_into(tmp_path / "a.db", [FIXTURE], catalog, names)
    assert [o.status for o in report.outcomes] == ["ingested"]
    got = [
        comparable(r, FIELDS)
        for r in sqlite_utils.Database(db.conn).query(
            f"SELECT {', '.join(FIELDS)} FROM facts_readable ORDER BY line, fact_id"
        )
    ]
    assert got == [comparable(r, FIELDS) for r in read_csv(GOLDEN)]
