"""Table parts of a PDF page as grids of cells with spans and boxes; ruled tables; and
whether the table at the top of a page continues the one on the page before.

Ruled tables come from pdfplumber's line-based finder: its cell boxes, laid against the
table's row and column boundaries, give each cell its row, column and spans
(``boxes_to_grid``); glyphs are then dealt to the cells they sit in (``deal_glyphs``).
Unruled tables are laid out in ``pdf_unruled``.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from extract.document import Table
from extract.hints import LayoutHints, fold
from extract.layout import INDEX, VALUE, cell_kind
from extract.pdf_text import (
    Box,
    Glyph,
    Line,
    PdfSettings,
    text_in_lines,
)

RULED, GAPS = "pdfplumber-lines", "text-gaps"
# Boundaries of ruled cells closer than this (points) are one boundary.
SNAP = 2.0


@dataclass(frozen=True)
class PartCell:
    """A cell of a table part: grid position, spans, text, and where it was printed."""

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    page: int = 0
    bbox: Box = (0.0, 0.0, 0.0, 0.0)


@dataclass
class TablePart:
    """The piece of a table printed on one page."""

    page: int
    bbox: Box
    n_rows: int
    n_cols: int
    cells: list[PartCell]
    engine: str
    header_rows: int = 0
    edges: list[float] = field(default_factory=list)
    # What was guessed or chosen in reading it (group spans, the reading and its evidence).
    notes: list[str] = field(default_factory=list)
    # The first part of an unruled table read several ways: the winning reading's grid and
    # how many parts it was built from (so it is not built twice).
    read_as: Table | None = None
    read_from: int = 0

    def row(self, r: int) -> list[PartCell]:
        """The cells that start in row ``r``, left to right."""
        return sorted((c for c in self.cells if c.row == r), key=lambda c: c.col)

    def covering(self, r: int, c: int) -> PartCell | None:
        """The cell that covers grid position (r, c)."""
        for cell in self.cells:
            if cell.row <= r < cell.row + cell.rowspan and cell.col <= c < cell.col + cell.colspan:
                return cell
        return None


# --- ruled tables: pdfplumber ----------------------------------------------------------


def cluster(values: Iterable[float], tolerance: float = SNAP) -> list[float]:
    """Sorted values with near-equal ones merged (their mean)."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tolerance:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(group) / len(group) for group in out]


def nearest(edges: Sequence[float], value: float) -> int:
    """Index of the edge closest to value."""
    i = bisect.bisect_left(edges, value)
    if i == 0:
        return 0
    if i == len(edges):
        return len(edges) - 1
    return i if edges[i] - value < value - edges[i - 1] else i - 1


def boxes_to_grid(boxes: Sequence[Box]) -> tuple[list[float], list[float], list[PartCell]]:
    """Cell boxes → column edges, row edges and cells with row, column and spans."""
    xs = cluster([b[0] for b in boxes] + [b[2] for b in boxes])
    ys = cluster([b[1] for b in boxes] + [b[3] for b in boxes])
    cells: dict[tuple[int, int], PartCell] = {}
    for box in boxes:
        col, end_col = nearest(xs, box[0]), nearest(xs, box[2])
        row, end_row = nearest(ys, box[1]), nearest(ys, box[3])
        if end_col > col and end_row > row:
            cells[(row, col)] = PartCell("", row, col, end_row - row, end_col - col, bbox=box)
    return xs, ys, fill_holes(list(cells.values()), len(ys) - 1, len(xs) - 1, xs, ys)


def fill_holes(
    cells: list[PartCell], n_rows: int, n_cols: int, xs: Sequence[float], ys: Sequence[float]
) -> list[PartCell]:
    """Add an empty cell at every grid position no cell covers (a rule the finder missed)."""
    taken = {
        (r, c)
        for cell in cells
        for r in range(cell.row, cell.row + cell.rowspan)
        for c in range(cell.col, cell.col + cell.colspan)
    }
    holes = [
        PartCell("", r, c, bbox=(xs[c], ys[r], xs[c + 1], ys[r + 1]))
        for r in range(n_rows)
        for c in range(n_cols)
        if (r, c) not in taken
    ]
    return sorted(cells + holes, key=lambda cell: (cell.row, cell.col))


def deal_glyphs(
    glyphs: Iterable[Glyph], xs: Sequence[float], ys: Sequence[float], cells: Sequence[PartCell]
) -> dict[tuple[int, int], list[Glyph]]:
    """Glyphs by the (row, col) of the cell their centre falls in."""
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    for cell in cells:
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                owner[(r, c)] = (cell.row, cell.col)
    out: dict[tuple[int, int], list[Glyph]] = {}
    for glyph in glyphs:
        x, y = (glyph.x0 + glyph.x1) / 2, glyph.middle
        c, r = bisect.bisect_right(xs, x) - 1, bisect.bisect_right(ys, y) - 1
        key = owner.get((r, c))
        if key is not None:
            out.setdefault(key, []).append(glyph)
    return out


