"""Tables written a row a line with tabs between the cells (序号⇥城关镇⇥1208⇥100%), as a
spreadsheet or a Word table pasted as text writes them.

Unlike pipes written cell by cell, such a line states its row and each cell's column, so
the rows go through the stated-grid builder (as HTML rows do). A name repeated down a
leading column (城关镇 on each of its centres' rows) is the merged cell it was printed
from: it becomes one cell spanning those rows, and the 小计 row right below it, whose
cell in that column is empty, closes the same group.
"""

from __future__ import annotations

import re

from extract.cells import total_names
from extract.document import Source, Table
from extract.explicit import SpanCell, table_from_rows
from extract.hints import LayoutHints, fold
from extract.layout import EMPTY, TEXT, cell_kind

TABROW = "tabrow"
TAB_RUN = re.compile(r"\t+")
# Indentation kept before a cell's text: full-width spaces, or (between tabs) two spaces
# or more. A name so indented under one that is not may be a part of it (normalisation).
WIDE_INDENT = re.compile(r"^\s*\u3000\s*")
SPACE_INDENT = re.compile(r"^(?:\s*\u3000| {2,})\s*")


def is_tab_row(line: str) -> bool:
    """Cells between tabs on one line (a cell alone on a tab-indented line is the tab
    layout, not this)."""
    return "\t" in line and "\t" in line.strip()  # most lines hold no tab: no copy made


def tab_table(
    lines: list[tuple[int, str]], hints: LayoutHints, *, index: int, caption: list[str]
) -> Table | None:
    """A table from (line number, text) rows; None when no row holds a value."""
    rows = tab_cells(lines)
    return stated_table(rows, hints, index=index, caption=caption, engine="text-tabrow")


def tab_cells(lines: list[tuple[int, str]]) -> list[tuple[int, list[str]]]:
    """Each row's cells, one a tab. Tabs doubled to line cells up (县公安局⇥⇥420):
    when rows differ in length but reading each run of tabs as one separator gives every
    row the same length (the doubling varies from row to row), runs are separators;
    otherwise a column that no row, header included, writes in is dropped."""
    rows = [
        (number, [indented(cell, SPACE_INDENT) for cell in text.rstrip().split("\t")])
        for number, text in lines
    ]
    if len({len(cells) for _, cells in rows}) > 1:
        runs = [
            (n, [indented(c, SPACE_INDENT) for c in TAB_RUN.split(text.rstrip().lstrip("\t"))])
            for n, text in lines
        ]
        if len({len(cells) for _, cells in runs}) == 1:
            return runs
    width = max(len(cells) for _, cells in rows)
    padded = [cells + [""] * (width - len(cells)) for _, cells in rows]
    used = [c for c in range(width) if any(cells[c] for cells in padded)]
    return [
        (number, [cells[c] for c in used]) for (number, _), cells in zip(rows, padded, strict=True)
    ]


def indented(raw: str, indent: re.Pattern[str]) -> str:
    """A cell's text trimmed, but for the indentation ``indent`` finds before it, which is
    kept as printed (``\u3000\u3000网上来信``); a cell of spaces alone is empty."""
    text = raw.strip()
    lead = indent.match(raw) if text else None
    return raw[: lead.end()] + text if lead else text


def whole_pipe_rows(lines: list[tuple[int, str]]) -> list[tuple[int, list[str]]] | None:
    """The rows of a pipe region when each line is a whole row (``| a | | 3 |``, every
    line with the same number of cells, no header label twice), else None: then a blank
    cell is a cell in its column, not padding to be guessed about."""
    rows = []
    for number, text in lines:
        stripped = text.strip()
        if not (stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1):
            return None
        rows.append((number, [indented(cell, WIDE_INDENT) for cell in stripped[1:-1].split("|")]))
    widths = {len(cells) for _, cells in rows}
    if len(rows) < 2 or len(widths) != 1 or widths.pop() < 2:
        return None
    if any(not any(ch.isdigit() for ch in "".join(cells)) for _, cells in rows[1:]):
        return None  # a second header below the first: tables back to back, read as cells
    header = [fold(cell) for cell in rows[0][1] if cell]
    return rows if len(header) == len(set(header)) else None


