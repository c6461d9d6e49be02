"""Wordings of the family's prose: approximate figures, changes without a basis word of
their own, figures joined by 和, channels, receiving verbs, scores of a rate, the year."""

from __future__ import annotations

from extract.document import Block, Document
from normalize.catalog import Catalog
from normalize.facts import Period
from normalize.prose import ProseContext, prose_facts

Row = tuple[str, str, str, float | None, str, str | None, bool]


def read(catalog: Catalog, *lines: str, period: Period | None = None) -> list[Row]:
    return facts_and_warnings(catalog, *lines, period=period)[0]


def facts_and_warnings(
    catalog: Catalog, *lines: str, period: Period | None = None
) -> tuple[list[Row], list[str]]:
    doc = Document("x.txt", "text", "utf-8", [Block(line) for line in lines], [])
    facts, warnings = prose_facts(doc, catalog.prose, ProseContext(period))
    rows = [
        (f.entity_raw, f.row_role, f.metric, f.value, f.unit, f.period, f.needs_review)
        for f in facts
    ]
    return rows, warnings


def test_a_word_of_approximation_before_a_count_flags_it(catalog: Catalog) -> None:
    got = read(catalog, "12345热线受理约2100件,办结逾2000件,回访近1500次,来电超过3万个。")
    assert got == [
        ("12345热线", "total", "accepted", 2100.0, "count", None, True),
        ("12345热线", "total", "completed", 2000.0, "count", None, True),
        ("12345热线", "total", "callbacks", 1500.0, "count", None, True),
        ("12345热线", "total", "calls", 30000.0, "count", None, True),
    ]


def test_over_a_percentage_is_a_threshold_not_a_rate(catalog: Catalog) -> None:
    got = read(catalog, "12345热线满意率超过95%,办结率98%。")
    assert got == [("12345热线", "total", "completion_rate", 98.0, "percent", None, False)]


def test_a_direction_alone_takes_the_basis_the_sentence_names(catalog: Catalog) -> None:
    got = read(
        catalog,
        "市长信箱收到来信812件,与上月相比增加126件,增幅18.4%。",
        "市长信箱收到来信812件,增长3.2%。",
    )
    assert got == [
        ("市长信箱", "total", "letters", 812.0, "count", None, False),
        ("市长信箱", "total", "letters_change_mom", 126.0, "count_change", None, False),
        ("市长信箱", "total", "letters_change_mom", 18.4, "percent_change", None, False),
        ("市长信箱", "total", "letters", 812.0, "count", None, False),
        # nothing says against what: kept without a basis, flagged
        ("市长信箱", "total", "letters_change", 3.2, "percent_change", None, True),
    ]


def test_a_fall_in_points_after_a_basis_a_clause_away(catalog: Catalog) -> None:
    got = read(catalog, "与去年同期相比,12345热线满意率降幅为0.6个百分点。")
    assert got == [
        ("12345热线", "total", "satisfaction_rate_change_yoy", -0.6, "point_change", None, False)
    ]


def test_figures_after_respectively_joined_by_and(catalog: Catalog) -> None:
    got = read(catalog, "12345热线受理量与办结量分别为3210件和3180件。")
    assert got == [
        ("12345热线", "total", "accepted", 3210.0, "count", None, False),
        ("12345热线", "total", "completed", 3180.0, "count", None, False),
    ]


def test_units_before_respectively_need_a_unit_word_each(catalog: Catalog) -> None:
    got, warnings = facts_and_warnings(catalog, "城东、城西分别受理312件、268件。")
    assert got == []
    assert warnings[0] == (
        "line None: figure 312件 after 分别 has nothing listed to go with; not stored"
    )


