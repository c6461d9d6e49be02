"""Text of a PDF page: glyphs → lines → segments; prose lines → paragraphs; the runs of
lines that form unruled tables.

A PDF holds positioned glyphs, not lines or paragraphs. Lines are glyphs that share a
vertical band; a line splits into segments at gaps wider than a space (the cells of an
unruled table); paragraphs are lines re-joined where the layout wrapped them. Chinese
text is joined without a space, Latin words with one.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from extract.document import Block, Source

Box = tuple[float, float, float, float]
# Glyph texts pdfminer gives when a font has no Unicode map, or that hold no real character.
UNDECODED = re.compile(r"\(cid:\d+\)|[\ufffd\ue000-\uf8ff\x00-\x08\x0b\x0c\x0e-\x1f]")
# A line that opens a numbered section or an annex starts a paragraph of its own.
NUMBERED = re.compile(
    r"^\s*([一二三四五六七八九十]+\s*[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+\s*[、.．]|附件)"
)
LETTER = re.compile(r"[A-Za-z]")
# Characters that a line break does not separate: digits, Latin letters, their punctuation.
WORD_CHAR = re.compile(r"[A-Za-z0-9.,%:/\-]")
# Punctuation that may not end a line (opening) or start one (closing).
OPENING = frozenset("“‘（(《〈「『【〔")
CLOSING = frozenset("”’）)》〉」』】〕，,。.、；;：:！!？?%％")
SENTENCE_ENDS = ("。", "！", "？", "；", "：", ".", "!", "?", ";", ":")
# A line this long (share of the text width) whose sentence has not ended was wrapped.
LONG_LINE = 0.8


@dataclass(frozen=True)
class PdfSettings:
    """Tolerances of the PDF reader, in multiples of the font size unless named otherwise."""

    # Glyphs whose vertical centres differ by at most this much sit on one line.
    line_tolerance: float = 0.4
    # A horizontal gap wider than this inside a line is written as a space.
    space_gap: float = 0.5
    # A gap wider than this splits a line into segments (cells of an unruled table).
    column_gap: float = 0.9
    # A line ending at most this far from the right margin (plus the width of the next
    # line's first word, which did not fit) was wrapped by the layout.
    full_line: float = 1.0
    # A gap this much wider than the usual line gap separates paragraphs.
    paragraph_gap: float = 0.3
    # Lines of one cell (or of one table row) are at most this far apart.
    tight_gap: float = 0.8
    # Lines this far above a table's first row may still be its header.
    header_gap: float = 2.5
    # Undecoded glyphs ((cid:NN), U+FFFD, private use) a page may hold before it is refused.
    max_undecoded: int = 0
    # pdfplumber's table finder for ruled tables (see pdfplumber's TableSettings).
    ruled: dict[str, object] = field(
        default_factory=lambda: {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
    )

    def __post_init__(self) -> None:
        for name in ("line_tolerance", "space_gap", "column_gap", "full_line", "tight_gap"):
            if getattr(self, name) <= 0:
                raise ValueError(f"PdfSettings.{name} must be positive, got {getattr(self, name)}")
        if self.column_gap <= self.space_gap:
            raise ValueError("PdfSettings.column_gap must be wider than space_gap")
        if self.max_undecoded < 0:
            raise ValueError("PdfSettings.max_undecoded must be 0 or more")


@dataclass(frozen=True)
class Glyph:
    """One character as printed: its text, box (top-down coordinates) and font size."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True, eq=False)
class Line:
    """Glyphs on one baseline, left to right, with the text they spell (compared by
    identity: two lines are the same line only if they are the same object)."""

    text: str
    glyphs: tuple[Glyph, ...]
    page: int

    @property
    def x0(self) -> float:
        return self.glyphs[0].x0

    @cached_property
    def x1(self) -> float:
        return max(g.x1 for g in self.glyphs)

    @cached_property
    def top(self) -> float:
        return min(g.top for g in self.glyphs)

    @cached_property
    def bottom(self) -> float:
        return max(g.bottom for g in self.glyphs)

    @cached_property
    def size(self) -> float:
        return max(g.size for g in self.glyphs)

    @property
    def bbox(self) -> Box:
        return (self.x0, self.top, self.x1, self.bottom)


