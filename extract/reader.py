"""Choose a reader by what a file holds (its first bytes), never by its name."""

from __future__ import annotations

from pathlib import Path

from extract.document import Document
from extract.errors import EmptyFile, UnsupportedFormat
from extract.text import read_text

# Formats recognised by their leading bytes, with the reason no reader handles them yet.
NOT_YET = (
    (b"PK\x03\x04", "a ZIP container (.docx?); Word bulletins are not read yet"),
    (b"\xd0\xcf\x11\xe0", "a legacy Office file (.doc?); Word bulletins are not read yet"),
)


def read_document(path: Path, display: str | None = None) -> Document:
    """Read any supported bulletin file into a Document; raise a BulletinError if it can't."""
    name = display or str(path)
    with path.open("rb") as handle:
        head = handle.read(8)
    if not head:
        raise EmptyFile(name, "the file is empty")
    if head.startswith(b"%PDF"):
        from extract.pdf import read_pdf  # imported on use: pdfplumber is slow to import

        return read_pdf(path, name)
    for magic, reason in NOT_YET:
        if head.startswith(magic):
            raise UnsupportedFormat(name, f"{reason}; save it as text to ingest it now")
    return read_text(path, name)
