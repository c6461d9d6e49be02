"""Family tables in normalisation: values with units, marks and no-data words; rank
columns printed first; 其中 rows; totals printed above their rows; the kind of a
department table; cells that are not numbers, or print another column's unit."""

from __future__ import annotations

import pytest

from extract.hints import load_hints
from extract.text import parse_text
from normalize.bulletin import Bulletin, normalize_document
from normalize.catalog import Catalog
from normalize.columns import column_unit, metric_for
from normalize.tables import table_facts
from normalize.values import Value, parse_value


def bulletin_of(lines: list[str], catalog: Catalog) -> Bulletin:
    doc = parse_text("\n".join(lines), "t.txt", "utf-8", load_hints())
    return normalize_document(doc, catalog, "t.txt")


@pytest.mark.parametrize(
    ("raw", "value", "percent", "unit", "signed"),
    [
        ("1,234件", 1234.0, False, "count", False),
        ("3.2万件", 32000.0, False, "count", False),
        ("2.9万次", 29000.0, False, "count", False),  # not 29000.000000000004
        ("1.23亿", 123000000.0, False, None, False),
        ("1.6天", 1.6, False, "days", False),
        ("３个工作日", 3.0, False, "days", False),
        ("98.5分", 98.5, False, "score", False),
        ("35210件次", 35210.0, False, "count", False),
        ("1.2万人次", 12000.0, False, "count", False),
        ("-0.4个百分点", -0.4, False, "points", True),
        ("↑3.2%", 3.2, True, None, True),
        ("↓1.47％", -1.47, True, None, True),
        ("▼12", -12.0, False, None, True),
        ("+3.20%", 3.2, True, None, True),
        ("\u22121.47%", -1.47, True, None, True),  # the minus sign word processors print
        ("\u22121.5万", -15000.0, False, None, True),
    ],
)
def test_numbers_with_units_multipliers_and_marks(
    raw: str, value: float, percent: bool, unit: str | None, signed: bool
) -> None:
    assert parse_value(raw) == Value(value, percent, None, unit=unit, signed=signed)


@pytest.mark.parametrize("raw", ["↓-1.47%", "↑-2%", "▼+12"])
def test_a_change_mark_and_a_sign_together_are_no_number(raw: str) -> None:
    # two signs: no telling which the table meant; kept as printed, flagged, no value
    parsed = parse_value(raw)
    assert (parsed.value, parsed.ok) == (None, False)


@pytest.mark.parametrize(
    "raw", ["不涉及", "未统计", "待统计", "暂无", "—", "/", "无", "暫無數據", ""]
)
def test_no_data_words_are_no_value_never_zero(raw: str) -> None:
    assert parse_value(raw) == Value(None, False, None)


def test_a_number_with_a_unit_and_a_note() -> None:
    assert parse_value("1,234件（含线上）") == Value(1234.0, False, "含线上", unit="count")


def test_text_is_not_a_number() -> None:
    assert parse_value("见说明") == Value(None, False, None, ok=False)


@pytest.mark.parametrize(
    ("header", "raws", "unit"),
    [
        ("用时", ["1.6天", "2.1天"], "days"),
        ("考评", ["98分", "96.5分"], "score"),
        ("变化", ["↑12", "↓3"], "count_change"),
        ("变化", ["↑1.2%", "↓0.3%"], "percent_change"),
        ("件数", ["1,234件", "3.2万件"], "count"),
        ("用时", ["1.6天", "2件"], "count"),  # units that disagree say nothing
        ("排名变化", ["↑2", "↓1", "0"], "count_change"),  # a change of rank, not a rank
        ("排名升降", ["+3", "-1"], "count_change"),
        ("环比", ["0.4个百分点", "-1.2个百分点"], "point_change"),
        ("变动", ["0.4个百分点"], "point_change"),
    ],
)
def test_a_column_takes_its_unit_from_the_units_its_cells_print(
    header: str, raws: list[str], unit: str, catalog: Catalog
) -> None:
    assert column_unit(header, [(r, parse_value(r)) for r in raws], catalog) == unit


