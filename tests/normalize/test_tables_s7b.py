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
