"""Writing to the archive: a bulletin's rows, failures, name resolutions."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import repeat
from typing import Any

import sqlite_utils

from archive.grid import grid_json, refer_texts
from archive.labels import Labels
from archive.names import Resolver
from archive.rows import (
    FACT_LABELS,
    META_COLUMNS,
    TABLE_COLUMNS,
    TABLE_GRID,
    BulletinRows,
    Row,
    bulletin_rows,
)
from archive.schema import cell_code, label_code
from normalize.facts import Bulletin

FACT_COLUMNS = (
    "bulletin_id, table_id, cell, table_kind, entity_raw, name_code, parent_raw, label_code, "
    'row_role, metric, header, value, value_raw, unit, note, "row", col, line, page, bbox, '
    "needs_review, period, period_type"
)
# The parameters are the facts columns with cell_id, name_key and row_label in their
# places (?3 the cell's index in its table); SQLite stores the codes they are computed
# from (archive/schema.py, FACT_GENERATED), so no Python code runs per fact for them.
FACT_INSERT = (
    f"INSERT INTO facts ({FACT_COLUMNS}) VALUES (?1, ?2, {cell_code('?2', '?3')}, ?4, ?5, "
    f"{label_code('?6', '?5')}, ?7, {label_code('?8', '?5')}, "
    f"{', '.join(f'?{i}' for i in range(9, 24))})"
)
_TERM = "(SELECT id FROM check_terms WHERE text = ?)"
CHECK_INSERT = (
    "INSERT INTO check_rows (bulletin_id, table_id, rule, subject, metric, expected, actual, "
    f"status, message, cells, given_cells) VALUES (?, ?, {_TERM}, {_TERM}, {_TERM}, ?, ?, "
    f"{_TERM}, ?, ?, ?)"
)
TABLE_INSERT = (
    f"INSERT INTO source_tables (bulletin_id, {TABLE_COLUMNS}) VALUES ({', '.join('?' * 17)})"
)


def now() -> str:
    """The current time, UTC, ISO 8601 to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Stored:
    """What the archive holds for a key: content hash and what produced its facts."""

    bulletin_id: int
    sha256: str
    extractor_version: str | None
    config_hash: str | None


@dataclass(frozen=True)
class Origin:
    """Where a bulletin came from and what produced its facts, as stored beside it."""

    sha256: str
    source: str | None = None  # absolute path of the file when it was read
    extractor_version: str | None = None
    config_hash: str | None = None


def stored(db: sqlite_utils.Database) -> dict[str, Stored]:
    """Every stored bulletin by key."""
    rows = db.execute(
        "SELECT path, id, sha256, extractor_version, config_hash FROM bulletins"
    ).fetchall()
    return {r[0]: Stored(int(r[1]), r[2], r[3], r[4]) for r in rows}


def known_hash(db: sqlite_utils.Database, path: str) -> str | None:
    """The content hash stored for a bulletin path, if it was ingested before."""
    row = db.execute("SELECT sha256 FROM bulletins WHERE path = ?", [path]).fetchone()
    return row[0] if row else None


def replace_bulletin(
    db: sqlite_utils.Database,
    path: str,
    origin: Origin | str,
    bulletin: Bulletin,
    resolver: Resolver | None = None,
) -> int:
    """Store a bulletin, replacing any earlier version of the same path, in one transaction.

    With a resolver, the bulletin's names are resolved in the same transaction, so a
    stored fact never lacks its resolution; its extracted document is kept beside it, so
    a change of configuration re-derives the facts without reading the file again.
    """
    if isinstance(origin, str):
        origin = Origin(origin)
    labels = Labels(db.conn)
    try:
        with db.conn:
            return store_rows(db.conn, path, origin, bulletin_rows(bulletin), labels, resolver)
    finally:
        labels.reload(db.conn)


def store_rows(
    conn: sqlite3.Connection,
    path: str,
    origin: Origin,
    rows: BulletinRows,
    labels: Labels,
    resolver: Resolver | None,
) -> int:
    """Store one bulletin's rows in the caller's transaction, replacing the path's old rows.

    Strings become label ids, table indexes table ids, fact indexes (in checks) fact ids.
    """
    delete_bulletin(conn, path)
    conn.execute("DELETE FROM failures WHERE path = ?", [path])
    conn.execute("DELETE FROM copies WHERE path = ?", [path])
    scope = resolver.scope_of(conn, rows.publisher) if resolver else (rows.publisher or "")
    bulletin_id = insert_bulletin(conn, path, origin, rows, scope)
    columns = fact_columns(rows.facts)
    texts = fact_labels(columns)
    labels.add(conn, texts)
    refs = {text: labels.ids[text] for text in texts}  # what the grids refer to
    table_ids = {
        int(t[0]) - 1: int(
            conn.execute(TABLE_INSERT, table_values(bulletin_id, t, refs)).lastrowid or 0
        )
        for t in rows.tables
    }
    first_fact = _next_id(conn, "facts")
    conn.executemany(FACT_INSERT, compact_facts(bulletin_id, table_ids, labels.ids, columns))
    store_checks(conn, bulletin_id, table_ids, first_fact, rows.checks)
    conn.executemany(
        "INSERT INTO blocks (bulletin_id, seq, text, line, page) VALUES (?, ?, ?, ?, ?)",
        ((bulletin_id, *b) for b in rows.blocks),
    )
    conn.executemany(
        "INSERT INTO warnings (bulletin_id, message) VALUES (?, ?)",
        ((bulletin_id, w) for w in rows.warnings),
    )
    conn.execute(
        "INSERT INTO documents (bulletin_id, body) VALUES (?, ?)", [bulletin_id, rows.document]
    )
    if resolver is not None:
        resolver.store(conn, bulletin_id, scope, set(rows.names))
    return bulletin_id


