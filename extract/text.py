"""Reader for bulletins saved as text: pipe-delimited cells (web pages, with or without a
leading pipe, one cell or a whole row to a line), tab-indented cells (office documents),
or one cell a line between blank lines (CMS exports). The layout is sniffed from the
content, never the file name; see extract/text_lines.py for what each line is."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from extract.captions import caption_lines
from extract.decode import decode_bytes
from extract.document import Block, Document, Source, Table
from extract.grid import build_table
from extract.hints import LayoutHints, fold, load_hints
from extract.layout import (
    INDEX,
    TEXT,
    VALUE,
    RawCell,
    cell_kind,
    cell_kinds,
    find_body_start,
    raw_cell,
    segment_rows,
)
from extract.records import records_to_tables, same_labels, split_records
from extract.tab_rows import TABROW, is_tab_row, stated_table, tab_table, whole_pipe_rows
from extract.text_lines import (
    BLANK,
    CELL,
    JUNK,
    META,
    PIPE,
    PROSE,
    RULE,
    TAB,
    line_kinds,
    meta_key,
    meta_texts,
    narrow_pipes,
    pipe_parts,
)
from extract.text_spaced import (
    SPACED,
    is_spaced_row,
    mark_short_rows,
    spaced_reading,
    spaced_runs,
    spans,
)

SPACES = re.compile(r"[\s\u3000]+")
# Distinct lines and cell texts remembered by the pure string functions (memory stays flat).
MEMO_SIZE = 1 << 11
# A header cell that is a label with its figure (受理总量 21406): a figure, not a header.
LEAD_FIGURE = re.compile(r"^[\u3400-\u9fff]{2,12}[\s:：]+\d[\d,]*(\.\d+)?%?\s*[件个次项]?$")


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
    lines = [narrow_pipes(line) for line in text.split("\n")]
    kinds = [
        TABROW
        if "\t" in line and is_tab_row(line)  # most lines hold no tab
        else SPACED
        if kind == PROSE and is_spaced_row(line)
        else kind
        for line, kind in zip(lines, line_kinds(lines, hints), strict=True)
    ]
    mark_short_rows(lines, kinds)
    mark_spaced_titles(lines, kinds, hints)
    blocks: list[Block] = []
    tables: list[Table] = []
    positions: list[int] = []
    layouts: set[str] = set()
    i = 0
    for region in find_regions(kinds):
        blocks.extend(prose_blocks(lines, kinds, i, region.start, hints))
        i = region.end
        caption = caption_for(blocks, positions, region, hints)
        if region.layout in (TABROW, SPACED):
            rows = [
                (n + 1, lines[n])
                for n in range(region.start, region.end)
                if kinds[n] == region.layout
            ]
            table = (
                tab_table(rows, hints, index=len(tables), caption=caption)
                if region.layout == TABROW
                else spaced_table(rows, hints, index=len(tables), caption=caption)
            )
            if table is None:
                blocks.extend(prose_blocks(lines, kinds, region.start, region.end, hints))
                continue
            layouts.add(region.layout)
            positions.append(len(blocks))
            tables.append(table)
            continue
        whole = whole_pipe_rows(
            [(n + 1, lines[n]) for n in range(region.start, region.end) if kinds[n] == PIPE]
        )
        if region.layout == PIPE and whole is not None:
            table = stated_table(
                whole, hints, index=len(tables), caption=caption, engine="text-pipe-rows"
            )
            if table is not None:
                layouts.add(region.layout)
                positions.append(len(blocks))
                tables.append(table)
                continue
        cells = region_cells(lines, kinds, region)
        at_end = nothing_after(lines, region.end, hints)
        found, figures = cells_to_tables(
            cells, hints, index=len(tables), caption=caption, at_end=at_end
        )
        if not found:
            blocks.extend(prose_blocks(lines, kinds, region.start, region.end, hints))
            continue
        blocks.extend(figures)
        if len(found) > 1 and not found[-1].caption:
            found[-1].caption = caption_below(lines, kinds, region.end, hints)
        layouts.add(region.layout)
        for table in found:
            positions.append(len(blocks))
            tables.append(table)
    blocks.extend(prose_blocks(lines, kinds, i, len(lines), hints))
    fmt = "text-" + "+".join(sorted(layouts))
    return Document(name, fmt, encoding, blocks, tables, positions)


def mark_spaced_titles(lines: list[str], kinds: list[str], hints: LayoutHints) -> None:
    """A title whose words are spaced apart (``附表1    2023年11月    各区工单办理情况``)
    above space-aligned rows is prose (the table's caption), not a header row: the first
    row of a run that reads as a caption, holds no value and prints fewer cells than the
    next row. As many cells or more, it stays a row (a header row may read so too)."""
    previous = BLANK
    for n, kind in enumerate(kinds):
        if kind == SPACED and previous != SPACED and is_spaced_title(lines, kinds, n, hints):
            kinds[n] = PROSE
        if kind != BLANK:
            previous = kinds[n]


def is_spaced_title(lines: list[str], kinds: list[str], n: int, hints: LayoutHints) -> bool:
    """True when spaced row ``n`` is a title over the next spaced row (see above)."""
    following = next((m for m in range(n + 1, len(kinds)) if kinds[m] != BLANK), None)
    if following is None or kinds[following] != SPACED:
        return False
    cells = [text for text, _, _ in spans(lines[n].strip())]
    return (
        hints.is_caption(squash(lines[n]))
        and all(cell_kind(text, hints) == TEXT for text in cells)
        and len(cells) < len(spans(lines[following].strip()))
    )


def spaced_table(
    lines: list[tuple[int, str]], hints: LayoutHints, *, index: int, caption: list[str]
) -> Table | None:
    """A table from rows whose cells are aligned with runs of spaces; None for a lone line
    (a title with its date far right) or rows without a value. A cell moved off the
    column it sits under makes the table need review."""
    if len(lines) < 2:
        return None
    rows, guesses = spaced_reading(lines)
    table = stated_table(rows, hints, index=index, caption=caption, engine="text-spaced")
    if table is not None:
        table.warnings.extend(guesses)
    return table


def nothing_after(lines: list[str], end: int, hints: LayoutHints) -> bool:
    """True when only blank lines and page furniture follow: the text stops in the table."""
    return all(not line.strip() or hints.is_chrome(line) for line in lines[end:])


def caption_below(lines: list[str], kinds: list[str], end: int, hints: LayoutHints) -> list[str]:
    """A caption printed right under its table (the first line after it, if it reads as one)."""
    for n in range(end, min(end + 3, len(lines))):
        if kinds[n] == BLANK:
            continue
        text = SPACES.sub(" ", lines[n]).strip()
        return [text] if hints.is_caption(text) else []
    return []


def find_regions(kinds: list[str]) -> list[Region]:
    """Maximal runs of pipe lines; runs of tab lines, cell lines or space-aligned rows
    that may hold blank lines (see ``spaced_runs`` for the last)."""
    regions: list[Region] = []
    i = 0
    while i < len(kinds):
        kind = kinds[i]
        if kind not in (PIPE, TAB, CELL, TABROW, SPACED):
            i += 1
            continue
        j = i + 1
        last = i
        while j < len(kinds) and kinds[j] in (kind, BLANK, JUNK, RULE):
            if kinds[j] == kind:
                last = j
            elif kind == PIPE and kinds[j] == BLANK:
                break
            j += 1
        if kind == SPACED:
            rows = [n for n in range(i, last + 1) if kinds[n] == SPACED]
            regions.extend(Region(kind, run[0], run[-1] + 1) for run in spaced_runs(rows))
        else:
            regions.append(Region(kind, i, last + 1))
        i = last + 1
    return regions


def region_cells(lines: list[str], kinds: list[str], region: Region) -> list[RawCell]:
    """The cells of a region in reading order, with 1-based line numbers."""
    cells: list[RawCell] = []
    one_a_line = region.layout in (TAB, CELL)
    for n in range(region.start, region.end):
        line = lines[n]
        if kinds[n] in (JUNK, RULE) or not line or line.isspace():  # blank: strip() empties it
            continue  # junk strings a forum scatters between rows, ruled lines: not cells
        if one_a_line:
            cells.append(raw_cell(squash(line), n + 1))
            continue
        texts = pipe_texts(line)
        if len(texts) == 1:  # a cell a line (``0 |``), the commonest pipe layout
            cells.append(raw_cell(texts[0], n + 1))
        else:
            cells.extend([raw_cell(text, n + 1) for text in texts])
    return cells


@lru_cache(maxsize=MEMO_SIZE)
def squash(text: str) -> str:
    """A cell's text with runs of spaces (ideographic ones too) as one space, trimmed."""
    return SPACES.sub(" ", text).strip()


@lru_cache(maxsize=MEMO_SIZE)
def pipe_texts(line: str) -> tuple[str, ...]:
    """The squashed texts of a pipe line's cells (a line such as ``0 |`` recurs down a
    table: it is split once)."""
    return tuple(squash(part) for part in pipe_parts(line))


def cells_to_tables(
    cells: list[RawCell], hints: LayoutHints, *, index: int, caption: list[str], at_end: bool
) -> tuple[list[Table], list[Block]]:
    """The tables in a region's cells (two printed back to back are cut at the second
    header), and the figures written in a header cell (受理总量 21406) as prose."""
    cells, title = split_title_cells(cells, hints)
    cells, figures = split_lead_figures(cells)
    kinds = cell_kinds(cells, hints)
    start = find_body_start(kinds, cells, hints)
    if start is None:
        return [], figures
    start = row_line_start(kinds, cells, start)
    lead = spanning_lead(kinds, cells, start)
    if lead is not None:
        label, value = lead
        figures.append(Block(f"{label.text} {value.text}", Source(label.line)))
        rest = [c for c in cells if c is not label and c is not value]
        more, extra = cells_to_tables(
            rest, hints, index=index, caption=caption + title, at_end=at_end
        )
        return more, figures + extra
    second = find_second_header(kinds, cells, start, hints)
    end = second if second is not None else len(cells)
    tables = records_to_tables(
        cells[:start],
        segment_rows(kinds[:end], cells[:end], start, hints),
        hints,
        index=index,
        caption=caption + title,
        at_end=at_end and second is None,
    )
    if second is not None:
        more, extra = cells_to_tables(
            cells[second:], hints, index=index + len(tables), caption=[], at_end=at_end
        )
        tables += more
        figures += extra
    return tables, figures


def spanning_lead(
    kinds: list[str], cells: list[RawCell], start: int
) -> tuple[RawCell, RawCell] | None:
    """A first column spanning every row (受理总量 over 21406) beside breakdowns with their
    own headers: its label and its one value, to be read as a figure, not a column."""
    labels = [c for c in cells[:start] if c.text.strip()]
    if len(labels) < 5 or kinds[start] not in (VALUE, INDEX):
        return None
    if len(split_records(labels)) > 1 or len(split_records(labels[1:])) < 2:
        return None
    return labels[0], cells[start]


def cells_to_table(
    cells: list[RawCell], hints: LayoutHints, *, index: int, caption: list[str]
) -> Table | None:
    """One table from a flat run of cells (the PDF reader's word cells): header, rows, grid."""
    cells, title = split_title_cells(cells, hints)
    kinds = cell_kinds(cells, hints)
    start = find_body_start(kinds, cells, hints)
    if start is None:
        return None
    records = split_records(cells[:start])
    header = records[0] if same_labels(records) else cells[:start]
    rows = segment_rows(kinds, cells, start, hints)
    return build_table(header, rows, hints, index=index, caption=caption + title)


def row_line_start(kinds: list[str], cells: list[RawCell], start: int) -> int:
    """Rows written one to a line: the body starts with the line of its first value."""
    first = next((p for p in range(start, len(kinds)) if kinds[p] in (VALUE, INDEX)), None)
    if first is None:
        return start
    line = cells[first].line
    on_line = [p for p, c in enumerate(cells) if c.line == line]
    if len(on_line) < 2 or on_line[0] == 0 or kinds[on_line[0]] not in (TEXT, INDEX):
        return start
    return on_line[0]


def split_lead_figures(cells: list[RawCell]) -> tuple[list[RawCell], list[Block]]:
    """A first header cell that is a label and its figure is prose, not a column."""
    first = next((k for k, c in enumerate(cells) if c.text.strip()), None)
    if first is None or not LEAD_FIGURE.match(unicodedata.normalize("NFKC", cells[first].text)):
        return cells, []
    cell = cells[first]
    return cells[:first] + cells[first + 1 :], [Block(cell.text, Source(cell.line))]


def find_second_header(
    kinds: list[str], cells: list[RawCell], start: int, hints: LayoutHints
) -> int | None:
    """Where a second table starts inside the body: a header word (序号, 单位 …) followed by
    more header labels, after values; its caption (a line that reads as one) goes with it."""
    words = hints.index_headers | hints.header_words
    seen_value = False
    for p in range(start, len(cells)):
        if kinds[p] in (VALUE, INDEX):
            seen_value = True
            continue
        if not seen_value or kinds[p] != TEXT or fold(cells[p].text) not in words:
            continue
        following = [c for c in cells[p + 1 : p + 4] if c.text.strip()]
        if not following or not all(
            cell_kind(c.text, hints) == TEXT and hints.is_header_like(c.text) for c in following[:1]
        ):
            continue
        q = p
        while q > start and (not cells[q - 1].text.strip() or hints.is_caption(cells[q - 1].text)):
            q -= 1
        return q if any(hints.is_caption(c.text) for c in cells[q:p]) else p
    return None


def split_title_cells(cells: list[RawCell], hints: LayoutHints) -> tuple[list[RawCell], list[str]]:
    """A title written as a one-cell row (``| 标题 | ||||``), or a caption line leading the
    cells, is a caption, not a header."""
    if not cells or not cells[0].text:
        return cells, []
    first_line = cells[0].line
    same_line = [c for c in cells if c.line == first_line]
    if len(same_line) > 1 and not any(c.text for c in same_line[1:]):
        return cells[len(same_line) :], [cells[0].text]
    if cell_kind(cells[0].text, hints) != TEXT:
        return cells, []
    pads = next((k for k, c in enumerate(cells[1:]) if c.text.strip()), len(cells) - 1)
    if hints.is_caption(cells[0].text) or pads >= 2:
        # A caption line, or a title followed by the padding of its spanning cell.
        return cells[1 + pads :], [cells[0].text]
    return cells, []


def prose_blocks(
    lines: list[str], kinds: list[str], start: int, end: int, hints: LayoutHints
) -> list[Block]:
    """Non-empty lines outside tables, page furniture dropped: one block a line; a metadata
    block as one ``key: value`` block per field; pipes around a paragraph dropped."""
    out: list[Block] = []
    n = start
    while n < end:
        if kinds[n] == META:
            rows = []
            while n < end and kinds[n] in (META, BLANK):
                if kinds[n] == META:
                    rows.append(n)
                n += 1
            out.extend(Block(t, Source(line)) for t, line in meta_texts(lines, rows, hints))
            continue
        if kinds[n] in (RULE, JUNK):  # a ruled line, a forum's junk string: not content
            n += 1
            continue
        text = SPACES.sub(" ", lines[n]).strip()
        if "|" in text and kinds[n] != PIPE:
            text = " ".join(p.strip() for p in pipe_parts(text) if p.strip())
        if text and not hints.is_chrome(text):
            out.append(Block(text, Source(n + 1)))
        n += 1
    return out


def caption_for(
    blocks: list[Block], positions: list[int], region: Region, hints: LayoutHints
) -> list[str]:
    """The prose lines right above a table, after the previous table."""
    after_previous = blocks[positions[-1] if positions else 0 :]
    near = [
        b
        for b in after_previous
        if (b.source.line_start or 0) >= region.start - 3 and not is_meta_block(b.text, hints)
    ]
    return caption_lines([b.text for b in near])


def is_meta_block(text: str, hints: LayoutHints) -> bool:
    """A ``key: value`` block of a site's metadata."""
    return ":" in text and meta_key(text.split(":", 1)[0], hints) is not None
