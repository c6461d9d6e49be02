"""Wordings of the family's prose, second round: no change (持平), Chinese-numeral counts,
durations of two units, and the labels 退单率, 重办率, 有效诉求, 在线解答."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.document import Block, Document
from normalize.catalog import Catalog
from normalize.facts import Period
from normalize.prose import ProseContext, prose_facts
from normalize.prose_vocab import VocabError, parse_vocab

# entity, row role, metric, value, value as printed, unit, period, needs review
Row = tuple[str, str, str, float | None, str, str, str | None, bool]


def read(catalog: Catalog, *lines: str, period: Period | None = None) -> list[Row]:
    return facts_and_warnings(catalog, *lines, period=period)[0]


def facts_and_warnings(
    catalog: Catalog, *lines: str, period: Period | None = None
) -> tuple[list[Row], list[str]]:
    doc = Document("x.txt", "text", "utf-8", [Block(line) for line in lines], [])
    facts, warnings = prose_facts(doc, catalog.prose, ProseContext(period))
    rows = [
        (f.entity_raw, f.row_role, f.metric, f.value, f.value_raw, f.unit, f.period, f.needs_review)
        for f in facts
    ]
    return rows, warnings


def test_returned_and_reopened_rates_valid_requests_and_answers_online(
    catalog: Catalog,
) -> None:
    got, warnings = facts_and_warnings(
        catalog,
        "12345热线受理有效诉求21764件,其中在线解答11020件,转派10744件;退单率1.2%,重办率0.56%。",
    )
    assert got == [
        ("12345热线", "total", "valid_requests", 21764.0, "21764件", "count", None, False),
        ("12345热线", "total", "answered_online", 11020.0, "11020件", "count", None, False),
        ("12345热线", "total", "transferred", 10744.0, "10744件", "count", None, False),
        ("12345热线", "total", "returned_rate", 1.2, "1.2%", "percent", None, False),
        ("12345热线", "total", "reopened_rate", 0.56, "0.56%", "percent", None, False),
    ]
    assert warnings == []


def test_valid_calls_stay_another_measure_than_calls(catalog: Catalog) -> None:
    got = read(catalog, "12345热线有效来电3000个。")
    assert got == [("12345热线", "total", "有效来电", 3000.0, "3000个", "count", None, True)]


def test_a_duration_of_hours_and_minutes_or_minutes_and_seconds_is_in_minutes(
    catalog: Catalog,
) -> None:
    got, warnings = facts_and_warnings(
        catalog,
        "12345热线平均办结时长1小时20分,较上月缩短3分12秒。",
        "市长信箱平均用时2小时5分钟。",
        "12345热线平均用时4分钟30秒。",
    )
    assert got == [
        ("12345热线", "total", "avg_completion_time", 80.0, "1小时20分", "minutes", None, False),
        (
            "12345热线",
            "total",
            "avg_completion_time_change_mom",
            -3.2,
            "3分12秒",
            "minutes_change",
            None,
            False,
        ),
        ("市长信箱", "total", "avg_completion_time", 125.0, "2小时5分钟", "minutes", None, False),
        ("12345热线", "total", "avg_completion_time", 4.5, "4分钟30秒", "minutes", None, False),
    ]
    assert warnings == []


def test_a_duration_out_of_range_or_in_days_and_hours_is_not_stored(catalog: Catalog) -> None:
    got, warnings = facts_and_warnings(
        catalog,
        "12345热线平均用时1小时75分,平均办结时长1天3小时,平均通话3分80秒。",
    )
    assert got == []
    assert warnings == [
        "line None: figure 1小时75分 is no number that can be read; not stored",
        "line None: duration 1天3小时 is not read; not stored",
        "line None: figure 3分80秒 is no number that can be read; not stored",
    ]


def test_a_duration_with_a_part_that_is_not_whole_digits_is_not_stored_in_part(
    catalog: Catalog,
) -> None:
    got, warnings = facts_and_warnings(
        catalog, "12345热线平均用时1小时20.5分,平均办结时长1小时二十分。"
    )
    # neither 1小时 (1 hour) nor 20.5分 (a score) is the figure
    assert got == []
    assert warnings == [
        "line None: duration 1小时20.5分 is not read; not stored",
        "line None: duration 1小时二十分 is not read; not stored",
    ]


def test_the_time_of_a_clock_is_no_figure(catalog: Catalog) -> None:
    got = read(catalog, "9时30分,12345热线受理诉求2100件,平均用时15分钟。")
    assert got == [
        ("12345热线", "total", "requests", 2100.0, "2100件", "count", None, False),
        ("12345热线", "total", "avg_completion_time", 15.0, "15分钟", "minutes", None, False),
    ]


def test_chinese_numeral_counts_are_read_and_yu_or_duo_flags_them(catalog: Catalog) -> None:
    got = read(
        catalog,
        "12345热线受理两千余件,办结三百多件,回访一千二百件,平均用时十五分钟。",
        "市长信箱收到来信三万五千封,办结一千二封。",
    )
    assert got == [
        ("12345热线", "total", "accepted", 2000.0, "两千余件", "count", None, True),
        ("12345热线", "total", "completed", 300.0, "三百多件", "count", None, True),
        ("12345热线", "total", "callbacks", 1200.0, "一千二百件", "count", None, False),
        ("12345热线", "total", "avg_completion_time", 15.0, "十五分钟", "minutes", None, False),
        ("市长信箱", "total", "letters", 35000.0, "三万五千封", "count", None, False),
        # 一千二 is an abbreviated 一千二百
        ("市长信箱", "total", "completed", 1200.0, "一千二封", "count", None, False),
    ]


def test_numeral_words_that_are_no_counts(catalog: Catalog) -> None:
    got, warnings = facts_and_warnings(
        catalog,
        "推行一件事一次办,群众十分满意,第十二期,几十件,12345热线受理诉求2100件。",
    )
    assert got == [("12345热线", "total", "requests", 2100.0, "2100件", "count", None, False)]
    assert warnings == []


def test_a_numeral_of_two_digits_in_a_row_is_not_guessed(catalog: Catalog) -> None:
    got, warnings = facts_and_warnings(catalog, "12345热线受理诉求2100件,其中城西区二三百件。")
    assert got == [("12345热线", "total", "requests", 2100.0, "2100件", "count", None, False)]
    assert warnings == ["line None: figure 二三百件 is no number that can be read; not stored"]


def test_level_with_a_period_before_is_a_change_of_zero(catalog: Catalog) -> None:
    got, warnings = facts_and_warnings(
        catalog,
        "12345热线受理诉求2100件,同比持平。",
        "市长信箱收到来信812件,环比增长3%,与去年同期持平。",
        "12345热线满意率98.5%,与上月持平。",
    )
    assert got == [
        ("12345热线", "total", "requests", 2100.0, "2100件", "count", None, False),
        ("12345热线", "total", "requests_change_yoy", 0.0, "持平", "count_change", None, False),
        ("市长信箱", "total", "letters", 812.0, "812件", "count", None, False),
        ("市长信箱", "total", "letters_change_mom", 3.0, "3%", "percent_change", None, False),
        ("市长信箱", "total", "letters_change_yoy", 0.0, "持平", "percent_change", None, False),
        ("12345热线", "total", "satisfaction_rate", 98.5, "98.5%", "percent", None, False),
        (
            "12345热线",
            "total",
            "satisfaction_rate_change_mom",
            0.0,
            "持平",
            "point_change",
            None,
            False,
        ),
    ]
    assert warnings == []


def test_level_after_a_label_without_a_figure(catalog: Catalog) -> None:
    got = read(
        catalog,
        "12345热线按时办结率环比持平,受理量与上月持平,办结量同比基本持平。",
        "与上月相比,市长信箱来信量持平。",
    )
    assert got == [
        # a rate's zero is in points
        (
            "12345热线",
            "total",
            "ontime_completion_rate_change_mom",
            0.0,
            "持平",
            "point_change",
            None,
            False,
        ),
        # a count's or a time's: no figure says which unit, flagged
        ("12345热线", "total", "accepted_change_mom", 0.0, "持平", "count_change", None, True),
        # about level: flagged
        ("12345热线", "total", "completed_change_yoy", 0.0, "基本持平", "count_change", None, True),
        # the basis a clause before
        ("市长信箱", "total", "letters_change_mom", 0.0, "持平", "count_change", None, True),
    ]


def test_level_without_a_basis_or_a_measure(catalog: Catalog) -> None:
    got, warnings = facts_and_warnings(
        catalog,
        "12345热线满意率98.5%,持平。",
        "全市经济保持平稳,同比持平。",
    )
    assert got == [
        ("12345热线", "total", "satisfaction_rate", 98.5, "98.5%", "percent", None, False),
        # against what, nothing says: kept without a basis, flagged
        ("12345热线", "total", "satisfaction_rate_change", 0.0, "持平", "point_change", None, True),
    ]
    assert warnings == ["line None: 持平 (no change) names no measure; not stored"]


def test_level_of_a_unit_named_before(catalog: Catalog) -> None:
    got = read(catalog, "12345热线受理5000件。其中城东区受理1200件,同比持平。")
    assert got == [
        ("12345热线", "total", "accepted", 5000.0, "5000件", "count", None, False),
        ("城东区", "item", "accepted", 1200.0, "1200件", "count", None, False),
        ("城东区", "item", "accepted_change_yoy", 0.0, "持平", "count_change", None, False),
    ]


def test_level_with_something_else_than_a_period_before_is_no_change(catalog: Catalog) -> None:
    got, warnings = facts_and_warnings(
        catalog, "12345热线满意率98%,与全省平均水平持平,受理量与全省持平。"
    )
    assert got == [("12345热线", "total", "satisfaction_rate", 98.0, "98%", "percent", None, False)]
    assert warnings == [
        "line None: 与全省平均水平持平 compares with no period before; not stored",
        "line None: 受理量与全省持平 compares with no period before; not stored",
    ]


def test_a_flat_section_with_a_key_nobody_reads_is_refused() -> None:
    with pytest.raises(VocabError, match=r"flat needs only the keys"):
        parse_vocab(Path("m.yaml"), {"flat": {"words": ["持平"], "month": ["与上月"]}}, {}, {})


def test_flat_basis_words_say_which_basis() -> None:
    vocab = parse_vocab(
        Path("m.yaml"),
        {"flat": {"words": ["持平"], "yoy": ["与去年同期"], "mom": ["与上月"]}},
        {},
        {},
    )
    assert vocab.flat_basis == {"与去年同期": "yoy", "与上月": "mom"}


def test_chinese_numerals_in_brackets_are_read_like_digits(catalog: Catalog) -> None:
    got = read(
        catalog,
        "12345热线受理诉求两千件,其中:市政管理(三百件)、社会保障(二百件)。",
        "市长信箱收到来信2000封(同比增加三百封),服务(全年三百六十五天)。",
    )
    assert got == [
        ("12345热线", "total", "requests", 2000.0, "两千件", "count", None, False),
        ("市政管理", "item", "requests", 300.0, "三百件", "count", None, True),
        ("社会保障", "item", "requests", 200.0, "二百件", "count", None, True),
        ("市长信箱", "total", "letters", 2000.0, "2000封", "count", None, False),
        ("市长信箱", "total", "letters_change_yoy", 300.0, "三百封", "count_change", None, False),
    ]


def test_a_power_alone_before_yu_or_duo_is_an_approximate_count(catalog: Catalog) -> None:
    got, warnings = facts_and_warnings(
        catalog, "12345热线受理百余件,办结千多件,回访万余次,来电数百余个,办件上千件,留言百件。"
    )
    assert got == [
        ("12345热线", "total", "accepted", 100.0, "百余件", "count", None, True),
        ("12345热线", "total", "completed", 1000.0, "千多件", "count", None, True),
        ("12345热线", "total", "callbacks", 10000.0, "万余次", "count", None, True),
    ]
    # 数百, 上千 and a bare 百件 are words, not counts
    assert warnings == []


def test_measures_listed_before_a_level_word_are_each_level(catalog: Catalog) -> None:
    got = read(catalog, "12345热线受理量、办结量同比均持平,按时办结率与上月也持平。")
    assert got == [
        ("12345热线", "total", "accepted_change_yoy", 0.0, "持平", "count_change", None, True),
        ("12345热线", "total", "completed_change_yoy", 0.0, "持平", "count_change", None, True),
        (
            "12345热线",
            "total",
            "ontime_completion_rate_change_mom",
            0.0,
            "持平",
            "point_change",
            None,
            False,
        ),
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "市住建局、市城管局、市交通局满意率分别为87.6%、88.2%。",  # a name more
        "市住建局、市城管局满意率分别为87.6%、88.2%、90.1%。",  # a figure more
    ],
)
def test_figures_after_respectively_not_as_many_as_the_names_are_flagged(
    catalog: Catalog, sentence: str
) -> None:
    rows, warnings = facts_and_warnings(catalog, sentence)
    assert rows[:2] == [
        ("市住建局", "item", "satisfaction_rate", 87.6, "87.6%", "percent", None, True),
        ("市城管局", "item", "satisfaction_rate", 88.2, "88.2%", "percent", None, True),
    ]
    assert all(r[-1] for r in rows)
    said = "the figures after 分别 are not as many as the names listed; stored for review"
    assert [w for w in warnings if w.endswith(said)] == [f"line None: {said}"]


def test_figures_after_respectively_as_many_as_the_names_are_certain(catalog: Catalog) -> None:
    rows, warnings = facts_and_warnings(catalog, "市住建局、市城管局满意率分别为87.6%、88.2%。")
    assert rows == [
        ("市住建局", "item", "satisfaction_rate", 87.6, "87.6%", "percent", None, False),
        ("市城管局", "item", "satisfaction_rate", 88.2, "88.2%", "percent", None, False),
    ]
    assert warnings == []