def table_values(bulletin_id: int, table: Row, refs: dict[str, int]) -> Row:
    """TABLE_INSERT's values for a table row: its grid as JSON, referring to labels. A
    row short of its columns goes as it is, for SQLite to refuse (a store error)."""
    if len(table) <= TABLE_GRID:
        return (bulletin_id, *table)
    grid = grid_json(refer_texts(table[TABLE_GRID], refs))
    return (bulletin_id, *table[:TABLE_GRID], grid, *table[TABLE_GRID + 1 :])


def store_checks(
    conn: sqlite3.Connection,
    bulletin_id: int,
    table_ids: dict[int, int],
    first_fact: int,
    checks: list[Row],
) -> None:
    """Store a bulletin's check rows (see ``check_row``) compact: their terms as ids
    into check_terms, their facts as stretches of ids (archive/idlists.py)."""
    # sorted: the same ids in every run (a set's order changes with PYTHONHASHSEED)
    terms = sorted({c[i] for c in checks for i in (1, 2, 3, 6)} - {None})
    conn.executemany("INSERT OR IGNORE INTO check_terms (text) VALUES (?)", ((t,) for t in terms))
    conn.executemany(
        CHECK_INSERT,
        (
            (bulletin_id, table_ids.get(c[0]) if c[0] is not None else None, *c[1:8],
             *compact_cells(first_fact, c[8]))
            for c in checks
        ),
    )  # fmt: skip


def compact_cells(first_fact: int, packed: tuple[int, ...]) -> tuple[str | None, str | None]:
    """(cells, given_cells) of check_rows for a check row's packed fact indexes (see
    ``archive.idlists``): the first index becomes an id; an empty list is kept as written."""
    if not packed:
        return None, "[]"
    return json.dumps([first_fact + packed[0], *packed[1:]], separators=(",", ":")), None


FACT_LABEL_SET = frozenset(FACT_LABELS)


def fact_columns(facts: list[Row]) -> list[tuple[Any, ...]]:
    """The fact rows as columns (``compact_facts`` and ``fact_labels`` work by column)."""
    return list(zip(*facts, strict=True))


def compact_facts(
    bulletin_id: int, table_ids: dict[int, int], ids: dict[str, int], columns: list[tuple[Any, ...]]
) -> Iterator[Row]:
    """Fact rows as FACT_INSERT takes them: ids for tables and strings.

    Written column by column for speed (a store's hot loop): each column is mapped by
    ``map`` (the table indexes to table ids, the strings to label ids) and the rows are
    zipped back, so no Python code runs per fact; SQLite makes the cell id."""
    if not columns:
        return iter(())
    label = ids.get
    mapped: list[Iterable[Any]] = [
        map(label, column) if i in FACT_LABEL_SET else column for i, column in enumerate(columns)
    ]
    # a headline figure has no table: its index None is no key of table_ids
    return zip(repeat(bulletin_id), map(table_ids.get, columns[0]), *mapped[1:])


def fact_labels(columns: list[tuple[Any, ...]]) -> set[str]:
    """The strings of the fact columns that are stored as label ids."""
    if not columns:
        return set()
    return set().union(*(columns[i] for i in FACT_LABELS)) - {None}


# Children first: with foreign keys on, a row goes before what it refers to.
BULLETIN_CHILDREN = (
    "check_rows",
    "facts",
    "resolution_overrides",
    "warnings",
    "blocks",
    "documents",
)


def delete_bulletin(conn: sqlite3.Connection, path: str) -> None:
    """Remove every row that came from one bulletin path."""
    row = conn.execute("SELECT id FROM bulletins WHERE path = ?", [path]).fetchone()
    if row is None:
        return
    delete_bulletin_id(conn, int(row[0]))


def delete_bulletin_id(conn: sqlite3.Connection, bid: int) -> None:
    """Remove a bulletin and every row that refers to it."""
    for table in BULLETIN_CHILDREN:
        conn.execute(f"DELETE FROM {table} WHERE bulletin_id = ?", [bid])
    conn.execute("DELETE FROM source_tables WHERE bulletin_id = ?", [bid])
    conn.execute("UPDATE bulletins SET edition_of = NULL WHERE edition_of = ?", [bid])
    conn.execute("DELETE FROM copies WHERE bulletin_id = ?", [bid])
    conn.execute("DELETE FROM bulletins WHERE id = ?", [bid])


def insert_bulletin(
    conn: sqlite3.Connection, path: str, origin: Origin, rows: BulletinRows, scope: str
) -> int:
    cur = conn.execute(
        f"INSERT INTO bulletins (path, sha256, {META_COLUMNS}, publisher, names_scope, is_primary, "
        "ingested_at, source, extractor_version, config_hash) "
        f"VALUES ({', '.join('?' * 21)})",
        [path, origin.sha256, *rows.meta, rows.publisher, scope, 1, now(), origin.source,
         origin.extractor_version, origin.config_hash],
    )  # fmt: skip
    return int(cur.lastrowid or 0)


def _next_id(conn: sqlite3.Connection, table: str) -> int:
    """The id the next row of a table will get: rowids grow by one inside a transaction."""
    return int(conn.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}").fetchone()[0])


def record_failure(
    db: sqlite_utils.Database, path: str, sha256: str | None, stage: str, error: str
) -> None:
    """Remember that a file failed, replacing an earlier failure of the same path."""
    with db.conn:
        db.conn.execute("DELETE FROM failures WHERE path = ?", [path])
        db.conn.execute(
            "INSERT INTO failures (path, sha256, stage, error, at) VALUES (?, ?, ?, ?, ?)",
            [path, sha256, stage, error, now()],
        )
