"""Reader for bulletins published as web pages: prose in order, tables with their spans.

The page is decoded with the encoding it declares (``<meta charset>``), or the one its
bytes show when it declares none or a wrong one; site chrome (navigation, the footer with
主办 / 承办 / 网站标识码, scripts, styles, hidden elements) is dropped; what is left is read
in document order into prose blocks and tables. A table whose cells hold figures is a data
table (laid out by ``table_from_rows`` from its stated rowspan / colspan); any other table
only lays out the page, and its cells are read as prose, so a data table nested in a
layout table is found where it sits. A data table nested in another data table's cell is
read as a table of its own and flagged on the outer one.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Any

import lxml.html
from lxml import etree

from extract.decode import decode_bytes
from extract.document import Document, Source
from extract.errors import BulletinError, EmptyFile
from extract.explicit import SpanCell
from extract.flow import FlowBuilder, nested_warning
from extract.hints import LayoutHints, load_hints

__all__ = ["FlowBuilder", "looks_like_html", "read_html"]

# How a page starts, after a BOM, whitespace, an XML declaration or comments.
HTML_STARTS = ("<!doctype html", "<html", "<head", "<table", "<meta")
# Declared encodings read with a superset codec: pages labelled GB2312 hold GBK characters.
SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030"}
# Declarations that are usually wrong on Chinese pages: trust them only for ASCII bytes.
WESTERN = frozenset({"iso8859-1", "cp1252", "ascii"})
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# Markup whose <table> tags do not count (comments, scripts, styles), and table tags.
TABLE_TAGS = re.compile(
    r"<!--.*?-->|<script\b.*?</script\s*>|<style\b.*?</style\s*>|<(/?)table\b", re.I | re.S
)
PAGE_END = re.compile(r"</(body|html)\s*>", re.I)
SPACES = re.compile(r"\s+")
# Stands for a line break of the source inside flowing text until its line is complete:
# between two CJK characters it is no space (CSS segment breaks), and Word's "save as
# HTML" wraps long Chinese lines anywhere.
SOURCE_BREAK = "\ue000"
# A <br> or a paragraph inside a cell: always a space.
HARD_BREAK = "\ue001"
CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
CJK_BREAK = re.compile(f"(?<=[{CJK}]){SOURCE_BREAK}(?=[{CJK}])")

# Elements that never hold content.
SKIP_TAGS = frozenset(
    {"head", "title", "script", "style", "noscript", "template", "iframe", "object", "embed"}
    | {"svg", "math", "canvas", "audio", "video", "map", "select", "button", "input", "textarea"}
)
# Elements that are site chrome by their tag, or by a class / id word below.
CHROME_TAGS = frozenset({"nav", "footer", "aside"})
ARTICLE_TAGS = frozenset({"article", "main"})
CHROME_NAMES = re.compile(
    r"(?:^|[-_\s])(nav|navbar|navigation|menu|submenu|footer|foot|breadcrumbs?|crumbs?"
    r"|copyright|sidebar|banner|toolbar|share|friendlinks?)(?=$|[-_\s\d])",
    re.I,
)
# A line of this many links with nothing but separators between them is a navigation bar.
NAV_LINKS = 3
NAV_SEPARATORS = re.compile(r"[\s|｜·•/>»,，、:：-]+")
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# Elements that start and end a line of prose.
BLOCK_TAGS = frozenset(
    {"html", "body", "address", "article", "blockquote", "center", "dd", "details", "dir"}
    | {"div", "dl", "dt", "fieldset", "figcaption", "figure", "form", "h1", "h2", "h3", "h4"}
    | {"h5", "h6", "header", "hgroup", "hr", "legend", "li", "main", "menu", "ol", "p", "pre"}
    | {"section", "summary", "ul", "caption", "tr", "td", "th", "thead", "tbody", "tfoot"}
)
# Limits browsers put on spans (HTML standard).
MAX_COLSPAN, MAX_ROWSPAN = 1000, 65534
# Up to this many prose lines right above a table are its caption (附件1 / title).


class UnreadableHtml(BulletinError):
    """The file is a web page that cannot be read whole (cut off, no markup)."""


def looks_like_html(head: bytes) -> bool:
    """True when a file's first bytes are HTML markup (after a BOM, whitespace, comments)."""
    text = _sniff_text(head).lstrip()
    if text.startswith("<?xml"):
        end = text.find("?>")
        text = text[end + 2 :].lstrip() if end >= 0 else ""
    while text.startswith("<!--"):  # e.g. Internet Explorer's <!-- saved from url=… -->
        end = text.find("-->")
        text = text[end + 3 :].lstrip() if end >= 0 else ""
    return text.lower().startswith(HTML_STARTS)


def _sniff_text(head: bytes) -> str:
    for bom, encoding in (
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF8, "utf-8"),
    ):
        if head.startswith(bom):
            return head[len(bom) :].decode(encoding, errors="ignore")
    return head.decode("latin-1")