def ruled_part(
    boxes: Sequence[Box], glyphs: Sequence[Glyph], page: int, hints: LayoutHints,
    settings: PdfSettings,
) -> TablePart | None:  # fmt: skip
    """One ruled table found by pdfplumber, with each cell's text."""
    xs, ys, cells = boxes_to_grid(boxes)
    if len(xs) < 3 or len(ys) < 2:
        return None  # a single column or a box around text is not a table
    dealt = deal_glyphs(glyphs, xs, ys, cells)
    cells = [
        replace(cell, text=text_in_lines(dealt.get((cell.row, cell.col), []), page, settings),
                page=page)
        for cell in cells
    ]  # fmt: skip
    part = TablePart(page, (xs[0], ys[0], xs[-1], ys[-1]), len(ys) - 1, len(xs) - 1, cells, RULED)
    part.edges = xs
    part = drop_empty_rows(part)
    part.header_rows = header_rows(part, hints)
    return part if part.n_rows else None


def drop_empty_rows(part: TablePart) -> TablePart:
    """Remove rows where no cell starts with text and no spanning cell needs them."""
    keep: list[int] = []
    for r in range(part.n_rows):
        starting = part.row(r)
        spanned = any(c.row < r < c.row + c.rowspan and c.text for c in part.cells if c.rowspan > 1)
        if any(c.text for c in starting) or spanned:
            keep.append(r)
    if len(keep) == part.n_rows:
        return part
    new_index = {r: i for i, r in enumerate(keep)}
    cells = []
    for cell in part.cells:
        rows = [new_index[r] for r in range(cell.row, cell.row + cell.rowspan) if r in new_index]
        if rows:
            cells.append(replace(cell, row=rows[0], rowspan=len(rows)))
    part.cells, part.n_rows = cells, len(keep)
    return part


def header_rows(part: TablePart, hints: LayoutHints) -> int:
    """Rows before the first one that holds a value outside its first column."""
    for r in range(part.n_rows):
        row = part.row(r)
        if any(c.col > 0 and cell_kind(c.text, hints) in (VALUE, INDEX) for c in row):
            return r
    return part.n_rows


Cells = dict[int, Line]  # a line's pieces by column


def starts_row(texts: dict[int, str], indexed: bool, hints: LayoutHints) -> bool:
    """True for the cells that open a row: a row number (or a total) in the first column of
    a numbered table, or a total's name wherever its span centres it; else a value outside
    the first column."""
    if indexed:
        summary = hints.total_rows | hints.subtotal_rows
        return bool(texts.get(0)) or any(fold(t) in summary for t in texts.values())
    return any(c > 0 and cell_kind(t, hints) in (VALUE, INDEX) for c, t in texts.items())


# --- tables across pages ---------------------------------------------------------------


def same_columns(a: TablePart, b: TablePart) -> bool:
    """True when two parts are both ruled or both not, and the column boundaries of one
    are boundaries of the other (a part holding only a header row with a merged cell
    lacks the boundary under it)."""
    if (a.engine == RULED) != (b.engine == RULED):
        return False
    fewer, more = sorted((a.edges, b.edges), key=len)
    if abs(fewer[0] - more[0]) > 3 * SNAP or abs(fewer[-1] - more[-1]) > 3 * SNAP:
        return False
    return all(min(abs(x - y) for y in more) <= 3 * SNAP for x in fewer)


def on_edges(part: TablePart, edges: list[float]) -> TablePart:
    """A ruled part laid on the table's column boundaries: each cell's columns and span
    from its box."""
    if part.engine != RULED or len(edges) == len(part.edges):
        return part
    cells = []
    for cell in part.cells:
        col = nearest(edges, cell.bbox[0])
        cells.append(replace(cell, col=col, colspan=max(nearest(edges, cell.bbox[2]) - col, 1)))
    return replace(part, cells=cells, n_cols=len(edges) - 1, edges=edges)


def row_texts(part: TablePart, r: int) -> list[str]:
    """Folded texts of the cells starting in row r, with their columns."""
    return [f"{c.col}:{fold(c.text)}" for c in part.row(r)]


def repeated_header(first: TablePart, part: TablePart) -> int:
    """How many rows of ``first``'s header ``part`` opens with (0 when it does not repeat it)."""
    n = first.header_rows
    if n == 0 or part.n_rows <= n:
        return 0
    return n if all(row_texts(first, r) == row_texts(part, r) for r in range(n)) else 0


def is_fragment(cells: Sequence[PartCell], indexed: bool, hints: LayoutHints) -> bool:
    """Cells that do not open a row and hold no header label: the rest of a broken row."""
    texts = {c.col: c.text for c in cells if c.text}
    if starts_row(texts, indexed, hints):
        return False
    return not any(hints.is_header_like(t) for t in texts.values())


def is_numbered(part: TablePart, hints: LayoutHints) -> bool:
    """True when the part's first column is headed by a row-number label (序号)."""
    return any(
        c.col == 0 and c.row < part.header_rows and fold(c.text) in hints.index_headers
        for c in part.cells
    )


def continues_table(first: TablePart, part: TablePart, hints: LayoutHints) -> bool:
    """True when ``part`` (at the top of the next page) continues the table of ``first``."""
    if not same_columns(first, part):
        return False
    skip = repeated_header(first, part)
    indexed = is_numbered(first, hints)
    return all(is_fragment(part.row(r), indexed, hints) for r in range(skip, part.header_rows))
