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
from collections.abc import Sequence
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
    value: float


# The figures the check reads: per row (publisher, year, table kind, entity or raw name,
# row role: ids compared as they are), month and metric, the first fact as stored (the
# bare columns of min() come from the row holding the minimum). The facts are grouped
# first on what decides their entity (raw name, the bulletin's names and, where it has
# resolution overrides, the bulletin itself), so names are resolved once per group; the
# first of the first facts is the first fact.
FACTS = f"""
SELECT g.publisher, g.year, g.month, g.table_kind, e.id,
       CASE WHEN e.id IS NULL THEN g.name_key END, g.row_role, g.metric, min(g.first),
       g.printed_in, g.value
FROM (SELECT COALESCE(b.publisher, '') AS publisher, substr(b.period, 1, 4) AS year,
             CAST(substr(b.period, 6, 2) AS INT) AS month, f.table_kind AS table_kind,
             f.name_key AS name_key, f.row_role AS row_role, f.metric AS metric,
             b.names_scope AS names_scope,
             CASE WHEN b.id IN (SELECT bulletin_id FROM resolution_overrides) THEN b.id END
               AS bulletin_id,
             min(f.id) AS first, b.id AS printed_in, f.value AS value
      FROM facts f
      JOIN bulletins b ON b.id = f.bulletin_id
      LEFT JOIN labels lp ON lp.id = f.period
      WHERE b.is_primary = 1 AND b.period_type = 'month' AND b.period IS NOT NULL
        AND (lp.text IS NULL OR lp.text = b.period OR lp.text LIKE '%..' || b.period)
        AND f.value IS NOT NULL AND f.name_key IS NOT NULL
        AND f.metric IN (SELECT value FROM json_each(:metrics))
        {{among}}
      GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9) g
{entity_join("g", "g", "g.name_key", "e")}
GROUP BY 1, 2, 4, 5, 6, 7, 3, 8
ORDER BY 1, 2, 4, 5, 6, 7, 3, 8
"""
AMONG = "AND b.id IN (SELECT value FROM json_each(:among))"
_ROW = itemgetter(0, 1, 3, 4, 5, 6)
# What a finding's message says of each figure.
CELLS = """
SELECT f.id, f.table_id, ln.text, t.table_no, f."row", b.path
FROM facts f JOIN bulletins b ON b.id = f.bulletin_id
LEFT JOIN labels ln ON ln.id = f.name_key
LEFT JOIN source_tables t ON t.id = f.table_id
WHERE f.id IN (?, ?, ?)
"""


def check_cumulative(
    conn: sqlite3.Connection, pairs: dict[str, str], among: Sequence[int] | None = None
) -> int:
    """Replace the cumulative findings; runs inside the caller's transaction.

    ``among``: the bulletins of the (publisher, year) series to check again (their old
    findings are replaced); None: the whole archive. The facts come ordered by row, so
    only one row's months are held at a time: memory stays flat however large the
    archive."""
    if among is None:
        conn.execute("DELETE FROM checks WHERE rule = ?", [RULE])
    else:
        conn.execute(
            "DELETE FROM checks WHERE rule = ? AND bulletin_id IN (SELECT value FROM json_each(?))",
            [RULE, json.dumps(list(among))],
        )
    ids = metric_ids(conn, sorted(set(pairs) | set(pairs.values())))
    params = {"metrics": json.dumps(list(ids)), "among": json.dumps(list(among or []))}
    query = FACTS.format(among="" if among is None else AMONG)
    found = 0
    for _, printed_row in groupby(conn.execute(query, params), key=_ROW):
        months: dict[int, dict[str, Printed]] = {}
        for r in printed_row:
            printed = Printed(int(r[8]), int(r[9]), float(r[10]))
            months.setdefault(int(r[2]), {})[ids[int(r[7])]] = printed
        findings = [
            _finding(conn, finding)
            for month in sorted(months)
            for cumulative, monthly in pairs.items()
            if (finding := _mismatch(months, month, cumulative, monthly)) is not None
        ]
        conn.executemany(
            "INSERT INTO checks (bulletin_id, table_id, rule, subject, metric, expected, "
            "actual, status, message, cells) VALUES (?, ?, ?, ?, ?, ?, ?, 'mismatch', ?, ?)",
            findings,
        )
        found += len(findings)
    return found


def metric_ids(conn: sqlite3.Connection, metrics: list[str]) -> dict[int, str]:
    """The label ids of metric keys (those the archive holds)."""
    rows = conn.execute(
        "SELECT id, text FROM labels WHERE text IN (SELECT value FROM json_each(?))",
        [json.dumps(metrics)],
    )
    return {int(i): str(text) for i, text in rows}


@dataclass(frozen=True)
class Mismatch:
    """A row whose cumulative figure is not the month before's plus this month's."""

    cumulative: str
    monthly: str
    total: Printed
    previous: Printed
    added: Printed

    @property
    def expected(self) -> float:
        return self.previous.value + self.added.value


def _mismatch(
    months: dict[int, dict[str, Printed]],
    month: int,
    cumulative: str,
    monthly: str,
) -> Mismatch | None:
    now, before = months[month], months.get(month - 1, {})
    total, added, previous = now.get(cumulative), now.get(monthly), before.get(cumulative)
    if total is None or added is None or previous is None:
        return None
    if abs(previous.value + added.value - total.value) <= TOLERANCE:
        return None
    return Mismatch(cumulative, monthly, total, previous, added)


def _finding(conn: sqlite3.Connection, m: Mismatch) -> tuple[object, ...]:
    """The row of ``checks`` for a mismatch, naming the cells of the figures."""
    cells = [m.total.fact_id, m.previous.fact_id, m.added.fact_id]
    about = {int(r[0]): r[1:] for r in conn.execute(CELLS, cells)}
    total, previous = about[m.total.fact_id], about[m.previous.fact_id]
    message = (
        f"{m.cumulative} {m.total.value:g} ({total[4]} {_where(total)}) should be "
        f"{m.previous.value:g} ({previous[4]} {_where(previous)}) + {m.monthly} "
        f"{m.added.value:g} = {m.expected:g}"
    )
    return (m.total.bulletin_id, total[0], RULE, str(total[1]), m.cumulative, m.expected,
            m.total.value, message, json.dumps(cells))  # fmt: skip


def _where(cell: tuple[object, ...]) -> str:
    """Where a figure is printed: its table and row, or the headline."""
    return f"table {cell[2]} row {cell[3]}" if cell[2] is not None else "headline"
