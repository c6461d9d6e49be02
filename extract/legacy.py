"""Legacy Word documents (.doc, Word 97–2003): converted to .docx by LibreOffice, then read.

The conversion runs ``soffice --headless --convert-to docx`` in a temporary folder with a
profile of its own, so parallel ingests do not fight over one LibreOffice profile. Without
LibreOffice the file is refused with one line that says how to install it.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from extract.document import Document
from extract.docx import read_docx
from extract.errors import BulletinError, UnsupportedFormat
from extract.hints import LayoutHints

__all__ = ["CONVERT_TIMEOUT", "read_doc"]

# Seconds LibreOffice may take to convert one document.
CONVERT_TIMEOUT = 120
INSTALL_HINT = "apt-get install libreoffice-writer-nogui"
READ = "only Word, HTML, PDF and text bulletins are read"
# Stream names (UTF-16LE, as the compound file's directory stores them) of Office formats.
WORD_STREAM = "WordDocument".encode("utf-16-le")
OTHER_STREAMS = (
    (
        "EncryptedPackage".encode("utf-16-le"),
        "a password-protected Office document; open it with its password and save it without one",
    ),
    ("Workbook".encode("utf-16-le"), f"an Excel workbook (.xls), not a Word document; {READ}"),
    (
        "PowerPoint Document".encode("utf-16-le"),
        f"a PowerPoint file (.ppt), not a Word document; {READ}",
    ),
)


class ConversionFailed(BulletinError):
    """LibreOffice could not turn a legacy document into .docx."""


def read_doc(path: Path, display: str | None = None, hints: LayoutHints | None = None) -> Document:
    """Read a legacy Word document through LibreOffice; raise a BulletinError if it can't."""
    name = display or str(path)
    check_word(path.read_bytes(), name)
    soffice = shutil.which("soffice")
    if soffice is None:
        raise UnsupportedFormat(
            name,
            "a legacy Word document (.doc) needs LibreOffice to be read, and soffice is not "
            f"installed: {INSTALL_HINT} (or save it as .docx)",
        )
    with tempfile.TemporaryDirectory(prefix="bulletins-doc-") as tmp:
        converted = convert_to_docx(soffice, path, Path(tmp), name)
        return read_docx(converted, name, hints, fmt="doc")


def check_word(data: bytes, name: str) -> None:
    """Refuse other Office files (Excel, PowerPoint, encrypted) before converting anything."""
    if WORD_STREAM in data:
        return
    for stream, reason in OTHER_STREAMS:
        if stream in data:
            raise UnsupportedFormat(name, reason)


def convert_to_docx(soffice: str, path: Path, tmp: Path, name: str) -> Path:
    """Convert with LibreOffice headless; return the .docx it wrote under ``tmp``."""
    source = tmp / "bulletin.doc"  # a plain name: LibreOffice derives the output's from it
    shutil.copyfile(path, source)
    out = tmp / "out"
    command = [
        soffice,
        f"-env:UserInstallation={(tmp / 'profile').as_uri()}",
        "--headless",
        "--convert-to",
        "docx",
        "--outdir",
        str(out),
        str(source),
    ]
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=CONVERT_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        raise ConversionFailed(
            name, f"LibreOffice did not convert it within {CONVERT_TIMEOUT} s; save it as .docx"
        ) from None
    except OSError as exc:
        raise ConversionFailed(name, f"LibreOffice could not be started ({exc})") from None
    converted = out / "bulletin.docx"
    if not converted.is_file():
        said = (result.stderr or result.stdout).strip().splitlines()
        detail = f": {said[-1]}" if said else ""
        raise ConversionFailed(
            name,
            f"LibreOffice could not convert it (exit status {result.returncode}{detail}); "
            "open it in Word and save it as .docx",
        )
    return converted
