"""Reader for PDF bulletins: prose in reading order, tables as grids with spans and boxes.

Each page is read once with pdfplumber: its glyphs are checked (text that did not decode
is refused, a page without text needs OCR), ruled tables are found from their rules,
page furniture (``- 7 -``) is dropped, unruled tables are found in the remaining lines,
and what is left is prose, re-joined into paragraphs where the layout wrapped it.
Tables broken by a page are joined; the two prose lines right above a table are its
caption. Ruled tables are laid out as their rules state; unruled ones get their columns
from the text's gaps and their rows from anchors, read every way that gives a different
grid, and the reading whose totals, row numbers and rates check wins (``pdf_readings``).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.pdftypes import LITERALS_FLATE_DECODE, PDFStream, resolve1
from pdfminer.psparser import LIT, PSException
from pdfplumber.table import TableFinder, TableSettings, edges_to_intersections
from pdfplumber.utils.exceptions import PdfminerException

from extract.captions import caption_lines
from extract.document import Block, Document, Source, Table
from extract.errors import BulletinError, NoTable
from extract.hints import LayoutHints, load_hints
from extract.pdf_build import build_table, reuse_reading
from extract.pdf_header import is_indexed
from extract.pdf_readings import choose_reading
from extract.pdf_regions import Region, unruled_regions
from extract.pdf_stitch import stitch
from extract.pdf_tables import GAPS, TablePart, continues_table, ruled_part
from extract.pdf_text import (
    Glyph,
    Line,
    PdfSettings,
    glyphs_from_chars,
    glyphs_to_lines,
    inside,
    lines_to_blocks,
    prose_margins,
    undecoded,
    union,
)
from extract.pdf_unruled import (
    ANCHORS,
    BANDS,
    HEADER_WORDS,
    NUMBERS,
    bands_can_be_rows,
    column_edges,
    gap_columns,
    header_columns,
    lay_out,
    misfits,
    region_to_part,
    row_groups,
)

__all__ = ["PdfSettings", "read_pdf"]

# How far from the end of the file a complete PDF has its %%EOF marker.
EOF_WINDOW = 2048
# Decoded bytes of a page's content (its text and rules, forms included) past which the
# page is refused: real pages hold kilobytes, a dense map a few megabytes; a compressed
# stream of blanks unpacks a thousand times its size, and the parser holds all of it.
MAX_PAGE_CONTENT = 32 * 1024 * 1024
# Characters a PDF may print: a bulletin prints tens of thousands; the reader holds each
# until the document is assembled (some 350 bytes a character: a million take 350 MB).
MAX_CHARS = 1_000_000
# Crossings of a page's rules past which its ruled tables are not looked for: a table has
# hundreds to a few thousand (80 rows × 40 columns: 3,321); the table finder's work grows
# with their square (10,201 took 5 s, 40,401 a minute) — graph paper, a drawing.
MAX_CROSSINGS = 8_000
# Bytes unpacked at a time while a stream's size is measured.
UNPACK_STEP = 1 << 20
FORM = LIT("Form")
# An object whose whole body is a reference to another: ``3 0 obj 4 0 R endobj``.
BARE_REFERENCE = re.compile(rb"(?<![0-9])(\d+)\s+\d+\s+obj\s*(\d+)\s+\d+\s+R\s*endobj")


class UnreadablePdf(BulletinError):
    """The file starts like a PDF but cannot be parsed (truncated, damaged, not a PDF)."""


class EncryptedPdf(BulletinError):
    """The PDF needs a password."""


class NeedsOcr(BulletinError):
    """A page is an image without a text layer."""


class TurnedPage(BulletinError):
    """Most of a page's text runs sideways or upside down: read as it lies, it is garbage."""


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
    # An image without a text layer (a scanned page): skipped, or the file is OCR'd.
    scanned: bool = False
    # Characters the page prints (its memory grows with them).
    n_chars: int = 0


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
    refuse_reference_loops(path, name)
    with open_pdf(path, name) as pdf:
        if not pdf.pages:
            raise UnreadablePdf(name, "the PDF has no pages")
        pages = []
        chars = 0
        for page in pdf.pages:
            pages.append(read_page(page, name, hints, settings))
            chars += pages[-1].n_chars
            if chars > MAX_CHARS:
                raise UnreadablePdf(
                    name,
                    f"more than {MAX_CHARS:,} characters by page {page.page_number}; a "
                    "bulletin holds tens of thousands, and reading this many would take "
                    "memory out of all measure: split the file",
                )
    scanned = [page.number for page in pages if page.scanned]
    if not any(page.items for page in pages):
        if scanned:
            raise NeedsOcr(
                name,
                f"page {scanned[0]} has no text layer (a scanned image); run OCR on it first "
                "(e.g. ocrmypdf -l chi_sim) and ingest the result",
            )
        raise NoTable(name, "the PDF holds no text (blank pages, or page numbers only)")
    resolve_regions(pages, hints, settings)
    document = assemble(name, pages, hints, settings)
    document.warnings.extend(
        f"page {number} is an image without a text layer (a scanned page); skipped, its "
        "figures are not read — OCR the file (e.g. ocrmypdf -l chi_sim) to read them"
        for number in scanned
    )
    return document


