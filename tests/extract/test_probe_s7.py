"""Hostile input for the readers: a text file whose line never ends is refused before the
text reader, which would take time and memory out of all measure on it."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from extract.decode import MAX_LINE_BYTES, READ_CHUNK, refuse_long_lines
from extract.errors import OverlongLine
from extract.reader import read_document
from tests.helpers import DEC

ROW = "\t区社保局\t2586\n"


def refusal(line: int) -> str:
    return (
        f"line {line} is longer than 65,536 bytes (64 KiB): a bulletin's lines are "
        "paragraphs and table rows; this file is not a text bulletin, or it lost its line breaks"
    )


def test_the_limit_is_64_kib() -> None:
    assert MAX_LINE_BYTES == 65536


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_a_line_one_byte_over_the_limit_is_refused_and_named(tmp_path: Path, ending: str) -> None:
    path = tmp_path / "x.txt"
    long = "9" * 65537
    path.write_bytes(ending.join(["通报", "一、总体情况", long, "完"]).encode("utf-8"))
    with pytest.raises(OverlongLine) as info:
        refuse_long_lines(path, "x.txt")
    assert info.value.reason == refusal(3)
    assert str(info.value) == "x.txt: " + refusal(3)


def test_a_line_of_exactly_the_limit_passes(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(b"a\r\n" + b"9" * 65536 + b"\r\nb\r\n")
    refuse_long_lines(path, "x.txt")  # no error


def test_lines_measured_in_bytes_as_stored(tmp_path: Path) -> None:
    # 21,846 Chinese characters are 65,538 bytes in UTF-8 but 43,692 in GB18030.
    text = "区" * 21846
    utf8, gb = tmp_path / "u.txt", tmp_path / "g.txt"
    utf8.write_bytes(text.encode("utf-8"))
    gb.write_bytes(text.encode("gb18030"))
    with pytest.raises(OverlongLine, match="line 1 is longer"):
        refuse_long_lines(utf8, "u.txt")
    refuse_long_lines(gb, "g.txt")


def test_a_crlf_split_between_two_chunks_is_one_line_end(tmp_path: Path) -> None:
    # The first chunk ends with the CR of line 262,144's CRLF; its LF opens the second
    # chunk. Counting that CRLF as two line ends would name line 262,147, not 262,146.
    lines = READ_CHUNK // 4 - 1  # "ok\r\n" each
    first = b"ok\r\n" * lines + b"yyy\r"
    assert len(first) == READ_CHUNK
    path = tmp_path / "x.txt"
    path.write_bytes(first + b"\nshort\r\n" + b"9" * 70000 + b"\r\n")
    with pytest.raises(OverlongLine) as info:
        refuse_long_lines(path, "x.txt")
    assert info.value.reason == refusal(262146)


def test_a_long_line_across_many_chunks_is_found(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(b"ok\n" * 10 + b"9" * (3 * READ_CHUNK) + b"\n")
    with pytest.raises(OverlongLine) as info:
        refuse_long_lines(path, "x.txt", limit=2 * READ_CHUNK + 5)
    assert info.value.reason.startswith("line 11 is longer than 2,097,157 bytes")


def test_utf16_is_measured_in_characters_not_in_bytes_that_look_like_line_ends(
    tmp_path: Path,
) -> None:
    # 上 is U+4E0A: its UTF-16-LE bytes are 0A 4E, an LF byte inside a character.
    line = "上" * 40000  # 80,000 bytes in UTF-16
    with_bom = tmp_path / "bom.txt"
    with_bom.write_bytes(codecs.BOM_UTF16_LE + ("通报\n" + line + "\n").encode("utf-16-le"))
    with pytest.raises(OverlongLine) as info:
        refuse_long_lines(with_bom, "bom.txt")
    assert info.value.reason == refusal(2)
    bare = tmp_path / "bare.txt"  # no BOM: known by its NULs (ASCII digits and newlines)
    bare.write_bytes(("2586\n" * 5000 + line + "\n").encode("utf-16-le"))
    with pytest.raises(OverlongLine) as info:
        refuse_long_lines(bare, "bare.txt")
    assert info.value.reason == refusal(5001)
    short = tmp_path / "short.txt"  # 30,000 characters: 60,000 bytes, within the limit
    short.write_bytes(codecs.BOM_UTF16_LE + ("通报\n" + "上" * 30000 + "\n").encode("utf-16-le"))
    refuse_long_lines(short, "short.txt")


def test_the_reader_refuses_a_text_file_with_an_endless_line(tmp_path: Path) -> None:
    path = tmp_path / "one.txt"
    path.write_text(ROW.strip("\n") * 5000, encoding="utf-8")  # 100,000 bytes, no LF
    with pytest.raises(OverlongLine) as info:
        read_document(path, "one.txt")
    assert str(info.value) == "one.txt: " + refusal(1)


def test_a_one_line_html_page_is_not_held_to_the_text_limit(tmp_path: Path) -> None:
    # Pages are often written without line breaks; the HTML reader has no use for lines.
    rows = "".join(f"<tr><td>部门{n}</td><td>{n}</td></tr>" for n in range(1, 4000))
    page = (
        "<html><head><meta charset='utf-8'></head><body><p>2022年9月西区政务服务工作通报</p>"
        "<table><tr><td>部门</td><td>受理数</td></tr>" + rows + "</table></body></html>"
    )
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    assert len(page.encode("utf-8")) > 65536
    document = read_document(path, "page.html")
    table = document.tables[0]
    assert table.n_rows == 4000
    assert [c.text for c in table.row_cells(3999)] == ["部门3999", "3999"]


def test_the_sample_bulletin_passes(tmp_path: Path) -> None:
    refuse_long_lines(DEC, "dec.txt")
