"""Tables without rules in a scan: rows and columns from where the OCR'd text sits.

A row of print with three or more pieces, two of them numbers, is a body row; body rows
close together make a table. Its columns are the spans of x the body rows' pieces cover
(pieces of one column overlap, columns do not); the rows of print just above the first
body row whose pieces sit in those columns are the header (read column by column, top to
bottom); a row of print inside the table that is not a body row (a wrapped cell) joins
the nearest body row. The result is a ``RuledGrid`` marked ``ruled=False``, so that the
table goes through the same builder as ruled ones; its facts are stored for review, as
its structure is guessed.
"""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import pairwise

import numpy as np

from extract.ocr_engine import OcrLine
from extract.scan_image import GridCell, RuledGrid

NUMBER = re.compile(r"^[\d.,%]+$")
# Rows of print further apart than this many line heights do not belong to one table.
ROW_GAP = 2.5
# At most this many rows of print above the body are read as the header.
HEADER_ROWS = 3
MIN_COLUMNS = 3
# A column has ink in more than this share of the body rows.
COLUMN_SHARE = 0.15

CellLines = dict[tuple[int, int], list[OcrLine]]


def visual_rows(lines: list[OcrLine]) -> list[list[OcrLine]]:
    """Lines that share a row of print (their boxes overlap vertically), top to bottom."""
    rows: list[list[OcrLine]] = []
    for line in sorted(lines, key=lambda ln: ln.center[1]):
        if rows:
            last = rows[-1]
            top, bottom = min(ln.box[1] for ln in last), max(ln.box[3] for ln in last)
            overlap = min(bottom, line.box[3]) - max(top, line.box[1])
            if overlap > 0.5 * min(bottom - top, line.box[3] - line.box[1]):
                last.append(line)
                continue
        rows.append([line])
    return [sorted(row, key=lambda ln: ln.box[0]) for row in rows]


def is_body(row: list[OcrLine]) -> bool:
    """Three pieces or more, two of them numbers (or a row number and three more)."""
    numbers = sum(bool(NUMBER.match(ln.text)) for ln in row)
    numbered = bool(NUMBER.match(row[0].text)) and len(row) > MIN_COLUMNS
    return len(row) >= MIN_COLUMNS and (numbers >= 2 or numbered)


def starts_with_number(row: list[OcrLine]) -> bool:
    """A row of print with a piece that opens with a digit (part of a wrapped value)."""
    return any(ln.text[:1].isdigit() for ln in row)


def close(upper: list[OcrLine], lower: list[OcrLine]) -> bool:
    return lower[0].box[1] - max(ln.box[3] for ln in upper) <= ROW_GAP * height(upper)


def height(row: list[OcrLine]) -> float:
    return max(ln.box[3] - ln.box[1] for ln in row)


def regions(rows: list[list[OcrLine]]) -> list[tuple[int, int]]:
    """(first, last) indexes of runs of body rows, rows of print between them included."""
    found: list[tuple[int, int]] = []
    for k, row in enumerate(rows):
        if not is_body(row):
            continue
        if found:
            first, last = found[-1]
            gap = row[0].box[1] - max(ln.box[3] for ln in rows[last])
            if gap <= ROW_GAP * height(row):
                found[-1] = (first, k)
                continue
        found.append((k, k))
    out = []
    for first, last in found:
        if sum(is_body(r) for r in rows[first : last + 1]) < 2:
            continue
        # The top half of a wrapped first row sits above its row number: it is body.
        while (
            first > 0
            and starts_with_number(rows[first - 1])
            and close(rows[first - 1], rows[first])
        ):
            first -= 1
        out.append((first, last))
    return out


def columns(body: list[list[OcrLine]]) -> list[tuple[float, float]]:
    """The x spans that the pieces of most body rows cover: where fewer than
    ``COLUMN_SHARE`` of them have ink is a gap between columns (a wide piece in one row, two
    cells read as one, does not bridge it)."""
    right = int(max(ln.box[2] for row in body for ln in row)) + 2
    cover = np.zeros(right, dtype=np.int32)
    for row in body:
        for ln in row:
            cover[int(ln.box[0]) : int(ln.box[2]) + 1] += 1
    inside = cover > max(1.0, COLUMN_SHARE * len(body))
    edges = np.flatnonzero(np.diff(inside.astype(np.int8)))
    starts, ends = edges[::2] + 1, edges[1::2] + 1
    return [(float(a), float(b)) for a, b in zip(starts, ends, strict=False)]


def column_of(line: OcrLine, spans: list[tuple[float, float]]) -> int | None:
    """The column a piece overlaps most; None when it overlaps none."""
    best, best_overlap = None, 0.0
    for c, (x0, x1) in enumerate(spans):
        overlap = min(x1, line.box[2]) - max(x0, line.box[0])
        if overlap > best_overlap:
            best, best_overlap = c, overlap
    return best


