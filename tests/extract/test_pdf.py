"""The PDF reader: paragraphs, ruled and unruled tables, spans, pages, boxes, bad PDFs.

Whole-bulletin equality with the text versions (facts, paragraphs, grids) is tested in
tests/archive/test_pdf.py on every fixture; here each property is pinned on the fixture
that reproduces it (see tests/fixtures/build_pdf.py), and the pure steps on small inputs.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from extract.document import Cell, Document, Table
from extract.errors import BulletinError
from extract.hints import fold, load_hints
from extract.pdf import (
    EncryptedPdf,
    NeedsOcr,
    PdfSettings,
    UndecodedText,
    UnreadablePdf,
    read_pdf,
)
from extract.pdf_regions import Region
from extract.pdf_stitch import stitch
from extract.pdf_tables import (
    RULED,
    PartCell,
    TablePart,
    boxes_to_grid,
    continues_table,
    same_columns,
)
from extract.pdf_text import (
    Glyph,
    Line,
    Margins,
    continues,
    glyphs_to_lines,
    join_wrapped,
    split_segments,
    undecoded,
)
from extract.pdf_unruled import column_edges, gap_columns, misfits
from extract.reader import read_document
from tests.helpers import DEC, SEP

PDF = Path(__file__).parents[1] / "fixtures" / "pdf"
SETTINGS = PdfSettings()
HEADLINE_2020_12 = (
    "12月，政务服务大厅系统排号数7705件，系统受理数7016件，办结7018件（含上月未办结件，"
    "下同），即办件数5925件，系统评价数4776件，系统评价满意率100%。"
)


@pytest.fixture(scope="module")
def docs() -> dict[str, Document]:
    """The fixtures each property below is pinned on, read once."""
    names = ("2020-12_docx_ruled", "2022-09_html_ruled", "2022-09_docx_repeated_header",
             "2022-09_unruled", "2022-09_unruled_portrait")  # fmt: skip
    return {name: read_pdf(PDF / f"{name}.pdf") for name in names}


def cell(table: Table, row: int, col: int) -> Cell:
    found = table.grid()[row][col]
    assert found is not None
    return found


def texts(table: Table, row: int) -> list[str]:
    return [c.text if c else "" for c in table.grid()[row]]


# --- prose -------------------------------------------------------------------------------


def test_wrapped_lines_are_one_paragraph_and_page_numbers_are_dropped(
    docs: dict[str, Document],
) -> None:
    doc = docs["2020-12_docx_ruled"]
    # The headline sentence is printed over three lines; it comes back as one paragraph.
    headline = doc.blocks[3]
    assert headline.text == HEADLINE_2020_12
    assert headline.source.page == 1
    assert headline.source.bbox is not None
    _, top, _, bottom = headline.source.bbox
    assert bottom - top > 3 * 10  # three lines of 10.5-point text
    # Every page prints "- 7 -" at its foot: none of it is prose.
    assert not [b.text for b in doc.blocks if re.fullmatch(r"-\s*\d+\s*-", b.text)]
    text = read_document(DEC)
    assert [fold(b.text) for b in doc.blocks] == [fold(b.text) for b in text.blocks]


def test_paragraph_broken_by_a_page_is_joined(docs: dict[str, Document]) -> None:
    doc = docs["2022-09_html_ruled"]
    text = read_document(SEP)
    long = next(b for b in text.blocks if b.text.startswith("2.为实现"))
    block = next(b for b in doc.blocks if b.text.startswith("2.为实现"))
    assert fold(block.text) == fold(long.text)
    assert block.source.page == 1  # it continues on page 2


def test_captions_are_the_title_lines_above_each_table(docs: dict[str, Document]) -> None:
    assert [t.caption for t in docs["2022-09_unruled"].tables] == [
        ["附件1", "9月“一网通办”能力提升工作情况"],
        ["附件2", "西区政务服务大厅9月部门窗口办件情况"],
        ["附件3", "9月西区街道(镇)、社区(村)便民服务中心办件情况统计表"],
    ]
    doc = docs["2020-12_docx_ruled"]
    # The headline paragraph above the heading is prose, not part of the caption.
    assert doc.tables[0].caption == ["二、政务服务大厅12月部门窗口办件情况和效能指标统计"]
    assert doc.table_positions == [5]
    assert doc.blocks[5].text == "备注：数据来源于“西区智慧政务平台”。"


# --- ruled tables ------------------------------------------------------------------------


def test_spans_come_from_the_cell_boxes(docs: dict[str, Document]) -> None:
    table = docs["2022-09_html_ruled"].tables[0]
    assert (table.n_rows, table.n_cols, table.header_rows, table.stub_cols) == (40, 19, 2, 2)
    spans = {(c.text, c.row, c.col, c.rowspan, c.colspan) for c in table.cells if c.row == 0}
    assert spans == {("序号", 0, 0, 2, 1), ("部门", 0, 1, 2, 1), ("事项梳理", 0, 2, 1, 7),
                     ("运行效能", 0, 9, 1, 10)}  # fmt: skip
    group, first, last = cell(table, 0, 2), cell(table, 1, 2), cell(table, 1, 8)
    assert (first.text, last.text) == ("已认领", "梳理完成率")
    assert group.source.bbox is not None and first.source.bbox and last.source.bbox
    # The merged cell's box runs from its first column's left rule to its last one's right.
    assert group.source.bbox[0] == pytest.approx(first.source.bbox[0], abs=0.5)
    assert group.source.bbox[2] == pytest.approx(last.source.bbox[2], abs=0.5)
    towns = docs["2022-09_html_ruled"].tables[2]
    assert [(c.text, c.row, c.rowspan) for c in towns.cells if c.col == 0 and c.rowspan > 1] == [
        ("格里坪镇", 1, 10), ("玉泉街道", 11, 6), ("河门口街道", 17, 4), ("陶家渡街道", 21, 6),
        ("大宝鼎街道", 27, 4), ("清香坪街道", 31, 8),
    ]  # fmt: skip
    total = cell(towns, 39, 0)
    assert (total.text, total.colspan) == ("总计", 2)
    assert {t.engine for t in docs["2022-09_html_ruled"].tables} == {RULED}


def test_cells_know_their_page_and_box(docs: dict[str, Document]) -> None:
    table = docs["2022-09_html_ruled"].tables[0]
    value = cell(table, 2, 4)
    assert (value.text, value.source.page) == ("100.00%", 2)  # printed as 100.00 / %
    header = cell(table, 1, 4)
    assert value.source.bbox is not None and header.source.bbox is not None
    assert value.source.bbox[0] == pytest.approx(header.source.bbox[0], abs=0.5)
    assert value.source.bbox[1] >= header.source.bbox[3] - 0.5  # below its header
    assert sorted({c.source.page for c in table.cells}) == [2, 3, 4]
    assert table.source.page == 2


def test_a_table_broken_by_pages_is_one_table(docs: dict[str, Document]) -> None:
    doc = docs["2020-12_docx_ruled"]
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert table.n_rows == 22  # header + 21 rows; the empty remainder of row 16 is gone
    assert [(texts(table, r)[:2], cell(table, r, 1).source.page) for r in (16, 17)] == [
        (["16", "区总工会"], 1), (["17", "市交通综合执法支队"], 2),
    ]  # fmt: skip


def test_repeated_header_broken_row_and_spans_across_a_page_break(
    docs: dict[str, Document],
) -> None:
    doc = docs["2022-09_docx_repeated_header"]
    assert [(t.n_rows, t.n_cols, t.header_rows) for t in doc.tables] == [
        (40, 19, 2), (22, 4, 1), (40, 6, 1),
    ]  # fmt: skip
    first = doc.tables[0]
    assert sum(1 for c in first.cells if c.text == "事项梳理") == 1  # header repeated on 5 pages
    # Row 1 is broken by the page: 区委办公室(区档 / 100.00 on page 2, 案局) / % on page 3.
    assert texts(first, 2)[:6] == ["1", "区委办公室(区档案局)", "18", "0", "100.00%", "18"]
    assert cell(first, 2, 1).source.page == 2
    towns = doc.tables[2]
    town = cell(towns, 1, 0)
    assert (town.text, town.rowspan) == ("格里坪镇", 10)
    assert sorted({c.source.page for c in towns.cells if 1 <= c.row <= 10}) == [8, 9]


# --- unruled tables ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["2022-09_unruled", "2022-09_unruled_portrait"])
def test_unruled_tables_read_like_the_text_version(docs: dict[str, Document], name: str) -> None:
    doc, text = docs[name], read_document(SEP)
    assert [t.engine.split("/")[0] for t in doc.tables] == ["text-gaps"] * 3
    for ours, theirs in zip(doc.tables, text.tables, strict=True):
        assert [[fold(c.text) if c else None for c in row] for row in ours.grid()] == [
            [fold(c.text) if c else None for c in row] for row in theirs.grid()
        ]
    first = doc.tables[0]
    # Wrapped cells (100.00 / %, long names) and the row broken by page 3 are joined.
    assert texts(first, 2)[:6] == ["1", "区委办公室(区档案局)", "18", "0", "100.00%", "18"]
    value = cell(first, 2, 4)
    assert value.source.page == 2 and value.source.bbox is not None
    towns = doc.tables[2]
    assert (cell(towns, 1, 0).text, cell(towns, 1, 0).rowspan) == ("格里坪镇", 10)


def test_portrait_annex_wraps_names_rates_and_headers(docs: dict[str, Document]) -> None:
    first = docs["2022-09_unruled_portrait"].tables[0]
    # Group labels span their sub-labels; labels wrapped a character a line are re-joined.
    assert [(c.text, c.col, c.colspan) for c in first.row_cells(0)] == [
        ("序号", 0, 1), ("部门", 1, 1), ("事项梳理", 2, 7), ("运行效能", 9, 10),
    ]  # fmt: skip
    assert texts(first, 1)[9:12] == ["新增超时件", "累计超时件", "超期率"]
    # A name over three lines, 100.00 / % and 0.00 / % re-joined; rows on page 3 too.
    assert texts(first, 14)[:13] == [
        "13", "区农业农村和交通运输局", "803", "0", "100.00%", "803", "100.00%", "100.00%",
        "100.00%", "0", "0", "0.00%", "181",
    ]  # fmt: skip
    assert texts(first, 39)[:3] == ["38", "清香坪街道", "190"]
    assert cell(first, 39, 2).source.page == 3
    # Annex 2: a name over five lines; the 总计 row spans the two name columns.
    hall = docs["2022-09_unruled_portrait"].tables[1]
    assert texts(hall, 2)[:3] == ["2", "市住房公积金中心西区管理部(市级下沉窗口)", "195"]
    assert texts(hall, hall.n_rows - 1)[:3] == ["总计", "总计", "13907"]
    # The choice of reading and its evidence travel with the table.
    assert first.engine == "text-gaps/row-numbers"
    assert any(w.startswith("reading text-gaps/row-numbers chosen: ") for w in first.warnings)


def glyph_line(text: str, x0: float, top: float, size: float = 10.0) -> list[Glyph]:
    """Glyphs of a text set at (x0, top): Chinese a full em wide, the rest half an em."""
    out, x = [], x0
    for ch in text:
        width = size if ord(ch) > 0x2E80 else size / 2
        if ch != " ":
            out.append(Glyph(ch, x, x + width, top, top + size, size))
        x += width
    return out


def region_of(rows: list[list[tuple[str, float]]], top: float = 100.0) -> Region:
    """An unruled region: each row a line of (text, x0) cells, 14 points apart."""
    lines = []
    for k, row in enumerate(rows):
        glyphs = [g for text, x in row for g in glyph_line(text, x, top + 14 * k)]
        lines.append(glyphs_to_lines(glyphs, 1, SETTINGS)[0])
    return Region(1, 800.0, lines[:1], lines[1:])


def test_gap_columns_and_their_misfits() -> None:
    # A long name prints right up to its value: the gaps alone run two columns together.
    region = region_of([
        [("部门", 40), ("受理", 120), ("办结", 170)],
        [("区民政局", 40), ("12", 120), ("11", 170)],
        [("区住房城乡建设局局", 40), ("9", 135), ("9", 170)],
    ])  # fmt: skip
    gaps = column_edges(gap_columns([region], SETTINGS))
    assert gaps == [40, 155.0, 180.0]  # 部门 and 受理 in one column
    assert misfits([region], gaps, SETTINGS) == 2  # 受理 and 12 share a column with a name
    assert misfits([region], [40.0, 115.0, 165.0, 180.0], SETTINGS) == 1  # "…局局 9" crosses


# --- pure steps --------------------------------------------------------------------------


def test_boxes_to_grid_gives_spans() -> None:
    boxes = [
        (0, 0, 10, 20), (10, 0, 30, 10),  # 序号 over two rows, a group over two columns
        (10, 10, 20, 20), (20, 10, 30, 20),
        (0, 20, 10, 30), (10, 20, 20, 30),  # the last cell of this row has no box
    ]  # fmt: skip
    xs, ys, cells = boxes_to_grid(boxes)
    assert (xs, ys) == ([0, 10, 20, 30], [0, 10, 20, 30])
    assert [(c.row, c.col, c.rowspan, c.colspan) for c in cells] == [
        (0, 0, 2, 1), (0, 1, 1, 2), (1, 1, 1, 1), (1, 2, 1, 1), (2, 0, 1, 1), (2, 1, 1, 1),
        (2, 2, 1, 1),
    ]  # fmt: skip
    assert cells[-1].bbox == (20, 20, 30, 30)  # the hole, filled from the rules around it


def test_a_header_left_alone_on_a_page_joins_the_rows_on_the_next() -> None:
    # The header row's merged cell hides the rule between the two name columns.
    header = TablePart(8, (0, 700, 100, 720), 1, 3, [
        PartCell("便民服务中心", 0, 0, 1, 2, 8, (0, 700, 60, 720)),
        PartCell("咨询(件)", 0, 2, 1, 1, 8, (60, 700, 100, 720)),
    ], RULED, 1, [0, 60, 100])  # fmt: skip
    rows = TablePart(9, (0, 50, 100, 70), 1, 3, [
        PartCell("格里坪镇", 0, 0, 1, 1, 9, (0, 50, 30, 70)),
        PartCell("金林社区便民服务中心", 0, 1, 1, 1, 9, (30, 50, 60, 70)),
        PartCell("57", 0, 2, 1, 1, 9, (60, 50, 100, 70)),
    ], RULED, 0, [0, 30.5, 60, 100])  # fmt: skip
    hints = load_hints()
    assert same_columns(header, rows) and continues_table(header, rows, hints)
    whole = stitch([header, rows], hints)
    assert (whole.n_rows, whole.n_cols, whole.edges) == (2, 3, [0, 30.5, 60, 100])
    assert [(c.text, c.row, c.col, c.colspan) for c in whole.cells] == [
        ("便民服务中心", 0, 0, 2), ("咨询(件)", 0, 2, 1), ("格里坪镇", 1, 0, 1),
        ("金林社区便民服务中心", 1, 1, 1), ("57", 1, 2, 1),
    ]  # fmt: skip
    assert not same_columns(header, replace(rows, edges=[0, 30.5, 70, 100]))


def test_join_wrapped_text() -> None:
    assert join_wrapped("100.00", "%") == "100.00%"
    assert join_wrapped(join_wrapped(join_wrapped("10", "0."), "00"), "%") == "100.00%"
    assert join_wrapped("区委办公室(区档", "案局)") == "区委办公室(区档案局)"
    assert join_wrapped("手机", "APP") == "手机APP"
    assert join_wrapped("mobile", "APP") == "mobile APP"


def test_lines_group_glyphs_of_other_fonts_and_split_at_wide_gaps() -> None:
    glyphs = glyph_line("室", 10, 100) + glyph_line("区档", 25, 100)
    glyphs.append(Glyph("(", 20, 25, 101.5, 110.5, 10))  # a Latin font sits lower
    glyphs += glyph_line("18", 80, 100)
    (line,) = glyphs_to_lines(glyphs, 1, SETTINGS)
    assert line.text == "室(区档 18"
    assert [s.text for s in split_segments(line, SETTINGS)] == ["室(区档", "18"]


def prose(text: str, x0: float, top: float, page: int = 1) -> Line:
    return glyphs_to_lines(glyph_line(text, x0, top), page, SETTINGS)[0]


def test_a_line_continues_its_paragraph_only_where_the_layout_wrapped_it() -> None:
    margins = Margins({500: 50.0}, {500: 450.0}, line_gap=4.0, spaced=False)
    widths = {1: 500.0, 2: 500.0}
    full = prose("一" * 40, 50, 100)  # reaches the right margin
    assert continues(full, prose("二二", 50, 114), margins, widths, SETTINGS)
    assert not continues(full, prose("二二", 70, 114), margins, widths, SETTINGS)  # indented
    assert not continues(full, prose("二、工作动态", 50, 114), margins, widths, SETTINGS)
    assert not continues(full, prose("二二", 50, 130), margins, widths, SETTINGS)  # a gap
    short = prose("一" * 30, 50, 100)
    assert not continues(short, prose("二二", 50, 114), margins, widths, SETTINGS)
    # 38 characters and a 3-character number that did not fit: wrapped.
    assert continues(prose("一" * 38, 50, 100), prose("100%。", 50, 114), margins, widths,
                     SETTINGS)  # fmt: skip
    assert continues(full, prose("二二", 50, 60, page=2), margins, widths, SETTINGS)
    ended = prose("一" * 33 + "。", 50, 700)
    assert not continues(ended, prose("二二", 50, 60, page=2), margins, widths, SETTINGS)


def test_undecoded_glyphs() -> None:
    assert undecoded([Glyph(t, 0, 1, 0, 1, 1) for t in ("(cid:12)", "区", "\ufffd", "\ue001", "%")]) == [
        "(cid:12)", "\ufffd", "\ue001",
    ]  # fmt: skip


def test_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="column_gap must be wider than space_gap"):
        PdfSettings(column_gap=0.4)


# --- PDFs that cannot be read ------------------------------------------------------------


def read_error(path: Path) -> BulletinError:
    with pytest.raises(BulletinError) as info:
        read_document(path, path.name)
    return info.value


def test_text_that_did_not_decode_is_refused() -> None:
    error = read_error(PDF / "2020-12_no_tounicode.pdf")
    assert isinstance(error, UndecodedText) and error.stage == "decode"
    assert str(error) == (
        "2020-12_no_tounicode.pdf: page 1: 355 characters did not decode (e.g. (cid:1) "
        "(cid:2) (cid:3)); the PDF's fonts have no Unicode map — export it again with "
        "embedded fonts, or OCR it"
    )


def test_a_scan_needs_ocr() -> None:
    """The PDF reader refuses a page image; read_document then hands the file to OCR
    (tests/extract/test_ocr_scans.py)."""
    with pytest.raises(NeedsOcr) as info:
        read_pdf(PDF / "scan.pdf", "scan.pdf")
    error = info.value
    assert error.reason == (
        "page 1 has no text layer (a scanned image); run OCR on it first "
        "(e.g. ocrmypdf -l chi_sim) and ingest the result"
    )


def test_broken_pdfs_are_reported(tmp_path: Path) -> None:
    whole = (PDF / "2020-12_reportlab_cid.pdf").read_bytes()
    files = {
        "truncated.pdf": whole[: len(whole) // 2],
        "zero_pages.pdf": b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
        "junk.pdf": b"%PDF-1.7\n" + bytes(range(256)) * 8,
    }
    reasons = {}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        error = read_error(tmp_path / name)
        assert isinstance(error, UnreadablePdf)
        reasons[name] = error.reason
    assert reasons == {
        "truncated.pdf": "the PDF is truncated (it ends before its %%EOF marker); copy it again",
        "zero_pages.pdf": "the PDF has no pages",
        "junk.pdf": "not a readable PDF: it starts with %PDF but holds no PDF objects",
    }
    error = read_error(PDF / "encrypted.pdf")
    assert isinstance(error, EncryptedPdf)
    assert (
        error.reason == "the PDF is encrypted (password-protected); save a copy without a password"
    )


def cid_pdf(path: Path, tables: list[list[list[str]]]) -> None:
    """A one-page PDF in STSong-Light: a line of prose, then ruled tables."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
    from reportlab.platypus import Table as RlTable

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("p", fontName="STSong-Light", fontSize=11, leading=16)
    story = [Paragraph("9月,政务服务大厅各窗口共受理13907件。", style)]
    grid = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("FONTNAME", (0, 0), (-1, -1), "STSong-Light"),
    ]
    for rows in tables:
        story += [Spacer(1, 20), RlTable(rows, style=grid)]
    SimpleDocTemplate(str(path), pagesize=A4, invariant=1).build(story)


def test_a_ruled_grid_without_values_is_prose(tmp_path: Path) -> None:
    path = tmp_path / "contacts.pdf"
    cid_pdf(path, [[["单位", "联系人"], ["区行政审批局", "张三"]],
                   [["部门", "受理"], ["区民政局", "12"]]])  # fmt: skip
    doc = read_pdf(path)
    assert [b.text for b in doc.blocks] == [
        "9月,政务服务大厅各窗口共受理13907件。", "单位 联系人", "区行政审批局 张三",
    ]  # fmt: skip
    assert len(doc.tables) == 1 and doc.table_positions == [3]
    assert [texts(doc.tables[0], r) for r in (0, 1)] == [["部门", "受理"], ["区民政局", "12"]]


def test_a_pdf_without_a_table_is_prose(tmp_path: Path) -> None:
    path = tmp_path / "prose.pdf"
    cid_pdf(path, [])
    doc = read_pdf(path)
    assert [b.text for b in doc.blocks] == ["9月,政务服务大厅各窗口共受理13907件。"]
    assert doc.tables == []
