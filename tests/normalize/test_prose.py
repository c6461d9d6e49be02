"""Prose figures: what counts as a figure, its scope, label, change and own period."""

from __future__ import annotations

from extract.document import Block, Document
from normalize.catalog import Catalog
from normalize.facts import Period
from normalize.prose import ProseContext, prose_facts

Row = tuple[str, str, str, str, float | None, str, str | None]


def read(catalog: Catalog, *lines: str, period: Period | None = None) -> list[Row]:
    doc = Document("x.txt", "text", "utf-8", [Block(line) for line in lines], [])
    facts, _ = prose_facts(doc, catalog.prose, ProseContext(period))
    return [
        (f.entity_raw, f.row_role, f.metric, f.header, f.value, f.unit, f.period) for f in facts
    ]


def test_dates_document_numbers_ordinals_phones_times_and_years_are_not_figures(
    catalog: Catalog,
) -> None:
    got = read(
        catalog,
        "2021年1月13日,第3次会议通报:依据平政办〔2021〕7号,电话0812-3345678,"
        "9时30分在7×24小时服务区召开,3-5个工作日内回复。12345热线受理100件。",
    )
    assert got == [("12345热线", "total", "accepted", "受理", 100.0, "count", None)]


def test_thresholds_goals_and_bounds_are_not_figures(catalog: Catalog) -> None:
    got = read(
        catalog,
        "本月市长信箱办结率95%。三个部门的办结率未达到90%;确保下月办结率为100%。"
        "各单位满意率保持在99%以上。",
    )
    assert got == [("市长信箱", "total", "completion_rate", "办结率", 95.0, "percent", None)]


def test_a_named_unit_owns_its_figure_and_the_scope_carries_on(catalog: Catalog) -> None:
    got = read(
        catalog,
        "本月,12345热线按期签收率98.5%。其中城东区签收率较低为81.2%,西城街道办事处结案率仅为77%。",
        "解决率93.1%。",
    )
    assert got == [
        ("12345热线", "total", "ontime_sign_rate", "按期签收率", 98.5, "percent", None),
        ("城东区", "item", "sign_rate", "签收率", 81.2, "percent", None),
        ("西城街道办事处", "item", "closure_rate", "结案率", 77.0, "percent", None),
        ("12345热线", "total", "resolution_rate", "解决率", 93.1, "percent", None),
    ]


def test_changes_are_signed_and_refer_to_the_figure_before(catalog: Catalog) -> None:
    got = read(
        catalog,
        "市长信箱收到来信812件,较上月减少126件,环比下降13.4%;满意率96%,同比提高1.5个百分点。",
    )
    assert got == [
        ("市长信箱", "total", "letters", "收到来信", 812.0, "count", None),
        ("市长信箱", "total", "letters_change_mom", "较上月减少", -126.0, "count_change", None),
        ("市长信箱", "total", "letters_change_mom", "环比下降", -13.4, "percent_change", None),
        ("市长信箱", "total", "satisfaction_rate", "满意率", 96.0, "percent", None),
        (
            "市长信箱",
            "total",
            "satisfaction_rate_change_yoy",
            "同比提高",
            1.5,
            "point_change",
            None,
        ),
    ]


def test_cumulative_and_other_months_carry_their_own_period(catalog: Catalog) -> None:
    got = read(
        catalog,
        "9月,政务服务大厅受理5120件;1至9月累计受理48210件,其中8月受理5300件。今年以来办结47988件。",
        period=Period(2022, 9, "title"),
    )
    assert got == [
        ("政务服务大厅", "total", "accepted", "受理", 5120.0, "count", None),
        ("政务服务大厅", "total", "accepted", "受理", 48210.0, "count", "2022-01..2022-09"),
        ("政务服务大厅", "total", "accepted", "受理", 5300.0, "count", "2022-08"),
        ("政务服务大厅", "total", "completed", "办结", 47988.0, "count", "2022-01..2022-09"),
    ]


def test_units_ten_thousands_approximations_and_full_width(catalog: Catalog) -> None:
    doc = Document(
        "x.txt",
        "text",
        "utf-8",
        [
            Block(
                "全年政务服务大厅办件7.82万件，得分95.5分，平均办结时间1.6天，服务群众2100余人次，办结率１００％。"
            )
        ],
        [],
    )
    facts, warnings = prose_facts(doc, catalog.prose, ProseContext())
    got = [(f.metric, f.value, f.value_raw, f.unit, f.needs_review) for f in facts]
    assert got == [
        ("cases", 78200.0, "7.82万件", "count", False),
        ("score", 95.5, "95.5分", "score", False),
        ("avg_completion_time", 1.6, "1.6天", "days", False),
        ("服务群众", 2100.0, "2100余人次", "count", True),
        ("completion_rate", 100.0, "１００％", "percent", False),
    ]
    assert warnings == [
        "line None: prose label '服务群众' is not in the vocabulary; kept as metric '服务群众'"
    ]