def header_rows(rows: list[list[OcrLine]], first: int, spans: list[tuple[float, float]]) -> int:
    """How many rows of print right above the body are its header."""
    count = 0
    widest = max(x1 - x0 for x0, x1 in spans)
    below = rows[first]
    for k in range(first - 1, max(first - 1 - HEADER_ROWS, -1), -1):
        row = rows[k]
        near = close(row, below)
        fits = not starts_with_number(row) and all(
            column_of(ln, spans) is not None and ln.box[2] - ln.box[0] <= 1.2 * widest for ln in row
        )
        if not (near and fits and (len(row) >= 2 or count)):
            break
        count, below = count + 1, row
    return count


def unruled_grids(lines: list[OcrLine]) -> tuple[list[tuple[RuledGrid, CellLines]], list[OcrLine]]:
    """The unruled tables among a page's prose lines, and the lines that stay prose."""
    rows = visual_rows(lines)
    grids: list[tuple[RuledGrid, CellLines]] = []
    used: set[int] = set()
    for first, last in regions(rows):
        body_rows = [r for r in rows[first : last + 1] if is_body(r)]
        spans = columns(body_rows)
        if len(spans) < MIN_COLUMNS:
            continue
        head = header_rows(rows, first, spans)
        grid, cells = layout(rows[first - head : first], rows[first : last + 1], spans)
        grids.append((grid, cells))
        used.update(id(ln) for row in rows[first - head : last + 1] for ln in row)
    return grids, [ln for ln in lines if id(ln) not in used]


def layout(
    header: list[list[OcrLine]], body: list[list[OcrLine]], spans: list[tuple[float, float]]
) -> tuple[RuledGrid, CellLines]:
    """Header and body rows of print → one header row and one row per body row, as a grid
    of 1×1 cells; a row of print that is not a body row joins the nearest body row."""
    anchors = [row for row in body if is_body(row)]
    groups: list[list[OcrLine]] = [[] for _ in anchors]
    for row in body:
        y = sum(ln.center[1] for ln in row) / len(row)
        nearest = min(
            range(len(anchors)),
            key=lambda k: abs(sum(ln.center[1] for ln in anchors[k]) / len(anchors[k]) - y),
        )
        groups[nearest].extend(row)
    logical = ([[ln for row in header for ln in row]] if header else []) + groups
    tops = [min(ln.box[1] for ln in g) for g in logical]
    bottom = max(ln.box[3] for g in logical for ln in g)
    ys = [round(t) for t in tops] + [round(bottom) + 1]
    left = min(min(x0 for x0, _ in spans), min(ln.box[0] for g in logical for ln in g))
    right = max(max(x1 for _, x1 in spans), max(ln.box[2] for g in logical for ln in g))
    mids = [(a[1] + b[0]) / 2 for a, b in pairwise(spans)]
    xs = [round(left) - 1, *(round(m) for m in mids), round(right) + 1]
    grid = RuledGrid(xs, ys, ruled=False)
    grid.cells = [
        GridCell(r, c, 1, 1, (xs[c], ys[r], xs[c + 1], ys[r + 1]))
        for r in range(len(logical))
        for c in range(len(spans))
    ]
    cells: CellLines = {}
    for r, group in enumerate(logical):
        for piece in group:
            for ln in cut_at_gaps(piece, xs[1:-1]) if r or not header else [piece]:
                c = column_of(ln, spans)
                if c is not None:
                    cells.setdefault((r, c), []).append(ln)
    return grid, cells


def char_width(ch: str) -> float:
    """Width of a character in em: CJK and full-width forms 1, the rest about half."""
    return 0.55 if ch.isascii() else 1.0


def cut_at_gaps(line: OcrLine, gaps: list[int]) -> list[OcrLine]:
    """A piece the OCR read across a column gap (two cells without a rule between them),
    cut there, the text in proportion to its characters' widths."""
    inside = [g for g in gaps if line.box[0] + 1 < g < line.box[2] - 1]
    if not inside or len(line.text) < 2:
        return [line]
    widths = [char_width(ch) for ch in line.text]
    scale = (line.box[2] - line.box[0]) / sum(widths)
    edges = [line.box[0] + scale * sum(widths[:k]) for k in range(len(widths) + 1)]
    pieces, start, x = [], 0, line.box[0]
    for gap in inside:
        end = min(range(start, len(widths) + 1), key=lambda k: abs(edges[k] - gap))
        if start < end:
            pieces.append(
                replace(line, text=line.text[start:end], box=(x, line.box[1], gap, line.box[3]))
            )
        start, x = end, float(gap)
    pieces.append(
        replace(line, text=line.text[start:], box=(x, line.box[1], line.box[2], line.box[3]))
    )
    return [p for p in pieces if p.text]
