"""Tables whose rows and spans the source states (HTML, Word, PDF): rows → a grid.

Readers of such formats hand over rows of cells with their row and column spans; this
module places them on a grid (the HTML table model), separates title rows, the header
and the body, and counts the leading name columns, so that every reader returns tables
normalisation can read the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extract.document import Cell, Source, Table
from extract.hints import LayoutHints
from extract.layout import INDEX, TEXT, VALUE, cell_kind


@dataclass(frozen=True)
class SpanCell:
    """A cell as a structured source states it."""

    text: str
    rowspan: int = 1
    colspan: int = 1
    source: Source = field(default_factory=Source)


def place(rows: list[list[SpanCell]]) -> list[Cell]:
    """Put stated cells on a grid: each cell takes the first free column of its row."""
    taken: set[tuple[int, int]] = set()
    cells: list[Cell] = []
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            rowspan, colspan = max(cell.rowspan, 1), max(cell.colspan, 1)
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken.add((r + dr, c + dc))
            cells.append(Cell(cell.text, r, c, rowspan, colspan, cell.source))
            c += colspan
    return cells


def table_from_rows(
    rows: list[list[SpanCell]],
    hints: LayoutHints,
    *,
    index: int,
    caption: list[str],
    engine: str,
    source: Source | None = None,
) -> Table | None:
    """A Table from stated rows; None when no row holds a value."""
    cells = drop_empty_rows(place(rows))
    if not cells:
        return None
    n_rows = max(c.row + c.rowspan for c in cells)
    n_cols = max(c.col + c.colspan for c in cells)
    titles = _title_rows(cells, n_cols)
    if titles:
        caption = caption + [c.text.strip() for c in cells if c.row < titles]
        cells = [_shift(c, titles) for c in cells if c.row >= titles]
        n_rows -= titles
    kinds = {(c.row, c.col): cell_kind(c.text, hints) for c in cells}
    header_rows = _header_rows(cells, kinds, n_rows)
    if header_rows is None:
        return None
    stub = _stub_cols(cells, kinds, header_rows)
    lines = [c.source.line_start for c in cells if c.source.line_start is not None]
    pages = [c.source.page for c in cells if c.source.page is not None]
    return Table(
        index=index,
        cells=cells,
        n_rows=n_rows,
        n_cols=n_cols,
        header_rows=header_rows,
        stub_cols=stub,
        caption=caption,
        source=source
        or Source(min(lines, default=None), max(lines, default=None), min(pages, default=None)),
        engine=engine,
    )


def drop_empty_rows(cells: list[Cell]) -> list[Cell]:
    """Remove rows where no cell starts with text (spacer rows); spans across them shrink,
    and a row span running past the last row (rowspan="9" on a 3-row table) is clipped."""
    starts_text = {c.row for c in cells if c.text.strip()}
    empty = sorted({c.row for c in cells} - starts_text)
    gone = set(empty)
    last = max(starts_text, default=-1)
    out = []
    for cell in cells:
        covered = [
            r for r in range(cell.row, min(cell.row + cell.rowspan, last + 1)) if r not in gone
        ]
        if not covered:
            continue
        # A cell that starts in a spacer row but spans kept rows moves to the first of them.
        row = covered[0] - sum(1 for r in empty if r < covered[0])
        out.append(Cell(cell.text, row, cell.col, len(covered), cell.colspan, cell.source))
    return out


def _shift(cell: Cell, rows: int) -> Cell:
    return Cell(cell.text, cell.row - rows, cell.col, cell.rowspan, cell.colspan, cell.source)


def _title_rows(cells: list[Cell], n_cols: int) -> int:
    """Leading rows that are one cell across the whole table (a title, not a header)."""
    count = 0
    while True:
        row = [c for c in cells if c.row == count]
        if len(row) == 1 and row[0].colspan == n_cols and n_cols > 1 and row[0].rowspan == 1:
            count += 1
            continue
        return count


def _header_rows(cells: list[Cell], kinds: dict[tuple[int, int], str], n_rows: int) -> int | None:
    """Rows before the first one that holds a value outside its first column."""
    for r in range(n_rows):
        row = sorted((c for c in cells if c.row == r), key=lambda c: c.col)
        values = [c for c in row if kinds[(c.row, c.col)] in (VALUE, INDEX)]
        if any(c.col > 0 for c in values) or (values and len(row) == 1):
            return r
    return None


def _stub_cols(cells: list[Cell], kinds: dict[tuple[int, int], str], header_rows: int) -> int:
    """How many leading columns hold row names (a row number counts) rather than values."""
    grid: dict[tuple[int, int], Cell] = {}
    for cell in cells:
        for dr in range(cell.rowspan):
            for dc in range(cell.colspan):
                grid[(cell.row + dr, cell.col + dc)] = cell
    n_rows = max(c.row + c.rowspan for c in cells)
    n_cols = max(c.col + c.colspan for c in cells)
    widest = 1
    for r in range(header_rows, n_rows):
        c = 0
        while c < n_cols:
            here = grid.get((r, c))
            if here is None:
                break
            kind = kinds[(here.row, here.col)]
            is_number = kind == INDEX and c == 0 and n_cols > 2
            if kind != TEXT and not is_number:
                break
            c = here.col + here.colspan
        widest = max(widest, c)
    # A note printed in a value cell (见说明) does not make its column a name column: the
    # first column after the first that holds a number in some row is a value column.
    numbers = [
        cell.col
        for cell in cells
        if cell.row >= header_rows
        and cell.col > 0
        and kinds[(cell.row, cell.col)] != TEXT
        and any(ch.isdigit() for ch in cell.text)
    ]
    widest = min(widest, min(numbers, default=widest))
    return min(widest, n_cols - 1) if n_cols > 1 else 1
