"""Tables whose columns are aligned with runs of spaces (a PDF or a spreadsheet saved as
plain text, a fixed-width report):

    单位        工单数    按时办结率
    城东区      1204      98.50%
    高新区       402

Two or more spaces (or an ideographic space) end a cell; a single space is part of one
(`玉泉 街道`). A row that prints fewer cells than the widest rows (an empty cell is only
more spaces) puts each cell under the column its printed position overlaps most, counting
a Chinese character as two columns wide; a cell that must move off the column it sits
under (that one is taken) is a guess, and the table is said to need review.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import pairwise

from extract.review import REVIEW_MARK
from extract.text_lines import MAX_CELL_CHARS, PROSE, is_sentence

SPACED = "spaced"
GAP = re.compile(r"(?:[ \u3000]{2,}|\u3000|\t)+")
# Fewest cells a line needs to read as a row of such a table.
MIN_CELLS = 3


def is_spaced_row(line: str) -> bool:
    """A line of three or more cells separated by runs of spaces, none of them prose."""
    if "|" in line or line.startswith("\t") or not GAP.search(line.strip()):
        return False
    parts = GAP.split(line.strip())
    return (
        len(parts) >= MIN_CELLS
        and all(len(p) <= MAX_CELL_CHARS for p in parts)
        and not is_sentence(line.strip())
        and "。" not in line
    )


def mark_short_rows(lines: list[str], kinds: list[str]) -> None:
    """A line of two cells right under two or more space-aligned rows (a row whose other
    cells are empty) is a row of that table too."""
    run = 0
    for n, kind in enumerate(kinds):
        if kind == SPACED:
            run += 1
            continue
        text = lines[n].strip()
        if (
            run >= 2
            and kind == PROSE
            and "|" not in text
            and len(GAP.split(text)) == 2
            and not is_sentence(text)
        ):
            kinds[n] = SPACED
            continue
        run = 0


def spaced_runs(rows: list[int]) -> list[list[int]]:
    """Line numbers of space-aligned rows cut into tables: rows a blank line apart are one
    table when every row is (a double-spaced export); where some rows follow each other
    directly, a blank line ends a table (a title line with its date far right, a blank
    line, then the table)."""
    gaps = {b - a for a, b in pairwise(rows)}
    if gaps <= {2}:
        return [rows]
    runs = [[rows[0]]]
    for n in rows[1:]:
        if n - runs[-1][-1] == 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return runs


def spans(line: str) -> list[tuple[str, int, int]]:
    """The cells of a line with their display columns [start, end) (a Chinese character
    is two columns wide, as a fixed-width font prints it)."""
    text = line.rstrip()
    columns = [0]  # the display column of each character offset
    for ch in text:
        columns.append(columns[-1] + _width(ch))
    cells = []
    position = 0
    for match in [*GAP.finditer(text), None]:
        end = match.start() if match is not None else len(text)
        if end > position:
            cells.append((text[position:end], columns[position], columns[end]))
        position = match.end() if match is not None else end
    return cells


def _width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def spaced_rows(lines: list[tuple[int, str]]) -> list[tuple[int, list[str]]]:
    """(line number, cells) of each row, short rows placed under their columns."""
    return spaced_reading(lines)[0]


def spaced_reading(
    lines: list[tuple[int, str]],
) -> tuple[list[tuple[int, list[str]]], list[str]]:
    """(line number, cells) of each row, short rows placed under their columns; and a
    review warning (``REVIEW_MARK``) for each cell placed under another column than the one
    it sits under as printed (that one was taken): where it belongs is a guess."""
    laid = [(number, spans(text)) for number, text in lines]
    width = max(len(cells) for _, cells in laid)
    full = [cells for _, cells in laid if len(cells) == width]
    extents = [
        (min(cells[k][1] for cells in full), max(cells[k][2] for cells in full))
        for k in range(width)
    ]
    names = [c[0] for c in full[0]]
    out, guesses = [], []
    for number, cells in laid:
        if len(cells) == width:
            out.append((number, [c[0] for c in cells]))
            continue
        row, moved = place(cells, extents)
        out.append((number, row))
        guesses += [
            f"{REVIEW_MARK}line {number}: '{text}' is under {names[was]} as printed, "
            f"read as {names[put]}"
            for text, was, put in moved
        ]
    return out, guesses


def place(
    cells: list[tuple[str, int, int]], extents: list[tuple[int, int]]
) -> tuple[list[str], list[tuple[str, int, int]]]:
    """A short row's cells under the columns they overlap most (in order; a cell that would
    land on a taken or earlier column goes to the next free one); and each cell so moved:
    its text, the column it overlaps most, the column it was put in."""
    row = [""] * len(extents)
    moved = []
    next_free = 0
    for text, start, end in cells:
        overlaps = [
            (min(end, b) - max(start, a), -abs((start + end) - (a + b)), k)
            for k, (a, b) in enumerate(extents)
        ]
        best = max(overlaps)[2]
        k = max(best, next_free)
        if k >= len(row):
            k = len(row) - 1
        if k != best:
            moved.append((text, best, k))
        row[k] = f"{row[k]} {text}".strip() if row[k] else text
        next_free = k + 1
    return row, moved
