"""Reader for PDF bulletins: prose in reading order, tables as grids with spans and boxes.

Each page is read once with pdfplumber: its glyphs are checked (text that did not decode
is refused, a page without text needs OCR), ruled tables are found from their rules,
page furniture (``- 7 -``) is dropped, unruled tables are found in the remaining lines,
and what is left is prose, re-joined into paragraphs where the layout wrapped it.
Tables broken by a page are joined; the two prose lines right above a table are its
caption. Ruled tables are laid out by ``table_from_rows`` (their spans are stated by the
rules); unruled ones get their columns from the text's gaps (or from camelot's stream
parser when the gaps do not fit) and go through the text reader's row recovery.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException
from pdfplumber.utils.exceptions import PdfminerException

from extract.document import Block, Document, Source, Table
from extract.errors import BulletinError, NoTable
from extract.explicit import SpanCell, table_from_rows
from extract.hints import LayoutHints, load_hints
from extract.layout import INDEX, VALUE, RawCell, cell_kind
from extract.pdf_tables import (
    RULED,
    PartCell,
    TablePart,
    choose_columns,
    continues_table,
    is_fragment,
    is_numbered,
    on_edges,
    own_columns,
    region_to_part,
    repeated_header,
    ruled_part,
)
from extract.pdf_text import (
    Glyph,
    Line,
    PdfSettings,
    Region,
    glyphs_from_chars,
    glyphs_to_lines,
    inside,
    join_wrapped,
    lines_to_blocks,
    prose_margins,
    undecoded,
    union,
    unruled_regions,
)
from extract.text import cells_to_table

__all__ = ["PdfSettings", "read_pdf"]

# Up to this many prose blocks right above a table are its caption (附件1 / title).
CAPTION_BLOCKS = 2
# How far from the end of the file a complete PDF has its %%EOF marker.
EOF_WINDOW = 2048


class UnreadablePdf(BulletinError):
    """The file starts like a PDF but cannot be parsed (truncated, damaged, not a PDF)."""


class EncryptedPdf(BulletinError):
    """The PDF needs a password."""


class NeedsOcr(BulletinError):
    """A page is an image without a text layer."""


class UndecodedText(BulletinError):
    """Glyphs of the PDF do not map to characters; storing them would store garbage."""

    stage = "decode"


@dataclass
class PageContent:
    """What one page holds, in reading order: prose lines and table parts or regions."""

    number: int
    width: float
    height: float
    items: list[Line | TablePart | Region] = field(default_factory=list)


def read_pdf(
    path: Path,
    display: str | None = None,
    hints: LayoutHints | None = None,
    settings: PdfSettings | None = None,
) -> Document:
    """Read a PDF bulletin into a Document; raise a BulletinError when it can't be read."""
    name = display or str(path)
    hints = hints or load_hints()
    settings = settings or PdfSettings()
    with open_pdf(path, name) as pdf:
        if not pdf.pages:
            raise UnreadablePdf(name, "the PDF has no pages")
        pages = [read_page(page, name, hints, settings) for page in pdf.pages]
    if not any(page.items for page in pages):
        raise NoTable(name, "the PDF holds no text (blank pages, or page numbers only)")
    resolve_regions(path, pages, hints, settings)
    return assemble(name, pages, hints, settings)


@contextmanager
def open_pdf(path: Path, name: str) -> Iterator[Any]:
    """Open a PDF with pdfplumber; parser errors become one clear BulletinError."""
    try:
        with pdfplumber.open(path) as pdf:
            yield pdf
    except (PdfminerException, PSException, PDFSyntaxError, PDFEncryptionError) as exc:
        raise pdf_error(exc, path, name) from None


def pdf_error(exc: Exception, path: Path, name: str) -> BulletinError:
    """The reason a PDF could not be parsed, in words that say what to do."""
    cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
    if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
        return EncryptedPdf(
            name, "the PDF is encrypted (password-protected); save a copy without a password"
        )
    with path.open("rb") as handle:
        handle.seek(max(path.stat().st_size - EOF_WINDOW, 0))
        tail = handle.read()
    if b"%%EOF" not in tail:
        if b"endobj" in path.read_bytes():
            return UnreadablePdf(
                name, "the PDF is truncated (it ends before its %%EOF marker); copy it again"
            )
        return UnreadablePdf(
            name, "not a readable PDF: it starts with %PDF but holds no PDF objects"
        )
    detail = str(cause) or type(cause).__name__
    return UnreadablePdf(name, f"the PDF is damaged ({detail}); re-export it from its source")


