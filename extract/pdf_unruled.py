"""Unruled tables: columns from the text's own gaps, rows from what a row must have.

Columns are the x-ranges body text covers (header labels outside them add columns); a
line's segments go to the column their centre falls in. Rows are anchored, and how is a
choice (``ANCHORS``): on the row number (序号), on any line with a value outside the first
column, or one row per band of lines set close together. Lines that do not anchor a row
(a wrapped ``%``, the rest of a long name) join, column by column, the row above them.
Which anchoring is right the table's own arithmetic decides (``pdf_readings``).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from extract.hints import LayoutHints, fold
from extract.pdf_header import Header, group_segments, header_grid, is_indexed
from extract.pdf_regions import Region
from extract.pdf_tables import GAPS, Cells, PartCell, TablePart, starts_row
from extract.pdf_text import (
    Glyph,
    Line,
    PdfSettings,
    is_tight,
    join_wrapped,
    spell,
    text_in_lines,
    union,
)

# Where columns come from: the text's gaps, or the header's words.
HEADER_WORDS = "header-words"
# How rows are anchored: on row numbers, on lines with values, one row per band of lines.
NUMBERS, VALUES, BANDS = "row-numbers", "value-lines", "bands"
ANCHORS = (NUMBERS, VALUES, BANDS)
# A row wrapped in narrow columns puts its values on a line or two (three at most); a band
# with more lines of values is rows set close together, not one row.
MAX_VALUE_LINES_PER_ROW = 3


def gap_columns(
    chain: Sequence[Region], settings: PdfSettings, hints: LayoutHints | None = None
) -> list[tuple[float, float]]:
    """Columns as the x-ranges that body text covers, plus header labels outside them. The
    name of a total row is left out: it spans the name columns (总计 over 序号 and 部门)."""
    summary = hints.total_rows | hints.subtotal_rows if hints else frozenset()
    spans: list[tuple[float, float]] = []
    for region in chain:
        for line in region.body:
            spans.extend(
                (s.x0, s.x1)
                for s in region.segments_of(line, settings)
                if fold(s.text) not in summary
            )
    columns = merge_ranges(spans)
    for region in chain:
        for line in region.header:
            for s in region.segments_of(line, settings):
                if not any(a < s.x1 and s.x0 < b for a, b in columns):
                    columns = merge_ranges([*columns, (s.x0, s.x1)])
    return columns


def merge_ranges(spans: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """Overlapping x-ranges merged, left to right."""
    out: list[tuple[float, float]] = []
    for a, b in sorted(spans):
        if out and a < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def column_edges(columns: Sequence[tuple[float, float]]) -> list[float]:
    """Boundaries between columns: midway between one column's text and the next's."""
    inner = [(columns[i][1] + columns[i + 1][0]) / 2 for i in range(len(columns) - 1)]
    return [columns[0][0], *inner, columns[-1][1]]


def misfits(
    chain: Sequence[Region], edges: Sequence[float], settings: PdfSettings,
    hints: LayoutHints | None = None,
) -> int:  # fmt: skip
    """How badly columns fit a table: body segments that cross a boundary (a header label
    may span columns, and so may the name of a total row), segments outside the columns,
    segments that share a column with another segment of their line (two cells run
    together), and columns without text."""
    summary = hints.total_rows | hints.subtotal_rows if hints else frozenset()
    inner = edges[1:-1]
    used: set[int] = set()
    bad = 0
    for region in chain:
        for line in region.lines:
            taken: set[int] = set()
            for s in region.segments_of(line, settings):
                if fold(s.text) in summary:
                    continue
                if s.x1 < edges[0] or s.x0 > edges[-1]:
                    bad += 1
                    continue
                first = bisect.bisect_right(inner, s.x0 + 0.5)
                last = bisect.bisect_right(inner, s.x1 - 0.5)
                cols = set(range(first, last + 1))
                bad += (first != last and line in region.body) + bool(cols & taken)
                taken |= cols
            used |= taken
    return bad + (len(edges) - 1 - len(used))


def header_columns(chain: Sequence[Region], settings: PdfSettings) -> list[float] | None:
    """Column edges from the header's words: each label (its wrapped lines together, group
    labels left out) is a column. None without a header of two labels or more."""
    region = chain[0]
    groups = group_segments(region, region.header, settings)
    spans = [
        (s.x0, s.x1)
        for line in region.header
        for s in region.segments_of(line, settings)
        if id(s) not in groups
    ]
    columns = merge_ranges(spans)
    return column_edges(columns) if len(columns) >= 2 else None


def own_columns(
    chain: Sequence[Region], settings: PdfSettings, hints: LayoutHints | None = None
) -> tuple[list[float], int]:
    """Column edges from the text's own gaps, and how badly they fit."""
    edges = column_edges(gap_columns(chain, settings, hints))
    return edges, misfits(chain, edges, settings)


def line_cells(segments: Sequence[Line], edges: Sequence[float], settings: PdfSettings) -> Cells:
    """A line's segments by the column their centre falls in (segments of one column join)."""
    out: dict[int, list[Glyph]] = {}
    inner = edges[1:-1]
    for segment in segments:
        col = bisect.bisect_right(inner, (segment.x0 + segment.x1) / 2)
        out.setdefault(col, []).extend(segment.glyphs)
    return {c: Line(spell(g, settings), tuple(g), segments[0].page) for c, g in out.items()}


