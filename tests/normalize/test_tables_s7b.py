"""Family tables, second pass: 持平 in a change column, 全市 alone as a total row, a
department table in a town's bulletin, indented part rows, a title above spaced columns."""

from __future__ import annotations

import pytest

from extract.hints import load_hints
from extract.layout import VALUE, cell_kind
from extract.text import parse_text
from normalize.bulletin import Bulletin, normalize_document
from normalize.catalog import Catalog
from normalize.columns import column_unit
from normalize.name_headers import NameHeadersError, load_name_headers, unknown_kinds
from normalize.quality import value_kind
from normalize.values import parse_value


def bulletin_of(lines: list[str], catalog: Catalog) -> Bulletin:
    doc = parse_text("\n".join(lines), "t.txt", "utf-8", load_hints())
    return normalize_document(doc, catalog, "t.txt")


@pytest.mark.parametrize("raw", ["持平", " 持平 ", "无变化"])
def test_unchanged_is_a_change_of_nil_and_a_value_cell(raw: str) -> None:
    value = parse_value(raw)
    assert (value.value, value.ok, value.unchanged, value.percent) == (0.0, True, True, False)
    assert cell_kind(raw, load_hints()) == VALUE
    assert value_kind(raw) is None  # fits a change in percent or in count alike


def test_unchanged_does_not_decide_a_column_unit(catalog: Catalog) -> None:
    cells = [(r, parse_value(r)) for r in ["持平", "+3", "-2"]]
    assert column_unit("增减", cells, catalog) == "count_change"
    cells = [(r, parse_value(r)) for r in ["持平", "+3.2%"]]
    assert column_unit("同比", cells, catalog) == "percent_change"


def test_unchanged_outside_a_change_column_is_no_value_and_flagged(catalog: Catalog) -> None:
    bulletin = bulletin_of(
        [
            "2023年6月12345热线工单情况",
            "| 单位 | 工单数 | 环比 |",
            "| 城东区 | 持平 | 持平 |",
            "| 城西区 | 870 | -2.5% |",
        ],
        catalog,
    )
    assert [(f.metric, f.value, f.value_raw, f.needs_review) for f in bulletin.facts] == [
        ("tickets", None, "持平", True),
        ("change_mom", 0.0, "持平", False),
        ("tickets", 870.0, "870", False),
        ("change_mom", -2.5, "-2.5%", False),
    ]
    assert any("'持平' is not a number" in w for w in bulletin.warnings)


def test_the_area_named_alone_is_a_total_above_or_below_its_rows(catalog: Catalog) -> None:
    bulletin = bulletin_of(
        [
            "2023年8月12345热线工单情况",
            "| 单位 | 工单数 |",
            "| 全县 | 900 |",
            "| 城东镇 | 500 |",
            "| 全市通办专窗 | 350 |",  # a name that only starts with 全市 is an item
        ],
        catalog,
    )
    assert [(f.entity_raw, f.row_role) for f in bulletin.facts] == [
        ("全县", "total"),
        ("城东镇", "item"),
        ("全市通办专窗", "item"),
    ]
    (check,) = [c for c in bulletin.checks if c.rule == "items_sum_to_total"]
    assert (check.expected, check.actual, check.status) == (900.0, 850.0, "mismatch")


def test_a_short_last_row_named_for_the_area_is_a_total_not_a_cut_row(catalog: Catalog) -> None:
    bulletin = bulletin_of(
        [
            "2023年8月12345热线工单情况",
            "",
            "单位\t工单数\t满意率",
            "城东区\t500\t96%",
            "城西区\t350\t95%",
            "全市\t850",
        ],
        catalog,
    )
    assert [(f.entity_raw, f.row_role, f.value) for f in bulletin.facts][-2:] == [
        ("全市", "total", 850.0),
        ("全市", "total", None),  # 满意率 left blank, as 合计 leaves it
    ]
    assert not any("cut off" in w for w in bulletin.warnings)


