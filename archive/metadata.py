"""What Datasette shows beside the archive, read from ``metadata.yaml`` and checked.

The Chinese labels, descriptions, facets and canned queries are data
(``archive/metadata.yaml``); this module loads them, checks their shape (each problem
with its line), checks them against an archive, and turns them into Datasette metadata.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import sqlite_utils
from markupsafe import escape
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from archive.search import FTS_TABLE, SEARCH_SQL, has_search
from archive.summaries import (
    ENTITY_METRICS,
    TABLES,
    live_sql,
    summaries_fresh,
    summary_sql,
    uses_summaries,
)
from archive.vocabulary import Vocabulary, inline_sql, load_vocabulary

METADATA_FILE = Path(__file__).with_name("metadata.yaml")
TOP_KEYS = {"title", "description", "source", "tables", "queries"}
TABLE_KEYS = {"label", "description", "label_column", "facets", "columns"}
QUERY_KEYS = {"title", "description", "sql", "hide_sql"}
PLACEHOLDERS = {"bulletins", "facts", "first", "last"}
# canned queries whose SQL lives in code, beside the index it needs
SEARCH_QUERY = "search"
BUILTIN_SQL = {SEARCH_QUERY: SEARCH_SQL}
TREND_QUERY = "trend"
EXAMPLES = 3  # example links under the trend query


class MetadataError(ValueError):
    """The metadata file is malformed; ``problems`` name each one with its line."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(f"{path}: {p}" for p in problems))


@dataclass(frozen=True)
class TableInfo:
    """Labels and defaults of one table or view."""

    name: str
    label: str
    description: str
    label_column: str | None = None
    facets: tuple[str, ...] = ()
    columns: dict[str, tuple[str, str]] = field(default_factory=dict)  # → (Chinese, meaning)


@dataclass(frozen=True)
class Query:
    """A canned query."""

    name: str
    title: str
    description: str
    sql: str
    hide_sql: bool = False


@dataclass(frozen=True)
class Metadata:
    """Everything ``metadata.yaml`` says."""

    title: str
    description: str
    source: str
    tables: dict[str, TableInfo]
    queries: dict[str, Query]


def load_metadata(path: Path = METADATA_FILE) -> Metadata:
    """Read and check the metadata file; MetadataError lists every problem with its line."""
    try:
        raw = YAML(typ="rt").load(path.read_text(encoding="utf-8"))
    except (OSError, YAMLError) as exc:
        raise MetadataError(path, [f"cannot read: {exc}"]) from None
    problems: list[str] = []
    if not isinstance(raw, dict):
        raise MetadataError(path, ["expected a mapping at the top"])
    problems += _unknown_keys(raw, TOP_KEYS, "top level")
    texts = {k: raw.get(k) for k in ("title", "description", "source")}
    for key, text in texts.items():
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{_line(raw, key)}{key} must be a non-empty text")
        else:
            problems += _bad_placeholders(text, f"{_line(raw, key)}{key}")
    tables = {name: _table(name, spec, problems) for name, spec in _mapping(raw, "tables")}
    queries = {name: _query(name, spec, problems) for name, spec in _mapping(raw, "queries")}
    if problems:
        raise MetadataError(path, problems)
    return Metadata(
        str(texts["title"]), str(texts["description"]), str(texts["source"]), tables, queries
    )


def _mapping(raw: Any, key: str) -> list[tuple[str, Any]]:
    value = raw.get(key) or {}
    return [(str(k), v) for k, v in value.items()] if isinstance(value, dict) else []


def _table(name: str, spec: Any, problems: list[str]) -> TableInfo:
    where = f"table {name}"
    if not isinstance(spec, dict):
        problems.append(f"{where} must be a mapping")
        return TableInfo(name, "", "")
    problems += _unknown_keys(spec, TABLE_KEYS, where)
    columns: dict[str, tuple[str, str]] = {}
    for column, pair in (spec.get("columns") or {}).items():
        if not (
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)
        ):
            problems.append(
                f"{_line(spec['columns'], column)}{where}: column {column} needs "
                "[Chinese label, meaning]"
            )
            continue
        columns[str(column)] = (pair[0], pair[1])
    label_column = spec.get("label_column")
    facets = tuple(spec.get("facets") or ())
    named = [("label_column", label_column)] + [("facets", f) for f in facets]
    for key, column in named:
        if column is not None and column not in columns:
            problems.append(f"{_line(spec, key)}{where}: {key} {column} is not among its columns")
    for key in ("label", "description"):
        if not isinstance(spec.get(key), str):
            problems.append(f"{_line(spec, key)}{where} needs a {key}")
    return TableInfo(
        name, str(spec.get("label")), str(spec.get("description")), label_column, facets, columns
    )


