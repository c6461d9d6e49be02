"""The served archive answers the view's counting queries from the summary tables.

Datasette 0.65 counts the rows of every table page (``select count(*) from VIEW where
…``) and runs each facet as a GROUP BY over the page's whole query; over
``facts_readable`` each is a scan of every fact. No plugin hook supplies a count or a
facet's values, and the precomputed counts of ``datasette inspect`` are only read for
immutable databases, which the archive is not (it is served while an ingest writes).
So the served database is a ``Database`` whose ``execute`` recognises those queries
(on the whole view, or under one equality filter on a summarised column: what a click
on a facet value opens) and canned queries with a summary form, and, while the
summaries describe the archive as it is, runs the equivalent query on the summary
tables instead; anything else, or stale summaries, runs as written. Datasette renders
the answers as its own: links, toggles and "facets timed out" are unchanged.
"""

from __future__ import annotations

import re
from typing import Any

from datasette.database import Database

from archive.entity_facts import entities_named, restricted_view, view_is_current
from archive.summaries import ALL, COUNTS, DIMENSIONS, PERIODS, summaries_fresh

VIEW = "facts_readable"
_FILTER = r'(?:where "?(?P<filter>\w+)"? = :(?P<param>p0) )?'
COUNT_SQL = re.compile(rf"select count\(\*\) from {VIEW} {_FILTER}")
FACET_SQL = re.compile(
    rf"\s*select (?P<column>\w+) as value, count\(\*\) as count from \(\s*"
    rf"select .+ from {VIEW} {_FILTER}\s*\)\s*"
    r"where (?P=column) is not null\s*"
    r"group by (?P=column) order by count desc, value limit (?P<limit>\d+)\s*",
    re.S,
)
SUMMARY_COUNT = (
    f"SELECT coalesce((SELECT facts FROM {COUNTS} WHERE filter_column = :filter "
    "AND filter_value = :value AND \"column\" = '' AND value = ''), 0) AS \"count(*)\""
)
SUMMARY_FACET = (
    f"SELECT value, facts AS count FROM {COUNTS} WHERE filter_column = :filter "
    'AND filter_value = :value AND "column" = :column ORDER BY facts DESC, value LIMIT :limit'
)
# a facet on the filtered column: the chosen value only
SUMMARY_FACET_OF_FILTER = (
    f"SELECT filter_value AS value, facts AS count FROM {COUNTS} WHERE filter_column = :filter "
    "AND filter_value = :value AND \"column\" = '' AND value = '' AND facts > 0 AND :limit > 0"
)

# the rows of one period: the period is an expression over two tables (a figure's own
# period, else its bulletin's), which no index serves; the bulletins holding figures of
# that period (summary_periods) lead straight to their facts
PERIOD_ROWS = re.compile(
    rf'(?P<head>select .+ from {VIEW} where "period" = :p0)'
    r"(?P<tail>\s*(?:order by [^;]+?\s*)?limit \d+(?: offset \d+)?\s*)",
    re.S,
)
PERIOD_BULLETINS = f' and "bulletin" in (select bulletin from {PERIODS} where period = :p0)'

# the rows of one entity (with other equality filters or none): the view finds a fact's
# entity only after joining it; the facts printed under the entity's names are few
ENTITY_ROWS = re.compile(
    rf"select (?P<columns>.+) from {VIEW} "
    r'where (?P<where>"\w+" = :p\d+(?: and "\w+" = :p\d+)*)'
    r"(?P<tail>\s*(?:order by [^;]+?\s*)?limit \d+(?: offset \d+)?\s*)",
    re.S,
)
ENTITY_FILTER = re.compile(r'"entity" = :(?P<param>p\d+)')

Rewritten = tuple[str, dict[str, Any]]


def summary_form(sql: str, params: Any, canned: dict[str, str]) -> Rewritten | None:
    """The query on the summary tables that gives the same rows as ``sql``, or None."""
    if sql in canned:
        return canned[sql], dict(params or {})
    rows = PERIOD_ROWS.fullmatch(sql)
    if rows is not None and isinstance(params, dict) and isinstance(params.get("p0"), str):
        return rows["head"] + PERIOD_BULLETINS + rows["tail"], dict(params)
    found = COUNT_SQL.fullmatch(sql)
    if found is not None:
        where = _filter(found, params)
        return None if where is None else (SUMMARY_COUNT, where)
    found = FACET_SQL.fullmatch(sql)
    if found is None or found["column"] not in DIMENSIONS:
        return None
    where = _filter(found, params)
    if where is None:
        return None
    where.update(column=found["column"], limit=int(found["limit"]))
    same = found["column"] == where["filter"]
    return (SUMMARY_FACET_OF_FILTER if same else SUMMARY_FACET), where


def _filter(found: re.Match[str], params: Any) -> dict[str, Any] | None:
    """The filter of a recognised query as summary parameters; None when the summaries
    do not keep it (another column, or a value that is not text)."""
    if found["filter"] is None:
        return {"filter": ALL, "value": ALL}
    value = (params or {}).get(found["param"]) if isinstance(params, dict) else None
    if found["filter"] not in DIMENSIONS or not isinstance(value, str):
        return None
    return {"filter": found["filter"], "value": value}


def entity_form(sql: str) -> str | None:
    """The rows query of the view filtered on entity (with other equality filters or
    none) read from the entity's facts only (``restricted_view``), or None."""
    rows = ENTITY_ROWS.fullmatch(sql)
    found = ENTITY_FILTER.search(rows["where"]) if rows is not None else None
    if rows is None or found is None:
        return None
    source = restricted_view(entities_named(":" + found["param"]))
    return f"select {rows['columns']} from {source} AS {VIEW} where {rows['where']}{rows['tail']}"


class SummarisedDatabase(Database):  # type: ignore[misc]
    """The archive as Datasette serves it, counting from the summaries while they are
    fresh. ``canned`` maps a canned query's SQL to its summary form."""

    def __init__(self, *args: Any, canned: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.canned = dict(canned or {})

    async def execute(self, sql: str, params: Any = None, *args: Any, **kwargs: Any) -> Any:
        rewritten = summary_form(sql, params, self.canned)
        narrowed = entity_form(sql) if rewritten is None else None
        if rewritten is not None and await self.execute_fn(summaries_fresh):
            sql, params = rewritten
        elif narrowed is not None and await self.execute_fn(view_is_current):
            sql = narrowed
        return await super().execute(sql, params, *args, **kwargs)
