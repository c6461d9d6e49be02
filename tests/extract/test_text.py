"""The text readers: grids, spans and source lines of both sample layouts, and variants."""

from __future__ import annotations

import random

import pytest

from extract.document import Table
from extract.hints import load_hints
from extract.reader import read_document
from extract.text import parse_text
from tests.helpers import DEC, SEP, body_row_lines, tables_of


def spans(table: Table, row: int) -> list[tuple[str, int, int, int]]:
    """(text, col, rowspan, colspan) of the cells that start in a row."""
    return [(c.text, c.col, c.rowspan, c.colspan) for c in table.row_cells(row)]


def column(table: Table, col: int) -> list[str | None]:
    """Texts down one body column (the covering cell's text where a span covers it)."""
    grid = table.grid()
    return [
        grid[r][col].text if grid[r][col] else None for r in range(table.header_rows, table.n_rows)
    ]


@pytest.fixture(scope="module")
def sep_tables() -> list[Table]:
    return read_document(SEP).tables


@pytest.fixture(scope="module")
def dec_tables() -> list[Table]:
    return read_document(DEC).tables


def test_pipe_layout_finds_three_annex_tables(sep_tables: list[Table]) -> None:
    assert [t.caption[0] for t in sep_tables] == ["附件1", "附件2", "附件3"]
    assert [(t.n_rows, t.n_cols, t.header_rows, t.stub_cols) for t in sep_tables] == [
        (40, 19, 2, 2),
        (22, 4, 1, 2),
        (40, 6, 1, 2),
    ]


def test_annex1_two_row_header_spans(sep_tables: list[Table]) -> None:
    t = sep_tables[0]
    assert spans(t, 0) == [
        ("序号", 0, 2, 1),
        ("部门", 1, 2, 1),
        ("事项梳理", 2, 1, 7),
        ("运行效能", 9, 1, 10),
    ]
    leaves = [c.text for c in t.row_cells(1)]
    assert leaves[:7] == [
        "已认领",
        "待认领",
        "认领率",
        "已发布",
        "发布率",
        "办事指南准确率",
        "梳理 完成率",
    ]
    assert leaves[-1] == "办件覆盖率" and len(leaves) == 17
    assert [c.text for c in t.row_cells(2)] == [
        "1", "区委办公室(区档案局)", "18", "0", "100.00%", "18", "100.00%", "100.00%",
        "100.00%", "0", "0", "0.00%", "0", "0", "0", "0", "-", "-", "100.00%",
    ]  # fmt: skip
    assert column(t, 1)[-1] == "清香坪街道"
    assert column(t, 0) == [str(i) for i in range(1, 39)]


def test_annex2_total_spans_number_and_name(sep_tables: list[Table]) -> None:
    t = sep_tables[1]
    assert spans(t, 0) == [
        ("序号", 0, 1, 1),
        ("部门", 1, 1, 1),
        ("大厅窗口 办件数", 2, 1, 1),
        ("备注", 3, 1, 1),
    ]
    assert spans(t, t.n_rows - 1) == [("总计", 0, 1, 2), ("13907", 2, 1, 1), ("", 3, 1, 1)]
    assert column(t, 2)[:3] == ["4406", "195", "232"]


def test_annex3_towns_span_their_centres(sep_tables: list[Table]) -> None:
    t = sep_tables[2]
    assert spans(t, 0)[0] == ("便民服务中心", 0, 1, 2)
    towns = [(c.text, c.row, c.rowspan) for c in t.cells if c.col == 0 and c.row > 0]
    assert towns == [
        ("格里坪镇", 1, 10),
        ("玉泉 街道", 11, 6),
        ("河门口街道", 17, 4),
        ("陶家渡街道", 21, 6),
        ("大宝鼎街道", 27, 4),
        ("清香坪街道", 31, 8),
        ("总计", 39, 1),
    ]
    assert spans(t, 39) == [
        ("总计", 0, 1, 2),
        ("5331", 2, 1, 1),
        ("4904", 3, 1, 1),
        ("4904", 4, 1, 1),
        ("4904", 5, 1, 1),
    ]
    assert spans(t, 10) == [
        ("小计", 1, 1, 1),
        ("1493", 2, 1, 1),
        ("1214", 3, 1, 1),
        ("1214", 4, 1, 1),
        ("1214", 5, 1, 1),
    ]
    assert column(t, 1)[0] == "格里坪镇便民服务中心心心心"


