"""From a flat run of cells to rows: find the header, recover row boundaries, repair fragments.

Text bulletins lose their table structure: a web page saved as text writes one cell a line
and no row boundaries; an office document writes tab-indented cells with blank lines that
mostly, but not always, separate rows. Both readers hand a flat list of cells to this
module, which recovers rows from what the cells say: a row is an optional row number,
one or more names, then values.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from extract.cells import load_cell_words, total_names
from extract.hints import LayoutHints, fold

EMPTY, VALUE, INDEX, TEXT = "empty", "value", "index", "text"

INT_RE = re.compile(r"^\d+$")
# How many name cells a row may have before its values (e.g. town, centre).
MAX_LABELS = 3
# Cells enough to hold a table's first row, when only that row is needed.
FIRST_ROW_WINDOW = 256
# Distinct cell texts the pure classifier below remembers (memory stays flat).
MEMO_SIZE = 1 << 11


@dataclass(frozen=True)
class RawCell:
    """A cell as a reader found it: its text and the line it sits on."""

    text: str
    line: int

    def __init__(self, text: str, line: int) -> None:
        # Both fields at once: the generated frozen __init__ sets them one by one through
        # object.__setattr__, at twice the cost, on every cell a text reader finds.
        self.__dict__.update(text=text, line=line)


_new_object = object.__new__
_set_attribute = object.__setattr__


def raw_cell(text: str, line: int) -> RawCell:
    """``RawCell(text, line)`` for the readers' hot loops: the instance gets its dict at
    once, without the call through ``__init__`` (a text bulletin has a cell a line)."""
    cell: RawCell = _new_object(RawCell)
    _set_attribute(cell, "__dict__", {"text": text, "line": line})
    return cell


@dataclass
class RawRow:
    """One recovered row: optional row number, names, then values (empties included)."""

    index: RawCell | None
    labels: list[RawCell]
    values: list[RawCell]

    def __len__(self) -> int:
        return (self.index is not None) + len(self.labels) + len(self.values)

    def data_width(self) -> int:
        """Number of value cells up to the last non-empty one."""
        width = 0
        for i, cell in enumerate(self.values):
            if cell.text.strip():
                width = i + 1
        return width


def cell_kind(text: str, hints: LayoutHints) -> str:
    """Classify a cell: empty, a row-number-like integer, another value, or text."""
    return _cell_kind(text, hints.null_values)


def cell_kinds(cells: list[RawCell], hints: LayoutHints) -> list[str]:
    """``cell_kind`` of each cell (one call into the memo per cell, not two)."""
    null_values = hints.null_values
    return [_cell_kind(c.text, null_values) for c in cells]


@lru_cache(maxsize=MEMO_SIZE)
def _cell_kind(text: str, null_values: frozenset[str]) -> str:
    folded = fold(text)
    if not folded:
        return EMPTY
    if INT_RE.match(folded):
        return INDEX
    if folded in null_values:
        return VALUE
    words = load_cell_words()  # a number with its unit, mark or note (1,234件, ↑3.2%)
    if words.number.match(folded) or words.noted.match(folded) or folded in words.unchanged:
        return VALUE  # 持平: a change of nil
    return TEXT


def find_body_start(kinds: list[str], cells: list[RawCell], hints: LayoutHints) -> int | None:
    """Position of the first body cell: the header is everything before it."""
    for p, kind in enumerate(kinds):
        if kind not in (VALUE, INDEX):
            continue
        numbered = kind == INDEX and p + 1 < len(kinds) and kinds[p + 1] == TEXT
        if numbered and any(fold(c.text) in hints.index_headers for c in cells[:p]):
            return p  # 序号 in the header: this integer numbers the first row
        start = p
        while (
            start > 0
            and p - start < MAX_LABELS
            and kinds[start - 1] == TEXT
            and not hints.is_header_like(cells[start - 1].text)
        ):
            start -= 1
        if start < p:
            return _leave_a_header(kinds, cells, start, p, hints)
        if numbered:
            return p
        if p > 0 and kinds[p - 1] == TEXT:
            # A value right after a header-like text: that text names the row.
            return p - 1
    return None


def _leave_a_header(
    kinds: list[str], cells: list[RawCell], start: int, p: int, hints: LayoutHints
) -> int:
    """The earliest start that still leaves one header label per value of the first row
    plus one for its names: an unknown header word is not taken for a row name."""
    window = p + FIRST_ROW_WINDOW
    for candidate in range(start, p):
        header = sum(1 for c in cells[:candidate] if c.text.strip())
        first = segment_rows(kinds[:window], cells[:window], candidate, hints)[0]
        if header >= first.data_width() + 1:
            return candidate
    return p - 1


def segment_rows(
    kinds: list[str], cells: list[RawCell], start: int, hints: LayoutHints
) -> list[RawRow]:
    """Cut the body into rows: a name after a value, or a row number before a name, starts one."""
    numbered = kinds[start] == INDEX
    summaries = total_names(hints.total_rows) | hints.subtotal_rows
    rows: list[RawRow] = []
    row: RawRow | None = None
    in_values = False
    last = len(kinds) - 1
    for p in range(start, len(cells)):
        kind, cell = kinds[p], cells[p]
        # a row number followed by a name (not a total's): the next cell is read only then
        starts_numbered = (
            numbered
            and kind == INDEX
            and p < last
            and kinds[p + 1] == TEXT
            and fold(cells[p + 1].text) not in summaries
        )
        # A row number starts a row once the current one has values; so does it after a
        # row of names alone with no number of its own (text in a notes column).
        ends_row = in_values or (row is not None and row.index is None and bool(row.labels))
        if row is None or (in_values and kind == TEXT) or (starts_numbered and ends_row):
            row = RawRow(index=None, labels=[], values=[])
            rows.append(row)
            in_values = False
            if starts_numbered:
                row.index = cell
                continue
        if kind == TEXT and not in_values:
            row.labels.append(cell)
        else:
            row.values.append(cell)
            in_values = True
    return repair_fragments(rows)


def repair_fragments(rows: list[RawRow]) -> list[RawRow]:
    """Merge fragments back into the row before them when that row has room.

    A row of values with no name (a row broken by a blank line) and a row of names with no
    values (text in a notes column) are pieces of the previous row.
    """
    if not rows:
        return rows
    width = typical_width(rows)
    out: list[RawRow] = []
    for row in rows:
        prev = out[-1] if out else None
        no_name = row.index is None and not row.labels
        no_values = not row.values
        if prev is not None and (no_name or no_values) and len(prev) + len(row) <= width:
            prev.values.extend(row.labels + row.values)
            continue
        out.append(row)
    return out


def typical_width(rows: list[RawRow]) -> int:
    """The most common row length (the longest among equally common ones)."""
    counts = Counter(len(r) for r in rows)
    return max(counts, key=lambda n: (counts[n], n))