def _query(name: str, spec: Any, problems: list[str]) -> Query:
    where = f"query {name}"
    if not isinstance(spec, dict):
        problems.append(f"{where} must be a mapping")
        return Query(name, "", "", "")
    problems += _unknown_keys(spec, QUERY_KEYS, where)
    sql = spec.get("sql") or BUILTIN_SQL.get(name)
    if not sql:
        problems.append(f"{_line(spec, 'title')}{where} needs sql")
    for key in ("title", "description"):
        if not isinstance(spec.get(key), str):
            problems.append(f"{_line(spec, key)}{where} needs a {key}")
    return Query(
        name,
        str(spec.get("title")),
        str(spec.get("description")),
        str(sql),
        bool(spec.get("hide_sql", False)),
    )


def _unknown_keys(spec: Any, allowed: set[str], where: str) -> list[str]:
    return [
        f"{_line(spec, key)}{where}: unknown key {key!r} (known: {', '.join(sorted(allowed))})"
        for key in spec
        if key not in allowed
    ]


def _bad_placeholders(text: str, where: str) -> list[str]:
    names = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
    return [f"{where}: unknown placeholder {{{n}}}" for n in sorted(names - PLACEHOLDERS)]


def _line(node: Any, key: Any) -> str:
    try:
        return f"line {node.lc.key(key)[0] + 1}: "
    except (AttributeError, KeyError, TypeError):
        return ""


# --- against an archive ---------------------------------------------------------------


def archive_columns(db: sqlite_utils.Database) -> dict[str, list[str]]:
    """Every table and view of the archive with its columns, generated ones too (which
    ``PRAGMA table_info`` leaves out); full-text index tables left out."""
    names = [*db.table_names(), *db.view_names()]
    return {
        name: [str(r[1]) for r in db.execute(f'PRAGMA table_xinfo("{name}")').fetchall()]
        for name in names
        if not name.startswith((FTS_TABLE, "sqlite_"))
    }


def coverage_problems(meta: Metadata, db: sqlite_utils.Database) -> list[str]:
    """What the metadata leaves out of an archive, or names that the archive does not have."""
    found = archive_columns(db)
    problems = [
        f"table {t} is not in the archive"
        for t in meta.tables
        if t not in found and t not in TABLES  # made by the first refresh
    ]
    for table, columns in found.items():
        info = meta.tables.get(table)
        if info is None:
            problems.append(f"table {table} has no description")
            continue
        problems += [f"column {table}.{c} has no label" for c in columns if c not in info.columns]
        problems += [
            f"column {table}.{c} is not in the archive" for c in info.columns if c not in columns
        ]
    return problems


def datasette_metadata(
    meta: Metadata, db: sqlite_utils.Database, database: str, vocab: Vocabulary | None = None
) -> dict[str, Any]:
    """Datasette metadata for an archive served as ``database``.

    Names the archive does not have (an older archive) are left out rather than failing.
    The queries get the metric vocabulary (default: the family's) inline.
    """
    vocab = vocab or load_vocabulary()
    found = archive_columns(db)
    facts = _figures(db)
    tables = {
        name: _table_metadata(info, found[name])
        for name, info in meta.tables.items()
        if name in found
    }
    queries = {
        name: _query_metadata(q, db, vocab)
        for name, q in meta.queries.items()
        if name != SEARCH_QUERY or has_search(db)
    }
    about = {
        "title": meta.title.format(**facts),
        "description": meta.description.format(**facts),
        "source": meta.source.format(**facts),
    }
    return {**about, "databases": {database: {**about, "tables": tables, "queries": queries}}}


def _table_metadata(info: TableInfo, columns: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "title": f"{info.name} · {info.label}",
        "description": info.description,
        "columns": {c: f"{zh} — {en}" for c, (zh, en) in info.columns.items() if c in columns},
    }
    if info.label_column in columns:
        out["label_column"] = info.label_column
    facets = [f for f in info.facets if f in columns]
    if facets:
        out["facets"] = facets
    return out


