"""Periods written in Chinese numerals, as the first quarters, or as a span of dates."""

from __future__ import annotations

import pytest

from extract.document import Block, Document
from normalize.period import read_period
from normalize.period_numerals import numeral_value, period_text


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("九", 9), ("十", 10), ("十二", 12), ("二十", 20), ("三十一", 31), ("两", 2)],
)
def test_numerals_below_a_hundred(numeral: str, value: int) -> None:
    assert numeral_value(numeral) == value


@pytest.mark.parametrize("numeral", ["一百", "十十", "二三", "百"])
def test_what_is_not_such_a_numeral(numeral: str) -> None:
    assert numeral_value(numeral) is None


@pytest.mark.parametrize(
    ("printed", "read"),
    [
        ("二〇二三年一至九月运行情况", "2023年1至9月运行情况"),
        ("十月份,县政务服务中心", "10月份,县政务服务中心"),
        ("元月份,县政务服务中心", "1月份,县政务服务中心"),
        ("十一月至十二月", "11-12月"),
        ("1月至6月受理", "1-6月受理"),
        ("1月份-3月份", "1-3月"),
        ("今年前三季度受理", "今年1-9月受理"),
        ("前两个季度", "1-6月"),
        ("2023年1月1日至6月30日,热线", "2023年1-6月,热线"),
        ("2023年1月1日至2023年12月31日", "2023年1-12月"),
        ("2024年1月1日至2月29日", "2024年1-2月"),
        ("2023年2月1日至2月28日", "2023年2月份"),
        ("九月二十日召开", "9月20日召开"),
    ],
)
def test_period_words_in_digits(printed: str, read: str) -> None:
    assert period_text(printed) == read


@pytest.mark.parametrize(
    "printed",
    [
        "1月1日至9月15日",  # not to a month's end: two dates, not a period
        "2023年2月1日至2月29日",  # no such day
        "2022年1月1日至2023年3月31日",  # two years
        "第三次例会",
        "三个月以来",
        "一季度",  # read as it is by the quarter pattern
        "1月至6月30日",  # a month to a date
    ],
)
def test_what_stays_as_printed(printed: str) -> None:
    assert period_text(printed) == printed


def doc(*lines: str) -> Document:
    return Document("x.txt", "text", "utf-8", [Block(x) for x in lines], [])


def period(d: Document) -> tuple[str | None, str, str]:
    p, _ = read_period(d, "x.txt")
    return p.label, p.type, p.basis


def test_a_title_in_chinese_numerals() -> None:
    assert period(doc("二〇二四年十月份政务服务运行情况", "受理100件。")) == (
        "2024-10", "month", "title",
    )  # fmt: skip
    assert period(doc("平安县二〇二三年一至九月政务服务运行情况")) == (
        "2023-01..2023-09", "range", "title",
    )  # fmt: skip


def test_the_first_quarters_and_a_span_of_dates_in_the_prose() -> None:
    assert period(doc("前三季度,共受理98213件。", "2023年10月9日")) == (
        "2023-01..2023-09", "range", "publication_date",
    )  # fmt: skip
    assert period(doc("2023年1月1日至6月30日,热线共受理41230件。")) == (
        "2023-H1", "half", "text_years",
    )  # fmt: skip
    assert period(doc("2022年1月1日至12月31日,热线共受理41230件。")) == (
        "2022", "year", "text_years",
    )  # fmt: skip


def test_a_span_that_is_not_whole_months_is_no_period() -> None:
    # 9月15日 is a date: the month the prose names (9月份) decides
    assert period(doc("2023年9月1日至9月15日开展专项行动。2023年9月份共受理100件。")) == (
        "2023-09", "month", "text_years",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("printed", "read"),
    [
        ("截至2023年10月31日,累计受理", "2023年截至10月底,累计受理"),
        ("截止9月30日累计", "截止9月底累计"),
        ("截至2024年2月29日", "2024年截至2月底"),
        ("截至10月15日", "截至10月15日"),  # not a month's end: a date
    ],
)
def test_up_to_a_months_last_day(printed: str, read: str) -> None:
    assert period_text(printed) == read


@pytest.mark.parametrize(
    ("text", "read"),
    [
        (
            "本月按照统一月报口径，共受理群众诉求2100件",
            "本月按照统一月报口径，共受理群众诉求2100件",
        ),
        ("同一月内重复来电不计", "同一月内重复来电不计"),
        ("以单一月份计", "以单一月份计"),
        ("各单元月度考核", "各单元月度考核"),
        ("2023年一月", "2023年1月"),
        ("今年一月份", "今年1月份"),
        ("2024年元月", "2024年1月"),
        ("一月份受理", "1月份受理"),
    ],
)
def test_a_numeral_inside_a_word_is_no_month(text: str, read: str) -> None:
    assert period_text(text) == read
