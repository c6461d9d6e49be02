"""Encodings, line ends and bad bytes: decode_bytes either returns text or names the problem."""

from __future__ import annotations

import codecs

import pytest

from extract.decode import decode_bytes
from extract.errors import BinaryFile, EmptyFile, UndecodableFile
from tests.helpers import SEP

TEXT = SEP.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8"),
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.encode("gbk"), "gb18030"),
        (TEXT.encode("utf-16"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.replace("\n", "\r\n").encode("gb18030"), "gb18030"),
    ],
)
def test_supported_encodings_give_the_same_text(data: bytes, encoding: str) -> None:
    text, found = decode_bytes(data, "x.txt")
    assert found == encoding
    assert text == TEXT


def test_short_gbk_snippet() -> None:
    snippet = "区社会保险事务中心 |\n2239 |\n"
    assert decode_bytes(snippet.encode("gbk"), "s.txt") == (snippet, "gb18030")


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        (b"", EmptyFile, "x.txt: the file is empty"),
        (b"  \r\n\n ", EmptyFile, "x.txt: the file is empty"),
        (bytes(range(256)) * 4, BinaryFile, "x.txt: binary content (NUL bytes), not a text bulletin"),
        (b"\x89PNG\r\n\x1a\n" + bytes([0x01, 0x02, 0x03, 0x04]) * 50, BinaryFile, "x.txt: binary content, not a text bulletin"),
        ("序号 |\n".encode() + b"\xff\xfe\xfd\x80\x80", UndecodableFile, "x.txt: not valid UTF-8 (byte 9), nor GB18030 or Big5; re-save it as UTF-8"),
    ],
)  # fmt: skip
def test_bad_input_is_named(data: bytes, error: type[Exception], message: str) -> None:
    with pytest.raises(error) as info:
        decode_bytes(data, "x.txt")
    assert str(info.value) == message
