"""Header spans of text tables inferred from the structure: rows on lines, padding,
repeated sub-headers, shared words; a guess is reported, never silent."""

from __future__ import annotations

from extract.document import Table
from extract.hints import load_hints
from extract.reader import read_document
from extract.text import parse_text
from normalize.bulletin import normalize_document
from normalize.catalog import Catalog
from tests.helpers import SEP, tables_of

TWO_ROWS = [
    "序号",
    "单位",
    "案件总数",
    "热线",
    "网络留言",
    "合计",
    "已办结",
    "逾期办结",
    "未办结",
    "已办结",
    "逾期办结",
    "未办结",
]
BODY = ["1", "城东区", "120", "50", "2", "8", "55", "1", "4"]


def spans(table: Table, row: int) -> list[tuple[str, int, int, int]]:
    return [(c.text, c.col, c.rowspan, c.colspan) for c in table.row_cells(row)]


def test_group_widths_from_repeated_sub_headers_one_cell_a_line() -> None:
    text = "\n".join(f"{cell} |" for cell in TWO_ROWS + BODY)
    table = tables_of(text)[0]
    assert table.header_rows == 2
    assert spans(table, 0) == [
        ("序号", 0, 2, 1),
        ("单位", 1, 2, 1),
        ("案件总数", 2, 1, 1),
        ("热线", 3, 1, 3),
        ("网络留言", 6, 1, 3),
    ]
    assert [c.text for c in table.row_cells(1)] == TWO_ROWS[5:]
    assert table.guessed_cols == [] and table.warnings == []


def test_three_header_rows_written_one_to_a_line() -> None:
    text = "\n".join(
        [
            "| 序号 | 单位 | 案件总数 | 办理情况 |",
            "| 热线 | 网络留言 |",
            "| 已办结 | 逾期办结 | 未办结 | 已办结 | 逾期办结 | 未办结 |",
            "| 1 | 城东区 | 120 | 50 | 2 | 8 | 55 | 1 | 4 |",
        ]
    )
    table = tables_of(text)[0]
    assert table.header_rows == 3
    assert spans(table, 0) == [
        ("序号", 0, 3, 1),
        ("单位", 1, 3, 1),
        ("案件总数", 2, 3, 1),
        ("办理情况", 3, 1, 6),
    ]
    assert spans(table, 1) == [("热线", 3, 1, 3), ("网络留言", 6, 1, 3)]
    assert [c.text for c in table.row_cells(3)] == BODY


def test_shared_words_fix_both_boundaries_without_a_guess() -> None:
    text = "\n".join(
        [
            "| 单位 | 受理情况 | 办结情况 |",
            "| 受理数 | 受理率 | 办结数 | 按时办结率 | 满意率 |",
            "| 城东区 | 10 | 100% | 9 | 90% | 99% |",
        ]
    )
    table = tables_of(text)[0]
    # 满意率 shares no word with either group: it may belong to 办结情况 only (the last group).
    assert spans(table, 0)[1:] == [("受理情况", 1, 1, 2), ("办结情况", 3, 1, 3)]
    assert table.guessed_cols == []


def test_annex1_spans_come_from_the_structure_and_no_fact_is_flagged(catalog: Catalog) -> None:
    assert "header_groups" not in (
        (SEP.parents[1] / "extract" / "data" / "layout.yaml").read_text(encoding="utf-8")
    )
    doc = read_document(SEP)
    annex1 = doc.tables[0]
    assert spans(annex1, 0)[2:] == [("事项梳理", 2, 1, 7), ("运行效能", 9, 1, 10)]
    # 新增超时件 … 累计主动评价率 could sit under either group: said so, by name.
    assert annex1.guessed_cols == list(range(9, 18))
    assert "新增超时件, 累计超时件" in annex1.warnings[0]
    bulletin = normalize_document(doc, catalog, SEP.name)
    # Each of those leaf labels alone names its metric, so no fact's meaning is a guess.
    assert not any(f.needs_review for f in bulletin.facts)
    assert bulletin.tables[0].review is None