def test_news_sections_are_not_read(catalog: Catalog) -> None:
    got = read(
        catalog,
        "一、运行情况",
        "本月12345热线受理来电3200件。",
        "二、工作动态",
        "组织培训3次,参训120人次。",
        "三、满意度情况",
        "回访满意率97.5%。",
    )
    assert got == [
        ("12345热线", "total", "calls", "受理来电", 3200.0, "count", None),
        ("12345热线", "total", "callback_satisfaction_rate", "回访满意率", 97.5, "percent", None),
    ]


def test_shares_unit_breakdowns_unit_lists_and_signed_changes(catalog: Catalog) -> None:
    got = read(
        catalog,
        "本月12345热线受理诉求43215件,其中来电38210件,占88.4%;同比-2.3%。",
        "便民服务中心共受理办件12034件,其中城关镇2345件、城南镇1200件。区民政局、区人社局办结率均为100%。",
    )
    assert got == [
        ("12345热线", "total", "requests", "受理诉求", 43215.0, "count", None),
        ("12345热线", "total", "calls", "来电", 38210.0, "count", None),
        ("12345热线", "total", "calls_share", "占", 88.4, "percent", None),
        ("12345热线", "total", "calls_change_yoy", "同比", -2.3, "percent_change", None),
        ("便民服务中心", "total", "cases", "受理办件", 12034.0, "count", None),
        ("城关镇", "item", "cases", "受理办件", 2345.0, "count", None),
        ("城南镇", "item", "cases", "受理办件", 1200.0, "count", None),
        ("区民政局", "item", "completion_rate", "办结率", 100.0, "percent", None),
        ("区人社局", "item", "completion_rate", "办结率", 100.0, "percent", None),
    ]


def test_a_figure_under_an_unknown_label_is_kept_flagged(catalog: Catalog) -> None:
    doc = Document("x.txt", "text", "utf-8", [Block("办件量最多的是区民政局3456件。")], [])
    facts, warnings = prose_facts(doc, catalog.prose, ProseContext())
    assert [(f.entity_raw, f.metric, f.value, f.needs_review) for f in facts] == [
        ("全部", "办件量最多的是区民政局", 3456.0, True)
    ]
    assert warnings == [
        "line None: prose label '办件量最多的是区民政局' is not in the vocabulary; "
        "kept as metric '办件量最多的是区民政局'"
    ]


def test_a_heading_names_the_scope_of_its_section(catalog: Catalog) -> None:
    got = read(
        catalog,
        "一、12345热线运行情况",
        "本月共受理来电3200件。",
        "二、市长信箱办理情况",
        "本月收到来信210件,办结率98%。",
    )
    assert got == [
        ("12345热线", "total", "calls", "受理来电", 3200.0, "count", None),
        ("市长信箱", "total", "letters", "收到来信", 210.0, "count", None),
        ("市长信箱", "total", "completion_rate", "办结率", 98.0, "percent", None),
    ]


def test_respectively_gives_each_listed_unit_its_figure(catalog: Catalog) -> None:
    got = read(
        catalog,
        "本月12345热线满意率96.5%,其中市住建局、市城管局满意率低于90%,分别为87.6%、88.2%。",
        "城东区、城西区办结率分别为91%、93%。",
        "受理和办结分别为100件、90件。",
    )
    assert got == [
        ("12345热线", "total", "satisfaction_rate", "满意率", 96.5, "percent", None),
        ("市住建局", "item", "satisfaction_rate", "满意率", 87.6, "percent", None),
        ("市城管局", "item", "satisfaction_rate", "满意率", 88.2, "percent", None),
        ("城东区", "item", "completion_rate", "办结率", 91.0, "percent", None),
        ("城西区", "item", "completion_rate", "办结率", 93.0, "percent", None),
        ("12345热线", "total", "accepted", "受理", 100.0, "count", None),
        ("12345热线", "total", "completed", "办结", 90.0, "count", None),
    ]


def test_a_change_refers_to_the_last_figure_of_a_known_label(catalog: Catalog) -> None:
    got = read(catalog, "12345热线受理诉求52136件,日均1681.8件,同比增长12.3%。")
    assert got == [
        ("12345热线", "total", "requests", "受理诉求", 52136.0, "count", None),
        ("12345热线", "total", "日均", "日均", 1681.8, "count", None),
        ("12345热线", "total", "requests_change_yoy", "同比增长", 12.3, "percent_change", None),
    ]


