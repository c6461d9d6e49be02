"""Facts and bulletin rows of ingested prose bulletins, side by side with golden CSVs
written by hand: the comparison every prose-family test makes."""

from __future__ import annotations

import csv
from pathlib import Path

import sqlite_utils

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


def stored_facts(archive: sqlite_utils.Database, bulletin: str) -> list[tuple[object, ...]]:
    """The bulletin's facts in facts_readable, in order; all of them headline facts."""
    cursor = archive.execute(
        f"SELECT {', '.join(FIELDS)}, table_kind FROM facts_readable WHERE bulletin = ? "
        "ORDER BY fact_id",
        [bulletin],
    )
    rows = [dict(zip([d[0] for d in cursor.description], r, strict=True)) for r in cursor]
    assert {r["table_kind"] for r in rows} == {"headline"}
    return [comparable(r, FIELDS) for r in rows]


def golden_facts(path: Path) -> list[tuple[object, ...]]:
    return [comparable(r, FIELDS) for r in read_csv(path)]


def stored_bulletins(archive: sqlite_utils.Database) -> dict[str, tuple[object, ...]]:
    cursor = archive.execute(f"SELECT path, {', '.join(BULLETIN_FIELDS)} FROM bulletins")
    return {
        r[0]: comparable(dict(zip(BULLETIN_FIELDS, r[1:], strict=True)), BULLETIN_FIELDS)
        for r in cursor
    }


def golden_bulletins(path: Path) -> dict[str, tuple[object, ...]]:
    return {r["bulletin"]: comparable(r, BULLETIN_FIELDS) for r in read_csv(path)}
