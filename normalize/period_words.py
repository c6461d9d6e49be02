"""Words that name a reported period: 2022年2月份, 第一季度, 1-3月, 上半年, 全年, 2022年度."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
DATE = re.compile(
    r"(19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|(?<!\d)\d{1,2}\s*月\s*\d{1,2}\s*日"
)
YEAR_WHOLE = re.compile(r"((?:19|20)\d{2})\s*年度")
# Texts whose dates were blanked, remembered (the title and prose are read more than once).
TEXT_MEMO = 1024
SPAN = (
    r"(?:(?P<a>\d{1,2})\s*(?:-|~|—|至|到)\s*(?P<b>\d{1,2})\s*月(?!\s*\d{1,2}\s*日)"
    r"|第?(?P<q>[一二三四1-4])季度"
    r"|(?P<h>[上下])半年"
    r"|(?P<whole>年度|全年)"
    r"|(?<![\d\-~—至到])(?P<m>\d{1,2})\s*月份?(?!\s*\d{1,2}\s*日)(?!以来))"
)
YEAR_SPAN = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*" + SPAN)
PROSE_SPAN = re.compile(r"(?:(?P<y>(?:19|20)\d{2})\s*年\s*)?" + SPAN)
TITLE_WORDS = re.compile(r"通报|情况|报告|统计|分析|简报|运行|数据|工作")


@dataclass(frozen=True)
class PeriodWords:
    """A period as the words name it: granularity, first and last month, year if printed."""

    type: str
    start: int
    end: int
    year: int | None
    source: str  # title or prose


def classify(m: re.Match[str]) -> tuple[str, int, int] | None:
    """(type, first month, last month) of one match of SPAN; None for impossible months."""
    if m["a"]:
        a, b = int(m["a"]), int(m["b"])
        if not 1 <= a < b <= 12:
            return None
        if (a, b) == (1, 12):
            return ("year", 1, 12)
        if a in (1, 4, 7, 10) and b == a + 2:
            return ("quarter", a, b)
        if (a, b) in ((1, 6), (7, 12)):
            return ("half", a, b)
        return ("range", a, b)
    if m["q"]:
        q = QUARTERS[m["q"]]
        return ("quarter", 3 * q - 2, 3 * q)
    if m["h"]:
        first = 1 if m["h"] == "上" else 7
        return ("half", first, first + 5)
    if m["whole"]:
        return ("year", 1, 12)
    month = int(m["m"])
    return ("month", month, month) if 1 <= month <= 12 else None


def whole_years(text: str) -> str:
    """2022年度 written as 2022年全年, so that one pattern reads both."""
    return YEAR_WHOLE.sub(r"\1年全年", text)


@lru_cache(maxsize=TEXT_MEMO)
def _undated(text: str) -> str:
    """The text with its dates (2022年9月30日, 9月30日) blanked: a date is not a period."""
    return DATE.sub(" ", text)


def span_in_title(texts: list[str]) -> PeriodWords | None:
    """The period a title line states with its year (2023年第一季度…运行情况)."""
    for text in map(whole_years, texts):
        if not TITLE_WORDS.search(text):
            continue
        for m in YEAR_SPAN.finditer(_undated(text)):
            found = classify(m)
            if found is not None:
                return PeriodWords(*found, int(m["y"]), "title")
    return None


def first_span(texts: list[str]) -> PeriodWords | None:
    """The period of the prose when its first period words are not a single month.

    A range whose last month the text also names alone (1-9月 beside 9月) is read as that
    month's report, and left to the month count.
    """
    plain = [whole_years(_undated(t)) for t in texts]
    for text in plain:
        for m in PROSE_SPAN.finditer(text):
            found = classify(m)
            if found is None:
                continue
            kind, start, end = found
            if kind == "month":
                return None
            if kind == "year" and m["whole"] == "年度" and not m["y"]:
                continue  # 年度 alone (年度考核) names no period
            if kind == "range" and _names_month(plain, end):
                return None
            return PeriodWords(kind, start, end, int(m["y"]) if m["y"] else None, "prose")
    return None


def _names_month(texts: list[str], month: int) -> bool:
    single = _month_regex(month)
    return any(single.search(t) for t in texts)


@lru_cache(maxsize=16)
def _month_regex(month: int) -> re.Pattern[str]:
    """A month named alone (9月, 9月份), not a day of it (9月3日) nor inside a range."""
    return re.compile(rf"(?<![\d\-~—至到]){month}\s*月份?(?!\s*\d{{1,2}}\s*日)")
