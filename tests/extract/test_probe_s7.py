"""Hostile input for the readers: a text file whose line never ends is refused before the
text reader, which would take time and memory out of all measure on it; a PDF page turned
sideways or upside down is refused (read as it lies it gives garbage cells); a scanned
page inside a PDF with text is skipped with a warning instead of OCR of the whole file."""

from __future__ import annotations

import codecs
import tracemalloc
import zlib
from pathlib import Path

import pytest

from extract import scan_image
from extract.decode import MAX_LINE_BYTES, MAX_LINES, READ_CHUNK, decode_bytes, refuse_long_lines
from extract.document import Document
from extract.errors import BinaryFile, OverlongLine, TooManyLines, UndecodableFile
from extract.pdf import (
    MAX_PAGE_CONTENT,
    TurnedPage,
    UnreadablePdf,
    check_upright,
    read_pdf,
)
from extract.pdf_text import glyphs_from_chars
from extract.reader import read_document
from extract.scan_image import UnreadableImage, load_image_pages, load_pdf_pages
from tests.fixtures.build_pdf_probe import Pdf, build, image_page, text
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
        refuse_long_lines(path, "x.txt", max_lines=300_000)
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


@pytest.mark.parametrize("last", ["\n", ""])
def test_100_000_lines_pass_and_one_more_is_refused(tmp_path: Path, last: str) -> None:
    assert MAX_LINES == 100_000
    rows = ["\t".join(["1", "区社保局", "2586"])] * 100_000
    path = tmp_path / "x.txt"
    path.write_text("\n".join(rows) + last, encoding="utf-8")
    refuse_long_lines(path, "x.txt")
    path.write_text("\n".join([*rows, "完"]) + last, encoding="utf-8")
    with pytest.raises(TooManyLines) as info:
        refuse_long_lines(path, "x.txt")
    assert str(info.value) == (
        "x.txt: more than 100,000 lines; a text bulletin holds a few thousand, and reading "
        "this many would take memory out of all measure: split the file"
    )


def test_the_sample_bulletin_passes(tmp_path: Path) -> None:
    refuse_long_lines(DEC, "dec.txt")


# --- PDF pages turned or scanned (tests/fixtures/build_pdf_probe.py) -------------------

PDF = Path(__file__).parents[1] / "fixtures" / "pdf"
ANNEX = [
    ["序号", "部门", "受理数", "办结数"],
    ["1", "区社保局", "2586", "2580"],
    ["2", "区民政局", "123", "120"],
    ["3", "区医保局", "45", "45"],
    ["", "合计", "2754", "2745"],
]
PROSE = [
    "攀枝花市西区政务服务工作通报",
    "（2022年9月）",
    "9月，全区政务服务中心共受理办件2754件，办结2745件。",
    "附件1",
    "各部门受理办结情况",
]


def rows(document: Document) -> list[list[str]]:
    (table,) = document.tables
    return [[c.text for c in table.row_cells(r)] for r in range(table.n_rows)]


@pytest.mark.parametrize(
    "name",
    [
        "probe-upright_landscape_page.pdf",
        "probe-rotated_page_marked.pdf",  # turned content, and /Rotate turning it back
        "probe-image_page_in_text.pdf",
    ],
)
def test_an_upright_annex_page_reads_as_printed(name: str) -> None:
    document = read_document(PDF / name, name)
    assert [b.text for b in document.blocks] == PROSE
    assert rows(document) == ANNEX
    assert document.tables[0].header_rows == 1


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "probe-rotated_landscape_page.pdf",
            "page 2 is turned 90° (its text runs sideways); turn the page upright "
            "(e.g. qpdf --rotate=+90:2 in.pdf out.pdf) and ingest the copy",
        ),
        (
            "probe-upside_down_page.pdf",
            "page 2 is upside down; turn the page upright "
            "(e.g. qpdf --rotate=+180:2 in.pdf out.pdf) and ingest the copy",
        ),
    ],
)
def test_a_turned_page_is_refused_not_read_as_garbage(name: str, message: str) -> None:
    with pytest.raises(TurnedPage) as info:
        read_document(PDF / name, name)
    assert str(info.value) == f"{name}: {message}"


def char(text: str, matrix: tuple[float, ...], x0: float = 100.0) -> dict[str, object]:
    a, b = matrix[0], matrix[1]
    return {
        "text": text,
        "x0": x0,
        "x1": x0 + 10,
        "top": 100.0,
        "bottom": 110.0,
        "size": 10.0,
        "matrix": (*matrix, x0, 700.0),
        "upright": a * matrix[3] > 0 and b * matrix[2] <= 0,
    }


