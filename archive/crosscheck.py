"""Checks across bulletins: a cumulative column against the months before it.

Within one publisher (NULL counts as one publisher) and one year, for every row (table
kind, department, row role) printed in two consecutive months by primary editions,
``cumulative(month) = cumulative(month before) + monthly(month)`` (a cumulative figure
may carry its own range period, e.g. 2022-01..2022-09, ending at the bulletin's month).
The pairs of metrics
are data (``crosschecks.yaml``). Each row that does not add up is one finding in
``checks`` (rule ``cumulative_follows``) naming the cells of both bulletins.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any

from archive.names_schema import entity_join
from normalize.yamlload import YamlError, load_yaml

RULE = "cumulative_follows"
CONFIG = Path(__file__).with_name("crosschecks.yaml")
TOLERANCE = 0.5  # counts are whole numbers


class CrossCheckError(ValueError):
    """The cross-check configuration is malformed."""


def load_pairs(path: Path = CONFIG) -> dict[str, str]:
    """cumulative metric → monthly metric, from the configuration file."""
    try:
        data: Any = load_yaml(path)
    except YamlError as exc:
        raise CrossCheckError(str(exc)) from None
    pairs = data.get("cumulative") if isinstance(data, dict) else None
    if not isinstance(pairs, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in pairs.items()
    ):
        raise CrossCheckError(f"{path}: expected `cumulative:` mapping metric keys to metric keys")
    return {str(k): str(v) for k, v in pairs.items()}


@dataclass(frozen=True)
class Printed:
    """One printed figure of the check."""

    fact_id: int
    bulletin_id: int
    table_id: int | None
    path: str
    value: float
    where: str
    name: str


FACTS = f"""
SELECT COALESCE(b.publisher, ''), substr(b.period, 1, 4), CAST(substr(b.period, 6, 2) AS INT),
       lk.text, COALESCE('entity:' || e.id, 'raw:' || e_k.text), lr.text,
       lm.text, f.id, b.id, f.table_id, b.path, f.value, t.table_no, f."row", e_k.text
FROM facts f
JOIN bulletins b ON b.id = f.bulletin_id
JOIN labels lm ON lm.id = f.metric
LEFT JOIN labels lk ON lk.id = f.table_kind
LEFT JOIN labels lr ON lr.id = f.row_role
LEFT JOIN labels lp ON lp.id = f.period
LEFT JOIN source_tables t ON t.id = f.table_id
{entity_join("f", "b", "f.name_key", "e")}
WHERE b.is_primary = 1 AND b.period_type = 'month'
  AND (lp.text IS NULL OR lp.text = b.period OR lp.text LIKE '%..' || b.period)
  AND f.value IS NOT NULL AND f.name_key IS NOT NULL
  AND lm.text IN (SELECT value FROM json_each(?))
ORDER BY 1, 2, 4, 5, 6, 8  -- by row, then as stored: the first fact of a month wins
"""
# a row's key: publisher, year, table kind, entity (or raw name), row role
_ROW = itemgetter(0, 1, 3, 4, 5)


def check_cumulative(conn: sqlite3.Connection, pairs: dict[str, str]) -> int:
    """Replace the cumulative findings; runs inside the caller's transaction.

    The facts come ordered by row, so only one row's months are held at a time: memory
    stays flat however large the archive."""
    conn.execute("DELETE FROM checks WHERE rule = ?", [RULE])
    metrics = sorted(set(pairs) | set(pairs.values()))
    found = 0
    for _, printed_row in groupby(conn.execute(FACTS, [json.dumps(metrics)]), key=_ROW):
        months: dict[int, dict[str, Printed]] = {}
        for r in printed_row:
            where = f"table {r[12]} row {r[13]}" if r[12] is not None else "headline"
            printed = Printed(
                int(r[7]), int(r[8]), r[9], str(r[10]), float(r[11]), where, str(r[14])
            )
            months.setdefault(int(r[2]), {}).setdefault(str(r[6]), printed)
        findings = [
            finding
            for month in sorted(months)
            for cumulative, monthly in pairs.items()
            if (finding := _finding(months, month, cumulative, monthly)) is not None
        ]
        conn.executemany(
            "INSERT INTO checks (bulletin_id, table_id, rule, subject, metric, expected, "
            "actual, status, message, cells) VALUES (?, ?, ?, ?, ?, ?, ?, 'mismatch', ?, ?)",
            findings,
        )
        found += len(findings)
    return found


def _finding(
    months: dict[int, dict[str, Printed]],
    month: int,
    cumulative: str,
    monthly: str,
) -> tuple[object, ...] | None:
    now, before = months[month], months.get(month - 1, {})
    total, added, previous = now.get(cumulative), now.get(monthly), before.get(cumulative)
    if total is None or added is None or previous is None:
        return None
    expected = previous.value + added.value
    if abs(expected - total.value) <= TOLERANCE:
        return None
    message = (
        f"{cumulative} {total.value:g} ({total.path} {total.where}) should be "
        f"{previous.value:g} ({previous.path} {previous.where}) + {monthly} {added.value:g} "
        f"= {expected:g}"
    )
    cells = json.dumps([total.fact_id, previous.fact_id, added.fact_id])
    return (total.bulletin_id, total.table_id, RULE, total.name, cumulative, expected, total.value,
            message, cells)  # fmt: skip
