"""Choose a reader by what a file holds (its first bytes), never by its name."""

from __future__ import annotations

from pathlib import Path

from extract.decode import refuse_long_lines
from extract.document import Document
from extract.errors import EmptyFile
from extract.html import looks_like_html, read_html
from extract.text import read_text

# Leading bytes read to recognise a format (a page's markup may follow a BOM and a comment).
SNIFF_BYTES = 1024
# A ZIP container (.docx), also an empty one; an OLE compound file (.doc).
ZIP = (b"PK\x03\x04", b"PK\x05\x06")
OLE = b"\xd0\xcf\x11\xe0"
# Image files a scanned bulletin arrives as: PNG, JPEG, TIFF (both byte orders).
IMAGES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")


def read_document(path: Path, display: str | None = None) -> Document:
    """Read any supported bulletin file into a Document; raise a BulletinError if it can't."""
    name = display or str(path)
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if not head:
        raise EmptyFile(name, "the file is empty")
    if head.startswith(b"%PDF"):
        from extract.pdf import NeedsOcr, read_pdf  # imported on use: pdfplumber is slow

        try:
            return read_pdf(path, name)
        except NeedsOcr:  # pages that are images: read the whole file through OCR
            from extract.scan import read_scan

            return read_scan(path, name, is_pdf=True)
    if head.startswith(IMAGES):
        from extract.scan import read_scan  # imported on use: OpenCV and the OCR engine

        return read_scan(path, name)
    if head.startswith(ZIP):
        from extract.docx import read_docx  # imported on use, like the PDF reader

        return read_docx(path, name)
    if head.startswith(OLE):
        from extract.legacy import read_doc

        return read_doc(path, name)
    if looks_like_html(head):
        return read_html(path, name)
    refuse_long_lines(path, name)  # before the text reader, whose work grows with a line
    return read_text(path, name)
