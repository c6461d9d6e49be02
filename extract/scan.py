"""Reader for scanned bulletins: page images (PNG, JPEG, TIFF, image-only PDF) through OCR.

Each page is turned upright (and squared up when photographed at a slant), its ruled
tables are found from their rules (see ``scan_image``), and the page is read once by the
OCR engine. Every text line the engine returns falls in the grid cell under its centre;
of the lines outside the grids, rows and columns of text make unruled tables (see
``scan_unruled``), and the rest is prose, re-joined into paragraphs where the layout
wrapped it. The cells go through the same table builder as the other structured formats
(``table_from_rows``), so a scan yields the ordinary ``Document``; each OCR'd cell keeps
the engine's score as ``Cell.confidence`` (its worst line's), and each table records its
engine (``ocr:rapidocr``, ``ocr:rapidocr:unruled``). A grid at the top of a page that goes
on with the last grid of the page before is joined to it."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from itertools import pairwise
from pathlib import Path

from extract.document import Block, Cell, Document, Source, Table
from extract.errors import NoTable
from extract.explicit import SpanCell, table_from_rows
from extract.hints import LayoutHints, load_hints
from extract.ocr_engine import RAPIDOCR, OcrLine, get_engine
from extract.scan_image import (
    PageImage,
    RuledGrid,
    find_grids,
    ink,
    load_image_pages,
    load_pdf_pages,
    rule_masks,
    straighten,
)
from extract.scan_unruled import unruled_grids, visual_rows

# Up to this many prose blocks right above a table are its caption (附件1 / title).
CAPTION_BLOCKS = 2
POINTS_PER_INCH = 72.0
# A caption is a short line (附件2, a table title), not a paragraph.
CAPTION_MAX_CHARS = 60
# Appended to the engine of a table laid out from its text's positions (no rules).
UNRULED = ":unruled"
# Column rules of two grids closer than this (a share of the page width) are the same.
EDGE_TOLERANCE = 0.01
SENTENCE_ENDS = ("。", "：", ":", "；", ";", "！", "？")
DIGIT_GAP = re.compile(r"(?<=\d)\s+(?=[\d.%])")


@dataclass(frozen=True)
class ScanSettings:
    """How scans are read: the engine and the resolution PDF pages are rendered at."""

    engine: str = RAPIDOCR
    pdf_dpi: int = 300


@dataclass
class PageRead:
    """One page after OCR: its grids with the lines in each cell, and its prose lines."""

    page: PageImage
    grids: list[tuple[RuledGrid, dict[tuple[int, int], list[OcrLine]]]]
    prose: list[OcrLine]


def read_scan(
    path: Path,
    display: str | None = None,
    *,
    is_pdf: bool = False,
    hints: LayoutHints | None = None,
    settings: ScanSettings | None = None,
) -> Document:
    """Read a scanned bulletin (an image file, or a PDF of page images) into a Document."""
    name = display or str(path)
    hints = hints or load_hints()
    settings = settings or ScanSettings()
    pages = load_pdf_pages(path, name, settings.pdf_dpi) if is_pdf else load_image_pages(path, name)
    engine = get_engine(settings.engine, name)
    reads = []
    for page in pages:
        upright = straighten(page)
        horizontal, vertical = rule_masks(ink(upright.pixels))
        grids = find_grids(horizontal, vertical)
        lines = engine(upright.pixels)
        # From here on only the page's width is used: keep one row of pixels, not the page
        # (pages are loaded one at a time, so memory holds one page, not the whole file).
        kept = replace(upright, pixels=upright.pixels[:1].copy())
        reads.append(assign(kept, grids, lines))
    return assemble(name, reads, hints, f"ocr:{settings.engine}")


def assign(page: PageImage, grids: list[RuledGrid], lines: list[OcrLine]) -> PageRead:
    """Each OCR line into the grid cell under its centre; of the rest, rows and columns of
    text make unruled tables, and what is left is prose."""
    cells: list[dict[tuple[int, int], list[OcrLine]]] = [{} for _ in grids]
    rest = []
    for line in lines:
        x, y = line.center
        for k, grid in enumerate(grids):
            cell = grid.cell_at(x, y)
            if cell is not None:
                cells[k].setdefault((cell.row, cell.col), []).append(line)
                break
        else:
            rest.append(line)
    unruled, prose = unruled_grids(rest)
    return PageRead(page, [*zip(grids, cells, strict=True), *unruled], prose)


def row_text(row: list[OcrLine]) -> str:
    """A row of print: pieces far apart keep a space between them."""
    height = max(ln.box[3] - ln.box[1] for ln in row)
    out = row[0].text
    for before, piece in pairwise(row):
        out += (" " if piece.box[0] - before.box[2] > height else "") + piece.text
    return out


def cell_text(lines: list[OcrLine]) -> str:
    """A cell's lines in reading order; a wrapped cell joins without a break (CJK text)."""
    text = "".join(row_text(row) for row in visual_rows(lines))
    return DIGIT_GAP.sub("", text).strip()