def glyphs_from_chars(chars: Iterable[dict[str, object]]) -> list[Glyph]:
    """pdfplumber's char dicts → glyphs (upright text only: stamps turned sideways or
    upside down are skipped)."""
    out = []
    for ch in chars:
        if not ch.get("upright", True) or float(ch.get("matrix", (1,))[0]) < 0:  # type: ignore[index]
            continue
        out.append(
            Glyph(
                str(ch["text"]),
                float(ch["x0"]),  # type: ignore[arg-type]
                float(ch["x1"]),  # type: ignore[arg-type]
                float(ch["top"]),  # type: ignore[arg-type]
                float(ch["bottom"]),  # type: ignore[arg-type]
                float(ch["size"]),  # type: ignore[arg-type]
            )
        )
    return out


def undecoded(glyphs: Iterable[Glyph]) -> list[str]:
    """The glyph texts that did not decode to a real character."""
    return [g.text for g in glyphs if UNDECODED.search(g.text)]


def inside(glyph: Glyph, bbox: tuple[float, float, float, float]) -> bool:
    """True when a glyph's centre lies in a box."""
    x, y = (glyph.x0 + glyph.x1) / 2, glyph.middle
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


def glyphs_to_lines(glyphs: Iterable[Glyph], page: int, settings: PdfSettings) -> list[Line]:
    """Group glyphs into lines (top to bottom), each spelled left to right."""
    ordered = sorted((g for g in glyphs if g.text.strip()), key=lambda g: g.middle)
    groups: list[list[Glyph]] = []
    middle = 0.0
    for glyph in ordered:
        if groups and abs(glyph.middle - middle) <= settings.line_tolerance * glyph.size:
            groups[-1].append(glyph)
            continue
        groups.append([glyph])
        middle = glyph.middle
    lines = []
    for group in groups:
        group.sort(key=lambda g: g.x0)
        lines.append(Line(spell(group, settings), tuple(group), page))
    lines.sort(key=lambda line: (line.top, line.x0))
    return lines


def spell(glyphs: Sequence[Glyph], settings: PdfSettings) -> str:
    """The text of glyphs on one line, with a space where a gap is wider than a space."""
    parts: list[str] = []
    for before, glyph in zip((None, *glyphs), glyphs, strict=False):
        if before is not None and glyph.x0 - before.x1 > settings.space_gap * glyph.size:
            parts.append(" ")
        parts.append(glyph.text)
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def split_segments(line: Line, settings: PdfSettings) -> list[Line]:
    """A line cut at gaps wider than ``column_gap``: the cells of an unruled table row."""
    pieces: list[list[Glyph]] = [[line.glyphs[0]]]
    for before, glyph in zip(line.glyphs, line.glyphs[1:], strict=False):
        if glyph.x0 - before.x1 > settings.column_gap * glyph.size:
            pieces.append([])
        pieces[-1].append(glyph)
    return [Line(spell(p, settings), tuple(p), line.page) for p in pieces]


def join_wrapped(first: str, second: str) -> str:
    """Two pieces of text the layout wrapped: Chinese and numbers (``22`` / ``5``,
    ``100.00`` / ``%``) join directly, Latin words with a space."""
    if not first or not second:
        return first or second
    if LETTER.match(first[-1]) and LETTER.match(second[0]):
        return f"{first} {second}"
    return first + second


def text_in_lines(glyphs: Iterable[Glyph], page: int, settings: PdfSettings) -> str:
    """The text of glyphs in one cell: its lines re-joined where the cell wrapped them."""
    text = ""
    for line in glyphs_to_lines(glyphs, page, settings):
        text = join_wrapped(text, line.text)
    return text


@dataclass
class Margins:
    """The prose text column per page width, the usual gap between the lines of a
    paragraph, and whether paragraphs are set apart by extra space."""

    left: dict[int, float]
    right: dict[int, float]
    line_gap: float
    spaced: bool


def prose_margins(
    lines: Sequence[Line], widths: dict[int, float], settings: PdfSettings
) -> Margins:
    """Left and right edges of the prose per page width, and the gaps between its lines."""
    left: dict[int, float] = {}
    right: dict[int, float] = {}
    gaps: list[tuple[float, float]] = []
    for before, line in zip((None, *lines), lines, strict=False):
        key = round(widths[line.page])
        left[key] = min(left.get(key, line.x0), line.x0)
        right[key] = max(right.get(key, line.x1), line.x1)
        if before is not None and before.page == line.page and line.top > before.bottom:
            gaps.append((line.top - before.bottom, line.size))
    plain = [g for g, _ in gaps]
    gap = statistics.quantiles(plain, n=4)[0] if len(plain) >= 4 else min(plain, default=0.0)
    wide = sum(1 for g, size in gaps if g > gap + settings.paragraph_gap * size)
    return Margins(left, right, gap, spaced=wide >= max(2, 0.05 * len(gaps)))


