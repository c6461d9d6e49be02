"""The runs of lines of a PDF page that form unruled tables: row lines (several
segments, one of them a number) with the lines wrapped from them, and the header lines
right above the first row."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from extract.hints import LayoutHints
from extract.layout import INDEX, VALUE, cell_kind
from extract.pdf_text import Box, Line, PdfSettings, is_tight, split_segments, union


@dataclass
class Region:
    """Lines of one page that hold an unruled table: header lines, then body lines."""

    page: int
    height: float  # of the page, to turn top-down boxes into PDF coordinates
    header: list[Line]
    body: list[Line]
    # The segments of each line, by id of the line (cut once, used by every step).
    segments: dict[int, list[Line]] = field(default_factory=dict, repr=False)
    # Leading body lines that end a row the page broke (they belong to the page before).
    broken: int = 0

    @property
    def lines(self) -> list[Line]:
        return self.header + self.body

    def segments_of(self, line: Line, settings: PdfSettings) -> list[Line]:
        """The segments of one of the region's lines."""
        if id(line) not in self.segments:
            self.segments[id(line)] = split_segments(line, settings)
        return self.segments[id(line)]

    @property
    def bbox(self) -> Box:
        return union(line.bbox for line in self.lines)


def is_row_line(segments: Sequence[Line], hints: LayoutHints) -> bool:
    """A line of an unruled table row: several segments, one of them a number."""
    kinds = [cell_kind(s.text, hints) for s in segments]
    return len(segments) >= 2 and any(k in (VALUE, INDEX) for k in kinds[1:])


def unruled_regions(
    lines: Sequence[Line], height: float, hints: LayoutHints, settings: PdfSettings,
    min_rows: int = 2,
) -> list[Region]:  # fmt: skip
    """Runs of lines that form unruled tables: row lines with the lines wrapped from them,
    and the header lines right above the first row."""
    segments = [split_segments(line, settings) for line in lines]
    row_like = [is_row_line(s, hints) for s in segments]
    regions: list[Region] = []
    i = 0
    while i < len(lines):
        if not row_like[i]:
            i += 1
            continue
        end = i + 1
        while end < len(lines) and (
            row_like[end] or is_tight(lines[end - 1], lines[end], settings)
        ):
            end += 1
        while not row_like[end - 1] and not under_cells(segments, row_like, end - 1):
            end -= 1  # a caption or note set close below the table is not part of it
        start = header_start(lines, segments, i, regions, settings)
        broken = 0
        if start == i and not regions and page_top_fragment(lines, segments, i, settings):
            start, i, broken = 0, 0, i  # the rest of a row the page broke: body, not header
        # One row is a table too under a header (the rest is on the next page), or at the
        # top of a page (the end of a table from the page before).
        if sum(row_like[i:end]) >= min_rows or start < i or i == 0:
            header, body = list(lines[start:i]), list(lines[i:end])
            cut = {id(line): segments[k] for k, line in enumerate(lines) if start <= k < end}
            regions.append(Region(lines[i].page, height, header, body, cut, broken))
        i = end
    return regions


def under_cells(segments: Sequence[Sequence[Line]], row_like: Sequence[bool], k: int) -> bool:
    """True when every segment of line ``k`` lies under a segment of the row line above it
    (widened by a character): a wrapped cell, not a caption set close below the table."""
    above = next((j for j in range(k - 1, -1, -1) if row_like[j]), None)
    if above is None:
        return False
    cells = [s for j in range(above, k) for s in segments[j]]
    return all(
        any(c.x0 - c.size <= s.x0 and s.x1 <= c.x1 + c.size for c in cells) for s in segments[k]
    )


def page_top_fragment(
    lines: Sequence[Line], segments: Sequence[Sequence[Line]], first: int, settings: PdfSettings
) -> bool:
    """True when the lines above a page's first row line are single pieces set as close
    to it as the lines of one cell: the end of a row the page broke, not a header."""
    if first == 0:
        return False
    return all(len(segments[k]) == 1 for k in range(first)) and all(
        is_tight(lines[k], lines[k + 1], settings) for k in range(first)
    )


def header_start(
    lines: Sequence[Line], segments: Sequence[Sequence[Line]], first: int,
    regions: list[Region], settings: PdfSettings,
) -> int:  # fmt: skip
    """Where the header above a table's first row line begins: close lines of several
    segments, and single segments wrapped from such a line (the end of a long label)."""
    floor = lines.index(regions[-1].body[-1]) + 1 if regions else 0
    start = first
    while start > floor:
        line, below = lines[start - 1], lines[start]
        if below.top - line.bottom > settings.header_gap * min(line.size, below.size):
            break
        wrapped = (
            start - 2 >= floor
            and len(segments[start - 2]) >= 2
            and is_tight(lines[start - 2], line, settings)
        )
        if len(segments[start - 1]) < 2 and not wrapped:
            break
        start -= 1
    return start
