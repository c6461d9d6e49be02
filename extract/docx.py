"""Reader for Word bulletins (.docx): paragraphs and tables in body order, merges as spans.

The body is read in order: each paragraph gives one block a line (text boxes after the
paragraph that anchors them), each table becomes a grid by ``table_from_rows``, with
horizontal merges (``gridSpan``, legacy ``hMerge``) as column spans and vertical merges
(``vMerge``) as row spans. Page headers and footers live in parts of their own and are
never read; page numbers typed into the body (``- 7 -``) are dropped as page furniture.
A table without figures only lays out the page: its cells are read as prose. Tables
nested in a cell are read as tables of their own and flagged.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
from docx.exceptions import PythonDocxError
from docx.opc.exceptions import OpcError
from lxml import etree

from extract.document import Document, Source
from extract.errors import BulletinError, EmptyFile
from extract.explicit import SpanCell
from extract.flow import FlowBuilder, nested_warning
from extract.hints import LayoutHints, load_hints

__all__ = ["read_docx"]

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
P, TBL, TR, TC = W + "p", W + "tbl", W + "tr", W + "tc"
# Wrappers whose content is read as if it stood in their place (content controls, custom XML).
WRAPPERS = frozenset({W + "sdt", W + "sdtContent", W + "customXml", W + "smartTag"})
# Run content that stands for characters.
CHARACTERS = {W + "tab": "\t", W + "ptab": "\t", W + "br": "\n", W + "cr": "\n"}
CHARACTERS[W + "noBreakHyphen"] = "-"
# Text that is not on the page: tracked deletions and moves, the fallback copy of a drawing.
NOT_SHOWN = frozenset({W + "del", W + "moveFrom", MC + "Fallback", W + "rPr", W + "pPr", W + "rt"})
SPACES = re.compile(r"\s+")
XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
MAIN_PART = "word/document.xml"
# What a damaged ZIP container raises (a bad offset: OSError; a garbled header: "zip file
# version 9.7" is not implemented).
DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError)
# ZIP containers that are not Word documents, by a part they hold.
OTHER_PACKAGES = (
    ("xl/workbook.xml", "an Excel workbook (.xlsx), not a Word document"),
    ("ppt/presentation.xml", "a PowerPoint file (.pptx), not a Word document"),
    ("content.xml", "an OpenDocument file (.odt?), not a Word document; save it as .docx"),
)
LAYOUT_NESTED = "read from a cell of a layout table (a table without figures)"


class UnreadableWord(BulletinError):
    """The file is meant to be a Word document but cannot be read as one."""


@dataclass
class WordCell:
    """A ``w:tc`` at its grid column, with its column span and vertical merge state."""

    element: Any
    col: int
    span: int
    merge: str | None  # "restart", "continue" or None


def read_docx(
    path: Path, display: str | None = None, hints: LayoutHints | None = None, fmt: str = "docx"
) -> Document:
    """Read a Word document into a Document; raise a BulletinError if it can't be read."""
    name = display or str(path)
    encoding = check_package(path, name)
    builder = FlowBuilder(hints or load_hints(), engine="docx")
    BodyReader(builder).container(open_body(path, name))
    if not builder.blocks and not builder.tables:
        raise EmptyFile(name, "the Word document is empty (no text, no tables)")
    return builder.document(name, fmt, encoding)


def check_package(path: Path, name: str) -> str:
    """Check the ZIP container holds a Word document; return its main part's encoding."""
    try:
        with zipfile.ZipFile(path) as package:
            parts = set(package.namelist())
            if not any(part.startswith("word/") for part in parts):
                raise UnreadableWord(name, not_word_reason(parts))
            head = b""
            if MAIN_PART in parts:  # other names are found by python-docx through _rels
                with package.open(MAIN_PART) as handle:
                    head = handle.read(200)
    except DAMAGED as exc:
        raise UnreadableWord(
            name,
            f"not a readable Word document: its ZIP container is damaged or cut off ({exc}); "
            "open it in Word and save it again",
        ) from None
    m = XML_ENCODING.match(head)
    return m.group(1).decode("ascii").lower() if m else "utf-8"


def not_word_reason(parts: set[str]) -> str:
    """Why a ZIP container without a Word body is not read, and what to do."""
    if not parts:
        return "an empty ZIP archive, not a Word document"
    for part, reason in OTHER_PACKAGES:
        if part in parts:
            return reason
    return "a ZIP archive, not a Word document (no word/ part); unpack it and ingest its files"


def open_body(path: Path, name: str) -> Any:
    """The ``w:body`` element of a Word document, opened by python-docx."""
    try:
        return docx.Document(str(path)).element.body
    except (*DAMAGED, OpcError, PythonDocxError, KeyError, ValueError, etree.XMLSyntaxError) as exc:
        said = str(exc).replace(str(path), name)  # a converted .doc sits in a temporary folder
        if said.startswith("Excessive depth"):  # lxml's advice is for programmers
            said = "its XML nests elements deeper than the parser's limit of 256 levels"
        raise UnreadableWord(
            name, f"not a readable Word document ({said}); open it in Word and save it as .docx"
        ) from None
    except (AttributeError, TypeError, IndexError):
        # python-docx trips over a package part that is XML but not the element it expects
        # ([Content_Types].xml without <Types>): its own message names its internals.
        raise UnreadableWord(
            name,
            "not a readable Word document (a part of its package is not what Word writes); "
            "open it in Word and save it as .docx",
        ) from None


