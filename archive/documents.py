"""An extracted document kept beside its bulletin, so facts can be re-derived without the file.

When only the configuration changed (the metrics vocabulary, later a publisher profile),
ingest normalises the stored document again instead of reading the file. What the
archive already holds is not stored twice: the prose is in `blocks` and every table's
cells in `source_tables.grid` (archive/grid.py); the packed body (compressed JSON, one
row per bulletin) keeps the rest, and ``load_document`` puts the three together again.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from typing import Any

from archive.grid import label_references, resolve_texts, unpack_grid
from extract.document import Block, Cell, Document, Source, Table

# row, col, rowspan, colspan, text, line, line_end, page, bbox, and for OCR'd cells the
# engine's confidence and the corrected reading (a re-derivation flags what OCR doubted)
CELL_FIELDS = 11


def pack_document(doc: Document) -> bytes:
    """A document as compressed JSON, without the block texts and the cells."""
    data = {
        "path": doc.path,
        "format": doc.format,
        "encoding": doc.encoding,
        "blocks": [_pack_source(b.source) for b in doc.blocks],
        "tables": [_table(t) for t in doc.tables],
        "table_positions": doc.table_positions,
    }
    return zlib.compress(json.dumps(data, ensure_ascii=False).encode("utf-8"))


def cell_array(c: Cell) -> list[Any]:
    """A cell as a JSON array, without trailing nulls (`source_tables.grid` stores it so
    when it is not plain: see archive/grid.py)."""
    s = c.source
    if c.confidence is None and c.alternative is None:  # all but OCR'd cells
        if s.bbox:
            return [c.row, c.col, c.rowspan, c.colspan, c.text, s.line_start, s.line_end,
                    s.page, list(s.bbox)]  # fmt: skip
        if s.page is not None:
            return [c.row, c.col, c.rowspan, c.colspan, c.text, s.line_start, s.line_end,
                    s.page]  # fmt: skip
        if s.line_end is not None:  # text formats: lines, no page
            return [c.row, c.col, c.rowspan, c.colspan, c.text, s.line_start, s.line_end]
        if s.line_start is not None:  # a cell of one line
            return [c.row, c.col, c.rowspan, c.colspan, c.text, s.line_start]
    values = [c.row, c.col, c.rowspan, c.colspan, c.text, s.line_start, s.line_end, s.page,
              list(s.bbox) if s.bbox else None, c.confidence, c.alternative]  # fmt: skip
    while values and values[-1] is None:
        values.pop()
    return values


def load_document(conn: sqlite3.Connection, bulletin_id: int) -> Document | None:
    """The document stored for a bulletin, or None when none is stored."""
    row = conn.execute("SELECT body FROM documents WHERE bulletin_id = ?", [bulletin_id]).fetchone()
    if row is None:
        return None
    texts = [
        str(t or "")
        for (t,) in conn.execute(
            "SELECT text FROM blocks WHERE bulletin_id = ? ORDER BY seq", [bulletin_id]
        )
    ]
    stored = [
        json.loads(g)
        for (g,) in conn.execute(
            "SELECT grid FROM source_tables WHERE bulletin_id = ? ORDER BY table_no", [bulletin_id]
        )
    ]
    ids = sorted(set().union(*(label_references(g) for g in stored)))
    labels = dict(
        conn.execute(f"SELECT id, text FROM labels WHERE id IN ({', '.join('?' * len(ids))})", ids)
    )
    grids = [unpack_grid(resolve_texts(g, labels)) for g in stored]
    return unpack_document(row[0], texts, grids)


def unpack_document(body: bytes, texts: list[str], grids: list[list[list[Any]]]) -> Document:
    """The document packed by ``pack_document``, with its block texts and tables' cells."""
    data = json.loads(zlib.decompress(body).decode("utf-8"))
    return Document(
        path=data["path"],
        format=data["format"],
        encoding=data["encoding"],
        blocks=[Block(text, _source(s)) for text, s in zip(texts, data["blocks"], strict=True)],
        tables=[_unpack_table(t, g) for t, g in zip(data["tables"], grids, strict=True)],
        table_positions=list(data["table_positions"]),
    )


def _table(t: Table) -> dict[str, Any]:
    return {
        "index": t.index,
        "n_rows": t.n_rows,
        "n_cols": t.n_cols,
        "header_rows": t.header_rows,
        "stub_cols": t.stub_cols,
        "caption": t.caption,
        "source": _pack_source(t.source),
        "warnings": t.warnings,
        "engine": t.engine,
    }


def _unpack_table(t: dict[str, Any], grid: list[list[Any]]) -> Table:
    cells = [_cell(c + [None] * (CELL_FIELDS - len(c))) for c in grid]
    return Table(
        index=t["index"],
        cells=cells,
        n_rows=t["n_rows"],
        n_cols=t["n_cols"],
        header_rows=t["header_rows"],
        stub_cols=t["stub_cols"],
        caption=list(t["caption"]),
        source=_source(t["source"]),
        warnings=list(t["warnings"]),
        engine=t["engine"],
    )


def _cell(c: list[Any]) -> Cell:
    return Cell(c[4], c[0], c[1], c[2], c[3], _source(c[5:9]), c[9], c[10])


def _pack_source(s: Source) -> list[Any]:
    return [s.line_start, s.line_end, s.page, list(s.bbox) if s.bbox else None]


def _source(s: list[Any]) -> Source:
    bbox = s[3]
    return Source(s[0], s[1], s[2], (bbox[0], bbox[1], bbox[2], bbox[3]) if bbox else None)