Box = tuple[float, float, float, float]


def to_points(box: Box, dpi: float) -> Box:
    """A box in page pixels → in points (1/72 inch), like the boxes of PDF cells."""
    x0, y0, x1, y1 = (round(v * POINTS_PER_INCH / dpi, 1) for v in box)
    return (x0, y0, x1, y1)


@dataclass
class GridPart:
    """A ruled grid of one page as rows of cells, before it becomes a table (a table
    broken by a page is two parts joined)."""

    rows: list[list[SpanCell]]
    scores: dict[Box, float]
    edges: list[float]  # column rules, as shares of the page width
    source: Source
    caption: list[str]
    first_on_page: bool
    ruled: bool = True


def grid_part(
    read: PageRead,
    grid: RuledGrid,
    lines: dict[tuple[int, int], list[OcrLine]],
    caption: list[str],
    first_on_page: bool,
) -> GridPart:
    """A grid's cells with their OCR'd text; each keeps its worst line's score."""
    page = read.page
    rows: list[list[SpanCell]] = [[] for _ in range(len(grid.ys) - 1)]
    scores: dict[Box, float] = {}
    for cell in grid.cells:
        found = lines.get((cell.row, cell.col), [])
        box = to_points(cell.box, page.dpi)
        source = Source(page=page.number, bbox=box)
        rows[cell.row].append(SpanCell(cell_text(found), cell.rowspan, cell.colspan, source))
        if found:
            scores[box] = round(min(ln.score for ln in found), 4)
    width = page.pixels.shape[1]
    return GridPart(
        rows,
        scores,
        [x / width for x in grid.xs],
        Source(page=page.number, bbox=to_points(grid.box, page.dpi)),
        caption,
        first_on_page,
        grid.ruled,
    )


def continues(before: GridPart, part: GridPart) -> bool:
    """Whether a grid at the top of a page goes on with the last grid of the page before:
    no caption of its own, the same column rules."""
    return (
        part.first_on_page
        and not part.caption
        and part.ruled == before.ruled
        and part.source.page == (before.source.page or 0) + 1
        and len(part.edges) == len(before.edges)
        and all(abs(a - b) < EDGE_TOLERANCE for a, b in zip(part.edges, before.edges, strict=True))
    )


def join(before: GridPart, part: GridPart) -> None:
    """Append a continuation's rows; a header it repeats is dropped."""
    texts = [[c.text for c in row] for row in before.rows]
    rows = part.rows
    while rows and texts and [c.text for c in rows[0]] == texts[0]:
        rows, texts = rows[1:], texts[1:]
    before.rows.extend(rows)
    before.scores.update(part.scores)