def test_cells_keep_their_source_lines(sep_tables: list[Table]) -> None:
    t = sep_tables[1]
    total = {c.text: c.source.line_start for c in t.row_cells(t.n_rows - 1)}
    lines = SEP.read_text(encoding="utf-8").split("\n")
    assert lines[total["13907"] - 1] == "13907 |"
    assert lines[total["总计"] - 1] == "总计 |"


def test_tab_layout_table_with_a_row_broken_by_a_blank_line(dec_tables: list[Table]) -> None:
    (t,) = dec_tables
    assert (t.n_rows, t.n_cols, t.header_rows, t.stub_cols) == (22, 6, 1, 2)
    assert [c.text for c in t.row_cells(7)] == ["7", "区市场监管局", "228", "228", "203", "100%"]
    assert [c.text for c in t.row_cells(1)] == [
        "1", "市公交公司", "6459（数据来源于窗口统计）", "6459（数据来源于窗口统计）", "暂无数据", "暂无数据",
    ]  # fmt: skip
    assert column(t, 1)[-1] == "区发展改革局"


def test_page_footer_and_site_footer_are_not_prose() -> None:
    dec = read_document(DEC)
    sep = read_document(SEP)
    assert "- 7 -" not in [b.text for b in dec.blocks]
    assert not [b for b in sep.blocks if b.text.startswith(("主办", "承办", "网站维护"))]
    assert sep.blocks[0].text == "一、办件情况"


def test_text_without_table_is_prose() -> None:
    doc = parse_text("一、办件情况\n9月,受理100件。\n", "plain.txt", "utf-8", load_hints())
    assert [b.text for b in doc.blocks] == ["一、办件情况", "9月,受理100件。"]
    assert doc.tables == [] and doc.table_positions == []


# --- variants: no positions are hard-coded -------------------------------------------------


def shuffled_rows(text: str, table_no: int, seed: int) -> str:
    """Swap the body rows of one pipe table (by their line blocks)."""
    lines = text.split("\n")
    table = tables_of(text)[table_no]
    blocks = body_row_lines(table)
    head, tail = blocks[0][0] - 1, blocks[-1][1]
    rows = [lines[a - 1 : b] for a, b in blocks]
    last = rows.pop()  # keep the total row last
    random.Random(seed).shuffle(rows)
    return "\n".join(lines[:head] + [x for r in rows for x in r] + last + lines[tail:])


def body_texts(t: Table) -> list[tuple[str, ...]]:
    return sorted(tuple(c.text for c in t.row_cells(r)) for r in range(t.header_rows, t.n_rows))


def test_rows_shuffled_parse_to_the_same_rows() -> None:
    text = SEP.read_text(encoding="utf-8")
    for table_no in (0, 1):
        original = tables_of(text)[table_no]
        variant = tables_of(shuffled_rows(text, table_no, seed=7))[table_no]
        assert variant.n_cols == original.n_cols
        assert body_texts(variant) == body_texts(original)


def test_row_removed_and_row_added() -> None:
    text = SEP.read_text(encoding="utf-8")
    lines = text.split("\n")
    annex2 = tables_of(text)[1]
    a, b = body_row_lines(annex2)[4]  # 5 | 市自然资源和规划局西区分局 | 15 | |
    removed = "\n".join(lines[: a - 1] + lines[b:])
    t = tables_of(removed)[1]
    assert t.n_rows == annex2.n_rows - 1 and t.n_cols == 4
    assert "市自然资源和规划局西区分局" not in column(t, 1)
    added = "\n".join([*lines[:b], "21 |", "区新设局 |", "77 |", "|", *lines[b:]])
    t = tables_of(added)[1]
    assert t.n_rows == annex2.n_rows + 1
    assert [c.text for c in t.row_cells(6)] == ["21", "区新设局", "77", ""]


