"""Bytes → text for archived bulletins: BOMs, UTF-16, UTF-8, GB18030/GBK, Big5."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from itertools import chain
from pathlib import Path

from charset_normalizer import from_bytes

from extract.errors import BinaryFile, EmptyFile, OverlongLine, TooManyLines, UndecodableFile

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Legacy encodings seen in Chinese government archives; GB18030 is a superset of GBK/GB2312.
LEGACY_ENCODINGS = ("gb18030", "big5")
# Share of control characters above which decoded "text" is really binary.
MAX_CONTROL_SHARE = 0.01
# Every control character but TAB and LF, and the Unicode line and paragraph separators.
CONTROLS = "\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029"
EDGE_CONTROLS = re.compile(f"^[{CONTROLS}]+|[{CONTROLS}]+$", re.M)
INLINE_CONTROLS = re.compile(f"[{CONTROLS}]")
# UTF-16 without a BOM: share of NUL bytes on one side (from ASCII digits, pipes, newlines).
MIN_UTF16_NULS = 0.05
# A text bulletin's lines are paragraphs and table rows: a few thousand bytes at most. A
# longer line (bytes as stored) is not a bulletin's, and reading it as one would cost time
# and memory out of all measure (the text reader's work on a line grows with its length).
MAX_LINE_BYTES = 64 * 1024
# A text bulletin holds a few thousand lines; the reader's memory grows with every cell
# (100,000 lines of a four-column table take 0.5 GB), so a file past this is refused.
MAX_LINES = 100_000
# Bytes read at a time when a file's lines are measured.
READ_CHUNK = 1 << 20
# Encodings whose code units hold bytes that look like CR or LF (measured as text).
WIDE = {"utf-32-le": 4, "utf-32-be": 4, "utf-16-le": 2, "utf-16-be": 2}


def decode_bytes(data: bytes, path: str) -> tuple[str, str]:
    """Decode a bulletin's bytes; return (text, encoding) or raise a BulletinError."""
    if not data.strip(b" \t\r\n\x00"):
        raise EmptyFile(path, "the file is empty")
    text, encoding = _decode(data, path)
    text = line_ends(text)
    if _control_share(text) > MAX_CONTROL_SHARE:
        raise BinaryFile(path, "binary content, not a text bulletin")
    text = clean_controls(text)
    if not text.strip():
        raise EmptyFile(path, "the file holds only whitespace")
    return text, encoding


def refuse_long_lines(
    path: Path, name: str, limit: int = MAX_LINE_BYTES, max_lines: int = MAX_LINES
) -> None:
    """Raise OverlongLine when a line of the file is longer than ``limit`` bytes as stored,
    TooManyLines when it holds more than ``max_lines`` lines.

    The file is read in chunks, so memory stays bounded and the work linear. CR, LF and
    CRLF end a line; UTF-16 and UTF-32 files (by their BOM or their NULs) are measured in
    code units decoded from the bytes, since their bytes hold CR and LF inside characters.
    """
    with path.open("rb") as handle:
        head = handle.read(READ_CHUNK)
        chunks = chain([head], iter(lambda: handle.read(READ_CHUNK), b""))
        # Latin-1 maps each byte to one character: CR and LF stay themselves in UTF-8,
        # GB18030 and Big5 (no other byte of theirs is one).
        encoding = _wide_encoding(head) or "latin-1"
        decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        unit = WIDE.get(encoding, 1)
        _measure((decoder.decode(chunk) for chunk in chunks), unit, (limit, max_lines), name)


def _wide_encoding(head: bytes) -> str | None:
    for bom, encoding in BOMS:
        if head.startswith(bom):
            return encoding if encoding in WIDE else None
    if b"\x00" in head:
        return _utf16_without_bom(head)
    return None


def _measure(chunks: Iterator[str], unit: int, limits: tuple[int, int], name: str) -> None:
    """Raise OverlongLine at the first line of ``chunks`` longer than the first limit (in
    bytes: each character counts ``unit`` bytes), TooManyLines past the second."""
    limit, max_lines = limits
    run = 0  # length of the line the previous chunks left open
    line = 1
    held = ""  # a CR at a chunk's end: its LF may open the next chunk
    for chunk in chunks:
        piece = held + chunk
        held = "\r" if piece.endswith("\r") else ""
        parts = (
            piece[: len(piece) - len(held)].replace("\r\n", "\n").replace("\r", "\n").split("\n")
        )
        run += len(parts[0]) * unit
        lengths = [run, *(len(part) * unit for part in parts[1:-1])]
        if max(lengths) > limit:
            _refuse(name, line + next(k for k, n in enumerate(lengths) if n > limit), limit)
        if len(parts) > 1:
            line += len(parts) - 1
            run = len(parts[-1]) * unit
        if line - 1 > max_lines:  # lines ended so far
            _too_many(name, max_lines)
    if run > limit:
        _refuse(name, line, limit)
    if run and line > max_lines:
        _too_many(name, max_lines)