def test_a_rank_column_printed_first_is_ranks_and_the_next_column_names_the_row(
    catalog: Catalog,
) -> None:
    bulletin = bulletin_of(
        [
            "2023年6月政务服务窗口评议",
            "| 名次 | 部门 | 受理 | 满意率 |",
            "| 1 | 区人社局 | 132 | 99.2% |",
            "| 2 | 区医保局 | 91 | 98.9% |",
        ],
        catalog,
    )
    assert [(f.entity_raw, f.metric, f.value, f.unit, f.col) for f in bulletin.facts] == [
        ("区人社局", "名次", 1.0, "rank", 0),
        ("区人社局", "accepted", 132.0, "count", 2),
        ("区人社局", "satisfaction_rate", 99.2, "percent", 3),
        ("区医保局", "名次", 2.0, "rank", 0),
        ("区医保局", "accepted", 91.0, "count", 2),
        ("区医保局", "satisfaction_rate", 98.9, "percent", 3),
    ]
    assert all(not f.needs_review for f in bulletin.facts)


def test_a_numbered_table_keeps_its_row_numbers_out_of_the_facts(catalog: Catalog) -> None:
    bulletin = bulletin_of(
        ["2023年6月", "| 序号 | 部门 | 受理 |", "| 1 | 区人社局 | 132 |", "| 2 | 区医保局 | 91 |"],
        catalog,
    )
    assert [(f.entity_raw, f.metric) for f in bulletin.facts] == [
        ("区人社局", "accepted"),
        ("区医保局", "accepted"),
    ]


def test_part_rows_belong_to_the_row_above_and_are_not_summed(catalog: Catalog) -> None:
    bulletin = bulletin_of(
        [
            "2023年8月市长信箱来信办理情况",
            "| 单位 | 来信数 |",
            "| 城东区 | 320 |",
            "| 其中：网上来信 | 250 |",
            "| 城西区 | 210 |",
            "| 其中, 网上来信 | 150 |",
            "| 全县总计 | 530 |",
        ],
        catalog,
    )
    assert [(f.entity_raw, f.row_role, f.parent_raw, f.row_label) for f in bulletin.facts] == [
        ("城东区", "item", None, "城东区"),
        ("网上来信", "part", "城东区", "其中：网上来信"),
        ("城西区", "item", None, "城西区"),
        ("网上来信", "part", "城西区", "其中, 网上来信"),
        ("全县总计", "total", None, "全县总计"),
    ]
    (check,) = [c for c in bulletin.checks if c.rule == "items_sum_to_total"]
    assert (check.expected, check.actual, check.status) == (530.0, 530.0, "ok")


def test_a_total_printed_above_its_rows_is_checked_against_them(catalog: Catalog) -> None:
    bulletin = bulletin_of(
        [
            "2023年8月12345热线工单情况",
            "| 单位 | 工单数 |",
            "| 全市合计 | 900 |",
            "| 城东区 | 500 |",
            "| 城西区 | 350 |",
        ],
        catalog,
    )
    (check,) = [c for c in bulletin.checks if c.rule == "items_sum_to_total"]
    assert (check.subject, check.expected, check.actual, check.status) == (
        "全市合计 · 工单数",
        900.0,
        850.0,
        "mismatch",
    )


@pytest.mark.parametrize(
    ("lines", "kind"),
    [
        (
            ["2023年9月份办件情况", "| 部门 | 受理件数 | 办结件数 | 办结率 |",
             "| 区人社局 | 1032 | 1030 | 99.81% |", "| 区医保局 | 875 | 875 | 100% |"],
            "hall_windows",
        ),
        (
            ["2023年9月份办件情况", "| 乡镇 | 受理件数 | 办结件数 | 办结率 |",
             "| 青山镇 | 512 | 510 | 99.61% |", "| 白水乡 | 240 | 236 | 98.33% |"],
            "town_centers",
        ),
    ],
)  # fmt: skip
def test_the_name_header_settles_a_tie_between_kinds(
    lines: list[str], kind: str, catalog: Catalog
) -> None:
    assert [t.kind for t in bulletin_of(lines, catalog).tables] == [kind]