def test_thousands_separators_and_pipes_around_a_reposted_paragraph(catalog: Catalog) -> None:
    got = read(catalog, "| 本月12345热线受理诉求21,764件,办结21,002件,办结率96.5%。 |")
    assert got == [
        ("12345热线", "total", "requests", "受理诉求", 21764.0, "count", None),
        ("12345热线", "total", "completed", "办结", 21002.0, "count", None),
        ("12345热线", "total", "completion_rate", "办结率", 96.5, "percent", None),
    ]
    assert read(catalog, "| 受理1,2,3件 |") == []


def test_up_to_a_month_end_with_a_cumulative_word_is_a_range(catalog: Catalog) -> None:
    got = read(
        catalog,
        "截至9月底,政务服务大厅累计受理48210件。截至9月底,政务服务大厅窗口31个。",
        period=Period(2022, 9, "title"),
    )
    assert got == [
        ("政务服务大厅", "total", "accepted", "受理", 48210.0, "count", "2022-01..2022-09"),
        ("政务服务大厅", "total", "窗口", "窗口", 31.0, "count", None),
    ]


def test_a_named_unit_keeps_the_rest_of_its_sentence(catalog: Catalog) -> None:
    got = read(
        catalog,
        "3月份,12345热线受理诉求18652件。市住建局受理2130件,办结率97.2%;"
        "市人社局受理1850件,办结率99.1%。按时办结率98.35%。",
    )
    assert got == [
        ("12345热线", "total", "requests", "受理诉求", 18652.0, "count", None),
        ("市住建局", "item", "accepted", "受理", 2130.0, "count", None),
        ("市住建局", "item", "completion_rate", "办结率", 97.2, "percent", None),
        ("市人社局", "item", "accepted", "受理", 1850.0, "count", None),
        ("市人社局", "item", "completion_rate", "办结率", 99.1, "percent", None),
        ("12345热线", "total", "ontime_completion_rate", "按时办结率", 98.35, "percent", None),
    ]


def test_a_counting_verb_before_its_object_and_review_words(catalog: Catalog) -> None:
    got = read(
        catalog,
        "一季度,县政务服务中心共受理各类事项45213件,群众评价12030次,好评率99.98%,差评3件。"
        "与上年同期相比,受理量增长12.4%。",
    )
    assert [(g[2], g[3], g[4]) for g in got] == [
        ("accepted", "受理各类事项", 45213.0),
        ("evaluations", "群众评价", 12030.0),
        ("positive_review_rate", "好评率", 99.98),
        ("negative_reviews", "差评", 3.0),
        ("accepted_change_yoy", "受理量增长", 12.4),  # its basis is a clause away
    ]


def test_figures_of_another_period_are_flagged(catalog: Catalog) -> None:
    facts, _ = prose_facts(
        Document(
            "x.txt",
            "text",
            "utf-8",
            [
                Block(
                    "5月份,全区受理办件12,000件,较上月减少126件。去年同期受理10,000件,"
                    "上月受理11,000件。2022年全年受理办件150,000件。"
                    "2023年1月至5月,全区受理办件60,000件。"
                )
            ],
            [],
        ),
        catalog.prose,
        ProseContext(Period(2023, 5, "title")),
    )
    assert [(f.value, f.period, f.needs_review) for f in facts] == [
        (12000.0, None, False),
        (-126.0, None, False),
        (10000.0, None, True),  # 去年同期: not this month's level
        (11000.0, None, True),  # 上月
        (150000.0, None, True),  # another year
        (60000.0, "2023-01..2023-05", False),  # N月至N月: a range of its own
    ]


def test_a_traditional_mirror_reads_like_its_original(catalog: Catalog) -> None:
    original = read(catalog, "8月份,12345热线受理群众诉求5126件,按时办结率97.85%,满意率94.20%。")
    mirror = read(catalog, "8月份,12345熱線受理群眾訴求5126件,按時辦結率97.85%,滿意率94.20%。")
    assert (
        [(m, v, u) for _, _, m, _, v, u, _ in mirror]
        == [(m, v, u) for _, _, m, _, v, u, _ in original]
        == [
            ("requests", 5126.0, "count"),
            ("ontime_completion_rate", 97.85, "percent"),
            ("satisfaction_rate", 94.2, "percent"),
        ]
    )
    assert {row[0] for row in mirror} == {"12345熱線"}  # the scope as printed


def test_a_unit_and_its_measure_before_a_comma_own_the_figure_after_it(
    catalog: Catalog,
) -> None:
    got = read(
        catalog,
        "5月份,市长热线受理来电24316个,解决率93.2%。市供电公司解决率较低,为79.3%。"
        "市公安局窗口受理量最大,为38216件。",
    )
    assert got == [
        ("市长热线", "total", "calls", "受理来电", 24316.0, "count", None),
        ("市长热线", "total", "resolution_rate", "解决率", 93.2, "percent", None),
        ("市供电公司", "item", "resolution_rate", "解决率", 79.3, "percent", None),
        ("市公安局窗口", "item", "accepted", "受理量", 38216.0, "count", None),
    ]