def test_an_unknown_leaf_under_a_guessed_group_needs_review(catalog: Catalog) -> None:
    text = "\n".join(
        [
            "2023年5月各区办件统计",
            "| 单位 | 甲类 | 乙类 |",
            "| 线上 | 线下 | 自助 | 窗口 |",
            "| 城东区 | 1 | 2 | 3 | 4 |",
        ]
    )
    doc = parse_text(text, "g.txt", "utf-8", load_hints())
    bulletin = normalize_document(doc, catalog, "g.txt")
    assert [(f.header, f.value, f.needs_review) for f in bulletin.facts] == [
        ("甲类/线上", 1.0, True),
        ("甲类/线下", 2.0, True),
        ("乙类/自助", 3.0, True),
        ("乙类/窗口", 4.0, True),
    ]
    assert bulletin.tables[0].review == (
        "header guessed for 甲类/线上, 甲类/线下, 乙类/自助, 乙类/窗口"
    )


def test_three_header_rows_one_cell_a_line() -> None:
    labels = ["序号", "单位", "案件总数", "办理情况", "热线", "网络留言", *TWO_ROWS[6:]]
    table = tables_of("\n".join(f"{cell} |" for cell in labels + BODY))[0]
    assert table.header_rows == 3
    assert spans(table, 0)[2:] == [("案件总数", 2, 3, 1), ("办理情况", 3, 1, 6)]
    assert spans(table, 1) == [("热线", 3, 1, 3), ("网络留言", 6, 1, 3)]
    assert table.guessed_cols == []


def test_a_measure_beside_a_group_spans_both_rows() -> None:
    labels = ["单位", "受理数", "办结情况", "按时办结数", "超期办结数"]
    table = tables_of("\n".join(f"{cell} |" for cell in [*labels, "城东区", "9", "7", "2"]))[0]
    assert spans(table, 0) == [("单位", 0, 2, 1), ("受理数", 1, 2, 1), ("办结情况", 2, 1, 2)]
    assert [c.text for c in table.row_cells(1)] == ["按时办结数", "超期办结数"]


def test_blank_line_cells_with_an_unknown_name_header_and_a_title_line() -> None:
    cells = ["2023年5月各地市工单办理情况通报", "地市", "工单数", "办结率", "甲市", "120", "99%"]
    cells += ["乙市", "80", "98.5%"]
    doc = parse_text("\n\n".join(cells), "b.txt", "utf-8", load_hints())
    assert [b.text for b in doc.blocks] == ["2023年5月各地市工单办理情况通报"]
    table = doc.tables[0]
    assert [[c.text for c in table.row_cells(r)] for r in range(3)] == [
        ["地市", "工单数", "办结率"],
        ["甲市", "120", "99%"],
        ["乙市", "80", "98.5%"],
    ]


def test_title_with_padding_one_cell_a_line_is_the_caption() -> None:
    lines = ["各区工单情况 |", "|||", "单位 |", "工单数 |", "得分 |", "城东区 |", "12 |", "9.5 |"]
    table = tables_of("\n".join(lines))[0]
    assert table.caption == ["各区工单情况"]
    assert [c.text for c in table.row_cells(0)] == ["单位", "工单数", "得分"]


def test_metadata_cells_with_their_colon_are_prose() -> None:
    text = "\n".join(
        [
            "| 索引号：11320700/2023-00123 | 发布机构：某市12345中心 |",
            "| 单位 | 工单数 |",
            "| 城东区 | 12 |",
        ]
    )
    doc = parse_text(text, "m.txt", "utf-8", load_hints())
    assert [b.text for b in doc.blocks] == [
        "索引号: 11320700/2023-00123",
        "发布机构: 某市12345中心",
    ]
    assert [c.text for c in doc.tables[0].row_cells(1)] == ["城东区", "12"]


def test_first_column_spanning_all_rows_beside_two_breakdowns() -> None:
    text = "\n".join(
        [
            "| 受理总量 | 诉求来源 | 数量 | 占比 | 工单类型 | 数量 | 占比 |",
            "| 21406 | 电话 | 15210 | 71.06% | 咨询 | 9630 | 44.99% |",
            "| 网络 | 4988 | 23.30% | 投诉 | 7012 | 32.76% |",
        ]
    )
    doc = parse_text(text, "s.txt", "utf-8", load_hints())
    assert [b.text for b in doc.blocks] == ["受理总量 21406"]
    assert [[[c.text for c in t.row_cells(r)] for r in range(t.n_rows)] for t in doc.tables] == [
        [["诉求来源", "数量", "占比"], ["电话", "15210", "71.06%"], ["网络", "4988", "23.30%"]],
        [["工单类型", "数量", "占比"], ["咨询", "9630", "44.99%"], ["投诉", "7012", "32.76%"]],
    ]