def _too_many(name: str, max_lines: int) -> None:
    raise TooManyLines(
        name,
        f"more than {max_lines:,} lines; a text bulletin holds a few thousand, and reading "
        "this many would take memory out of all measure: split the file",
    )


def _refuse(name: str, line: int, limit: int) -> None:
    raise OverlongLine(
        name,
        f"line {line} is longer than {limit:,} bytes ({limit // 1024} KiB): a bulletin's "
        "lines are paragraphs and table rows; this file is not a text bulletin, or it lost "
        "its line breaks",
    )


def line_ends(text: str) -> str:
    """Lines end with LF; CR alone ends lines only in a file that mostly uses it (old Mac)."""
    text = text.replace("\r\n", "\n")
    if text.count("\r") > text.count("\n"):
        return text.replace("\r", "\n")
    return text


def clean_controls(text: str) -> str:
    """Control characters (a stray CR, VT, FF, NEL, line separators) never break a line.

    At the start or end of a line they are dropped; inside a line each becomes a space, so
    a cell never splits into two lines and the rows below its header never shift.
    """
    if INLINE_CONTROLS.search(text) is None:  # most files: one scan, no substitution
        return text
    text = EDGE_CONTROLS.sub("", text)
    return INLINE_CONTROLS.sub(" ", text)


def _decode(data: bytes, path: str) -> tuple[str, str]:
    for bom, encoding in BOMS:
        if not data.startswith(bom):
            continue
        try:
            return data[len(bom) :].decode(encoding), encoding.removesuffix("-sig")
        except UnicodeDecodeError as exc:
            if bom != codecs.BOM_UTF8:
                raise UndecodableFile(
                    path,
                    f"invalid {encoding} at byte {exc.start + len(bom)}; re-save it as UTF-8",
                ) from None
        # A UTF-8 mark before text that is not UTF-8 (saved as GB18030 after the mark was
        # written): the text after the mark is detected like any unmarked text.
        data = data[len(bom) :]
        break
    data = _without_nul_padding(data)
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is None:
            raise BinaryFile(path, "binary content (NUL bytes), not a text bulletin")
        return _strict(data, utf16, path), utf16
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    candidates = [enc for enc in LEGACY_ENCODINGS if _decodes(data, enc)]
    if not candidates:
        raise UndecodableFile(
            path,
            f"not valid UTF-8 (byte {utf8_error.start}), nor GB18030 or Big5; re-save it as UTF-8",
        )
    if len(candidates) > 1:
        best = from_bytes(data, cp_isolation=list(candidates)).best()
        if best is not None and best.encoding in candidates:
            candidates = [best.encoding]
    encoding = candidates[0]
    return data.decode(encoding), encoding


def _strict(data: bytes, encoding: str, path: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UndecodableFile(
            path, f"invalid {encoding} at byte {exc.start}; re-save it as UTF-8"
        ) from None


def _without_nul_padding(data: bytes) -> bytes:
    """The text before a run of NULs that ends the file (a copy cut short and padded, a
    preallocated file), when no NUL comes before it. One NUL alone may be the last byte of
    UTF-16 text and stays."""
    text = data.rstrip(b"\x00")
    if len(data) - len(text) > 1 and b"\x00" not in text:
        return text
    return data


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text of CJK and ASCII has NULs on one side only; binary has them anywhere."""
    half = max(len(data) // 2, 1)
    even = data[0::2].count(0) / half
    odd = data[1::2].count(0) / half
    if odd >= MIN_UTF16_NULS and even <= 0.1 * odd:
        return "utf-16-le"
    if even >= MIN_UTF16_NULS and odd <= 0.1 * even:
        return "utf-16-be"
    return None


# Control characters counted against a text (tab, newline, form feed and vertical tab are
# layout, not damage), as the bytes UTF-8 writes them (each is one byte below 0x80, which
# no other character's encoding holds).
COUNTED_CONTROLS = bytes(n for n in range(32) if chr(n) not in "\t\n\f\v")


def _control_share(text: str) -> float:
    encoded = text.encode("utf-8", "surrogatepass")
    controls = len(encoded) - len(encoded.translate(None, COUNTED_CONTROLS))
    return controls / max(len(text), 1)