def read_page(page: Any, name: str, hints: LayoutHints, settings: PdfSettings) -> PageContent:
    """Glyphs of one page checked, ruled tables found, the rest cut into lines."""
    number = int(page.page_number)
    content = PageContent(number, float(page.width), float(page.height))
    glyphs = glyphs_from_chars(page.chars)
    if not any(g.text.strip() for g in glyphs):
        if page.images:
            raise NeedsOcr(
                name,
                f"page {number} has no text layer (a scanned image); run OCR on it first "
                "(e.g. ocrmypdf -l chi_sim) and ingest the result",
            )
        return content  # a blank page
    check_decoded(glyphs, number, name, settings)
    parts: list[TablePart] = []
    for found in page.find_tables(settings.ruled):
        part = ruled_part(found.cells, glyphs, number, hints, settings)
        if part is not None:
            parts.append(part)
    rest = [g for g in glyphs if not any(inside(g, p.bbox) for p in parts)]
    lines = [ln for ln in glyphs_to_lines(rest, number, settings) if not hints.is_chrome(ln.text)]
    regions = unruled_regions(lines, content.height, hints, settings)
    in_regions = {id(line) for region in regions for line in region.lines}
    items: list[Line | TablePart | Region] = [ln for ln in lines if id(ln) not in in_regions]
    items.extend(parts)
    items.extend(regions)
    content.items = sorted(items, key=lambda item: item.bbox[1])  # reading order
    page.close()
    return content


def check_decoded(glyphs: Sequence[Glyph], page: int, name: str, settings: PdfSettings) -> None:
    """Refuse a page whose glyphs did not decode to characters."""
    bad = undecoded(glyphs)
    if len(bad) > settings.max_undecoded:
        examples = " ".join(list(dict.fromkeys(bad))[:3])
        raise UndecodedText(
            name,
            f"page {page}: {len(bad)} characters did not decode (e.g. {examples}); the PDF's "
            "fonts have no Unicode map — export it again with embedded fonts, or OCR it",
        )


# --- unruled tables -------------------------------------------------------------------


def resolve_regions(
    path: Path, pages: list[PageContent], hints: LayoutHints, settings: PdfSettings
) -> None:
    """Replace each unruled region by a table part. The regions of one table (broken by
    pages) share columns; camelot is asked for them when the text's own gaps do not fit."""
    chains = region_chains(pages)
    ask = [
        chain
        for chain in chains
        if settings.camelot == "always"
        or (settings.camelot == "fallback" and own_columns(chain, settings)[1] > 0)
    ]
    found = camelot_columns(path, [region for chain in ask for region in chain]) if ask else {}
    parts: dict[int, TablePart] = {}
    for chain in chains:
        theirs = [found[id(region)] for region in chain if id(region) in found]
        edges, engine = choose_columns(chain, theirs, settings)
        first = region_to_part(chain[0], edges, engine, hints, settings)
        parts[id(chain[0])] = first
        numbered = is_numbered(first, hints)  # the header is on the first page only
        for region in chain[1:]:
            parts[id(region)] = region_to_part(region, edges, engine, hints, settings, numbered)
    for page in pages:
        page.items = [parts.get(id(item), item) for item in page.items]


def region_chains(pages: Sequence[PageContent]) -> list[list[Region]]:
    """Unruled regions grouped by table: a region that opens a page joins the region that
    closed the page before (nothing but page furniture lies between them)."""
    chains: list[list[Region]] = []
    closing: Region | None = None
    for page in pages:
        for k, item in enumerate(page.items):
            if not isinstance(item, Region):
                continue
            if k == 0 and closing is not None and closing.page == page.number - 1:
                chains[-1].append(item)
            else:
                chains.append([item])
        last = page.items[-1] if page.items else None
        closing = last if isinstance(last, Region) else None
    return chains


