"""The one document type every reader returns: prose blocks in order, tables as grids."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache


@dataclass(frozen=True)
class Source:
    """Where a block or cell came from: lines for text, page and box for PDF."""

    line_start: int | None = None
    line_end: int | None = None
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None

    def __init__(
        self,
        line_start: int | None = None,
        line_end: int | None = None,
        page: int | None = None,
        bbox: tuple[float, float, float, float] | None = None,
    ) -> None:
        # All fields at once: the generated frozen __init__ sets them one by one through
        # object.__setattr__, at three times the cost, for every block and cell.
        self.__dict__.update(line_start=line_start, line_end=line_end, page=page, bbox=bbox)

    def describe(self) -> str:
        """A short human-readable position, e.g. ``line 42`` or ``page 3``."""
        if self.page is not None:
            return f"page {self.page}"
        if self.line_start is None:
            return "?"
        if self.line_end is None or self.line_end == self.line_start:
            return f"line {self.line_start}"
        return f"lines {self.line_start}-{self.line_end}"


@dataclass(frozen=True)
class Cell:
    """One cell of a table grid, at its top-left position, with its spans."""

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    source: Source = field(default_factory=Source)
    # OCR only: the engine's score for the text (0–1), and a corrected reading, if any.
    confidence: float | None = None
    alternative: str | None = None


_new_object = object.__new__
_set_attribute = object.__setattr__


def cell_of(text: str, row: int, col: int, rowspan: int, colspan: int, source: Source) -> Cell:
    """``Cell(text, row, col, rowspan, colspan, source)`` built on the hot path: the frozen
    dataclass's ``__init__`` sets each field through ``object.__setattr__``; this gives the
    instance its dict at once, written out. The result is equal to the dataclass built the
    usual way."""
    cell: Cell = _new_object(Cell)
    _set_attribute(
        cell,
        "__dict__",
        {
            "text": text,
            "row": row,
            "col": col,
            "rowspan": rowspan,
            "colspan": colspan,
            "source": source,
            "confidence": None,
            "alternative": None,
        },
    )
    return cell


@lru_cache(maxsize=1 << 12)
def line_source(line: int | None) -> Source:
    """The (immutable, shared) Source of one text line."""
    return Source(line)


@dataclass(frozen=True)
class Block:
    """A paragraph of prose (or a caption line) in reading order."""

    text: str
    source: Source = field(default_factory=Source)


@dataclass
class Table:
    """A table as a grid of cells; ``header_rows`` leading rows are the header."""

    index: int
    cells: list[Cell]
    n_rows: int
    n_cols: int
    header_rows: int
    # Leading columns that name the row (row number, department, town) rather than hold values.
    stub_cols: int = 1
    caption: list[str] = field(default_factory=list)
    source: Source = field(default_factory=Source)
    warnings: list[str] = field(default_factory=list)
    engine: str = ""
    # Value columns whose header group the reader had to guess (facts there may need review).
    guessed_cols: list[int] = field(default_factory=list)
    _grid: tuple[tuple[int, int, int, int], list[list[Cell | None]]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def grid(self) -> list[list[Cell | None]]:
        """The expanded grid: every position points at the cell covering it (None if none).

        Computed once per shape of the table; treat the result as read-only.
        """
        key = (id(self.cells), len(self.cells), self.n_rows, self.n_cols)
        if self._grid is not None and self._grid[0] == key:
            return self._grid[1]
        n_rows, n_cols = self.n_rows, self.n_cols
        out: list[list[Cell | None]] = [[None] * n_cols for _ in range(n_rows)]
        for cell in self.cells:
            row, col = cell.row, cell.col
            if cell.rowspan == 1 and cell.colspan == 1:  # most cells: one position
                if row < n_rows and col < n_cols:
                    out[row][col] = cell
                continue
            for r in range(row, min(row + cell.rowspan, n_rows)):
                for c in range(col, min(col + cell.colspan, n_cols)):
                    out[r][c] = cell
        self._grid = (key, out)
        return out

    def row_cells(self, row: int) -> list[Cell]:
        """The cells that start in ``row``, left to right."""
        return sorted((c for c in self.cells if c.row == row), key=lambda c: c.col)


@dataclass
class Document:
    """What a reader saw in one file."""

    path: str
    format: str
    encoding: str
    blocks: list[Block]
    tables: list[Table]
    # Position of each table in reading order: the number of blocks that precede it.
    table_positions: list[int] = field(default_factory=list)
    # What the reader skipped or doubted in the file as a whole (a page it could not read).
    warnings: list[str] = field(default_factory=list)