def stated_table(
    numbered: list[tuple[int, list[str]]],
    hints: LayoutHints,
    *,
    index: int,
    caption: list[str],
    engine: str,
) -> Table | None:
    """A table from rows that state their cells' columns; None when no row holds a value."""
    lines = [(number, "") for number, _ in numbered]
    rows = [cells for _, cells in numbered]
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    spans = group_spans(rows, hints)
    stub = leading_text_columns(rows, hints)
    stated: list[list[SpanCell]] = []
    for r, ((number, _), row) in enumerate(zip(lines, rows, strict=True)):
        cells = []
        width_left = 0  # name columns a total's label still covers
        for c, text in enumerate(row):
            if width_left:
                width_left -= 1
                continue
            span = spans.get((r, c), 1)
            if span == 0:
                continue  # covered by the group cell above
            colspan = total_span(row, c, stub, hints)
            width_left = colspan - 1
            cells.append(
                SpanCell(text, rowspan=span, colspan=colspan, source=Source(number, number))
            )
        stated.append(cells)
    return table_from_rows(stated, hints, index=index, caption=caption, engine=engine)


def group_spans(rows: list[list[str]], hints: LayoutHints) -> dict[tuple[int, int], int]:
    """Row spans of the group names down the leading text columns: (row, col) → span for
    the first row of a group, 0 for the rows it covers.

    A group is a name repeated down its column (城关镇 on each of its centres' rows); the
    subtotal row right below it closes it. That row prints 小计 to the right of the group
    column (its cell there empty), or in the group column itself with the next column
    empty: then 小计 moves next door, as the merged cell it was copied from left it.
    """
    spans: dict[tuple[int, int], int] = {}
    stub = leading_text_columns(rows, hints)
    for c in range(stub):
        if not all(cell_kind(row[c], hints) in (TEXT, EMPTY) for row in rows[1:]):
            continue  # a row-number column holds no groups
        r = 1
        while r < len(rows):
            name, end = rows[r][c], r + 1
            while name and end < len(rows) and rows[end][c] == name:
                end += 1
            if name and end < len(rows) and closes_group(rows[end], c, stub, hints):
                if rows[end][c]:  # 小计 printed in the group column: move it next door
                    rows[end][c + 1], rows[end][c] = rows[end][c], ""
                end += 1
            if end - r > 1:
                spans[(r, c)] = end - r
                spans.update({(k, c): 0 for k in range(r + 1, end)})
            r = end
    return spans


def leading_text_columns(rows: list[list[str]], hints: LayoutHints) -> int:
    """Columns before the first that holds a value in any row below the first."""
    width = len(rows[0]) if rows else 0
    for c in range(width):
        kinds = {cell_kind(row[c], hints) for row in rows[1:] if row[c]}
        if kinds - {TEXT} and c > 0:
            return c
    return 0


def total_span(row: list[str], col: int, stub: int, hints: LayoutHints) -> int:
    """The name columns a 总计/合计 label spans: itself and the empty ones after it."""
    if fold(row[col]) not in total_names(hints.total_rows):  # 合计, 全市合计, 全市
        return 1
    end = col + 1
    while end < stub and not row[end]:
        end += 1
    return end - col


def closes_group(row: list[str], col: int, stub: int, hints: LayoutHints) -> bool:
    """A subtotal row that closes the group of column ``col``: 小计 right of it among the
    name columns with ``col`` empty, or 小计 in ``col`` with the next name column empty."""
    words = [fold(cell) in hints.subtotal_rows for cell in row[:stub]]
    if not row[col]:
        return any(words[col + 1 :])
    return words[col] and col + 1 < stub and not row[col + 1]