def read_html(path: Path, display: str | None = None, hints: LayoutHints | None = None) -> Document:
    """Read a web page bulletin into a Document; raise a BulletinError if it can't be read."""
    name = display or str(path)
    text, encoding = decode_html(path.read_bytes(), name)
    check_complete(text, name)
    root = parse_page(text, name)
    builder = FlowBuilder(hints or load_hints(), engine="html")
    reader = PageReader(builder)
    body = root.find("body")
    reader.visit(body if body is not None else root)
    reader.flush()
    add_title(builder, root)
    return builder.document(name, "html", encoding)


def decode_html(data: bytes, name: str) -> tuple[str, str]:
    """The page's text and encoding: the declared one when the bytes agree, else detected."""
    if not data.strip():
        raise EmptyFile(name, "the file is empty")
    codec = declared_codec(data)
    if codec is not None and not (codec in WESTERN and not data.isascii()):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            pass  # declared wrongly (often UTF-8 on a GBK page): detect instead
        else:
            return text.replace("\r\n", "\n").replace("\r", "\n"), codec
    return decode_bytes(data, name)


def declared_codec(data: bytes) -> str | None:
    """The Python codec of the encoding a page declares, None if none or unknown."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None  # a BOM outranks a declaration
    from bs4.dammit import EncodingDetector  # imported on use: bs4 is slow to import

    declared = EncodingDetector.find_declared_encoding(data, is_html=True)
    if not declared:
        return None
    try:
        codec = codecs.lookup(declared).name
    except LookupError:
        return None
    if codec.startswith("utf-16") or codec.startswith("utf-32"):
        return None  # bytes we could read the declaration from are not UTF-16
    return SUPERSETS.get(codec, codec)


def check_complete(text: str, name: str) -> None:
    """Refuse a page cut off inside a table: its last rows are missing, not merely unclosed."""
    open_lines: list[int] = []
    for m in TABLE_TAGS.finditer(text):
        if m.group(1) is None:
            continue
        if m.group(1):
            if open_lines:
                open_lines.pop()
        else:
            open_lines.append(m.start())
    if open_lines and not PAGE_END.search(text, open_lines[-1]):
        line = text.count("\n", 0, open_lines[-1]) + 1
        raise UnreadableHtml(
            name,
            f"the page is cut off inside a table (the table opened on line {line} never ends); "
            "download the page again",
        )


def parse_page(text: str, name: str) -> Any:
    """The page's element tree (lxml keeps each element's source line)."""
    text = CONTROL_CHARS.sub("", XML_DECLARATION.sub("", text, count=1))
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise UnreadableHtml(name, f"no HTML content could be parsed ({exc})") from None


def add_title(builder: FlowBuilder, root: Any) -> None:
    """The page <title> as the first block, unless the page prints it already (an <h1>)."""
    title = root.find("head/title")
    if title is None:
        return
    text = SPACES.sub(" ", title.text_content()).strip()
    folded = text.replace(" ", "")
    for block in builder.blocks[:5]:
        printed = block.text.replace(" ", "")
        if printed and (folded.startswith(printed) or printed.startswith(folded)):
            return
    builder.prepend_text(text, Source(title.sourceline))


def inline(text: str) -> str:
    """Whitespace of flowing text collapsed to one space, or a SOURCE_BREAK if it breaks a line."""
    return SPACES.sub(lambda m: SOURCE_BREAK if "\n" in m.group() else " ", text)


def join_lines(text: str) -> str:
    """Source line breaks resolved: none between CJK characters, a space elsewhere."""
    return CJK_BREAK.sub("", text).replace(SOURCE_BREAK, " ").replace(HARD_BREAK, " ")


def tag_of(element: Any) -> str | None:
    """The lower-case tag of an element; None for comments and processing instructions."""
    tag = element.tag
    return tag.lower() if isinstance(tag, str) else None


def is_hidden(element: Any) -> bool:
    """Hidden by the page itself (``hidden`` or ``display:none``)."""
    return element.get("hidden") is not None or bool(
        HIDDEN_STYLE.search(element.get("style") or "")
    )


def is_chrome(element: Any, tag: str) -> bool:
    """Navigation, footers, sidebars: by class / id, or by tag outside the article (whose
    own <footer> may hold the signature and date); never an element around a table."""
    named = CHROME_NAMES.search(f"{element.get('class') or ''} {element.get('id') or ''}")
    by_tag = tag in CHROME_TAGS and not any(
        tag_of(a) in ARTICLE_TAGS for a in element.iterancestors()
    )
    return (by_tag or named is not None) and next(element.iter("table"), None) is None


class PageReader:
    """Walks the page in document order, handing prose lines and tables to a FlowBuilder."""

    def __init__(self, builder: FlowBuilder) -> None:
        self.builder = builder
        self.parts: list[str] = []
        self.line: int | None = None
        self.pre = 0
        # Links on the current line, and the line's text outside them (navigation bars).
        self.links = 0
        self.in_link = 0
        self.unlinked: list[str] = []

    def add(self, text: str | None, line: int | None) -> None:
        """Inline text of the current line (whitespace collapsed outside <pre>)."""
        if not text:
            return
        self.parts.append(text if self.pre else inline(text))
        if not self.in_link:
            self.unlinked.append(text)
        if self.line is None and text.strip():
            self.line = line

    def flush(self) -> None:
        """End the current line: it becomes a block unless it is empty or chrome."""
        navigation = self.links >= NAV_LINKS and not NAV_SEPARATORS.sub("", "".join(self.unlinked))
        if not navigation:
            self.builder.add_text(join_lines("".join(self.parts)), Source(self.line))
        self.parts, self.line, self.links, self.unlinked = [], None, 0, []

    def visit(self, element: Any) -> None:
        """Read one element and its tail."""
        tag = tag_of(element)
        if tag is None or tag in SKIP_TAGS or is_hidden(element) or is_chrome(element, tag):
            pass
        elif tag == "br":
            if self.pre:
                self.add("\n", element.sourceline)
            else:
                self.flush()
        elif tag == "table":
            self.flush()
            self.table(element)
        else:
            self.children(element, tag)
        self.add(element.tail, element.sourceline)

    def children(self, element: Any, tag: str) -> None:
        """Read an element's own text and children; a block element is a line of its own."""
        block, link = tag in BLOCK_TAGS, tag == "a"
        self.pre += tag == "pre"
        if block:
            self.flush()
        self.links += link
        self.in_link += link
        self.add(element.text, element.sourceline)
        for child in element:
            self.visit(child)
        self.in_link -= link
        if block:
            self.flush()
        self.pre -= tag == "pre"

    def table(self, element: Any) -> None:
        """A data table, or a layout table whose cells are read as prose."""
        rows = table_rows(element)
        span_rows = [[span_cell(cell) for cell in row_cells(tr)] for tr in rows]
        caption = caption_text(element)
        table = self.builder.add_table(span_rows, [caption] if caption else [])
        if table is None:
            for child in element:
                self.visit(child)
            self.flush()
            return
        for r, tr in enumerate(rows):
            for cell in row_cells(tr):
                for inner in own_tables(cell):
                    before = len(self.builder.tables)
                    self.table(inner)
                    table.warnings.append(nested_warning(r, before, len(self.builder.tables)))