def part_table(part: GridPart, hints: LayoutHints, *, index: int, engine: str) -> Table | None:
    """The joined rows of a grid → a Table, each cell with its OCR score."""
    engine = engine if part.ruled else f"{engine}{UNRULED}"
    table = table_from_rows(
        part.rows, hints, index=index, caption=part.caption, engine=engine, source=part.source
    )
    if table is None:
        return None
    table.cells = [with_score(c, part.scores) for c in table.cells]
    return table


def with_score(cell: Cell, scores: dict[Box, float]) -> Cell:
    """The cell with the OCR score of the grid cell it came from (found by its box)."""
    score = scores.get(cell.source.bbox) if cell.source.bbox is not None else None
    return replace(cell, confidence=score) if score is not None else cell


def prose_blocks(read: PageRead) -> list[tuple[float, Block]]:
    """The page's prose as paragraphs (with their top edge): a line that ends short of the
    right margin, or one that starts indented, begins a new paragraph."""
    rows = visual_rows(read.prose)
    if not rows:
        return []
    left = min(row[0].box[0] for row in rows)
    right = max(row[-1].box[2] for row in rows)
    out: list[tuple[float, list[list[OcrLine]]]] = []
    for row in rows:
        height = max(ln.box[3] - ln.box[1] for ln in row)
        if out:
            last = out[-1][1][-1]
            full = last[-1].box[2] >= right - 2 * height
            flush = row[0].box[0] <= left + height
            # A full line that ends mid-sentence goes on, even where the OCR lost the
            # next line's first characters (and so it looks indented).
            flush = flush or not last[-1].text.endswith(SENTENCE_ENDS)
            no_table_between = not any(
                last[0].box[3] <= g.box[1] <= row[0].box[1] for g, _ in read.grids
            )
            if full and flush and no_table_between:
                out[-1][1].append(row)
                continue
        out.append((row[0].box[1], [row]))
    blocks = []
    for top, para in out:
        box = (
            min(ln.box[0] for row in para for ln in row),
            top,
            max(ln.box[2] for row in para for ln in row),
            max(ln.box[3] for row in para for ln in row),
        )
        text = "".join(row_text(row) for row in para)
        source = Source(page=read.page.number, bbox=to_points(box, read.page.dpi))
        blocks.append((top, Block(text, source)))
    return blocks


def assemble(name: str, reads: list[PageRead], hints: LayoutHints, engine: str) -> Document:
    """Prose and tables of every page in reading order → a Document; a grid at the top of
    a page that goes on with the last grid of the page before joins it."""
    flow: list[Block | GridPart] = []
    for read in reads:
        items: list[tuple[float, Block | int]] = list(prose_blocks(read))
        items.extend((grid.box[1], k) for k, (grid, _) in enumerate(read.grids))
        run: list[Block] = []
        for _, item in sorted(items, key=lambda it: it[0]):
            if isinstance(item, Block) and hints.is_chrome(item.text):
                continue  # page numbers (- 7 -) and the like
            if isinstance(item, Block):
                run.append(item)
                flow.append(item)
                continue
            grid, lines = read.grids[item]
            caption = [b.text for b in run[-CAPTION_BLOCKS:] if len(b.text) <= CAPTION_MAX_CHARS]
            part = grid_part(read, grid, lines, caption, first_on_page=not run)
            run = []
            last = flow[-1] if flow else None
            if isinstance(last, GridPart) and continues(last, part):
                join(last, part)
            else:
                flow.append(part)
    blocks: list[Block] = []
    tables: list[Table] = []
    positions: list[int] = []
    for entry in flow:
        if isinstance(entry, Block):
            blocks.append(entry)
            continue
        table = part_table(entry, hints, index=len(tables), engine=engine)
        if table is not None:
            positions.append(len(blocks))
            tables.append(table)
    if not tables:
        raise NoTable(
            name, "no table found in the scan (no ruled grid with values, no columns of text)"
        )
    return Document(name, "scan", "", blocks, tables, positions)