UPRIGHT = (10.0, 0.0, 0.0, 10.0)
LEFT = (0.0, 10.0, -10.0, 0.0)  # turned 90° counter-clockwise: reads bottom to top
RIGHT = (0.0, -10.0, 10.0, 0.0)
UPSIDE_DOWN = (-10.0, 0.0, 0.0, -10.0)


def test_a_few_turned_characters_are_a_stamp_skipped_not_a_turned_page() -> None:
    chars = [char(t, UPRIGHT, 100 + 10 * k) for k, t in enumerate("区社保局2586")]
    chars += [char("章", LEFT), char("印", UPSIDE_DOWN), char("X", RIGHT), char(" ", LEFT)]
    check_upright(chars, 1, "x.pdf")  # 3 turned of 11 visible: not refused
    assert "".join(g.text for g in glyphs_from_chars(chars)) == "区社保局2586"


@pytest.mark.parametrize(
    ("matrix", "how"),
    [
        (LEFT, "turned 90° (its text runs sideways); turn the page upright (e.g. qpdf --rotate=+90:3"),
        (RIGHT, "turned 270° (its text runs sideways); turn the page upright (e.g. qpdf --rotate=+270:3"),
        (UPSIDE_DOWN, "upside down; turn the page upright (e.g. qpdf --rotate=+180:3"),
    ],
)  # fmt: skip
def test_a_page_mostly_turned_is_refused_with_the_turn_that_sets_it_upright(
    matrix: tuple[float, ...], how: str
) -> None:
    chars = [char(t, matrix) for t in "区社保局2586"] + [char(t, UPRIGHT) for t in "第3页"]
    with pytest.raises(TurnedPage) as info:
        check_upright(chars, 3, "x.pdf")
    assert info.value.reason.startswith(f"page 3 is {how} in.pdf out.pdf)")


def test_a_scanned_page_among_text_pages_is_skipped_with_a_warning() -> None:
    document = read_pdf(PDF / "probe-image_page_in_text.pdf", "p.pdf")
    assert document.warnings == [
        "page 2 is an image without a text layer (a scanned page); skipped, its figures are "
        "not read — OCR the file (e.g. ocrmypdf -l chi_sim) to read them"
    ]
    assert [c.source.page for c in document.tables[0].cells][:1] == [3]