def drop_column(text: str, table_no: int, col: int, pads: int = 0) -> str:
    """Delete every cell of one column (one cell a line), and ``pads`` padding cells."""
    lines = text.split("\n")
    table = tables_of(text)[table_no]
    doomed = {
        c.source.line_start
        for c in table.cells
        if c.col == col and c.rowspan == 1 and c.colspan == 1
    }
    out = [line for n, line in enumerate(lines, 1) if n not in doomed]
    if pads:
        pad_line = next(n for n, line in enumerate(out) if set(line) == {"|"} and len(line) > pads)
        out[pad_line] = out[pad_line][pads:]
    return "\n".join(out)


def test_column_dropped_still_parses() -> None:
    text = SEP.read_text(encoding="utf-8")
    # 附件3 without 咨询(件)
    t = tables_of(drop_column(text, 2, col=2))[2]
    assert t.n_cols == 5
    assert [c.text for c in t.row_cells(0)] == ["便民服务中心", "申请(件)", "受理(件)", "办结(件)"]
    assert spans(t, 39)[0] == ("总计", 0, 1, 2)
    assert [c.text for c in t.row_cells(1)] == [
        "格里坪镇",
        "格里坪镇便民服务中心心心心",
        "960",
        "960",
        "960",
    ]
    # 附件1 without 待认领 (the group header above it is one column narrower)
    t = tables_of(drop_column(text, 0, col=3, pads=1))[0]
    assert t.n_cols == 18
    assert spans(t, 0)[2:] == [("事项梳理", 2, 1, 6), ("运行效能", 8, 1, 10)]
    assert [c.text for c in t.row_cells(2)][:4] == ["1", "区委办公室(区档案局)", "18", "100.00%"]
    # 附件2 without its row numbers
    t = tables_of(drop_column(text, 1, col=0))[1]
    assert t.n_cols == 3 and t.stub_cols == 1
    assert [c.text for c in t.row_cells(1)] == ["市公交公司(市级下沉窗口)", "4406", ""]
    assert spans(t, t.n_rows - 1) == [("总计", 0, 1, 1), ("13907", 1, 1, 1), ("", 2, 1, 1)]


def test_tab_layout_variants() -> None:
    text = DEC.read_text(encoding="utf-8")
    without = drop_column(text, 0, col=4)  # 系统评价数
    t = tables_of(without)[0]
    assert t.n_cols == 5
    assert [c.text for c in t.row_cells(7)] == ["7", "区市场监管局", "228", "228", "100%"]
    blocks = text.split("\n\n")
    header_block = next(i for i, b in enumerate(blocks) if "\t序号" in b)
    rows = blocks[header_block + 1 : header_block + 6]
    swapped = blocks[: header_block + 1] + rows[::-1] + blocks[header_block + 6 :]
    t = tables_of("\n\n".join(swapped))[0]
    assert [c.text for c in t.row_cells(1)][:2] == ["5", "市住房公积金中心西区管理部"]
    assert t.n_rows == 22


def test_markdown_rows_with_title_row_and_side_by_side_records() -> None:
    text = "\n".join(
        [
            "| 2022年2月份工单办理情况 | ||||||| |",
            "| 单位 | 总工单数 | 得分 | 排名 | 单位 | 总工单数 | 得分 | 排名 |",
            "| 贛榆區 | 120 | 98.50 | 1 | 海州区 | 100 | 97.00 | 2 |",
            "| 连云区 | 80 | 95.00 | 3 | | | | |",
        ]
    )
    (t,) = tables_of(text)
    assert t.caption[-1] == "2022年2月份工单办理情况"
    assert [c.text for c in t.row_cells(0)] == ["单位", "总工单数", "得分", "排名"]
    assert [[c.text for c in t.row_cells(r)] for r in range(1, t.n_rows)] == [
        ["贛榆區", "120", "98.50", "1"],
        ["海州区", "100", "97.00", "2"],
        ["连云区", "80", "95.00", "3"],
    ]
