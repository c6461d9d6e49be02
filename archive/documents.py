"""An extracted document kept beside its bulletin, so facts can be re-derived without the file.

When only the configuration changed (the metrics vocabulary, later a publisher profile),
ingest normalises the stored document again instead of reading the file; it is packed as
compressed JSON, one row per bulletin.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

from extract.document import Block, Cell, Document, Source, Table


def pack_document(doc: Document) -> bytes:
    """A document as compressed JSON."""
    data = {
        "path": doc.path,
        "format": doc.format,
        "encoding": doc.encoding,
        "blocks": [[b.text, *_pack_source(b.source)] for b in doc.blocks],
        "tables": [_table(t) for t in doc.tables],
        "table_positions": doc.table_positions,
    }
    return zlib.compress(json.dumps(data, ensure_ascii=False).encode("utf-8"))


def unpack_document(body: bytes) -> Document:
    """The document packed by ``pack_document``."""
    data = json.loads(zlib.decompress(body).decode("utf-8"))
    return Document(
        path=data["path"],
        format=data["format"],
        encoding=data["encoding"],
        blocks=[Block(b[0], _source(b[1:])) for b in data["blocks"]],
        tables=[_unpack_table(t) for t in data["tables"]],
        table_positions=list(data["table_positions"]),
    )


def _table(t: Table) -> dict[str, Any]:
    return {
        "index": t.index,
        "cells": [
            [c.text, c.row, c.col, c.rowspan, c.colspan, *_pack_source(c.source)] for c in t.cells
        ],
        "n_rows": t.n_rows,
        "n_cols": t.n_cols,
        "header_rows": t.header_rows,
        "stub_cols": t.stub_cols,
        "caption": t.caption,
        "source": _pack_source(t.source),
        "warnings": t.warnings,
        "engine": t.engine,
    }


def _unpack_table(t: dict[str, Any]) -> Table:
    cells = [Cell(c[0], c[1], c[2], c[3], c[4], _source(c[5:])) for c in t["cells"]]
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


def _pack_source(s: Source) -> list[Any]:
    return [s.line_start, s.line_end, s.page, list(s.bbox) if s.bbox else None]


def _source(s: list[Any]) -> Source:
    bbox = s[3]
    return Source(s[0], s[1], s[2], (bbox[0], bbox[1], bbox[2], bbox[3]) if bbox else None)