def table_rows(table: Any) -> list[Any]:
    """The table's own rows (not those of nested tables): head, body, then foot."""
    head: list[Any] = []
    body: list[Any] = []
    foot: list[Any] = []
    for child in table:
        tag = tag_of(child)
        if tag == "tr":
            body.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows = [tr for tr in child if tag_of(tr) == "tr"]
            {"thead": head, "tbody": body, "tfoot": foot}[tag].extend(rows)
    return head + body + foot


def row_cells(tr: Any) -> list[Any]:
    """The <td> and <th> cells of a row."""
    return [cell for cell in tr if tag_of(cell) in ("td", "th")]


def span_cell(cell: Any) -> SpanCell:
    """A cell with its text, spans and source line."""
    return SpanCell(
        cell_text(cell),
        span_attribute(cell.get("rowspan"), MAX_ROWSPAN),
        span_attribute(cell.get("colspan"), MAX_COLSPAN),
        Source(cell.sourceline),
    )


def span_attribute(value: str | None, limit: int) -> int:
    """A rowspan / colspan as browsers read it: leading digits, at least 1, clamped."""
    m = re.match(r"\s*(\d+)", value or "")
    return min(max(int(m.group(1)), 1), limit) if m else 1


def cell_text(cell: Any) -> str:
    """A cell's text on one line; nested tables, scripts and hidden parts left out."""
    parts: list[str] = []
    _collect_text(cell, parts)
    return SPACES.sub(" ", join_lines(inline("".join(parts)))).strip()


def _collect_text(element: Any, parts: list[str]) -> None:
    parts.append(element.text or "")
    for child in element:
        tag = tag_of(child)
        if tag is not None and tag not in SKIP_TAGS and tag != "table" and not is_hidden(child):
            if tag == "br" or tag in BLOCK_TAGS:
                parts.append(HARD_BREAK)
            _collect_text(child, parts)
            if tag in BLOCK_TAGS:
                parts.append(HARD_BREAK)
        parts.append(child.tail or "")


def own_tables(element: Any) -> list[Any]:
    """Tables inside an element that are not inside another table of it."""
    found: list[Any] = []
    for child in element:
        tag = tag_of(child)
        if tag == "table":
            found.append(child)
        elif tag is not None and tag not in SKIP_TAGS:
            found.extend(own_tables(child))
    return found


def caption_text(table: Any) -> str:
    """The text of a table's <caption>, if it has one."""
    for child in table:
        if tag_of(child) == "caption":
            return SPACES.sub(" ", child.text_content()).strip()
    return ""
