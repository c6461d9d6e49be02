"""Small summary tables of ``facts_readable``, written at the end of an ingest, so that
Datasette pages need not scan the view.

At scale ``facts_readable`` is a scan of every fact with fourteen joins; counting it, or
grouping it by one column, takes seconds. Once per ingest, :func:`refresh_summaries`
groups the view's rows once (``summary_cube``: grouped from facts on their integer
columns, then joined, as the view would give them) and keeps what the pages ask for:

- ``summary_counts``: how many rows of the view hold each value of the faceted columns
  (period, table_kind, metric, entity), on the whole view and under one equality filter
  on another of them (what a click on a facet value opens); the whole view's row count;
- ``summary_metrics``: each metric key with its unit and printed headers (query metrics);
- ``summary_entity_metrics``: per entity and metric, the months and facts it was printed
  in (the examples under the trend query);
- ``summary_periods``: which bulletins hold figures of which period (query month reads
  only those bulletins' facts).

The tables hold what ``facts_readable`` and ``bulletins`` give. Each carries the
archive's fingerprint (``summary_state``); a reader uses them only while the fingerprint
still matches (:func:`summaries_fresh`), and otherwise asks the view itself: a summary
never shows a number the view would not.
"""

from __future__ import annotations

import sqlite3

from archive.summary_cube import build_cube, drop_cube, period_rows_sql

DIMENSIONS = ("period", "table_kind", "metric", "entity")  # columns of facts_readable
STATE = "summary_state"
COUNTS = "summary_counts"
METRICS = "summary_metrics"
ENTITY_METRICS = "summary_entity_metrics"
PERIODS = "summary_periods"
TABLES = (STATE, COUNTS, METRICS, ENTITY_METRICS, PERIODS)
ALL = ""  # filter_column / column of a total