def test_channels_divide_the_total_received_and_calls_stay_calls(catalog: Catalog) -> None:
    got = read(
        catalog,
        "12345热线共受理群众诉求9000件,其中通过微信受理1200件,来电6800个。",
    )
    assert got == [
        ("12345热线", "total", "requests", 9000.0, "count", None, False),
        ("微信", "item", "requests", 1200.0, "count", None, True),
        ("12345热线", "total", "calls", 6800.0, "count", None, False),
    ]


def test_a_channel_with_nothing_to_divide_is_not_a_part(catalog: Catalog) -> None:
    got = read(catalog, "12345热线电话受理1200件。")
    # not a part of a total the sentence names; nor surely the scope's total: flagged
    assert got == [("12345热线", "total", "accepted", 1200.0, "count", None, True)]


def test_a_subject_nobody_knows_before_a_scope_figure_is_flagged(catalog: Catalog) -> None:
    got = read(
        catalog,
        "12345热线受理诉求1万件,上报各类办件300件,提供延时服务45次,幸福里受理23件。"
        "市民政局本月受理320件,市住建局1-9月累计受理2100件。",
    )
    assert got == [
        ("12345热线", "total", "requests", 10000.0, "count", None, False),
        ("12345热线", "total", "cases", 300.0, "count", None, False),
        ("12345热线", "total", "extended_hours_services", 45.0, "count", None, False),
        ("12345热线", "total", "accepted", 23.0, "count", None, True),
        ("市民政局", "item", "accepted", 320.0, "count", None, False),
        ("市住建局", "item", "accepted", 2100.0, "count", None, False),
    ]


def test_a_unit_before_a_verb_of_receiving_is_the_subject(catalog: Catalog) -> None:
    got = read(catalog, "12345热线受理5000件。市人社局接到群众来电120个,按时办结率96.5%。")
    assert got == [
        ("12345热线", "total", "accepted", 5000.0, "count", None, False),
        ("市人社局", "item", "calls", 120.0, "count", None, False),
        ("市人社局", "item", "ontime_completion_rate", 96.5, "percent", None, False),
    ]


def test_a_rate_label_printed_with_points_is_a_score(catalog: Catalog) -> None:
    got = read(catalog, "政务服务大厅群众满意度98.7分,满意度99.1%。")
    assert got == [
        ("政务服务大厅", "total", "satisfaction_score", 98.7, "score", None, False),
        ("政务服务大厅", "total", "satisfaction_rate", 99.1, "percent", None, False),
    ]


def test_the_whole_year_cumulative_in_december_is_the_year(catalog: Catalog) -> None:
    got = read(
        catalog,
        "12月,12345热线受理3000件,全年累计受理36000件,1-12月累计办结35800件。",
        period=Period(2023, 12, "title"),
    )
    assert got == [
        ("12345热线", "total", "accepted", 3000.0, "count", None, False),
        ("12345热线", "total", "accepted", 36000.0, "count", "2023", False),
        ("12345热线", "total", "completed", 35800.0, "count", "2023", False),
    ]


def test_a_month_in_chinese_numerals_is_a_figures_own_period(catalog: Catalog) -> None:
    got = read(
        catalog,
        "前三季度,12345热线受理27000件,其中九月份受理3100件。",
        period=Period(2023, 1, "title", None, "range", 9),
    )
    assert got == [
        ("12345热线", "total", "accepted", 27000.0, "count", None, False),
        ("12345热线", "total", "accepted", 3100.0, "count", "2023-09", False),
    ]


def test_a_rate_of_a_number_of_units_is_nobodys(catalog: Catalog) -> None:
    got, warnings = facts_and_warnings(
        catalog, "12345热线办结率99.8%。全市有12个单位办结率达到100%。"
    )
    assert [g for g in got if g[4] == "percent"] == [
        ("12345热线", "total", "completion_rate", 99.8, "percent", None, False)
    ]
    assert "line None: figure 100% is said of a number of units, none named; not stored" in (
        warnings
    )