@contextmanager
def open_pdf(path: Path, name: str) -> Iterator[Any]:
    """Open a PDF with pdfplumber; parser errors become one clear BulletinError."""
    try:
        with pdfplumber.open(path) as pdf:
            yield pdf
    except (PdfminerException, PSException, PDFSyntaxError, PDFEncryptionError) as exc:
        raise pdf_error(exc, path, name) from None


def refuse_reference_loops(path: Path, name: str) -> None:
    """Refuse a PDF whose objects refer to each other in a loop (``3 0 obj 3 0 R``): the
    parser follows such references for ever."""
    target = {int(m[1]): int(m[2]) for m in BARE_REFERENCE.finditer(path.read_bytes())}
    safe: set[int] = set()
    for start in target:
        chain: list[int] = []
        n = start
        while n in target and n not in safe:
            if n in chain:
                loop = chain[chain.index(n) :]
                how = (
                    f"object {n} refers to itself"
                    if len(loop) == 1
                    else f"objects {' → '.join(map(str, [*loop, n]))} refer to each other in a loop"
                )
                raise UnreadablePdf(
                    name, f"the PDF is damaged ({how}); re-export it from its source"
                )
            chain.append(n)
            n = target[n]
        safe.update(chain)


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
    check_content_size(page.page_obj, number, name)
    check_upright(page.chars, number, name)
    content.n_chars = len(page.chars)
    glyphs = glyphs_from_chars(page.chars)
    if not any(g.text.strip() for g in glyphs):
        content.scanned = bool(page.images)
        return content  # a blank page, or an image of one
    check_decoded(glyphs, number, name, settings)
    parts: list[TablePart] = []
    check_crossings(page, number, name, settings)
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


def check_content_size(page: Any, number: int, name: str, limit: int = MAX_PAGE_CONTENT) -> None:
    """Refuse a page whose content streams unpack past ``limit`` bytes, measured in steps
    before the parser unpacks them whole (a compression bomb would fill the memory)."""
    total = 0
    for stream in content_streams(page):
        total += unpacked_size(stream, limit - total)
        if total > limit:
            raise UnreadablePdf(
                name,
                f"page {number}: its content unpacks past {limit:,} bytes (a compression "
                "bomb?); refused",
            )


def content_streams(page: Any) -> Iterator[PDFStream]:
    """The page's content streams and the form XObjects it draws (one level deep)."""
    for stream in page.contents or []:
        stream = resolve1(stream)
        if isinstance(stream, PDFStream):
            yield stream
    xobjects = resolve1((page.resources or {}).get("XObject")) or {}
    if isinstance(xobjects, dict):
        for xobject in xobjects.values():
            xobject = resolve1(xobject)
            if isinstance(xobject, PDFStream) and xobject.get("Subtype") is FORM:
                yield xobject


def unpacked_size(stream: PDFStream, cap: int) -> int:
    """The stream's decoded size (its first filter's, if Flate), counted up to past
    ``cap`` without holding more than a step of it."""
    if stream.rawdata is None:  # decoded already
        return len(stream.data or b"")
    data = stream.rawdata
    filters = stream.get_filters()
    if not filters or filters[0][0] not in LITERALS_FLATE_DECODE:
        return len(data)
    if stream.decipher and stream.objid is not None and stream.genno is not None:
        data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
    inflate = zlib.decompressobj()
    size = 0
    try:
        while data and size <= cap:
            size += len(inflate.decompress(data, UNPACK_STEP))
            data = inflate.unconsumed_tail
    except zlib.error:
        pass  # damaged: the parser copes (or says so) on its own
    return size


