"""Text layouts of other publishers that are not tables: metadata blocks, notes, junk."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.document import Document
from extract.hints import HintsError, load_hints
from extract.text import parse_text


def parse(lines: list[str]) -> Document:
    return parse_text("\n".join(lines), "t.txt", "utf-8", load_hints())


def test_metadata_block_one_cell_a_line_is_prose() -> None:
    meta = ["索引号 |", "11320700/2023-00123 |", "发布机构 |", "某市12345中心 |"]
    meta += ["发文日期 |", "2023-06-05 |", "点击数 |", "1523 |"]
    table = ["单位 |", "工单数 |", "城东区 |", "12 |", "城西区 |", "9 |"]
    doc = parse([*meta, "2023年5月热线工单情况", *table])
    assert [b.text for b in doc.blocks] == [
        "索引号: 11320700/2023-00123",
        "发布机构: 某市12345中心",
        "发文日期: 2023-06-05",
        "点击数: 1523",
        "2023年5月热线工单情况",
    ]
    assert [[c.text for c in doc.tables[0].row_cells(r)] for r in range(3)] == [
        ["单位", "工单数"],
        ["城东区", "12"],
        ["城西区", "9"],
    ]


def test_a_note_under_a_table_and_junk_between_rows() -> None:
    doc = parse(
        [
            "| 单位 | 工单数 | 满意率 |",
            "| 城东区 | 5 | 96% |",
            "aB3dE5fG",
            "| 城西区 | 4 | 95% |",
            "| 注：满意率为回访满意率，数据来源于市12345热线平台。 | | |",
        ]
    )
    assert [[c.text for c in doc.tables[0].row_cells(r)] for r in range(3)] == [
        ["单位", "工单数", "满意率"],
        ["城东区", "5", "96%"],
        ["城西区", "4", "95%"],
    ]
    assert doc.tables[0].warnings == []
    assert doc.blocks[-1].text == "注：满意率为回访满意率，数据来源于市12345热线平台。"


def test_a_layout_file_with_header_groups_is_refused_with_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "layout.yaml"
    path.write_text("header_groups:\n  事项梳理: [已认领]\n", encoding="utf-8")
    with pytest.raises(HintsError, match="'header_groups' is no longer read: group spans come"):
        load_hints(path)


def test_two_cell_rows_without_outer_pipes() -> None:
    doc = parse(["2023年5月工单", "单位 | 工单数", "城东区 | 12", "城西区 | 9", "", "完。"])
    assert [[c.text for c in doc.tables[0].row_cells(r)] for r in range(3)] == [
        ["单位", "工单数"],
        ["城东区", "12"],
        ["城西区", "9"],
    ]
    assert [b.text for b in doc.blocks] == ["2023年5月工单", "完。"]


def test_a_table_header_holding_one_metadata_word_is_still_a_table() -> None:
    doc = parse(["2023年5月热点诉求", "| 关键词 | 数量 | 占比 |", "| 停车 | 120 | 12.5% |"])
    assert [[c.text for c in doc.tables[0].row_cells(r)] for r in range(2)] == [
        ["关键词", "数量", "占比"],
        ["停车", "120", "12.5%"],
    ]
