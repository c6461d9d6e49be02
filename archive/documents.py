"""An extracted document kept beside its bulletin, so facts can be re-derived without the file.

When only the configuration changed (the metrics vocabulary, later a publisher profile),
ingest normalises the stored document again instead of reading the file; it is packed as
compressed JSON, one row per bulletin.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import asdict
from typing import Any

from extract.document import Block, Cell, Document, Source, Table


def pack_document(doc: Document) -> bytes:
    """A document as compressed JSON."""
    data = {
        "path": doc.path,
        "format": doc.format,
        "encoding": doc.encoding,
        "blocks": [asdict(b) for b in doc.blocks],
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
        blocks=[Block(b["text"], _source(b["source"])) for b in data["blocks"]],
        tables=[_unpack_table(t) for t in data["tables"]],
        table_positions=list(data["table_positions"]),
    )


def _table(t: Table) -> dict[str, Any]:
    return {
        "index": t.index,
        "cells": [asdict(c) for c in t.cells],
        "n_rows": t.n_rows,
        "n_cols": t.n_cols,
        "header_rows": t.header_rows,
        "stub_cols": t.stub_cols,
        "caption": t.caption,
        "source": asdict(t.source),
        "warnings": t.warnings,
        "engine": t.engine,
    }


def _unpack_table(t: dict[str, Any]) -> Table:
    cells = [
        Cell(c["text"], c["row"], c["col"], c["rowspan"], c["colspan"], _source(c["source"]))
        for c in t["cells"]
    ]
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


def _source(s: dict[str, Any]) -> Source:
    bbox = s.get("bbox")
    return Source(
        s.get("line_start"),
        s.get("line_end"),
        s.get("page"),
        (bbox[0], bbox[1], bbox[2], bbox[3]) if bbox else None,
    )
