"""Reader for bulletins saved as text: pipe-delimited cells (web pages) or tab-indented
cells (office documents). The layout is sniffed from the content, never the file name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from extract.decode import decode_bytes
from extract.document import Block, Document, Source, Table
from extract.grid import build_table
from extract.hints import LayoutHints, load_hints
from extract.layout import RawCell, cell_kind, find_body_start, segment_rows

PIPE, TAB, BLANK, PROSE = "pipe", "tab", "blank", "prose"
SPACES = re.compile(r"[\s\u3000]+")
# Up to this many prose lines right above a table are its caption (附件1 / title).
CAPTION_LINES = 2


@dataclass
class Region:
    """A run of lines that holds one table."""

    layout: str
    start: int  # index into lines (0-based)
    end: int  # exclusive


def read_text(path: Path, display: str | None = None, hints: LayoutHints | None = None) -> Document:
    """Read a text bulletin into a Document."""
    name = display or str(path)
    text, encoding = decode_bytes(path.read_bytes(), name)
    return parse_text(text, name, encoding, hints or load_hints())


def parse_text(text: str, name: str, encoding: str, hints: LayoutHints) -> Document:
    """Split decoded text into prose blocks and tables."""
    lines = text.split("\n")
    kinds = [line_kind(line) for line in lines]
    blocks: list[Block] = []
    tables: list[Table] = []
    positions: list[int] = []
    layouts: set[str] = set()
    i = 0
    for region in find_regions(kinds):
        blocks.extend(prose_blocks(lines, i, region.start, hints))
        i = region.end
        cells = region_cells(lines, region)
        caption = caption_for(blocks, positions, region)
        table = cells_to_table(cells, hints, index=len(tables), caption=caption)
        if table is None:
            blocks.extend(prose_blocks(lines, region.start, region.end, hints))
            continue
        layouts.add(region.layout)
        positions.append(len(blocks))
        tables.append(table)
    blocks.extend(prose_blocks(lines, i, len(lines), hints))
    fmt = "text-" + "+".join(sorted(layouts))
    return Document(name, fmt, encoding, blocks, tables, positions)


def line_kind(line: str) -> str:
    """Classify one line of a text bulletin."""
    stripped = line.strip()
    if not stripped:
        return BLANK
    if stripped.endswith("|"):
        return PIPE
    if line.startswith("\t"):
        return TAB
    return PROSE


def find_regions(kinds: list[str]) -> list[Region]:
    """Maximal runs of pipe lines; runs of tab lines that may hold blank lines."""
    regions: list[Region] = []
    i = 0
    while i < len(kinds):
        kind = kinds[i]
        if kind not in (PIPE, TAB):
            i += 1
            continue
        j = i + 1
        last = i
        while j < len(kinds) and kinds[j] in (kind, BLANK):
            if kinds[j] == kind:
                last = j
            elif kind == PIPE:
                break
            j += 1
        regions.append(Region(kind, i, last + 1))
        i = last + 1
    return regions


def region_cells(lines: list[str], region: Region) -> list[RawCell]:
    """The cells of a region in reading order, with 1-based line numbers."""
    cells: list[RawCell] = []
    for n in range(region.start, region.end):
        line = lines[n]
        if not line.strip():
            continue
        if region.layout == TAB:
            cells.append(RawCell(SPACES.sub(" ", line).strip(), n + 1))
            continue
        stripped = line.strip()
        if stripped.startswith("|") and stripped.strip("| "):
            stripped = stripped[1:]  # a whole row on one line: | a | b |
        parts = stripped.split("|")[:-1]
        cells.extend(RawCell(SPACES.sub(" ", part).strip(), n + 1) for part in parts)
    return cells


def cells_to_table(
    cells: list[RawCell], hints: LayoutHints, *, index: int, caption: list[str]
) -> Table | None:
    """Header, rows, grid; None when the cells hold no body row."""
    cells, title = split_title_cells(cells)
    kinds = [cell_kind(c.text, hints) for c in cells]
    start = find_body_start(kinds, cells, hints)
    if start is None:
        return None
    header = dedupe_repeated_header(cells[:start])
    rows = segment_rows(kinds, cells, start, hints)
    return build_table(header, rows, hints, index=index, caption=caption + title)


def split_title_cells(cells: list[RawCell]) -> tuple[list[RawCell], list[str]]:
    """A title written as a one-cell row (``| 标题 | ||||``) is a caption, not a header."""
    if not cells or not cells[0].text:
        return cells, []
    same_line = [c for c in cells if c.line == cells[0].line]
    if len(same_line) > 1 and not any(c.text for c in same_line[1:]):
        return cells[len(same_line) :], [cells[0].text]
    return cells, []


def dedupe_repeated_header(header: list[RawCell]) -> list[RawCell]:
    """Records side by side repeat their header; keep one copy so each record is a row."""
    labels = [c for c in header if c.text]
    n = len(labels)
    for k in range(2, n // 2 + 1):
        if n % k:
            continue
        size = n // k
        texts = [c.text for c in labels]
        if texts == texts[:size] * k:
            last = labels[size - 1]
            return header[: header.index(last) + 1]
    return header


def prose_blocks(lines: list[str], start: int, end: int, hints: LayoutHints) -> list[Block]:
    """Non-empty lines outside tables, page furniture dropped: one block a line."""
    out = []
    for n in range(start, end):
        text = SPACES.sub(" ", lines[n]).strip()
        if text and not hints.is_chrome(text):
            out.append(Block(text, Source(n + 1)))
    return out


def caption_for(blocks: list[Block], positions: list[int], region: Region) -> list[str]:
    """The prose lines right above a table, after the previous table."""
    after_previous = blocks[positions[-1] if positions else 0 :]
    near = [b for b in after_previous if (b.source.line_start or 0) >= region.start - 3]
    return [b.text for b in near[-CAPTION_LINES:]]