def test_the_other_category_and_its_share(catalog: Catalog) -> None:
    got = read(catalog, "12345热线受理诉求9000件,其中:咨询类5000件,占55.6%;其他4000件,占44.4%。")
    assert got == [
        ("12345热线", "total", "requests", 9000.0, "count", None, False),
        ("咨询类", "item", "requests", 5000.0, "count", None, True),
        ("咨询类", "item", "requests_share", 55.6, "percent", None, True),
        ("其他", "item", "requests", 4000.0, "count", None, True),
        ("其他", "item", "requests_share", 44.4, "percent", None, True),
    ]


def test_a_share_after_an_unknown_label_is_its_share(catalog: Catalog) -> None:
    got = read(catalog, "12345热线受理诉求9000件,政策咨询3000件,占33.3%。")
    assert got[1:] == [
        ("12345热线", "total", "政策咨询", 3000.0, "count", None, True),
        ("12345热线", "total", "政策咨询_share", 33.3, "percent", None, True),
    ]


def test_a_field_of_a_measure_is_a_part_and_so_is_its_change(catalog: Catalog) -> None:
    got = read(
        catalog,
        "12345热线受理诉求9000件。涉及住房城乡建设领域的诉求2310件,环比上升12.1%;"
        "反映供暖问题的来电420个。",
    )
    assert got == [
        ("12345热线", "total", "requests", 9000.0, "count", None, False),
        ("住房城乡建设", "item", "requests", 2310.0, "count", None, True),
        ("住房城乡建设", "item", "requests_change_mom", 12.1, "percent_change", None, True),
        ("供暖问题", "item", "calls", 420.0, "count", None, True),
    ]


def test_a_duration_in_minutes_and_seconds_is_read_in_minutes(catalog: Catalog) -> None:
    got, warnings = facts_and_warnings(
        catalog, "12345热线接听来电23120通,平均通话时长3分12秒,平均办结时间2.5天。"
    )
    assert got == [
        ("12345热线", "total", "calls", 23120.0, "count", None, False),
        # 3 minutes 12 seconds; the label is not in the vocabulary: flagged
        ("12345热线", "total", "平均通话时长", 3.2, "minutes", None, True),
        ("12345热线", "total", "avg_completion_time", 2.5, "days", None, False),
    ]
    assert warnings == [
        "line None: prose label '平均通话时长' is not in the vocabulary; "
        "kept as metric '平均通话时长'"
    ]


def test_names_listed_with_pause_commas_after_a_total_are_its_categories(
    catalog: Catalog,
) -> None:
    got = read(
        catalog,
        "12345热线共受理各类诉求15230件,其中咨询8120件、求助3210件;其中政策咨询1100件,转派900件。",
    )
    assert got == [
        ("12345热线", "total", "requests", 15230.0, "count", None, False),
        ("咨询", "item", "requests", 8120.0, "count", None, True),
        ("求助", "item", "requests", 3210.0, "count", None, True),
        # commas are no list: a label nobody knows, kept at the scope, flagged
        ("12345热线", "total", "政策咨询", 1100.0, "count", None, True),
        ("12345热线", "total", "transferred", 900.0, "count", None, False),
    ]


def test_a_shorter_time_a_callback_rate_and_callbacks_counted_by_people(
    catalog: Catalog,
) -> None:
    got = read(
        catalog, "12345热线平均办结时长为3.2天,较上月缩短0.4天。回访群众5230人次,回访率22.7%。"
    )
    assert got == [
        ("12345热线", "total", "avg_completion_time", 3.2, "days", None, False),
        ("12345热线", "total", "avg_completion_time_change_mom", -0.4, "days_change", None, False),
        ("12345热线", "total", "callbacks", 5230.0, "count", None, False),
        ("12345热线", "total", "callback_rate", 22.7, "percent", None, False),
    ]