@pytest.mark.parametrize(
    ("caption", "names", "kind"),
    [
        ("青山街道2023年9月办件情况", "部门", "hall_windows"),  # a town's own departments
        ("青山街道2023年9月办件情况", "窗口", "hall_windows"),
        ("2023年9月各街道便民服务中心进驻部门办件情况", "部门名称", "hall_windows"),
        ("2023年9月政务服务大厅办件情况", "乡镇", "town_centers"),
        ("2023年9月政务服务大厅办件情况", "街道", "town_centers"),
        ("2023年9月乡镇便民服务中心办件情况", "单位", "town_centers"),  # 单位 says nothing
    ],
)
def test_the_name_header_outweighs_the_caption_when_labels_tie(
    caption: str, names: str, kind: str, catalog: Catalog
) -> None:
    lines = [
        caption,
        f"| {names} | 受理件数 | 办结件数 |",
        "| 甲 | 1032 | 1030 |",
        "| 乙 | 875 | 875 |",
    ]
    assert [t.kind for t in bulletin_of(lines, catalog).tables] == [kind]


def test_name_headers_name_known_kinds_and_are_checked(tmp_path, catalog: Catalog) -> None:
    assert unknown_kinds(load_name_headers(), set(catalog.kinds)) == []
    assert load_name_headers()["hall_windows"] == ("部门", "窗口")
    bad = tmp_path / "name_headers.yaml"
    for text, problem in [
        ("- 部门\n", "expected a mapping"),
        ("Hall: [部门]\n", "lower_snake_case"),
        ("hall_windows: 部门\n", "needs a list"),
        ("hall_windows: [部门, '']\n", "non-empty"),
    ]:
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(NameHeadersError, match=problem):
            load_name_headers(bad)


def roles(lines: list[str], catalog: Catalog) -> list[tuple[str, str, str | None, str]]:
    bulletin = bulletin_of(lines, catalog)
    return [(f.entity_raw, f.row_role, f.parent_raw, f.row_label) for f in bulletin.facts]


def test_a_name_indented_with_full_width_spaces_is_a_part_of_the_row_above(
    catalog: Catalog,
) -> None:
    lines = [
        "2023年8月市长信箱来信办理情况",
        "| 单位 | 来信数 |",
        "| 城东区 | 320 |",
        "|\u3000\u3000网上来信 | 250 |",
        "| 城西区 | 210 |",
        "| 合计 | 530 |",
    ]
    assert roles(lines, catalog) == [
        ("城东区", "item", None, "城东区"),
        ("网上来信", "part", "城东区", "网上来信"),
        ("城西区", "item", None, "城西区"),
        ("合计", "total", None, "合计"),
    ]
    (check,) = [c for c in bulletin_of(lines, catalog).checks if c.rule == "items_sum_to_total"]
    assert (check.expected, check.actual, check.status) == (530.0, 530.0, "ok")


def test_two_spaces_between_tabs_indent_a_part_and_pipe_padding_does_not(
    catalog: Catalog,
) -> None:
    tabs = ["2023年8月来信情况", "", "单位\t来信数", "城东区\t320", "  网上来信\t250"]
    assert [r[1] for r in roles(tabs, catalog)] == ["item", "part"]
    pipes = ["2023年8月来信情况", "| 单位 | 来信数 |", "| 城东区 | 320 |", "|   网上来信 | 250 |"]
    assert [r[1] for r in roles(pipes, catalog)] == ["item", "item"]


@pytest.mark.parametrize(
    "names",
    [
        ["\u3000城东区", "\u3000城西区", "\u3000高新区"],  # every row indented: a layout
        ["城东区", "\u3000网上来信", "\u3000\u3000其他"],  # two depths: a tree, not read
        ["合计", "\u3000城东区", "\u3000城西区"],  # items under their total
        ["城东区", "\u3000合计", "城西区"],  # a total indented
    ],
)
def test_ambiguous_indentation_leaves_the_rows_items(names: list[str], catalog: Catalog) -> None:
    lines = ["2023年8月来信情况", "", "单位\t来信数", *(f"{n}\t{k}" for k, n in enumerate(names))]
    got = roles(lines, catalog)
    assert [r[3] for r in got] == [n.strip() for n in names]
    assert "part" not in [r[1] for r in got]