class BodyReader:
    """Walks a Word body in order, handing prose lines and tables to a FlowBuilder."""

    def __init__(self, builder: FlowBuilder) -> None:
        self.builder = builder

    def container(self, element: Any) -> None:
        """Read the paragraphs and tables of a body, cell, text box or content control."""
        for child in element:
            if child.tag == P:
                self.paragraph(child)
            elif child.tag == TBL:
                self.table(child)
            elif child.tag in WRAPPERS:
                self.container(child)

    def paragraph(self, p: Any) -> None:
        """A paragraph's lines, then the text boxes anchored in it."""
        parts: list[str] = []
        boxes: list[Any] = []
        collect_runs(p, parts, boxes)
        self.builder.add_text("".join(parts), Source())
        for box in boxes:
            self.container(box)

    def table(self, tbl: Any) -> None:
        """A data table, or a layout table whose cells are read as prose."""
        rows = word_rows(tbl)
        table = self.builder.add_table(span_rows(rows), [])
        cells = [(r, c.element) for r, row in enumerate(rows) for c in row if c.element is not None]
        if table is None:
            for _, element in cells:
                before = len(self.builder.tables)
                self.container(element)
                for inner in self.builder.tables[before:]:
                    if LAYOUT_NESTED not in inner.warnings:  # once, however deep
                        inner.warnings.append(LAYOUT_NESTED)
            return
        for r, element in cells:
            for inner in children(element, TBL):
                before = len(self.builder.tables)
                self.table(inner)
                table.warnings.append(nested_warning(r, before, len(self.builder.tables)))


def collect_runs(element: Any, parts: list[str], boxes: list[Any]) -> None:
    """The characters of a paragraph in order; its text boxes are set aside in ``boxes``."""
    for child in element:
        tag = child.tag
        if tag == W + "t":
            parts.append(child.text or "")
        elif tag in CHARACTERS:
            parts.append(CHARACTERS[tag])
        elif tag == W + "txbxContent":
            boxes.append(child)
        elif isinstance(tag, str) and tag not in NOT_SHOWN:
            collect_runs(child, parts, boxes)


def word_rows(tbl: Any) -> list[list[WordCell]]:
    """The table's rows as cells at their grid columns (``gridBefore`` skipped columns kept)."""
    rows: list[list[WordCell]] = []
    for tr in children(tbl, TR):
        col = int_value(tr.find(f"{W}trPr/{W}gridBefore"), 0)
        row: list[WordCell] = []
        if col:
            row.append(WordCell(None, 0, col, None))
        for tc in children(tr, TC):
            span = max(int_value(tc.find(f"{W}tcPr/{W}gridSpan"), 1), 1)
            h_merge = merge_state(tc.find(f"{W}tcPr/{W}hMerge"))
            if h_merge == "continue" and row and row[-1].element is not None:
                row[-1].span += span  # Word 97's horizontal merge: part of the cell before
            else:
                row.append(WordCell(tc, col, span, merge_state(tc.find(f"{W}tcPr/{W}vMerge"))))
            col += span
        rows.append(row)
    return rows


def span_rows(rows: list[list[WordCell]]) -> list[list[SpanCell]]:
    """Stated rows for ``table_from_rows``: a vertical merge is one cell with a row span."""
    merged = [{c.col for c in row if c.merge is not None} for row in rows]
    out: list[list[SpanCell]] = []
    for r, row in enumerate(rows):
        cells: list[SpanCell] = []
        for cell in row:
            if cell.merge == "continue" and r > 0 and cell.col in merged[r - 1]:
                continue  # covered by the merge's first cell above
            rowspan = 1
            if cell.merge is not None:
                while r + rowspan < len(rows) and continues(rows[r + rowspan], cell.col):
                    rowspan += 1
            cells.append(SpanCell(cell_text(cell.element), rowspan, cell.span))
        out.append(cells)
    return out


def continues(row: list[WordCell], col: int) -> bool:
    """True when ``row`` continues a vertical merge at grid column ``col``."""
    return any(c.col == col and c.merge == "continue" for c in row)


def cell_text(tc: Any) -> str:
    """A cell's paragraphs on one line (a line break reads as a space); nested tables left out."""
    if tc is None:
        return ""
    parts: list[str] = []
    for p in children(tc, P):
        boxes: list[Any] = []
        collect_runs(p, parts, boxes)
        parts.append(" ")
        parts.extend(f"{cell_text(box)} " for box in boxes)
    return SPACES.sub(" ", "".join(parts)).strip()


def children(element: Any, tag: str) -> list[Any]:
    """Child elements with a tag, looking through content controls and custom XML."""
    found: list[Any] = []
    for child in element:
        if child.tag == tag:
            found.append(child)
        elif child.tag in WRAPPERS:
            found.extend(children(child, tag))
    return found


def int_value(element: Any, default: int) -> int:
    """The integer ``w:val`` of an element (a span or a count), or the default."""
    if element is None:
        return default
    m = re.match(r"\s*(\d+)", element.get(W + "val") or "")
    return int(m.group(1)) if m else default


def merge_state(element: Any) -> str | None:
    """A merge element's state: ``restart``, ``continue`` (also when ``w:val`` is omitted)."""
    if element is None:
        return None
    return "restart" if element.get(W + "val") == "restart" else "continue"