def test_a_cell_that_is_not_a_number_or_prints_another_unit_is_flagged(
    catalog: Catalog,
) -> None:
    bulletin = bulletin_of(
        [
            "2023年7月12345热线工单情况",
            "| 单位 | 工单数 | 平均办结时间 |",
            "| 城东区 | 见说明 | 1.6天 |",
            "| 城西区 | 870 | 2件 |",
        ],
        catalog,
    )
    assert [(f.value, f.value_raw, f.unit, f.needs_review) for f in bulletin.facts] == [
        (None, "见说明", "count", True),
        (1.6, "1.6天", "days", False),
        (870.0, "870", "count", False),
        (2.0, "2件", "days", True),
    ]
    where = "table 1 (2023年7月12345热线工单情况)"
    assert f"{where}: line 3: '见说明' is not a number" in bulletin.warnings
    assert f"{where}: line 4: '2件' prints a unit of count in a column of days" in bulletin.warnings


@pytest.mark.parametrize(
    ("ranks", "status", "message"),
    [
        (["1", "2", "2", "4"], "ok", "ranks 1–4; tied 2"),
        (["1", "2", "3", "4"], "ok", "ranks 1–4"),
        (["1", "3", "4", "5"], "mismatch", "ranks 1–5; out of place 3, 4, 5"),
    ],
)
def test_ranks_printed_first_may_tie(
    ranks: list[str], status: str, message: str, catalog: Catalog
) -> None:
    names = ["市住建局", "市人社局", "市医保局", "市税务局"]
    bulletin = bulletin_of(
        ["2023年6月12345热线承办单位排名", "| 排名 | 单位 | 工单数 |"]
        + [f"| {r} | {n} | {100 + k} |" for k, (r, n) in enumerate(zip(ranks, names, strict=True))],
        catalog,
    )
    (check,) = [c for c in bulletin.checks if c.rule == "row_numbers_complete"]
    assert (check.status, check.message) == (status, message)


@pytest.mark.parametrize(
    "ranks", [["1", "2", "2", "4"], ["1", "2", "2", "3"], ["1", "1", "3", "4"]]
)
def test_tied_ranks_leave_the_table_unflagged(ranks: list[str], catalog: Catalog) -> None:
    names = ["市住建局", "市人社局", "市医保局", "市税务局"]
    lines = ["2023年6月12345热线承办单位排名", "| 排名 | 单位 | 工单数 |"]
    lines += [
        f"| {r} | {n} | {100 + k} |" for k, (r, n) in enumerate(zip(ranks, names, strict=True))
    ]
    bulletin = bulletin_of(lines, catalog)
    assert [(f.entity_raw, f.metric, f.value, f.needs_review) for f in bulletin.facts][-2:] == [
        ("市税务局", "rank", float(ranks[3]), False),
        ("市税务局", "tickets", 103.0, False),
    ]
    assert bulletin.tables[0].review is None


def test_a_table_of_measures_by_period_is_read_across(catalog: Catalog) -> None:
    lines = [
        "2023年5月12345热线运行情况",
        "| 指标 | 当月 | 1-5月累计 | 同比 |",
        "| 来电量 | 35210 | 160233 | ↓2.1% |",
        "| 按时办结率 | 97.12% | 96.80% | 0.4% |",
        "| 话务员人数 | 42 | 42 | / |",
    ]
    (table,) = parse_text("\n".join(lines), "t.txt", "utf-8", load_hints()).tables
    warnings: list[str] = []
    info, facts = table_facts(table, catalog, warnings)
    assert (info.kind, info.metrics) == ("hotline", [None, "当月", "1_5月累计", "同比"])
    got = [
        (f.entity_raw, f.row_role, f.row_label, f.metric, f.value, f.unit, f.needs_review)
        for f in facts
    ]
    assert got[:7] == [
        ("12345热线", "total", "来电量", "calls", 35210.0, "count", False),
        ("12345热线", "total", "来电量", "calls_1_5月累计", 160233.0, "count", True),
        ("12345热线", "total", "来电量", "calls_change_yoy", -2.1, "percent_change", False),
        ("12345热线", "total", "按时办结率", "ontime_completion_rate", 97.12, "percent", False),
        ("12345热线", "total", "按时办结率", "ontime_completion_rate_1_5月累计", 96.8, "percent", True),
        (
            "12345热线", "total", "按时办结率", "ontime_completion_rate_change_yoy", 0.4,
            "percent_change", False,
        ),
        ("12345热线", "total", "话务员人数", "话务员人数", 42.0, "count", True),
    ]  # fmt: skip
    assert warnings == [
        "table 1 (2023年5月12345热线运行情况): unknown measure '话务员人数' kept as '话务员人数'"
    ]
    # The quality gate scores value kinds per column and metric: a column holding counts
    # on some rows and rates on others is no misplaced cell, and only the facts flagged
    # above stay flagged.
    bulletin = bulletin_of(lines, catalog)
    assert [f.needs_review for f in bulletin.facts][:7] == [
        False, True, False, False, True, False, True
    ]  # fmt: skip