def camelot_columns(path: Path, regions: Sequence[Region]) -> dict[int, list[float]]:
    """Column edges camelot's stream parser finds in each region (by ``id`` of the region).

    One camelot run covers every region asked about; a region camelot finds no table in,
    or a camelot failure, leaves the choice to the text's own gaps.
    """
    import camelot  # imported on use: slow to import, and needed for unruled tables only

    areas: dict[int, list[str]] = {}
    for region in regions:
        x0, top, x1, bottom = region.bbox
        h = region.height
        areas.setdefault(region.page, []).append(
            f"{x0 - 1},{h - top + 1},{x1 + 1},{h - bottom - 1}"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = camelot.read_pdf(  # type: ignore[attr-defined]
                str(path),
                pages=",".join(str(p) for p in sorted(areas)),
                flavor="stream",
                split_text=True,
                suppress_stdout=True,
                per_page={p: {"table_areas": a} for p, a in areas.items()},
            )
    except Exception:  # camelot only helps here: on any failure the gaps decide
        return {}
    out: dict[int, list[float]] = {}
    for table in found:
        x0, _, _, y1 = table._bbox
        for region in regions:
            same_page = str(region.page) == str(table.page)
            if (
                same_page
                and abs(region.height - y1 - region.bbox[1]) <= 2
                and abs(region.bbox[0] - x0) <= 2
            ):
                out[id(region)] = [float(table.cols[0][0])] + [float(c[1]) for c in table.cols]
    return out


# --- tables across pages ---------------------------------------------------------------


def stitch(parts: Sequence[TablePart], hints: LayoutHints) -> TablePart:
    """Parts of one table (one per page) as one grid, on the boundaries of all of them."""
    edges = max((p.edges for p in parts), key=len)
    parts = [on_edges(part, edges) for part in parts]
    whole = replace(parts[0], cells=list(parts[0].cells))
    indexed = is_numbered(whole, hints)
    for part in parts[1:]:
        skip = repeated_header(whole, part)
        cells = [replace(c, row=c.row - skip) for c in part.cells if c.row >= skip]
        rows = part.n_rows - skip
        cells, rows = join_broken_row(whole, cells, rows, indexed, hints)
        offset = whole.n_rows
        whole.cells.extend(replace(c, row=c.row + offset) for c in cells)
        whole.n_rows += rows
    return whole


def join_broken_row(
    whole: TablePart, cells: list[PartCell], rows: int, indexed: bool, hints: LayoutHints
) -> tuple[list[PartCell], int]:
    """Merge the next part's leading fragment rows into the last row of the table so far
    (or that row, when it is the fragment, into the next), and let names that spanned
    down to the page break span on."""
    last = whole.n_rows - 1
    while rows:
        top = [c for c in cells if c.row == 0]
        last_cells = [c for c in whole.cells if c.row == last]
        if not (is_fragment(top, indexed, hints) or is_fragment(last_cells, indexed, hints)):
            break
        for cell in top:
            if not cell.text:
                continue
            target = whole.covering(last, cell.col)
            if target is None:
                whole.cells.append(replace(cell, row=last, rowspan=1))
            else:
                merged = replace(target, text=join_wrapped(target.text, cell.text))
                whole.cells[whole.cells.index(target)] = merged
        cells = [replace(c, row=c.row - 1) for c in cells if c.row > 0]
        rows -= 1
    if rows:
        cells = extend_spans(whole, cells, indexed, hints)
    return cells, rows


def extend_spans(
    whole: TablePart, cells: list[PartCell], indexed: bool, hints: LayoutHints
) -> list[PartCell]:
    """Empty name cells at the top of a continuation extend the name above them (a town
    spanning its centres across the page break)."""
    last = whole.n_rows - 1
    values = [
        c.col
        for c in cells
        if c.row == 0 and c.col > 0 and cell_kind(c.text, hints) in (VALUE, INDEX)
    ]
    first_value = min(values, default=whole.n_cols)
    out = []
    for cell in cells:
        above = whole.covering(last, cell.col) if cell.row == 0 else None
        if (
            above is not None
            and not cell.text
            and above.text
            and (0 if indexed else -1) < cell.col < first_value
            and (above.col, above.colspan) == (cell.col, cell.colspan)
        ):
            grown = replace(above, rowspan=above.rowspan + cell.rowspan)
            whole.cells[whole.cells.index(above)] = grown
            continue
        out.append(cell)
    return out


# --- the document ----------------------------------------------------------------------


def assemble(
    name: str, pages: list[PageContent], hints: LayoutHints, settings: PdfSettings
) -> Document:
    """Prose runs and tables (parts joined across pages) in reading order → a Document."""
    flow = join_parts(pages, hints)
    prose = [item for item in flow if isinstance(item, Line)]
    widths = {page.number: page.width for page in pages}
    margins = prose_margins(prose, widths, settings)
    runs: list[list[Line]] = [[]]
    tables_parts: list[list[TablePart]] = []
    for item in flow:
        if isinstance(item, Line):
            runs[-1].append(item)
        else:
            tables_parts.append(item)
            runs.append([])
    block_runs = lines_to_blocks(runs, margins, widths, settings)
    blocks: list[Block] = []
    tables: list[Table] = []
    positions: list[int] = []
    for run, parts in zip(block_runs, [*tables_parts, None], strict=True):
        blocks.extend(run)
        if parts is None:
            continue
        whole = stitch(parts, hints)
        caption = [b.text for b in run[-CAPTION_BLOCKS:]]
        table = build_table(whole, hints, index=len(tables), caption=caption)
        if table is None:
            blocks.extend(row_blocks(whole))  # a grid without values: its text is prose
            continue
        positions.append(len(blocks))
        tables.append(table)
    return Document(name, "pdf", "", blocks, tables, positions)


def join_parts(pages: list[PageContent], hints: LayoutHints) -> list[Line | list[TablePart]]:
    """The document's items in order, with the parts of a table broken by pages together."""
    flow: list[Line | list[TablePart]] = []
    last_page_item: Line | list[TablePart] | None = None
    for page in pages:
        for k, item in enumerate(page.items):
            if isinstance(item, Line):
                flow.append(item)
                continue
            assert isinstance(item, TablePart)
            previous = flow[-1] if flow else None
            if (
                k == 0
                and isinstance(previous, list)
                and previous is last_page_item
                and previous[-1].page == page.number - 1
                and continues_table(previous[0], item, hints)
            ):
                previous.append(item)
                continue
            flow.append([item])
        last_page_item = flow[-1] if flow else None
    return flow


def row_blocks(whole: TablePart) -> list[Block]:
    """The rows of a grid that is not a table of values, as lines of prose."""
    blocks = []
    for r in range(whole.n_rows):
        cells = [c for c in whole.row(r) if c.text]
        if cells:
            box = union(c.bbox for c in cells)
            blocks.append(
                Block(" ".join(c.text for c in cells), Source(page=cells[0].page, bbox=box))
            )
    return blocks


def build_table(
    whole: TablePart, hints: LayoutHints, *, index: int, caption: list[str]
) -> Table | None:
    """A table from its joined parts: ruled ones as stated, unruled ones by row recovery;
    None when no row holds a value."""
    source = Source(page=whole.page, bbox=whole.bbox)
    if whole.engine == RULED:
        rows = [
            [SpanCell(c.text, c.rowspan, c.colspan, Source(page=c.page, bbox=c.bbox))
             for c in whole.row(r)]
            for r in range(whole.n_rows)
        ]  # fmt: skip
        return table_from_rows(
            rows, hints, index=index, caption=caption, engine=whole.engine, source=source
        )
    return unruled_table(whole, hints, index=index, caption=caption, source=source)


def unruled_table(
    whole: TablePart, hints: LayoutHints, *, index: int, caption: list[str], source: Source
) -> Table | None:
    """An unruled table through the text reader's row recovery (see ``reading_order``);
    each cell's number leads back to the page and box it came from."""
    raw, sources = reading_order(whole, hints)
    table = cells_to_table(raw, hints, index=index, caption=caption)
    if table is None:
        return None
    table.cells = [replace(c, source=sources[c.source.line_start or 0]) for c in table.cells]
    table.source, table.engine = source, whole.engine
    return table


def reading_order(whole: TablePart, hints: LayoutHints) -> tuple[list[RawCell], dict[int, Source]]:
    """The cells of an unruled table as a web page saved as text writes them: header
    labels, then each row from its first name on, with empty value cells kept in place.
    Cells are numbered (in place of line numbers); returns them and each number's source."""
    first_value = min(
        (c.col for c in whole.cells
         if c.row >= whole.header_rows and c.col > 0
         and cell_kind(c.text, hints) in (VALUE, INDEX)),
        default=1,
    )  # fmt: skip
    raw: list[RawCell] = []
    sources: dict[int, Source] = {}

    def add(text: str, page: int, bbox: tuple[float, float, float, float] | None) -> None:
        raw.append(RawCell(text, len(raw) + 1))
        sources[len(raw)] = Source(page=page, bbox=bbox)

    for r in range(whole.n_rows):
        row = {c.col: c for c in whole.row(r) if c.text}
        if not row:
            continue
        first = min(row)
        page = row[first].page
        for c in range(first, whole.n_cols):
            if c in row:
                add(row[c].text, row[c].page, row[c].bbox)
            elif r >= whole.header_rows and c >= first_value:
                add("", page, None)
    return raw, sources