def summary_forms(meta: Metadata, vocab: Vocabulary | None = None) -> dict[str, str]:
    """Each canned query's SQL, as served, mapped to its summary form (those that have one)."""
    vocab = vocab or load_vocabulary()
    return {
        inline_sql(live_sql(q.sql), vocab): inline_sql(summary_sql(q.sql), vocab)
        for q in meta.queries.values()
        if uses_summaries(q.sql)
    }


def _query_metadata(query: Query, db: sqlite_utils.Database, vocab: Vocabulary) -> dict[str, Any]:
    out: dict[str, Any] = {"sql": inline_sql(live_sql(query.sql), vocab), "title": query.title}
    if query.hide_sql:
        out["hide_sql"] = True
    if query.name == TREND_QUERY:
        pairs = family_examples(db, vocab) + trend_examples(db)
        out["description_html"] = _escape(query.description) + _examples(pairs)
    else:
        out["description"] = query.description
    return out


def _figures(db: sqlite_utils.Database) -> dict[str, str]:
    row = db.execute(
        "SELECT count(*), min(period), max(period), coalesce(sum(n_facts), 0) FROM bulletins"
    ).fetchone()
    return {
        "bulletins": str(row[0]),
        "first": row[1] or "–",
        "last": row[2] or "–",
        "facts": f"{row[3]:,}",
    }


def trend_examples(db: sqlite_utils.Database, limit: int = EXAMPLES) -> list[tuple[str, str]]:
    """(entity, metric) pairs printed in the most months, departments first (from the
    summaries while they are fresh: the same pairs without scanning the view)."""
    if summaries_fresh(db.conn):
        rows = db.execute(
            f"""SELECT s.entity, s.metric FROM {ENTITY_METRICS} s
            JOIN entities e ON e.name = s.entity
            ORDER BY s.periods DESC, e.kind = 'department' DESC, s.facts DESC,
              s.entity, s.metric"""
        ).fetchall()
        return list(dict.fromkeys((str(e), str(m)) for e, m in rows))[:limit]
    rows = db.execute(
        """SELECT f.entity, f.metric FROM facts_readable f
        JOIN entities e ON e.name = f.entity
        GROUP BY f.entity, f.metric, f.table_kind
        ORDER BY count(DISTINCT f.period) DESC, e.kind = 'department' DESC, count(*) DESC,
          f.entity, f.metric"""
    ).fetchall()
    pairs = dict.fromkeys((str(entity), str(metric)) for entity, metric in rows)
    return list(pairs)[:limit]


def trend_url(entity: str, metric: str) -> str:
    """The query string of the trend query for one entity and metric (key or family)."""
    return "?" + urlencode({"entity": entity, "metric": metric})


def family_examples(db: sqlite_utils.Database, vocab: Vocabulary) -> list[tuple[str, str]]:
    """For each family, the department printed under most of its members and months.

    From the summaries while they are fresh, the months of the members are added up:
    the same as the months of the family where two members are never printed in one
    month for one department (they belong to different layouts)."""
    if summaries_fresh(db.conn):  # one row per entity and metric, its months counted
        source, months = ENTITY_METRICS, "sum(s.periods)"
    else:
        source, months = "facts_readable", "count(DISTINCT s.period)"
    out = []
    for family in vocab.families.values():
        members = " OR ".join("(s.table_kind = ? AND s.metric = ?)" for _ in family.members)
        row = db.execute(
            f"SELECT s.entity FROM {source} s JOIN entities e ON e.name = s.entity "
            f"WHERE {members} GROUP BY s.entity ORDER BY count(DISTINCT s.metric) DESC, "
            f"{months} DESC, e.kind = 'department' DESC, s.entity LIMIT 1",
            [part for member in family.members for part in member],
        ).fetchone()
        if row is not None:
            out.append((str(row[0]), family.name))
    return out


def _examples(pairs: list[tuple[str, str]]) -> str:
    """Links to the trend of a few (entity, metric) pairs, under the query's description."""
    links = [
        f'<a href="{_escape(trend_url(e, m))}">{_escape(e)} · {_escape(m)}</a>' for e, m in pairs
    ]
    return f"<p>For example: {', '.join(links)}.</p>" if links else ""


def _escape(text: str) -> str:
    return str(escape(text))