@pytest.mark.parametrize(
    "lines",
    [
        # rows are units, not measures
        ["2023年5月", "| 单位 | 本月 | 累计 |", "| 城东区 | 35 | 160 |", "| 城西区 | 42 | 170 |"],
        # a value column names a measure: an ordinary table
        ["2023年5月", "| 项目 | 本月 | 办结率 |", "| 来电量 | 35210 | 97% |", "| 工单量 | 21764 | 98% |"],
        # no column of this period
        ["2023年5月", "| 项目 | 上月 | 环比 |", "| 来电量 | 33100 | 6.37% |", "| 工单量 | 20988 | 3.7% |"],
    ],
)  # fmt: skip
def test_other_tables_are_not_read_across(lines: list[str], catalog: Catalog) -> None:
    bulletin = bulletin_of(lines, catalog)
    assert all(f.row_role != "total" or f.entity_raw != "12345热线" for f in bulletin.facts)


def test_a_part_prefix_in_a_cell_of_its_own(catalog: Catalog) -> None:
    bulletin = bulletin_of(
        [
            "2023年8月市长信箱来信办理情况",
            "| 单位 | | 来信数 |",
            "| 城东区 | | 320 |",
            "| 其中: | 网上来信 | 250 |",
            "| 城西区 | | 210 |",
        ],
        catalog,
    )
    assert [(f.entity_raw, f.row_role, f.parent_raw) for f in bulletin.facts] == [
        ("城东区", "item", None),
        ("网上来信", "part", "城东区"),
        ("城西区", "item", None),
    ]


@pytest.mark.parametrize(
    ("kind", "label", "key"),
    [
        ("hall_windows", "受理件数", "accepted"),  # the unit before 数
        ("hall_windows", "办结件数(件)", "completed"),
        ("hotline", "来电个数", "calls"),
        ("hotline", "本月工单数", "tickets"),  # this period's word first
        ("hall_windows", "当月受理件数", "accepted"),
        ("hotline", "累计工单数", None),  # another period: not this metric
        ("hotline", "本月", None),
        ("hall_windows", "件数", None),
    ],
)
def test_header_labels_with_a_unit_or_this_period_first(
    kind: str, label: str, key: str | None, catalog: Catalog
) -> None:
    known = metric_for(catalog, kind, label)
    assert (known.key if known is not None else None) == key


def test_no_change_in_a_table_read_across_is_zero_only_as_a_change(catalog: Catalog) -> None:
    lines = [
        "2023年5月12345热线运行情况",
        "| 指标 | 当月 | 同比 | 环比 |",
        "| 来电量 | 35210 | 持平 | ↓2.1% |",
        "| 按时办结率 | 持平 | 持平 | 0.4个百分点 |",
    ]
    (table,) = parse_text("\n".join(lines), "t.txt", "utf-8", load_hints()).tables
    _, facts = table_facts(table, catalog, [])
    assert [(f.metric, f.value, f.value_raw, f.unit, f.needs_review) for f in facts] == [
        ("calls", 35210.0, "35210", "count", False),
        ("calls_change_yoy", 0.0, "持平", "percent_change", False),
        ("calls_change_mom", -2.1, "↓2.1%", "percent_change", False),
        ("ontime_completion_rate", None, "持平", "percent", True),  # no change of what?
        ("ontime_completion_rate_change_yoy", 0.0, "持平", "percent_change", False),
        ("ontime_completion_rate_change_mom", 0.4, "0.4个百分点", "point_change", False),
    ]