def test_a_range_of_months_written_with_two_months(catalog: Catalog) -> None:
    got = read(
        catalog,
        "6月,12345热线受理2万件,1月至6月累计受理12万件,一月份至三月份受理5万件。",
        period=Period(2023, 6, "title"),
    )
    assert got == [
        ("12345热线", "total", "accepted", 20000.0, "count", None, False),
        ("12345热线", "total", "accepted", 120000.0, "count", "2023-01..2023-06", False),
        ("12345热线", "total", "accepted", 50000.0, "count", "2023-01..2023-03", False),
    ]


def test_a_sign_after_a_direction(catalog: Catalog) -> None:
    got = read(
        catalog, "12345热线受理诉求21764件,环比增长-1.5%;办结率98%,同比下降-0.3%,同比-2.1%。"
    )
    assert got == [
        ("12345热线", "total", "requests", 21764.0, "count", None, False),
        ("12345热线", "total", "requests_change_mom", -1.5, "percent_change", None, False),
        ("12345热线", "total", "completion_rate", 98.0, "percent", None, False),
        # a fall printed with a minus as well: as printed, flagged
        ("12345热线", "total", "completion_rate_change_yoy", -0.3, "percent_change", None, True),
        # the flag of the change before is not passed on
        ("12345热线", "total", "completion_rate_change_yoy", -2.1, "percent_change", None, False),
    ]


def test_a_count_change_after_a_rate_is_flagged(catalog: Catalog) -> None:
    got = read(catalog, "12345热线办结率98%,较上月增加12件。")
    assert got[1] == (
        "12345热线", "total", "completion_rate_change_mom", 12.0, "count_change", None, True,
    )  # fmt: skip


def test_villages_banners_and_libraries_are_units(catalog: Catalog) -> None:
    got = read(
        catalog, "12345热线受理1万件。其中东风村受理23件,阿荣旗满意率90.1%,市图书馆受理12件。"
    )
    assert got[1:] == [
        ("东风村", "item", "accepted", 23.0, "count", None, False),
        ("阿荣旗", "item", "satisfaction_rate", 90.1, "percent", None, False),
        ("市图书馆", "item", "accepted", 12.0, "count", None, False),
    ]


def test_a_subject_nobody_knows_does_not_take_the_unit_before(catalog: Catalog) -> None:
    got = read(catalog, "市住建局受理2130件,群众满意率97.2%,热线工单按时签收率99%,幸福里受理23件。")
    assert got == [
        ("市住建局", "item", "accepted", 2130.0, "count", None, False),
        ("市住建局", "item", "satisfaction_rate", 97.2, "percent", None, False),
        ("市住建局", "item", "ontime_sign_rate", 99.0, "percent", None, False),
        ("全部", "total", "accepted", 23.0, "count", None, True),
    ]


def test_a_verb_of_receiving_is_no_subject_of_its_own(catalog: Catalog) -> None:
    got = read(catalog, "市住建局受理2130件,收到来信46封,“好差评”好评率99.9%。")
    assert got == [
        ("市住建局", "item", "accepted", 2130.0, "count", None, False),
        ("市住建局", "item", "letters", 46.0, "count", None, False),
        ("市住建局", "item", "positive_review_rate", 99.9, "percent", None, False),
    ]


def test_a_measure_then_the_units_it_lists(catalog: Catalog) -> None:
    got = read(
        catalog,
        "受理量居前三位的是:市住建局(312件)、市城管局(268件)。"
        "办结率低于平均水平的单位有:区教育局(87.2%)、区卫健局(88.1%)。"
        "满意率排名后两位的是区水务局、区交通局,分别为87.6%、88.2%。",
    )
    assert got == [
        ("市住建局", "item", "accepted", 312.0, "count", None, False),
        ("市城管局", "item", "accepted", 268.0, "count", None, False),
        ("区教育局", "item", "completion_rate", 87.2, "percent", None, False),
        ("区卫健局", "item", "completion_rate", 88.1, "percent", None, False),
        ("区水务局", "item", "satisfaction_rate", 87.6, "percent", None, False),
        ("区交通局", "item", "satisfaction_rate", 88.2, "percent", None, False),
    ]


