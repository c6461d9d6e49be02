"""Tables broken by pages joined into one: the parts on the boundaries of all of them, a
repeated header skipped, a row broken by the page re-joined, names spanning on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from extract.hints import LayoutHints
from extract.layout import INDEX, VALUE, cell_kind
from extract.pdf_tables import (
    PartCell,
    TablePart,
    is_fragment,
    is_numbered,
    on_edges,
    repeated_header,
)
from extract.pdf_text import join_wrapped


def stitch(parts: Sequence[TablePart], hints: LayoutHints) -> TablePart:
    """Parts of one table (one per page) as one grid, on the boundaries of all of them."""
    edges = max((p.edges for p in parts), key=len)
    parts = [on_edges(part, edges) for part in parts]
    whole = replace(parts[0], cells=list(parts[0].cells))
    indexed = is_numbered(whole, hints)
    for part in parts[1:]:
        skip = repeated_header(whole, part)
        cells = [replace(c, row=c.row - skip) for c in part.cells if c.row >= skip]
        rows = part.n_rows - skip
        cells, rows = join_broken_row(whole, cells, rows, indexed, hints)
        offset = whole.n_rows
        whole.cells.extend(replace(c, row=c.row + offset) for c in cells)
        whole.n_rows += rows
    return whole


def join_broken_row(
    whole: TablePart, cells: list[PartCell], rows: int, indexed: bool, hints: LayoutHints
) -> tuple[list[PartCell], int]:
    """Merge the next part's leading fragment rows into the last row of the table so far
    (or that row, when it is the fragment, into the next), and let names that spanned
    down to the page break span on."""
    last = whole.n_rows - 1
    while rows:
        top = [c for c in cells if c.row == 0]
        last_cells = [c for c in whole.cells if c.row == last]
        if not (is_fragment(top, indexed, hints) or is_fragment(last_cells, indexed, hints)):
            break
        for cell in top:
            if not cell.text:
                continue
            target = whole.covering(last, cell.col)
            if target is None:
                whole.cells.append(replace(cell, row=last, rowspan=1))
            else:
                merged = replace(target, text=join_wrapped(target.text, cell.text))
                whole.cells[whole.cells.index(target)] = merged
        cells = [replace(c, row=c.row - 1) for c in cells if c.row > 0]
        rows -= 1
    if rows:
        cells = extend_spans(whole, cells, indexed, hints)
    return cells, rows


def extend_spans(
    whole: TablePart, cells: list[PartCell], indexed: bool, hints: LayoutHints
) -> list[PartCell]:
    """Empty name cells at the top of a continuation extend the name above them (a town
    spanning its centres across the page break)."""
    last = whole.n_rows - 1
    values = [
        c.col
        for c in cells
        if c.row == 0 and c.col > 0 and cell_kind(c.text, hints) in (VALUE, INDEX)
    ]
    first_value = min(values, default=whole.n_cols)
    out = []
    for cell in cells:
        above = whole.covering(last, cell.col) if cell.row == 0 else None
        if (
            above is not None
            and not cell.text
            and above.text
            and (0 if indexed else -1) < cell.col < first_value
            and (above.col, above.colspan) == (cell.col, cell.colspan)
        ):
            grown = replace(above, rowspan=above.rowspan + cell.rowspan)
            whole.cells[whole.cells.index(above)] = grown
            continue
        out.append(cell)
    return out
