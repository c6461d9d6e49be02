"""Writing to the archive: one bulletin per transaction, failures, name resolutions."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone

import sqlite_utils

from archive.documents import pack_document
from archive.names import Resolver
from extract.document import Table
from normalize.checks import Check
from normalize.facts import Bulletin, Fact

FACT_COLUMNS = (
    "bulletin_id, table_id, cell_id, table_kind, entity_raw, name_key, parent_raw, row_label, "
    'row_role, metric, header, value, value_raw, unit, note, "row", col, line, page, bbox, '
    "needs_review, period, period_type"
)
CHECK_COLUMNS = (
    "bulletin_id, table_id, rule, subject, metric, expected, actual, status, message, cells"
)
CELL_COLUMNS = 'table_id, "row", col, rowspan, colspan, text, line, page, bbox'


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
    conn = db.conn
    with conn:
        delete_bulletin(conn, path)
        conn.execute("DELETE FROM failures WHERE path = ?", [path])
        conn.execute("DELETE FROM copies WHERE path = ?", [path])
        bulletin_id = insert_bulletin(conn, path, origin, bulletin)
        table_ids: dict[int, int] = {}
        cell_ids: dict[tuple[int, int, int], int] = {}
        for table in bulletin.document.tables:
            table_ids[table.index], cells = insert_table(conn, bulletin_id, table, bulletin)
            cell_ids.update({(table.index, r, c): i for (r, c), i in cells.items()})
        first_fact = _next_id(conn, "facts")
        conn.executemany(
            f"INSERT INTO facts ({FACT_COLUMNS}) VALUES ({', '.join('?' * 23)})",
            (fact_row(bulletin_id, table_ids, cell_ids, f) for f in bulletin.facts),
        )
        conn.executemany(
            f"INSERT INTO checks ({CHECK_COLUMNS}) VALUES ({', '.join('?' * 10)})",
            (check_row(bulletin_id, table_ids, first_fact, c) for c in bulletin.checks),
        )
        conn.executemany(
            "INSERT INTO blocks (bulletin_id, seq, text, line, page) VALUES (?, ?, ?, ?, ?)",
            (
                (bulletin_id, i, b.text, b.source.line_start, b.source.page)
                for i, b in enumerate(bulletin.document.blocks)
            ),
        )
        conn.executemany(
            "INSERT INTO warnings (bulletin_id, message) VALUES (?, ?)",
            ((bulletin_id, w) for w in bulletin.warnings),
        )
        conn.execute(
            "INSERT INTO documents (bulletin_id, body) VALUES (?, ?)",
            [bulletin_id, pack_document(bulletin.document)],
        )
        if resolver is not None:
            resolver.store(conn, bulletin_id, bulletin.publisher, raw_names_of(bulletin))
    return bulletin_id


def raw_names_of(bulletin: Bulletin) -> set[str]:
    """The raw names a bulletin prints (row names and their parents)."""
    names = {f.name_key for f in bulletin.facts if f.name_key is not None}
    return names | {f.parent_raw for f in bulletin.facts if f.parent_raw is not None}


# Children first: with foreign keys on, a row goes before what it refers to.
BULLETIN_CHILDREN = (
    "checks",
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
    conn.execute(
        "DELETE FROM cells WHERE table_id IN (SELECT id FROM source_tables WHERE bulletin_id = ?)",
        [bid],
    )
    conn.execute("DELETE FROM source_tables WHERE bulletin_id = ?", [bid])
    conn.execute("UPDATE bulletins SET edition_of = NULL WHERE edition_of = ?", [bid])
    conn.execute("DELETE FROM copies WHERE bulletin_id = ?", [bid])
    conn.execute("DELETE FROM bulletins WHERE id = ?", [bid])


def insert_bulletin(conn: sqlite3.Connection, path: str, origin: Origin, b: Bulletin) -> int:
    cur = conn.execute(
        "INSERT INTO bulletins (path, sha256, format, encoding, period, period_type, "
        "period_start, period_end, period_basis, published, publisher, is_primary, "
        "title, n_tables, n_facts, ingested_at, source, extractor_version, config_hash, "
        "source_url) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            path,
            origin.sha256,
            b.document.format,
            b.document.encoding,
            b.period.label,
            b.period.type if b.period.label else None,
            b.period.start,
            b.period.end,
            b.period.basis,
            b.period.published,
            b.publisher,
            1,
            b.title,
            len(b.document.tables),
            len(b.facts),
            now(),
            origin.source,
            origin.extractor_version,
            origin.config_hash,
            b.source_url,
        ],
    )
    return int(cur.lastrowid or 0)


def _next_id(conn: sqlite3.Connection, table: str) -> int:
    """The id the next row of a table will get: rowids grow by one inside a transaction."""
    return int(conn.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}").fetchone()[0])


def insert_table(
    conn: sqlite3.Connection, bulletin_id: int, table: Table, b: Bulletin
) -> tuple[int, dict[tuple[int, int], int]]:
    """Store a table and its cells; return its id and the id of each cell by (row, col)."""
    info = b.tables[table.index]
    grid = [[c.text if c else None for c in row] for row in table.grid()]
    cur = conn.execute(
        "INSERT INTO source_tables (bulletin_id, table_no, kind, caption, n_rows, n_cols, "
        "header_rows, stub_cols, engine, line_start, line_end, page, headers, metrics, grid, "
        "quality, review) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            bulletin_id,
            table.index + 1,
            info.kind,
            info.caption,
            table.n_rows,
            table.n_cols,
            table.header_rows,
            table.stub_cols,
            table.engine or b.document.format,
            table.source.line_start,
            table.source.line_end,
            table.source.page,
            json.dumps(info.headers, ensure_ascii=False),
            json.dumps(info.metrics, ensure_ascii=False),
            json.dumps(grid, ensure_ascii=False),
            info.quality,
            info.review,
        ],
    )
    table_id = int(cur.lastrowid or 0)
    first_cell = _next_id(conn, "cells")
    conn.executemany(
        f"INSERT INTO cells ({CELL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (
                table_id,
                c.row,
                c.col,
                c.rowspan,
                c.colspan,
                c.text,
                c.source.line_start,
                c.source.page,
                _bbox(c.source.bbox),
            )
            for c in table.cells
        ),
    )
    return table_id, {(c.row, c.col): first_cell + k for k, c in enumerate(table.cells)}


def fact_row(
    bulletin_id: int,
    table_ids: dict[int, int],
    cell_ids: dict[tuple[int, int, int], int],
    f: Fact,
) -> tuple[object, ...]:
    """A fact as a row of the facts table."""
    in_table = f.table_index is not None and f.row is not None and f.col is not None
    return (
        bulletin_id,
        table_ids.get(f.table_index) if f.table_index is not None else None,
        cell_ids.get((f.table_index, f.row, f.col)) if in_table else None,  # type: ignore[arg-type]
        f.table_kind,
        f.entity_raw,
        f.name_key,
        f.parent_raw,
        f.row_label,
        f.row_role,
        f.metric,
        f.header,
        f.value,
        f.value_raw,
        f.unit,
        f.note,
        f.row,
        f.col,
        f.line,
        f.page,
        _bbox(f.bbox),
        int(f.needs_review),
        f.period,
        f.period_type,
    )


def check_row(
    bulletin_id: int, table_ids: dict[int, int], first_fact: int, c: Check
) -> tuple[object, ...]:
    """A check as a row of the checks table; its cells become fact ids."""
    return (
        bulletin_id,
        table_ids.get(c.table_index) if c.table_index is not None else None,
        c.rule,
        c.subject,
        c.metric,
        c.expected,
        c.actual,
        c.status,
        c.message,
        json.dumps([first_fact + i for i in c.facts]),
    )


def _bbox(bbox: tuple[float, float, float, float] | None) -> str | None:
    return json.dumps([round(v, 2) for v in bbox]) if bbox else None


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