def test_a_listed_figure_of_another_kind_than_the_measure_is_not_its(catalog: Catalog) -> None:
    got, _ = facts_and_warnings(catalog, "办结率居前两位的是:市住建局(312件)、市城管局(268件)。")
    assert [g[2] for g in got] == ["市住建局", "市城管局"]  # kept as unknown labels
    assert all(g[6] for g in got)


def test_traditional_characters_in_the_figure_and_a_label_after_it(catalog: Catalog) -> None:
    got = read(catalog, "市12345熱線共受理群眾訴求21764件,約有1.2萬餘件來電。共有2310件群众诉求。")
    assert got == [
        ("12345熱線", "total", "requests", 21764.0, "count", None, False),
        ("12345熱線", "total", "calls", 12000.0, "count", None, True),
        ("12345熱線", "total", "requests", 2310.0, "count", None, False),
    ]


def test_departments_are_a_part_of_the_total(catalog: Catalog) -> None:
    got = read(catalog, "12345热线受理诉求2万件。其中,市直部门受理8000件,占40%。")
    assert got[1:] == [
        ("市直部门", "item", "accepted", 8000.0, "count", None, False),
        ("市直部门", "item", "accepted_share", 40.0, "percent", None, False),
    ]


def test_a_channel_before_the_measure_is_its_part(catalog: Catalog) -> None:
    got = read(
        catalog, "12345热线共受理各类诉求46521件。其中,来电38210件,占82.14%;网络诉求8311件。"
    )
    assert got == [
        ("12345热线", "total", "requests", 46521.0, "count", None, False),
        ("12345热线", "total", "calls", 38210.0, "count", None, False),
        ("12345热线", "total", "calls_share", 82.14, "percent", None, False),
        ("网络", "item", "requests", 8311.0, "count", None, True),
    ]


def test_a_quoted_kind_is_a_part_and_on_site_is_another_measure(catalog: Catalog) -> None:
    got = read(
        catalog,
        "政务服务中心受理各类事项38920件。“一件事一次办”办件320件,“好差评”好评率99.98%,"
        "现场办结率98.5%。",
    )
    assert got == [
        ("政务服务中心", "total", "accepted", 38920.0, "count", None, False),
        ("一件事一次办", "item", "cases", 320.0, "count", None, True),
        ("政务服务中心", "total", "positive_review_rate", 99.98, "percent", None, False),
        ("政务服务中心", "total", "现场办结率", 98.5, "percent", None, True),
    ]


def test_a_cumulative_figure_up_to_a_months_last_day(catalog: Catalog) -> None:
    got = read(
        catalog,
        "10月,12345热线受理3000件;截至2023年10月31日,累计受理3.1万件。",
        period=Period(2023, 10, "title"),
    )
    assert got == [
        ("12345热线", "total", "accepted", 3000.0, "count", None, False),
        ("12345热线", "total", "accepted", 31000.0, "count", "2023-01..2023-10", False),
    ]


def test_the_count_of_a_number_of_units_is_their_sum(catalog: Catalog) -> None:
    got, warnings = facts_and_warnings(
        catalog, "全县12个乡镇(街道)便民服务中心共受理办件3120件,其中城关镇受理520件。"
    )
    assert got == [
        ("便民服务中心", "total", "cases", 3120.0, "count", None, False),
        ("城关镇", "item", "accepted", 520.0, "count", None, False),
    ]
    assert warnings == [
        "line None: figure 12个 counts units, not what the sentence measures; not stored"
    ]


