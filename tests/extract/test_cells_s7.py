"""What a value cell prints around its number (extract/data/cells.yaml), and the text
layouts of the wider family: ruled lines, forum jammers, full-width pipes, doubled tabs
and columns aligned with spaces."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.cells import CellWordsError, load_cell_words
from extract.hints import load_hints
from extract.layout import INDEX, TEXT, VALUE, cell_kind
from extract.tab_rows import tab_cells
from extract.text import parse_text
from extract.text_lines import JUNK, PIPE, PROSE, RULE, line_kind, narrow_pipes
from extract.text_spaced import is_spaced_row, spaced_rows

HINTS = load_hints()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("1,234件", VALUE),
        ("3.2万件", VALUE),
        ("1.6天", VALUE),
        ("1020人次", VALUE),
        ("↑3.2%", VALUE),
        ("↓1.47%", VALUE),
        ("98.5分", VALUE),
        ("0.4个百分点", VALUE),
        ("35210件次", VALUE),
        ("6459（数据来源于窗口统计）", VALUE),
        ("1,234件（含线上）", VALUE),
        ("不涉及", VALUE),  # a no-data word is a value cell, not a row name
        ("未统计", VALUE),
        ("12", INDEX),
        ("3号窗口", TEXT),
        ("12345热线", TEXT),
        ("2023年", TEXT),
        ("其中：网上来信", TEXT),
    ],
)
def test_cell_kinds_with_units_marks_and_no_data_words(text: str, kind: str) -> None:
    assert cell_kind(text, HINTS) == kind


def test_the_number_pattern_names_its_parts() -> None:
    words = load_cell_words()
    match = words.number.match("↓2.9万次")
    assert match is not None
    assert (match["mark"], match["num"], match["mult"], match["unit"], match["pct"]) == (
        "↓",
        "2.9",
        "万",
        "次",
        None,
    )
    assert words.number.match("1.6天天") is None
    assert words.part_prefixes == ("其中", "内含")


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("value_units: {件: count}\nextra: 1\n", "unknown keys ['extra']"),
        ("value_units: {件: pieces}\n", "value_units: '件' has unit 'pieces'"),
        ("multipliers: {万: 1.5}\n", "multipliers: '万' needs a whole factor above 1"),
        ("change_marks: {↑: 2}\n", "change_marks: '↑' must be 1 or -1"),
        ("part_prefixes: 其中\n", "'part_prefixes' must be a list of words"),
        ("- 件\n", "expected a mapping at the top level"),
    ],
)
def test_a_bad_cell_words_file_is_refused_with_its_problem(
    tmp_path: Path, body: str, problem: str
) -> None:
    path = tmp_path / "cells.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(CellWordsError) as caught:
        load_cell_words(path)
    assert str(caught.value).startswith(f"{path}: {problem}")


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("|:---|---:|---:|", RULE),
        ("| --- | --- |", RULE),
        ("+------+-------+", RULE),
        ("├──────┼──────┤", RULE),
        ('3 t& k+ Y2 V" l', JUNK),
        ("9 c6 F# X$ J; H", JUNK),
        ("x7Kq2LmZ", JUNK),
        ("—— |", PIPE),  # a no-data cell, not a rule
        ("N/A", PROSE),
        ("http://www.example.gov.cn/art/2023/6/1/art_1.html", PROSE),
        ("a b c d", PROSE),
    ],
)
def test_ruled_and_jammer_lines(line: str, kind: str) -> None:
    assert line_kind(line, HINTS) == kind


def test_full_width_and_box_pipes_are_pipes_only_where_they_fence_cells() -> None:
    assert narrow_pipes("｜部门｜受理件数｜") == "|部门|受理件数|"
    assert narrow_pipes("│ 城东区 │ 37 │") == "| 城东区 | 37 |"
    assert narrow_pipes("首页｜通知公告") == "首页｜通知公告"


def test_tabs_doubled_unevenly_are_one_separator() -> None:
    rows = [(1, "序号\t部门\t受理数"), (2, "1\t县公安局\t\t420"), (3, "2\t县市场监管局\t315")]
    assert tab_cells(rows) == [
        (1, ["序号", "部门", "受理数"]),
        (2, ["1", "县公安局", "420"]),
        (3, ["2", "县市场监管局", "315"]),
    ]


def test_tabs_doubled_evenly_keep_a_true_empty_cell() -> None:
    rows = [
        (1, "单位\t\t受理数\t\t办结数"),
        (2, "县公安局\t\t\t\t418"),
        (3, "县医保局\t\t208\t\t207"),
    ]
    assert tab_cells(rows) == [
        (1, ["单位", "受理数", "办结数"]),
        (2, ["县公安局", "", "418"]),
        (3, ["县医保局", "208", "207"]),
    ]


def test_a_spaced_row_needs_three_cells_and_no_sentence() -> None:
    assert is_spaced_row("城东区      1204      98.50%")
    assert is_spaced_row("城东区\u30001204\u300098.50%")
    assert not is_spaced_row("某区行政审批局                    2021年1月13日")
    assert not is_spaced_row("本月受理  1204件，办结  1198件，办结率  99.5%。")
    assert not is_spaced_row("城东区  | 37  | 100%  |")
    assert not is_spaced_row("\t城东区  1204  98.50%")


def test_short_spaced_rows_put_cells_under_the_columns_they_overlap() -> None:
    rows = [
        (1, "单位        工单数    按时办结率    满意率"),
        (2, "城东区      1204      98.50%        96.20%"),
        (3, "高新区       402                    94.00%"),
        (4, "合计        2479      98.71%"),
    ]
    assert spaced_rows(rows) == [
        (1, ["单位", "工单数", "按时办结率", "满意率"]),
        (2, ["城东区", "1204", "98.50%", "96.20%"]),
        (3, ["高新区", "402", "", "94.00%"]),
        (4, ["合计", "2479", "98.71%", ""]),
    ]


def test_a_spaced_table_is_read_and_a_lone_spaced_line_is_prose() -> None:
    text = "\n".join(
        [
            "某区行政审批局      2023年7月      第7期",
            "",
            "单位        工单数    满意率",
            "城东区      1204      96.20%",
            "高新区       402",
            "",
            "以上数据来源于12345热线平台。",
        ]
    )
    doc = parse_text(text, "s.txt", "utf-8", HINTS)
    assert [b.text for b in doc.blocks] == [
        "某区行政审批局 2023年7月 第7期",
        "以上数据来源于12345热线平台。",
    ]
    (table,) = doc.tables
    assert [[c.text if c else None for c in row] for row in table.grid()] == [
        ["单位", "工单数", "满意率"],
        ["城东区", "1204", "96.20%"],
        ["高新区", "402", ""],
    ]
    assert doc.format == "text-spaced"


def test_a_markdown_table_keeps_no_rule_anywhere() -> None:
    text = "\n".join(
        [
            "2023年9月工单情况",
            "| 区县 | 工单数 |",
            "|---|---|",
            "| 城东区 | 1520 |",
            "| 城西区 | 1288 |",
        ]
    )
    doc = parse_text(text, "m.txt", "utf-8", HINTS)
    (table,) = doc.tables
    assert [c.text for c in table.row_cells(0)] == ["区县", "工单数"]
    assert table.n_rows == 3
    assert all("---" not in b.text for b in doc.blocks)


def test_forum_junk_is_neither_a_cell_nor_prose() -> None:
    fixtures = Path(__file__).parents[1] / "fixtures" / "family"
    for name in ("table-forum-jammer.txt", "table-forum-repost.txt"):
        doc = parse_text((fixtures / name).read_text(encoding="utf-8"), name, "utf-8", HINTS)
        texts = [b.text for b in doc.blocks] + [c.text for t in doc.tables for c in t.cells]
        assert not any(line_kind(text, HINTS) == JUNK for text in texts), name
        assert all(t.caption != ["x7Kq2LmZ"] for t in doc.tables)