@dataclass
class Layout:
    """A region cut into columns: each line's pieces by column, and the header."""

    split: dict[int, Cells]
    header: Header


def lay_out(region: Region, edges: Sequence[float], settings: PdfSettings) -> Layout:
    """Cut a region's lines into the columns and read its header (once per region: the
    readings of a table differ only in their rows)."""
    split = {
        id(line): line_cells(region.segments_of(line, settings), edges, settings)
        for line in region.lines
    }
    return Layout(split, header_grid(region, region.header, split, edges, settings))


def region_to_part(
    region: Region, edges: list[float], hints: LayoutHints, settings: PdfSettings,
    anchor: str | None = None, layout: Layout | None = None,
) -> TablePart:  # fmt: skip
    """An unruled region as a grid: header labels (group labels spanning their columns),
    then the body rows as ``anchor`` cuts them (by default: row numbers when the header
    has a 序号 column, else value lines)."""
    n_cols = len(edges) - 1
    layout = layout or lay_out(region, edges, settings)
    split, header = layout.split, layout.header
    header_count = max((r for r, _ in header.labels), default=-1) + 1
    if anchor is None:
        anchor = NUMBERS if is_indexed(header, hints) else VALUES
    groups = row_groups(region, layout, anchor, hints, settings)
    cells: list[PartCell] = [
        cell_from_glyphs(label.glyphs, r, c, region.page, settings, label.colspan)
        for (r, c), label in header.labels.items()
    ]
    for offset, group in enumerate(groups):
        r = header_count + offset
        by_col: dict[int, list[Line]] = {}
        for line in group:
            for c, piece in split[id(line)].items():
                by_col.setdefault(c, []).append(piece)
        cells.extend(cell_from_pieces(pieces, r, c, region.page) for c, pieces in by_col.items())
    part = TablePart(
        region.page, region.bbox, header_count + len(groups), n_cols, cells, GAPS, header_count
    )
    part.edges = list(edges)
    part.notes = list(header.guesses)
    return part


def row_groups(
    region: Region, layout: Layout, anchor: str, hints: LayoutHints, settings: PdfSettings
) -> list[list[Line]]:
    """The region's body lines by row as ``anchor`` cuts them; lines that end a row the
    page broke come first, as a row of their own."""
    groups = [region.body[: region.broken]] if region.broken else []
    rest = region.body[region.broken :]
    return groups + body_rows(rest, layout.split, anchor, hints, settings)


def cell_from_glyphs(
    glyphs: Sequence[Glyph], row: int, col: int, page: int, settings: PdfSettings,
    colspan: int = 1,
) -> PartCell:  # fmt: skip
    """A cell of an unruled table from the glyphs dealt to it."""
    box = union((g.x0, g.top, g.x1, g.bottom) for g in glyphs)
    text = text_in_lines(glyphs, page, settings)
    return PartCell(text, row, col, colspan=colspan, page=page, bbox=box)


def cell_from_pieces(pieces: Sequence[Line], row: int, col: int, page: int) -> PartCell:
    """A body cell from its pieces of lines, top to bottom, re-joined where they wrapped."""
    if len(pieces) == 1:
        return PartCell(pieces[0].text, row, col, page=page, bbox=pieces[0].bbox)
    text = ""
    for piece in sorted(pieces, key=lambda p: p.top):
        text = join_wrapped(text, piece.text)
    return PartCell(text, row, col, page=page, bbox=union(p.bbox for p in pieces))


def bands(lines: Sequence[Line], settings: PdfSettings) -> list[list[Line]]:
    """Runs of lines set as close together as the lines of one cell."""
    out: list[list[Line]] = []
    for line in lines:
        if out and is_tight(out[-1][-1], line, settings):
            out[-1].append(line)
        else:
            out.append([line])
    return out


def bands_can_be_rows(
    region: Region, layout: Layout, hints: LayoutHints, settings: PdfSettings
) -> bool:
    """False when a band of the region holds more lines of values than one row can."""
    for band in bands(region.body, settings):
        anchors = sum(
            starts_row({c: p.text for c, p in layout.split[id(line)].items()}, False, hints)
            for line in band
        )
        if anchors > MAX_VALUE_LINES_PER_ROW:
            return False
    return True


def body_rows(
    lines: Sequence[Line], split: dict[int, Cells], anchor: str, hints: LayoutHints,
    settings: PdfSettings,
) -> list[list[Line]]:  # fmt: skip
    """Body lines grouped into rows.

    Lines close together form a band. With ``BANDS`` a band is one row. Otherwise a band
    holds one row per anchor line (a row number, or values), and its other lines belong
    to the anchor before them (the first anchor for lines above it: vertically centred
    cells). A band without an anchor continues the row above (a row broken by a page, or
    cells wrapped below their row).
    """
    if anchor == BANDS:
        return bands(lines, settings)
    rows: list[list[Line]] = []
    for band in bands(lines, settings):
        anchors = [
            starts_row({c: p.text for c, p in split[id(line)].items()}, anchor == NUMBERS, hints)
            for line in band
        ]
        if not any(anchors):
            if rows:
                rows[-1].extend(band)
            else:
                rows.append(list(band))
            continue
        first = anchors.index(True)
        current = list(band[: first + 1])
        for line, anchor_line in zip(band[first + 1 :], anchors[first + 1 :], strict=True):
            if anchor_line:
                rows.append(current)
                current = [line]
            else:
                current.append(line)
        rows.append(current)
    return rows
