"""A table's cells as `source_tables.grid` holds them: runs of plain cells, the rest in full.

Most cells are one row by one column, follow the cell before them in their row (or start
the next row at the same column), and sit on a line that grows by a fixed step per column
and per row (one step for a pipe row, one line a cell in a tab layout). Such a stretch of
cells is stored as one *run*: a header ``[k, row, col, width, line, col_step, row_step]``
(its first cell's index in the table, row, column and line, how many cells a row of the
run has, the line steps) and its texts; the i-th text is cell k + i, at
``row + i // width``, ``col + i % width``, on line
``line + (i // width) * row_step + (i % width) * col_step``. A cell of any other shape (a
span, several lines, a page, a box, an OCR confidence) is stored in full: a header
``[k, cell]``, ``cell`` the array of ``archive.documents.cell_array`` without its text.

The grid is ``[layout, texts, ...]``: the layout lists the headers in order, and the
array after entry j (grid[j + 1]) holds its texts (one for a full cell). The headers are
kept apart from the texts so that SQL reads a small header per cell, not the whole run:
the `cells` view is one plain SELECT over both (SQLite folds it into the query, so a
count reads no header).

A text that is a plain non-negative integer (``2463``, not ``007`` or ``2,463``) is
stored as a JSON number, so it costs no quotes; the view casts it back to text. A text
that the bulletin's facts hold as a label too (a row's name, a column's header: they
come back every month) is stored as a reference to it, the label's id negated (-17 for
label 17; no text is stored as a negative number), which the view looks up.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

LONGEST_NUMBER = 15  # digits a text may have to be stored as a number (exact in a double)
TEXT = 4  # where a cell's array holds its text
PLAIN_FIELDS = 6  # a plain cell's array: row, col, 1, 1, text and at most its line


def pack_grid(cells: list[list[Any]]) -> list[Any]:
    """The stored grid of a table's cells (each a ``cell_array``), in the cells' order."""
    entries: list[_Run | list[Any]] = []
    payloads: list[Any] = []
    run: _Run | None = None
    for k, cell in enumerate(cells):
        if not is_plain(cell):
            run = None
            entries.append([k, [*cell[:TEXT], *cell[TEXT + 1 :]]])
            payloads.append([cell[TEXT]])
            continue
        if run is not None and run.takes(cell):
            continue
        run = _Run(k, cell)
        entries.append(run)
        payloads.append(run.texts)
    layout = [e.header() if isinstance(e, _Run) else e for e in entries]
    return [layout, *payloads]


def unpack_grid(grid: list[Any]) -> list[list[Any]]:
    """The cells of a stored grid (each a ``cell_array``), in index order."""
    if not grid:  # a table without cells, stored before runs
        return []
    found: dict[int, list[Any]] = {}
    for entry, payload in zip(grid[0], grid[1:], strict=True):
        if isinstance(entry[1], list):
            rest = entry[1]
            found[entry[0]] = [*rest[:TEXT], payload[0], *rest[TEXT:]]
            continue
        k, row, col, width, line, col_step, row_step = entry
        for i, text in enumerate(payload):
            down, across = divmod(i, width)
            cell = [row + down, col + across, 1, 1, stored_text(text)]
            if line is not None:
                cell.append(line + down * row_step + across * col_step)
            found[k + i] = cell
    if sorted(found) != list(range(len(found))):
        raise ValueError("a stored grid does not give every cell index once")
    return [found[k] for k in range(len(found))]


def refer_texts(grid: list[Any], ids: Mapping[str, int]) -> list[Any]:
    """The stored grid with each text that ``ids`` maps to a label id written as the
    reference to it (the id negated)."""
    return [grid[0], *([_reference(t, ids) for t in texts] for texts in grid[1:])]


def _reference(text: str | int, ids: Mapping[str, int]) -> str | int:
    if isinstance(text, str) and text in ids:
        return -ids[text]
    return text


def label_references(grid: list[Any]) -> set[int]:
    """The label ids a stored grid refers to."""
    return {-t for texts in grid[1:] for t in texts if isinstance(t, int) and t < 0}


def resolve_texts(grid: list[Any], texts: Mapping[int, str]) -> list[Any]:
    """The stored grid with each reference to a label written back as the label's text."""
    if not grid:  # a table without cells, stored before runs
        return grid
    return [grid[0], *([_text(t, texts) for t in payload] for payload in grid[1:])]


def _text(stored: str | int, texts: Mapping[int, str]) -> str | int:
    if isinstance(stored, int) and stored < 0:
        return texts[-stored]
    return stored


def grid_json(grid: list[Any]) -> str:
    """A packed grid as the JSON text stored: no spaces, Chinese as itself."""
    return _ENCODER.encode(grid)


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def is_plain(cell: list[Any]) -> bool:
    """Whether a cell (a ``cell_array``) is one row by one column with at most a line."""
    return len(cell) <= PLAIN_FIELDS and cell[2] == 1 and cell[3] == 1


def packed_text(text: str) -> str | int:
    """A cell's text as a run stores it: a number when the number writes it back exactly."""
    if 0 < len(text) <= LONGEST_NUMBER and text.isascii() and text.isdigit():
        number = int(text)
        if str(number) == text:
            return number
    return text


def stored_text(value: str | int) -> str:
    """A run's text as the cell's text."""
    return value if isinstance(value, str) else str(value)


class _Run:
    """A run being written: it takes each next plain cell that lands where it predicts."""

    def __init__(self, k: int, cell: list[Any]) -> None:
        self.row, self.col = cell[0], cell[1]
        self.line: int | None = cell[5] if len(cell) > PLAIN_FIELDS - 1 else None
        self.width: int | None = None  # cells in a row, known when the second row starts
        self.col_step: int | None = None  # known from the second cell of the first row
        self.row_step: int | None = None
        self.count = 1
        self.k = k
        self.texts: list[str | int] = [packed_text(cell[4])]

    def takes(self, cell: list[Any]) -> bool:
        """Add ``cell`` when it is the run's next cell; say whether it was."""
        line: int | None = cell[5] if len(cell) > PLAIN_FIELDS - 1 else None
        if (line is None) != (self.line is None):
            return False
        down, across = divmod(self.count, self.width) if self.width else (0, self.count)
        if self.width is None and cell[0] == self.row + 1 and cell[1] == self.col:
            down, across = 1, 0  # the second row starts: the first one was `count` wide
            self.width = self.count
        elif (cell[0], cell[1]) != (self.row + down, self.col + across):
            return False
        if not self._on_line(line, down, across):
            return False
        self.count += 1
        self.texts.append(packed_text(cell[4]))
        return True

    def _on_line(self, line: int | None, down: int, across: int) -> bool:
        """Whether ``line`` is the run's line at (down, across); fixes a step not yet known."""
        if line is None or self.line is None:
            return True
        if self.col_step is None and (down, across) == (0, 1):  # the first row's second cell
            self.col_step = line - self.line
        if self.row_step is None and (down, across) == (1, 0):  # the second row's first cell
            self.row_step = line - self.line
        expected = self.line + down * (self.row_step or 0) + across * (self.col_step or 0)
        return line == expected

    def header(self) -> list[Any]:
        """The run's layout entry: where its first cell is, its width and line steps."""
        width = self.width or self.count
        return [self.k, self.row, self.col, width, self.line, self.col_step or 0,
                self.row_step or 0]  # fmt: skip