def check_crossings(page: Any, number: int, name: str, settings: PdfSettings) -> None:
    """Refuse a page whose rules cross more than MAX_CROSSINGS times, counted (as the
    table finder counts them) before the finder pairs them into cells."""
    finder = TableFinder.__new__(TableFinder)  # its edges and crossings, not its cells
    finder.page = page
    finder.settings = TableSettings.resolve(settings.ruled)
    crossings = edges_to_intersections(
        finder.get_edges(),
        finder.settings.intersection_x_tolerance,
        finder.settings.intersection_y_tolerance,
    )
    if len(crossings) > MAX_CROSSINGS:
        raise UnreadablePdf(
            name,
            f"page {number}: its rules cross {len(crossings):,} times, more than any table's "
            f"(at most {MAX_CROSSINGS:,} are read): graph paper or a drawing; refused",
        )


def check_upright(chars: Sequence[dict[str, Any]], number: int, name: str) -> None:
    """Refuse a page most of whose characters are turned (sideways or upside down).

    A landscape page turned onto a portrait one without a ``/Rotate`` entry, or a page
    printed upside down, gives lines read across its columns and numbers spelt backwards;
    a few turned characters (a stamp, a margin note) are only skipped by the reader.
    """
    turns = [text_turn(ch) for ch in chars if str(ch["text"]).strip()]
    turned = [turn for turn in turns if turn]
    if len(turned) * 2 <= len(turns):
        return
    turn = max(set(turned), key=turned.count)
    how = "upside down" if turn == 180 else f"turned {turn}° (its text runs sideways)"
    raise TurnedPage(
        name,
        f"page {number} is {how}; turn the page upright (e.g. qpdf --rotate=+{turn}:{number} "
        "in.pdf out.pdf) and ingest the copy",
    )


def text_turn(ch: dict[str, Any]) -> int:
    """How far a character's baseline is turned from left-to-right, counter-clockwise, in
    quarter turns: 0, 90, 180 or 270 degrees."""
    a, b = float(ch["matrix"][0]), float(ch["matrix"][1])
    if abs(a) >= abs(b):
        return 0 if a > 0 else 180
    return 90 if b > 0 else 270


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


def resolve_regions(pages: list[PageContent], hints: LayoutHints, settings: PdfSettings) -> None:
    """Replace each unruled region by a table part. The regions of one table (broken by
    pages) share their columns and the reading its arithmetic chose."""
    parts: dict[int, TablePart] = {}
    for chain in region_chains(pages):
        for region, part in zip(chain, read_chain(chain, hints, settings), strict=True):
            parts[id(region)] = part
    for page in pages:
        page.items = [parts.get(id(item), item) for item in page.items]


def read_chain(
    chain: Sequence[Region], hints: LayoutHints, settings: PdfSettings
) -> list[TablePart]:
    """The parts of one unruled table in the reading its arithmetic chose: columns from the
    text's gaps (and from the header's words when the gaps misfit), rows anchored each way
    that gives a different grid."""
    gaps = column_edges(gap_columns(chain, settings, hints))
    columns = {GAPS: gaps}
    if misfits(chain, gaps, settings, hints):
        words = header_columns(chain, settings)
        if words is not None and len(words) != len(gaps):
            columns[HEADER_WORDS] = words
    readings: dict[str, list[TablePart]] = {}
    for engine, edges in columns.items():
        layouts = [lay_out(region, edges, settings) for region in chain]
        pairs = list(zip(chain, layouts, strict=True))
        anchors = [a for a in ANCHORS if a != NUMBERS or is_indexed(layouts[0].header, hints)]
        if not all(bands_can_be_rows(r, k, hints, settings) for r, k in pairs):
            anchors.remove(BANDS)
        seen: set[tuple[tuple[int, ...], ...]] = set()
        for anchor in anchors:
            rows = tuple(
                tuple(id(line) for line in group)
                for region, layout in pairs
                for group in [*row_groups(region, layout, anchor, hints, settings), []]
            )
            if rows in seen:
                continue  # the same rows as a reading before
            seen.add(rows)
            readings[f"{engine}/{anchor}"] = [
                region_to_part(region, edges, hints, settings, anchor, layout)
                for region, layout in pairs
            ]
    name, chosen = choose_reading(readings, hints)
    for part in chosen:
        part.engine = name
    return chosen


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
        caption = caption_lines([b.text for b in run])
        table = reuse_reading(parts, whole, index=len(tables), caption=caption) or build_table(
            whole, hints, index=len(tables), caption=caption
        )
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
