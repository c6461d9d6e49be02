"""A normalised bulletin as plain rows, ready for ``executemany``.

A worker process turns its ``Bulletin`` into ``BulletinRows`` (tuples of numbers and
strings, the document packed), so what it sends back to the parent is small; the parent
only swaps strings for label ids and table indexes for row ids, then writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from archive.documents import cell_array, pack_document
from archive.grid import pack_grid
from archive.idlists import pack_ids
from extract.document import Table
from normalize.checks import Check
from normalize.facts import Bulletin, Fact

Row = tuple[Any, ...]  # numbers, strings and None, as executemany takes them
MAX_EXACT_INTEGER = 2**53  # beyond it a float no longer holds every integer
# Distinct printed values remembered by ``integer_text`` (memory stays flat).
MEMO_SIZE = 1 << 11

# Positions in a fact row (see ``fact_row``): the table's index, the cell's index in it,
# and the strings that become label ids.
FACT_TABLE, FACT_CELL = 0, 1
FACT_LABELS = (2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 20, 21)


@dataclass(frozen=True)
class BulletinRows:
    """What the archive stores for one bulletin, but its ids."""

    meta: Row  # the bulletins columns of META_COLUMNS
    publisher: str | None
    tables: list[Row]  # source_tables rows without id and bulletin_id, in table order
    facts: list[Row]  # see fact_row
    checks: list[Row]  # see check_row
    blocks: list[Row]  # seq, text, line, page
    warnings: list[str]
    document: bytes
    names: list[str]  # the distinct raw names (row names and parents)

    @property
    def n_facts(self) -> int:
        return len(self.facts)


META_COLUMNS = (
    "format, encoding, period, period_type, period_start, period_end, period_basis, "
    "published, title, n_tables, n_facts, source_url"
)
TABLE_COLUMNS = (
    "table_no, kind, caption, n_rows, n_cols, header_rows, stub_cols, engine, line_start, "
    "line_end, page, headers, metrics, grid, quality, review"
)
TABLE_GRID = 13  # where a table row holds its grid (a packed grid, not yet JSON)


def bulletin_rows(b: Bulletin) -> BulletinRows:
    """A bulletin as rows; the document is packed without what the rows already hold."""
    doc = b.document
    meta = (
        doc.format, doc.encoding, b.period.label, b.period.type if b.period.label else None,
        b.period.start, b.period.end, b.period.basis, b.period.published, b.title,
        len(doc.tables), len(b.facts), b.source_url,
    )  # fmt: skip
    cells: dict[int | None, dict[tuple[int, int], int]] = {
        t.index: {(c.row, c.col): k for k, c in enumerate(t.cells)} for t in doc.tables
    }
    names = {f.name_key for f in b.facts if f.name_key is not None}
    names |= {f.parent_raw for f in b.facts if f.parent_raw is not None}
    return BulletinRows(
        meta=meta,
        publisher=b.publisher,
        tables=[table_row(t, b) for t in doc.tables],
        facts=[fact_row(f, cells.get(f.table_index, NO_CELLS)) for f in b.facts],
        checks=[check_row(c) for c in b.checks],
        blocks=[(i, x.text, x.source.line_start, x.source.page) for i, x in enumerate(doc.blocks)],
        warnings=list(b.warnings),
        document=pack_document(doc),
        names=sorted(names),
    )


def table_row(table: Table, b: Bulletin) -> Row:
    """A table as a source_tables row (TABLE_COLUMNS); its cells once, in runs
    (archive/grid.py), at TABLE_GRID: the store refers to labels and writes the JSON."""
    info = b.tables[table.index]
    grid = pack_grid([cell_array(c) for c in table.cells])
    return (
        table.index + 1, info.kind, info.caption, table.n_rows, table.n_cols, table.header_rows,
        table.stub_cols, table.engine or b.document.format, table.source.line_start,
        table.source.line_end, table.source.page, _json(info.headers), _json(info.metrics),
        grid, info.quality, info.review,
    )  # fmt: skip


NO_CELLS: dict[tuple[int, int], int] = {}  # of a headline figure's (no) table


def fact_row(f: Fact, cells: dict[tuple[int, int], int]) -> Row:
    """A fact with its strings as text: table index, index of its cell in ``cells`` (its
    table's cell indexes by position), then the facts columns from table_kind on
    (value_raw None when it is the integer value as printed)."""
    row, col = f.row, f.col
    cell = cells.get((row, col)) if row is not None and col is not None else None
    bbox = f.bbox
    return (
        f.table_index, cell, f.table_kind, f.entity_raw, f.name_key, f.parent_raw, f.row_label,
        f.row_role, f.metric, f.header, f.value, stored_raw(f.value, f.value_raw), f.unit,
        f.note, row, col, f.line, f.page, bbox_text(bbox) if bbox else None,
        int(f.needs_review), f.period, f.period_type,
    )  # fmt: skip


def stored_raw(value: float | None, raw: str) -> str | None:
    """The printed text, or None when it is exactly the value as an integer (the view
    `facts_readable` writes it back with CAST)."""
    number = integer_text(raw)
    # ``value == number`` compares exactly: the value is that whole number, no rounding
    if number is None or value != number or abs(number) >= MAX_EXACT_INTEGER:
        return raw
    return None


@lru_cache(maxsize=MEMO_SIZE)
def integer_text(raw: str) -> int | None:
    """The integer ``raw`` writes as Python writes it (``2586``, ``-3``; not ``2,586``,
    ``-0`` or ``007``), else None."""
    try:
        number = int(raw)
    except ValueError:
        return None
    return number if str(number) == raw else None


def check_row(c: Check) -> Row:
    """A check with its table's index and the indexes of its facts in the bulletin, packed
    (``pack_ids``: the store adds the bulletin's first fact id to the first number)."""
    return (
        c.table_index, c.rule, c.subject, c.metric, c.expected, c.actual, c.status, c.message,
        tuple(pack_ids(list(c.facts))),
    )  # fmt: skip


def bbox_text(bbox: tuple[float, float, float, float] | None) -> str | None:
    """A bounding box as stored: JSON, rounded to hundredths of a point."""
    return json.dumps([round(v, 2) for v in bbox]) if bbox else None


# What ``json.dumps(value, ensure_ascii=False, separators=(",", ":"))`` writes, without its
# check for cycles (rows are trees).
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def _json(value: object) -> str:
    return _ENCODER.encode(value)