# what changes facts_readable: a bulletin stored, replaced, re-derived, pruned or made
# primary, or a names file its entities come from (each publisher's fingerprint)
FINGERPRINT_SQL = (
    "(SELECT count(*) || ':' || coalesce(max(id), 0) || ':' || total(n_facts) || ':' "
    "|| total(is_primary) || ':' || coalesce(max(ingested_at), '') || ':' "
    "|| coalesce(min(config_hash) || max(config_hash), '') FROM bulletins)"
    " || ':' || coalesce((SELECT group_concat(name || '=' || coalesce(fingerprint, ''), ';') "
    "FROM (SELECT name, fingerprint FROM publishers ORDER BY name)), '')"
)
# true while the summaries describe the archive as it is (SQL usable inside a query)
FRESH_SQL = f"(SELECT value FROM {STATE} WHERE key = 'fingerprint') IS {FINGERPRINT_SQL}"

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {STATE} (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS {COUNTS} (
  filter_column TEXT NOT NULL, filter_value TEXT NOT NULL,
  "column" TEXT NOT NULL, value TEXT NOT NULL, facts INTEGER NOT NULL,
  PRIMARY KEY (filter_column, filter_value, "column", value)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS {METRICS} (
  table_kind TEXT, metric TEXT, unit TEXT, printed_as TEXT, facts INTEGER
);
CREATE TABLE IF NOT EXISTS {ENTITY_METRICS} (
  entity TEXT, table_kind TEXT, metric TEXT, periods INTEGER, facts INTEGER
);
CREATE TABLE IF NOT EXISTS {PERIODS} (
  period TEXT NOT NULL, bulletin TEXT NOT NULL, PRIMARY KEY (period, bulletin)
) WITHOUT ROWID;
"""
# tokens of the canned queries (archive/metadata.yaml): token → (the SQL reading the
# archive itself, the SQL reading the summaries while they are fresh), the same rows
PERIOD_BULLETINS = "$period_bulletins"  # the bulletins holding figures of :period
METRIC_ROWS = "$metric_rows"  # metric keys: table_kind, metric, unit, printed_as, facts
TOKENS = {
    PERIOD_BULLETINS: (
        "select path from bulletins",
        f"select bulletin from {PERIODS} where period = trim(:period)",
    ),
    METRIC_ROWS: (
        "select table_kind, metric, unit, group_concat(distinct header) as printed_as, "
        "count(*) as facts from facts_readable where is_primary = 1 "
        "group by table_kind, metric, unit",
        f"select table_kind, metric, unit, printed_as, facts from {METRICS}",
    ),
}


def has_summaries(conn: sqlite3.Connection) -> bool:
    """Whether the archive has the summary tables (an older one has not)."""
    found = {
        r[0]
        for r in conn.execute(
            f"SELECT name FROM sqlite_master WHERE type = 'table' AND name IN {TABLES!r}"
        )
    }
    return found == set(TABLES)


def summaries_fresh(conn: sqlite3.Connection) -> bool:
    """Whether the summary tables exist and describe the archive as it is now."""
    return has_summaries(conn) and bool(conn.execute(f"SELECT {FRESH_SQL}").fetchone()[0])


def refresh_summaries(conn: sqlite3.Connection) -> None:
    """Rewrite the summary tables from ``facts_readable``, in one transaction; nothing is
    done when they already describe the archive as it is."""
    if summaries_fresh(conn):
        return
    conn.execute("SAVEPOINT summaries")  # inside the caller's transaction, or its own
    try:
        for statement in SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)
        drop_cube(conn)
        build_cube(conn)
        for table in (COUNTS, METRICS, ENTITY_METRICS, PERIODS):
            conn.execute(f"DELETE FROM {table}")
        _write_counts(conn)
        _write_metrics(conn)
        _write_entity_metrics(conn)
        conn.execute(f"INSERT INTO {PERIODS} (period, bulletin) {period_rows_sql(conn)}")
        conn.execute(
            f"INSERT OR REPLACE INTO {STATE} (key, value) SELECT 'fingerprint', {FINGERPRINT_SQL}"
        )
        drop_cube(conn)
    except BaseException:
        conn.execute("ROLLBACK TO summaries")
        conn.execute("RELEASE summaries")
        raise
    conn.execute("RELEASE summaries")


def _write_counts(conn: sqlite3.Connection) -> None:
    """Each value's rows, and each pair of values' rows (stored both ways: a facet of
    either column under a filter on the other), each grouping done once."""
    insert = f'INSERT INTO {COUNTS} (filter_column, filter_value, "column", value, facts) '
    conn.execute(insert + "SELECT '', '', '', '', coalesce(sum(n), 0) FROM temp.summary_cube")
    for i, column in enumerate(DIMENSIONS):
        _group_cube(conn, f"{column} AS a, NULL AS b", f"{column} IS NOT NULL")
        conn.execute(insert + f"SELECT '', '', '{column}', a, n FROM temp.summary_part")
        # the rows under one filter value: the filtered page's count
        conn.execute(insert + f"SELECT '{column}', a, '', '', n FROM temp.summary_part")
        for other in DIMENSIONS[i + 1 :]:
            _group_cube(
                conn,
                f"{column} AS a, {other} AS b",
                f"{column} IS NOT NULL AND {other} IS NOT NULL",
            )
            conn.execute(insert + f"SELECT '{column}', a, '{other}', b, n FROM temp.summary_part")
            conn.execute(insert + f"SELECT '{other}', b, '{column}', a, n FROM temp.summary_part")
    conn.execute("DROP TABLE temp.summary_part")


def _group_cube(conn: sqlite3.Connection, columns: str, where: str) -> None:
    """``temp.summary_part``: the cube's rows summed by ``columns`` (``a``, ``b``)."""
    conn.execute("DROP TABLE IF EXISTS temp.summary_part")
    conn.execute(
        f"CREATE TEMP TABLE summary_part AS SELECT {columns}, sum(n) AS n "
        f"FROM temp.summary_cube WHERE {where} GROUP BY 1, 2"
    )


def _write_metrics(conn: sqlite3.Connection) -> None:
    """As query metrics reads the facts of primary editions: headers in the order they
    were first stored."""
    conn.execute(
        f"""INSERT INTO {METRICS} (table_kind, metric, unit, printed_as, facts)
        SELECT table_kind, metric, unit, group_concat(DISTINCT header), sum(n)
        FROM (SELECT table_kind, metric, unit, header, sum(n) AS n, min(first) AS first
              FROM temp.summary_cube WHERE is_primary = 1
              GROUP BY table_kind, metric, unit, header ORDER BY first)
        GROUP BY table_kind, metric, unit"""
    )


def _write_entity_metrics(conn: sqlite3.Connection) -> None:
    conn.execute(
        f"""INSERT INTO {ENTITY_METRICS} (entity, table_kind, metric, periods, facts)
        SELECT entity, table_kind, metric, count(DISTINCT period), sum(n)
        FROM temp.summary_cube WHERE entity IS NOT NULL
        GROUP BY entity, table_kind, metric"""
    )


def uses_summaries(sql: str) -> bool:
    """Whether a canned query's SQL has a token with a summary form."""
    return any(token in sql for token in TOKENS)


def live_sql(sql: str) -> str:
    """A canned query's SQL with each token in the form that reads no summary."""
    for token, (live, _) in TOKENS.items():
        sql = sql.replace(token, live)
    return sql


def summary_sql(sql: str) -> str:
    """A canned query's SQL with each token in its summary form."""
    for token, (_, summary) in TOKENS.items():
        sql = sql.replace(token, summary)
    return sql


# --- reading -----------------------------------------------------------------------------


def total_rows(conn: sqlite3.Connection) -> int | None:
    """Rows of the whole view, or None when the summaries are missing or stale."""
    return filtered_rows(conn, ALL, ALL)


def filtered_rows(conn: sqlite3.Connection, column: str, value: str) -> int | None:
    """Rows of the view where ``column = value`` (``ALL``: every row); None when the
    summaries cannot say (missing, stale, or a column they do not keep)."""
    if column not in (ALL, *DIMENSIONS) or not summaries_fresh(conn):
        return None
    row = conn.execute(
        f"SELECT facts FROM {COUNTS} WHERE filter_column = ? AND filter_value = ? "
        "AND \"column\" = '' AND value = ''",
        [column, value],
    ).fetchone()
    return int(row[0]) if row else 0


def facet_counts(
    conn: sqlite3.Connection, column: str, filter_column: str, filter_value: str, limit: int
) -> list[tuple[str, int]] | None:
    """(value, rows) of ``column`` in the view, under the filter (``ALL``: none), most
    rows first then by value, at most ``limit``; None when the summaries cannot say."""
    if column not in DIMENSIONS or filter_column not in (ALL, *DIMENSIONS):
        return None
    if not summaries_fresh(conn):
        return None
    if column == filter_column:  # only the chosen value is left
        total = filtered_rows(conn, column, filter_value)
        return [(filter_value, total)] if total else []
    rows = conn.execute(
        f"SELECT value, facts FROM {COUNTS} WHERE filter_column = ? AND filter_value = ? "
        'AND "column" = ? ORDER BY facts DESC, value LIMIT ?',
        [filter_column, filter_value, column, limit],
    ).fetchall()
    return [(str(v), int(n)) for v, n in rows]


def metric_pairs(conn: sqlite3.Connection) -> list[tuple[str, str]] | None:
    """Every (table_kind, metric) of the view, in order; None when the summaries cannot say."""
    if not summaries_fresh(conn):
        return None
    rows = conn.execute(
        f"SELECT filter_value, value FROM {COUNTS} WHERE filter_column = 'table_kind' "
        "AND \"column\" = 'metric' ORDER BY 1, 2"
    ).fetchall()
    return [(str(k), str(m)) for k, m in rows]