def continues(before: Line, line: Line, margins: Margins, widths: dict[int, float],
              settings: PdfSettings) -> bool:  # fmt: skip
    """True when ``line`` is the wrapped continuation of the paragraph ending in ``before``.

    A numbered line, a change of font size or an indent starts a paragraph. On one page,
    so does a gap wider than the usual line gap; where the document sets paragraphs apart
    by space, a line at the usual gap continues. Otherwise (no spacing, or across a page
    break) the line before must look wrapped.
    """
    if abs(line.size - before.size) > 0.5 or NUMBERED.match(line.text):
        return False
    if line.page != before.page:
        left = margins.left[round(widths[line.page])]
        indented = line.x0 > left + 0.5 * line.size
        return not indented and looks_wrapped(before, line, margins, widths, settings)
    if line.x0 > before.x0 + 0.5 * line.size:
        return False  # indented: a new paragraph
    if line.top - before.bottom > margins.line_gap + settings.paragraph_gap * line.size:
        return False
    return margins.spaced or looks_wrapped(before, line, margins, widths, settings)


def looks_wrapped(before: Line, line: Line, margins: Margins, widths: dict[int, float],
                  settings: PdfSettings) -> bool:  # fmt: skip
    """True when the layout broke ``before`` because the next word did not fit: it ends
    within the width of that word of the right margin, or it is long and its sentence
    has not ended."""
    key = round(widths[before.page])
    left, right = margins.left[key], margins.right[key]
    if before.x1 + first_word_width(line) >= right - settings.full_line * before.size:
        return True
    long = before.x1 >= left + LONG_LINE * (right - left)
    return long and not before.text.endswith(SENTENCE_ENDS)


def first_word_width(line: Line) -> float:
    """Width of what a line starts with that a line break cannot split: opening quotes
    with what follows, a number or Latin word, or one Chinese character, and the closing
    punctuation after it."""
    glyphs = line.glyphs
    end = 0
    while end < len(glyphs) - 1 and glyphs[end].text in OPENING:
        end += 1
    if WORD_CHAR.match(glyphs[end].text):
        while end < len(glyphs) and WORD_CHAR.match(glyphs[end].text):
            end += 1
    else:
        end += 1
    while end < len(glyphs) and glyphs[end].text in CLOSING:
        end += 1
    return glyphs[end - 1].x1 - glyphs[0].x0


def lines_to_blocks(
    runs: Sequence[Sequence[Line]], margins: Margins, widths: dict[int, float],
    settings: PdfSettings,
) -> list[list[Block]]:  # fmt: skip
    """Paragraphs of each run of prose lines (runs are separated by tables)."""
    out: list[list[Block]] = []
    for run in runs:
        blocks: list[Block] = []
        paragraph: list[Line] = []
        for line in run:
            if paragraph and not continues(paragraph[-1], line, margins, widths, settings):
                blocks.append(paragraph_block(paragraph))
                paragraph = []
            paragraph.append(line)
        if paragraph:
            blocks.append(paragraph_block(paragraph))
        out.append(blocks)
    return out


def paragraph_block(lines: Sequence[Line]) -> Block:
    """One paragraph: its lines joined, its source the first page and the box on that page."""
    text = ""
    for line in lines:
        text = join_wrapped(text, line.text)
    first = [line for line in lines if line.page == lines[0].page]
    return Block(text, Source(page=lines[0].page, bbox=union(line.bbox for line in first)))


def union(boxes: Iterable[Box]) -> Box:
    """The smallest box holding all the boxes."""
    x0s, tops, x1s, bottoms = zip(*boxes, strict=True)
    return (min(x0s), min(tops), max(x1s), max(bottoms))


def is_tight(before: Line, line: Line, settings: PdfSettings) -> bool:
    """True when two lines are as close as the lines of one wrapped cell."""
    return line.top - before.bottom <= settings.tight_gap * min(before.size, line.size)
