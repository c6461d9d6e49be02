"""The HTML reader: sniffing, encodings, spans and source lines, chrome, layout and nesting."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from extract.document import Cell, Document, Source, Table
from extract.errors import EmptyFile
from extract.explicit import SpanCell, drop_empty_rows, place
from extract.hints import load_hints
from extract.html import (
    FlowBuilder,
    UnreadableHtml,
    looks_like_html,
    read_html,
)
from extract.reader import read_document
from tests.helpers import DEC, SEP

SOURCES = Path(__file__).parents[1] / "fixtures" / "sources"
SEP_HTML = SOURCES / "2022-09_xiqu_zwfw.html"
DEC_HTML = SOURCES / "2020-12_xiqu_zwfw.html"
GB2312_HTML = SOURCES / "2020-12_gb2312_declared.html"
LAYOUT_HTML = SOURCES / "2022-09_layout_tables.html"


def spans(table: Table, row: int) -> list[tuple[str, int, int, int]]:
    """(text, col, rowspan, colspan) of the cells that start in a row."""
    return [(c.text, c.col, c.rowspan, c.colspan) for c in table.row_cells(row)]


def grid_texts(table: Table) -> list[list[tuple[str, int, int] | None]]:
    return [[(c.text, c.rowspan, c.colspan) if c else None for c in row] for row in table.grid()]


def line_of(path: Path, needle: str, encoding: str = "utf-8") -> int:
    """1-based line of the first line of a file that contains ``needle``."""
    lines = path.read_bytes().decode(encoding).split("\n")
    return next(n for n, line in enumerate(lines, 1) if needle in line)


def page(body: str, head: str = "") -> str:
    return f"<!DOCTYPE html>\n<html><head>{head}</head><body>\n{body}\n</body></html>\n"


def read_page(tmp_path: Path, html: str | bytes, name: str = "page.html") -> Document:
    path = tmp_path / name
    path.write_bytes(html if isinstance(html, bytes) else html.encode("utf-8"))
    return read_document(path, name)


NUMBERS = (
    "<table><tr><th>部门</th><th>办件数</th></tr><tr><td>区民政局</td><td>60</td></tr></table>"
)


@pytest.fixture(scope="module")
def sep_html() -> Document:
    return read_document(SEP_HTML, SEP_HTML.name)


@pytest.mark.parametrize(
    "head",
    [
        b"<!DOCTYPE html>\n<html>",
        b"<!doctype HTML PUBLIC",
        b"\xef\xbb\xbf  \r\n<HTML lang=zh>",
        b"<head><title>",
        b"\t<TABLE border=1>",
        b'<meta charset="gbk">',
        b"<!-- saved from url=(0054)http://www.scxq.gov.cn/ -->\r\n<html>",
        b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN">',
        codecs.BOM_UTF16_LE + "<html><body>".encode("utf-16-le"),
    ],
)
def test_html_is_sniffed_from_leading_bytes(head: bytes) -> None:
    assert looks_like_html(head)


@pytest.mark.parametrize(
    "head",
    [
        "一、办件情况\n序号 |\n".encode(),
        b"\t\xe5\xba\x8f\xe5\x8f\xb7\n",
        b"<p>9\xe6\x9c\x88</p>",  # a fragment without page markup stays text
        b"<!-- a comment that never ends",
        b"%PDF-1.7",
    ],
)
def test_other_content_is_not_html(head: bytes) -> None:
    assert not looks_like_html(head)


def test_reader_dispatches_html_by_content_not_name(tmp_path: Path) -> None:
    doc = read_page(tmp_path, SEP_HTML.read_bytes(), name="bulletin.txt")
    assert (doc.format, doc.encoding, len(doc.tables)) == ("html", "utf-8", 3)


def test_tables_keep_real_spans_and_equal_the_text_grids(sep_html: Document) -> None:
    text = read_document(SEP)
    assert [grid_texts(t) for t in sep_html.tables] == [grid_texts(t) for t in text.tables]
    annex1, annex2, annex3 = sep_html.tables
    assert spans(annex1, 0) == [
        ("序号", 0, 2, 1),
        ("部门", 1, 2, 1),
        ("事项梳理", 2, 1, 7),
        ("运行效能", 9, 1, 10),
    ]
    assert [(t.n_rows, t.n_cols, t.header_rows, t.stub_cols) for t in sep_html.tables] == [
        (40, 19, 2, 2),
        (22, 4, 1, 2),
        (40, 6, 1, 2),
    ]
    assert spans(annex2, 21)[0] == ("总计", 0, 1, 2)
    town = next(c for c in annex3.cells if c.text == "清香坪街道")
    assert (town.col, town.rowspan, town.colspan) == (0, 8, 1)
    assert [t.engine for t in sep_html.tables] == ["html"] * 3


def test_cells_carry_their_source_lines(sep_html: Document) -> None:
    annex3 = sep_html.tables[2]
    town = next(c for c in annex3.cells if c.text == "清香坪街道")
    assert town.source.line_start == line_of(SEP_HTML, '<td rowspan="8">清香坪街道')
    total = next(c for c in sep_html.tables[1].cells if c.text == "13907")
    assert total.source.line_start == line_of(SEP_HTML, "<td>13907</td>")
    first = line_of(SEP_HTML, '<th rowspan="2">序号</th>')
    assert (sep_html.tables[0].source.line_start, sep_html.tables[0].source.line_end) == (
        first,
        first + 39,
    )


def test_prose_in_order_with_captions_chrome_dropped(sep_html: Document) -> None:
    text = read_document(SEP)
    assert sep_html.blocks[0].text == "西区9月政务服务工作通报"  # the <h1>; <title> not repeated
    assert [b.text for b in sep_html.blocks[1:]] == [b.text for b in text.blocks]
    assert sep_html.table_positions == [p + 1 for p in text.table_positions]
    assert [t.caption for t in sep_html.tables] == [t.caption for t in text.tables]
    page_text = " ".join(b.text for b in sep_html.blocks)
    for chrome in ("首页", "主办", "承办", "网站标识码", "0812-5910065", "统计代码", "border"):
        assert chrome not in page_text
    first = sep_html.blocks[1]
    assert (first.text, first.source.line_start) == (
        "一、办件情况",
        line_of(SEP_HTML, "一、办件情况"),
    )


def test_gbk_page_declared_gb2312_is_read_as_gb18030() -> None:
    doc = read_document(GB2312_HTML, GB2312_HTML.name)
    text = read_document(DEC)
    assert (doc.format, doc.encoding) == ("html", "gb18030")
    # GB2312 lacks "—" (U+2014); a strict GB2312 decoder reads those GBK bytes as "―".
    assert "——西区召开政务服务标准化试点工作动员会" in [b.text for b in doc.blocks]
    assert [b.text for b in doc.blocks[1:]] == [b.text for b in text.blocks]
    assert [grid_texts(t) for t in doc.tables] == [grid_texts(t) for t in text.tables]


@pytest.mark.parametrize(
    ("head", "written", "encoding"),
    [
        ("", "gbk", "gb18030"),  # nothing declared: detected
        ('<meta charset="utf-8">', "gbk", "gb18030"),  # declared wrongly: the bytes decide
        ('<meta charset="iso-8859-1">', "gbk", "gb18030"),  # a western label on Chinese bytes
        ('<meta http-equiv="Content-Type" content="text/html; charset=GBK">', "gbk", "gb18030"),
        ('<meta charset="big5">', "big5", "big5"),  # a mirror site in traditional characters
    ],
)
def test_declared_or_detected_encoding(
    tmp_path: Path, head: str, written: str, encoding: str
) -> None:
    name = "區民政局" if written == "big5" else "区民政局"
    table = NUMBERS.replace("区民政局", name)
    if written == "big5":
        table = table.replace("部门", "部門").replace("办件数", "辦件數")
    html = page(f"<p>9月,{name}辦件</p>" + table, head)
    doc = read_page(tmp_path, html.encode(written))
    assert doc.encoding == encoding
    assert [b.text for b in doc.blocks] == [f"9月,{name}辦件"]
    assert doc.tables[0].row_cells(1)[0].text == name


def test_utf16_page_with_bom(tmp_path: Path) -> None:
    doc = read_page(tmp_path, codecs.BOM_UTF16_LE + page(NUMBERS).encode("utf-16-le"))
    assert doc.encoding == "utf-16-le"
    assert doc.tables[0].row_cells(1)[1].text == "60"


def test_xhtml_with_xml_declaration(tmp_path: Path) -> None:
    html = '<?xml version="1.0" encoding="utf-8"?>\n' + page(NUMBERS)
    assert read_page(tmp_path, html).tables[0].row_cells(1)[0].text == "区民政局"


def test_layout_page_finds_nested_tables_and_drops_link_bars() -> None:
    doc = read_document(LAYOUT_HTML, LAYOUT_HTML.name)
    text = read_document(SEP)
    assert (doc.format, doc.encoding) == ("html", "gb18030")
    assert [grid_texts(t) for t in doc.tables] == [grid_texts(t) for t in text.tables]
    assert [t.caption for t in doc.tables] == [t.caption for t in text.tables]
    assert [b.text for b in doc.blocks] == ["西区9月政务服务工作通报"] + [
        b.text for b in text.blocks
    ]
    assert all(t.warnings == [] for t in doc.tables)  # a layout table is not worth a flag


def test_data_table_nested_in_a_data_table_is_flagged(tmp_path: Path) -> None:
    inner = (
        "<table><tr><th>窗口</th><th>办件数</th></tr><tr><td>社保窗口</td><td>12</td></tr></table>"
    )
    html = page(
        "<table><tr><th>部门</th><th>办件数</th><th>备注</th></tr>"
        f"<tr><td>区民政局</td><td>60</td><td>见下表{inner}</td></tr>"
        "<tr><td>区医保局</td><td>70</td><td></td></tr></table>"
    )
    doc = read_page(tmp_path, html)
    outer, nested = doc.tables
    assert outer.row_cells(1)[2].text == "见下表"  # the nested table's text is not in the cell
    assert outer.warnings == ["a cell in row 2 holds a nested table, read as table 2"]
    assert spans(nested, 1) == [("社保窗口", 0, 1, 1), ("12", 1, 1, 1)]
    assert doc.table_positions == [0, 0]


def test_cell_text_line_breaks_hidden_parts_and_caption(tmp_path: Path) -> None:
    html = page(
        "<p>附件2</p><table><caption>西区政务服务大厅9月部门窗口办件情况</caption>"
        "<thead><tr><th>部门</th><th>大厅窗口<br>办件数</th></tr></thead>"
        "<tfoot><tr><td>总计</td><td>130</td></tr></tfoot>"
        "<tbody><tr><td>区民政局<span style='display: none'>隐藏</span></td><td><p>60</p></td></tr>"
        "<tr><td>区医保局</td><td>70</td></tr></tbody></table>"
    )
    table = read_page(tmp_path, html).tables[0]
    assert table.caption == ["附件2", "西区政务服务大厅9月部门窗口办件情况"]
    assert [[c.text for c in table.row_cells(r)] for r in range(table.n_rows)] == [
        ["部门", "大厅窗口 办件数"],
        ["区民政局", "60"],
        ["区医保局", "70"],
        ["总计", "130"],  # a <tfoot> is drawn last wherever it is written
    ]


def test_spacer_rows_and_overlong_rowspans(tmp_path: Path) -> None:
    html = page(
        "<table><tr><th>镇</th><th>中心</th><th>受理</th></tr>"
        "<tr><td rowspan='3'>格里坪镇</td><td>格里坪镇便民服务中心</td><td>960</td></tr>"
        "<tr><td>&nbsp;</td><td></td></tr>"
        "<tr><td>金林社区便民服务中心</td><td>46</td></tr>"
        "<tr><td rowspan='9'>玉泉街道</td><td>玉泉街道便民服务中心</td><td>96</td></tr></table>"
    )
    table = read_page(tmp_path, html).tables[0]
    assert table.n_rows == 4
    assert spans(table, 1)[0] == ("格里坪镇", 0, 2, 1)
    assert spans(table, 2) == [("金林社区便民服务中心", 1, 1, 1), ("46", 2, 1, 1)]
    assert spans(table, 3)[0] == ("玉泉街道", 0, 1, 1)


def test_drop_empty_rows_moves_a_span_that_starts_in_a_dropped_row() -> None:
    rows = [
        [SpanCell("部门"), SpanCell("办件数")],
        [SpanCell("", rowspan=2), SpanCell("")],
        [SpanCell("60")],
    ]
    assert drop_empty_rows(place(rows)) == [
        Cell("部门", 0, 0),
        Cell("办件数", 0, 1),
        Cell("", 1, 0, rowspan=1),
        Cell("60", 1, 1),
    ]


def test_title_becomes_the_first_block_when_the_page_does_not_print_it(tmp_path: Path) -> None:
    head = "<title>西区2022年2月份政务服务工作通报_攀枝花市西区人民政府</title>"
    doc = read_page(tmp_path, page("<p>一、办件情况</p>" + NUMBERS, head))
    assert [b.text for b in doc.blocks] == [
        "西区2022年2月份政务服务工作通报_攀枝花市西区人民政府",
        "一、办件情况",
    ]
    assert doc.table_positions == [2]


def test_builder_caption_is_the_two_lines_after_the_previous_table() -> None:
    builder = FlowBuilder(load_hints(), engine="html")
    rows = [[SpanCell("部门"), SpanCell("办件数")], [SpanCell("区民政局"), SpanCell("60")]]
    for text in ("一、办件情况", "附件1", "9月办件情况"):
        builder.add_text(text, Source(1))
    first = builder.add_table(rows, [])
    second = builder.add_table(rows, [])
    assert first is not None and second is not None
    assert (first.caption, second.caption) == (["附件1", "9月办件情况"], [])
    assert builder.add_table([[SpanCell("单位"), SpanCell("地址")]], []) is None
    assert builder.positions == [3, 3]


def test_page_cut_off_inside_a_table(tmp_path: Path) -> None:
    lines = SEP_HTML.read_text(encoding="utf-8").split("\n")
    cut = "\n".join(lines[:110]) + "\n<tr><td>玉泉街道便民"
    with pytest.raises(UnreadableHtml) as err:
        read_page(tmp_path, cut, name="cut.html")
    opened = line_of(SEP_HTML, '<th colspan="2">便民服务中心</th>') - 1
    assert str(err.value) == (
        f"cut.html: the page is cut off inside a table (the table opened on line {opened} "
        "never ends); download the page again"
    )


def test_unclosed_table_in_a_complete_page_is_read(tmp_path: Path) -> None:
    html = page("<!-- <table> in a comment --><script>var s = '<table>';</script>" + NUMBERS[:-8])
    assert read_page(tmp_path, html).tables[0].row_cells(1)[1].text == "60"


def test_page_without_a_table(tmp_path: Path) -> None:
    doc = read_page(tmp_path, page("<p>附件:9月办件情况.doc</p>"), name="notice.html")
    assert doc.tables == [] and "附件:9月办件情况.doc" in [b.text for b in doc.blocks]


def test_blank_page(tmp_path: Path) -> None:
    path = tmp_path / "blank.html"
    path.write_bytes(b"  \n")
    with pytest.raises(EmptyFile) as err:
        read_html(path, "blank.html")
    assert str(err.value) == "blank.html: the file is empty"


def test_the_2020_12_page_reads_its_date_line(tmp_path: Path) -> None:
    doc = read_document(DEC_HTML, DEC_HTML.name)
    assert [b.text for b in doc.blocks[:2]] == [
        "西区12月政务服务工作通报",
        "攀枝花市西区行政审批局 2021年1月13日",
    ]


def test_source_line_breaks_inside_chinese_text_are_no_spaces(tmp_path: Path) -> None:
    # Word's "save as HTML" wraps long lines anywhere, also between two Chinese characters.
    html = page(
        "<p class=MsoNormal>9月,政务服务大厅各窗口\n共受理13907件,办结\n13907件。</p>"
        "<table><tr><td>部门</td><td>大厅窗口<br>\n办件数</td></tr>"
        "<tr><td><span>区民政</span>\n<span>局</span></td><td>60</td></tr></table>"
    )
    doc = read_page(tmp_path, html)
    assert [b.text for b in doc.blocks] == ["9月,政务服务大厅各窗口共受理13907件,办结 13907件。"]
    assert [c.text for c in doc.tables[0].cells] == ["部门", "大厅窗口 办件数", "区民政局", "60"]


def test_site_footer_dropped_article_footer_kept(tmp_path: Path) -> None:
    html = page(
        "<nav><a href='/'>首页</a></nav><div id='breadcrumb'>当前位置:首页 > 政务公开</div>"
        f"<article><p>12月办件情况</p>{NUMBERS}"
        "<footer>攀枝花市西区行政审批局 2021年1月13日</footer></article>"
        "<footer>版权所有:攀枝花市西区人民政府</footer><aside>热点专题</aside>"
    )
    doc = read_page(tmp_path, html)
    assert [b.text for b in doc.blocks] == [
        "12月办件情况",
        "攀枝花市西区行政审批局 2021年1月13日",
    ]