def test_a_level_raised_from_one_figure_to_another(catalog: Catalog) -> None:
    got = read(
        catalog,
        "12345热线办结率提升至99%,满意率由95.2%提高到97.1%,平均办结时间缩短至1.2天。"
        "市住建局满意率由90%提高到92%,承诺在3个工作日内办结。",
    )
    assert got == [
        ("12345热线", "total", "completion_rate", 99.0, "percent", None, False),
        # the level before: another period's, flagged
        ("12345热线", "total", "satisfaction_rate", 95.2, "percent", None, True),
        ("12345热线", "total", "satisfaction_rate", 97.1, "percent", None, False),
        ("12345热线", "total", "avg_completion_time", 1.2, "days", None, False),
        ("市住建局", "item", "satisfaction_rate", 90.0, "percent", None, True),
        ("市住建局", "item", "satisfaction_rate", 92.0, "percent", None, False),
    ]


def test_a_unit_before_its_and_before_the_month(catalog: Catalog) -> None:
    got = read(catalog, "区医保局的办结率为98%,区医保局本月共收到群众来信46封。")
    assert got == [
        ("区医保局", "item", "completion_rate", 98.0, "percent", None, False),
        ("区医保局", "item", "letters", 46.0, "count", None, False),
    ]


def test_a_subject_with_a_bracket_is_not_the_scope_for_sure(catalog: Catalog) -> None:
    got = read(catalog, "12345热线受理诉求2万件。其中,县(市、区)受理1.2万件,占60%。")
    assert got[1:] == [
        ("12345热线", "total", "accepted", 12000.0, "count", None, True),
        ("12345热线", "total", "accepted_share", 60.0, "percent", None, True),
    ]


def test_a_measure_of_its_own_after_a_channel_is_that_measure(catalog: Catalog) -> None:
    got = read(
        catalog,
        "12345热线共受理群众诉求2.1万件。按诉求来源分,电话来电1.6万件,占76.2%;"
        "网络留言5000条;网络诉求300件。",
    )
    assert got == [
        ("12345热线", "total", "requests", 21000.0, "count", None, False),
        ("12345热线", "total", "calls", 16000.0, "count", None, False),
        ("12345热线", "total", "calls_share", 76.2, "percent", None, False),
        ("12345热线", "total", "messages", 5000.0, "count", None, False),
        ("网络", "item", "requests", 300.0, "count", None, True),
    ]


def test_people_enterprises_titles_and_incidents_are_counted(catalog: Catalog) -> None:
    got, warnings = facts_and_warnings(
        catalog,
        "政务服务中心接待办事群众3.2万人,服务企业560家,办理不动产登记1200宗,发放证照3200张,"
        "受理投诉12起。自2023年1月1日起实施,从3月起执行。",
    )
    assert [(g[3], g[4], g[6]) for g in got] == [
        (32000.0, "count", True),
        (560.0, "count", True),
        (1200.0, "count", True),
        (3200.0, "count", True),
        (12.0, "count", True),
    ]
    assert len([w for w in warnings if "not in the vocabulary" in w]) == 5


def test_months_of_a_quarter_take_the_total_measure_in_their_own_period(
    catalog: Catalog,
) -> None:
    got = read(
        catalog,
        "第二季度,12345热线共受理群众诉求6.3万件,其中4月2.1万件、5月2.0万件、6月2.2万件。",
        period=Period(2023, 4, "title", None, "quarter", 6),
    )
    assert got == [
        ("12345热线", "total", "requests", 63000.0, "count", None, False),
        ("12345热线", "total", "requests", 21000.0, "count", "2023-04", False),
        ("12345热线", "total", "requests", 20000.0, "count", "2023-05", False),
        ("12345热线", "total", "requests", 22000.0, "count", "2023-06", False),
    ]


def test_period_words_that_name_no_other_period_flag_the_figure(catalog: Catalog) -> None:
    got = read(
        catalog,
        "4月,12345热线共受理群众诉求2.1万件,其中4月2.1万件。",
        period=Period(2023, 4, "title"),
    )
    assert got[1] == ("12345热线", "total", "requests", 21000.0, "count", None, True)