def blanks(n_bytes: int) -> bytes:
    """A Flate stream of ``n_bytes`` of PDF whitespace: a kilobyte per megabyte."""
    pack = zlib.compressobj(9)
    step = b" " * (1 << 20)
    out = [pack.compress(text("通报", 12, 72, 760).encode("latin-1") + b"\n")]
    out += [pack.compress(step) for _ in range(n_bytes // len(step) + 1)]
    return b"".join([*out, pack.flush()])


def bomb_pdf(path: Path, *, in_form: bool) -> None:
    pdf = Pdf()
    font = pdf.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    packed = pdf.stream(blanks(MAX_PAGE_CONTENT), "/Filter /FlateDecode ")
    if in_form:  # the page draws a form, whose stream is the bomb
        pdf.objects[packed - 1] = pdf.objects[packed - 1].replace(
            b"<< ", b"<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] ", 1
        )
        contents = pdf.stream(b"/Fm1 Do")
    else:
        contents = packed
    tree = len(pdf.objects) + 2  # the page tree follows the page
    page = pdf.add(
        f"<< /Type /Page /Parent {tree} 0 R /MediaBox [0 0 595 842] /Contents {contents} 0 R "
        f"/Resources << /Font << /F1 {font} 0 R >> /XObject << /Fm1 {packed} 0 R >> >> >>"
    )
    assert pdf.add(f"<< /Type /Pages /Kids [{page} 0 R] /Count 1 >>") == tree
    pdf.write(path, pdf.add(f"<< /Type /Catalog /Pages {tree} 0 R >>"))


@pytest.mark.parametrize("in_form", [False, True])
def test_a_page_whose_content_unpacks_past_32_mib_is_refused_before_it_is_parsed(
    tmp_path: Path, in_form: bool
) -> None:
    path = tmp_path / "bomb.pdf"
    bomb_pdf(path, in_form=in_form)
    assert path.stat().st_size < 100_000
    tracemalloc.start()
    try:
        with pytest.raises(UnreadablePdf) as info:
            read_pdf(path, "bomb.pdf")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(info.value) == (
        "bomb.pdf: page 1: its content unpacks past 33,554,432 bytes (a compression bomb?); refused"
    )
    assert peak < 16 * 1024 * 1024  # never unpacked whole


# --- scans: one page in memory at a time, every page's size bounded ----------------------


def test_a_pdf_page_too_large_to_render_at_the_ocr_resolution_is_rendered_smaller(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scan_image, "MAX_PIXELS", 1_000_000)
    path = tmp_path / "poster.pdf"
    # 1,440 points square (20 inches): 4,000 pixels a side at 200 dpi, 16 million pixels;
    # at most a million fit: 1,000 pixels a side, 50 dpi. The 4 × 5 inch page after it
    # fits at 200 dpi: 800 × 1,000 pixels.
    build(path, [((1440, 1440), image_page(), 0), ((288, 360), image_page(), 0)])
    pages = load_pdf_pages(path, "poster.pdf", 200)
    first = next(pages)
    assert first.pixels.shape == (1000, 1000)
    assert first.dpi == pytest.approx(50.0)
    second = next(pages)
    assert second.dpi == pytest.approx(200.0)
    assert second.pixels.shape == (1000, 800)
    assert list(pages) == []


def test_each_frame_of_a_tiff_is_checked_and_loaded_only_when_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PIL import Image

    monkeypatch.setattr(scan_image, "MAX_PIXELS", 1_000_000)
    path = tmp_path / "pages.tiff"
    small = Image.new("L", (800, 1000), 255)  # 0.8 million pixels
    large = Image.new("L", (1200, 1000), 255)  # 1.2 million pixels
    small.save(path, save_all=True, append_images=[large])
    pages = load_image_pages(path, "pages.tiff")
    first = next(pages)  # the first page comes before the second frame is decoded
    assert (first.number, first.pixels.shape) == (1, (1000, 800))
    with pytest.raises(UnreadableImage) as info:
        next(pages)
    assert str(info.value) == (
        "pages.tiff: page 2: image too large to read (1200×1000 pixels; at most 1 million): "
        "scan the page at 300 dpi"
    )


def reference_loop_pdf(path: Path, loop: list[int]) -> None:
    """A one-page PDF whose /Contents is object 3, a reference along ``loop`` (3 first)."""
    pdf = Pdf()
    assert pdf.add("<< /Type /Pages /Kids [2 0 R] /Count 1 >>") == 1
    pdf.add("<< /Type /Page /Parent 1 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>")
    for k, _ in enumerate(loop):
        pdf.add(f"{loop[(k + 1) % len(loop)]} 0 R")
    pdf.write(path, pdf.add("<< /Type /Catalog /Pages 1 0 R >>"))


@pytest.mark.parametrize(
    ("loop", "how"),
    [
        ([3], "object 3 refers to itself"),
        ([3, 4, 5], "objects 3 → 4 → 5 → 3 refer to each other in a loop"),
    ],
)
def test_objects_that_refer_to_each_other_in_a_loop_are_refused_not_followed_for_ever(
    tmp_path: Path, loop: list[int], how: str
) -> None:
    path = tmp_path / "loop.pdf"
    reference_loop_pdf(path, loop)
    with pytest.raises(UnreadablePdf) as info:
        read_pdf(path, "loop.pdf")  # the parser alone never returns
    assert info.value.reason == f"the PDF is damaged ({how}); re-export it from its source"


def test_a_chain_of_references_without_a_loop_is_read(tmp_path: Path) -> None:
    path = tmp_path / "chain.pdf"
    pdf = Pdf()
    assert pdf.add("<< /Type /Pages /Kids [2 0 R] /Count 1 >>") == 1
    pdf.add(
        "<< /Type /Page /Parent 1 0 R /MediaBox [0 0 595 842] /Contents 3 0 R "
        "/Resources << /Font << /F1 6 0 R >> >> >>"
    )
    pdf.add("4 0 R")
    pdf.add("5 0 R")
    pdf.stream(text("通报", 12, 72, 760).encode("latin-1"))
    pdf.add(
        "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        "/DescendantFonts [<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> >>] >>"
    )
    pdf.write(path, pdf.add("<< /Type /Catalog /Pages 1 0 R >>"))
    document = read_pdf(path, "chain.pdf")  # /Contents read through 3 → 4 → 5
    assert [b.text for b in document.blocks] == ["通报"]


def test_a_damaged_tiff_is_one_error_without_the_image_library_s_warnings(
    tmp_path: Path,
) -> None:
    import warnings

    path = tmp_path / "junk.tif"
    path.write_bytes(b"II*\x00" + bytes((k * 37 + 11) % 256 for k in range(10000)))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # PIL says "Corrupt EXIF data" for these bytes
        with pytest.raises(UnreadableImage) as info:
            list(load_image_pages(path, "junk.tif"))
    assert [str(w.message) for w in caught] == []
    assert str(info.value) == (
        "junk.tif: not a readable image: it starts like a TIFF file but cannot be decoded "
        "(truncated or damaged); copy or export it again"
    )


def test_nul_padding_at_the_end_of_a_text_is_dropped_and_a_nul_inside_is_binary() -> None:
    text = "2022年9月通报\n序号\t部门\t受理数\n1\t区社保局\t2586\n"
    data = text.encode("gb18030")
    assert decode_bytes(data + b"\x00" * 512, "x.txt") == (text, "gb18030")
    with pytest.raises(BinaryFile, match="binary content \\(NUL bytes\\)"):
        decode_bytes(data[:10] + b"\x00\x00" + data[10:] + b"\x00" * 512, "x.txt")
    # UTF-16 without a BOM ends with a NUL byte: its text is kept whole.
    utf16 = ("序号\t受理数\n1\t2586\n" * 20).encode("utf-16-le")
    assert decode_bytes(utf16, "x.txt")[1] == "utf-16-le"


def test_a_pdf_printing_more_characters_than_the_limit_is_refused_at_that_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from extract import pdf

    assert pdf.MAX_CHARS == 1_000_000
    path = PDF / "probe-upright_landscape_page.pdf"  # 53 characters on page 1, 65 on page 2
    monkeypatch.setattr(pdf, "MAX_CHARS", 118)
    assert rows(read_pdf(path, "p.pdf")) == ANNEX
    monkeypatch.setattr(pdf, "MAX_CHARS", 117)
    with pytest.raises(UnreadablePdf) as info:
        read_pdf(path, "p.pdf")
    assert info.value.reason == (
        "more than 117 characters by page 2; a bulletin holds tens of thousands, and reading "
        "this many would take memory out of all measure: split the file"
    )


def graph_paper(path: Path, across: int, down: int) -> None:
    """Page 2: ``across`` vertical and ``down`` horizontal rules 10 points apart, and a
    word in the first square."""
    width, height = 40 + 10 * (across - 1), 40 + 10 * (down - 1)
    ops = [f"{20 + 10 * k} 20 m {20 + 10 * k} {height - 20} l S" for k in range(across)]
    ops += [f"20 {20 + 10 * k} m {width - 20} {20 + 10 * k} l S" for k in range(down)]
    ops.append(text("数", 6, 22, 22))  # a page without text is never searched for tables
    build(path, [((595, 842), text("通报", 12, 72, 760), 0), ((width, height), "\n".join(ops), 0)])


def test_a_page_whose_rules_cross_past_the_limit_is_refused_before_the_table_finder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from extract import pdf

    assert pdf.MAX_CROSSINGS == 8_000  # a 100 × 100 grid took 5 s, 200 × 200 a minute
    monkeypatch.setattr(pdf, "MAX_CROSSINGS", 100)
    within, past = tmp_path / "within.pdf", tmp_path / "past.pdf"
    graph_paper(within, 10, 10)  # 100 crossings
    graph_paper(past, 11, 10)  # 110
    assert [b.text for b in read_pdf(within, "within.pdf").blocks] == ["通报", "数"]
    with pytest.raises(UnreadablePdf) as info:
        read_pdf(past, "past.pdf")
    assert info.value.reason == (
        "page 2: its rules cross 110 times, more than any table's (at most 100 are read): "
        "graph paper or a drawing; refused"
    )


def test_a_utf8_mark_before_gb18030_text_reads_the_text_and_a_mixed_file_is_refused() -> None:
    text = "2022年9月西区政务服务工作通报\n受理2586件\n"
    marked = codecs.BOM_UTF8 + text.encode("gb18030")
    assert decode_bytes(marked, "x.txt") == (text, "gb18030")
    assert decode_bytes(codecs.BOM_UTF8 + text.encode("utf-8"), "x.txt") == (text, "utf-8")
    mixed = codecs.BOM_UTF8 + text.encode("utf-8") + text.encode("gb18030")
    with pytest.raises(UndecodableFile) as info:
        decode_bytes(mixed, "x.txt")
    assert info.value.reason == (
        "not valid UTF-8 (byte 60), nor GB18030 or Big5; re-save it as UTF-8"
    )  # counted after the mark: 56 bytes of UTF-8, then "2022", then 年 in GB18030
    utf16 = codecs.BOM_UTF16_LE + "序号".encode("utf-16-le") + b"\x00\xd8"  # a lone surrogate
    with pytest.raises(UndecodableFile) as info:
        decode_bytes(utf16, "x.txt")
    assert info.value.reason == "invalid utf-16-le at byte 6; re-save it as UTF-8"
