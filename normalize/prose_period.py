"""A prose figure's own period: 1-9月累计 beside a month, 第一季度 in a monthly report."""

from __future__ import annotations

import re
from dataclasses import replace

from normalize.facts import Fact, Period
from normalize.period_numerals import period_text

QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
MENTION = re.compile(
    r"(?P<a>\d{1,2})\s*月?\s*(?:-|~|—|至|到)\s*(?P<b>\d{1,2})\s*月"
    r"|(?P<since>今年以来|年初以来|本年度?累计|全年累计|今年累计)"
    r"|(?:截至|截止)(?P<upto>\d{1,2})\s*月(?:底|末|份)?(?=[^。;]*累计)"
    r"|第?(?P<q>[一二三四1-4])季度"
    r"|(?P<h>[上下])半年"
    r"|(?<![\d\-~—至到])(?P<m>\d{1,2})\s*月份?(?!\s*\d{1,2}\s*日)(?!以来)"
)

# A character every period word above has (月, 季度, 半年, 以来, 累计): a text without one
# names no period, and the patterns are not run on it.
PERIOD_CHARS = re.compile(r"[月季年来计]")


def mentioned_period(text: str, bulletin: Period) -> Period | None:
    """The period the last period words of the text name, in the bulletin's year."""
    if bulletin.year is None or not PERIOD_CHARS.search(text):
        return None
    found = None
    for m in MENTION.finditer(period_text(text)):
        found = m
    if found is None:
        return None
    year, last = bulletin.year, bulletin.last_month or 12
    if found["a"]:
        a, b = int(found["a"]), int(found["b"])
        if not 1 <= a < b <= 12:
            return None
        return Period(year, a, bulletin.basis, None, "year" if (a, b) == (1, 12) else "range", b)
    if found["upto"]:
        upto = int(found["upto"])
        if not 1 < upto <= 12:
            return None
        return Period(year - 1 if upto > last else year, 1, bulletin.basis, None, "range", upto)
    if found["since"]:
        if last == 12:  # 全年累计 in December's report: the whole year
            return Period(year, 1, bulletin.basis, None, "year", 12)
        return Period(year, 1, bulletin.basis, None, "range", last) if last > 1 else None
    if found["q"]:
        q = QUARTERS[found["q"]]
        return Period(year, 3 * q - 2, bulletin.basis, None, "quarter", 3 * q)
    if found["h"]:
        first = 1 if found["h"] == "上" else 7
        return Period(year, first, bulletin.basis, None, "half", first + 5)
    month = int(found["m"])
    if not 1 <= month <= 12:
        return None
    return Period(year - 1 if month > last else year, month, bulletin.basis, None, "month", month)


# Words that put a figure in another period than the one the sentence names (去年同期受理…,
# 上月办结…), and a year of its own (2022年全年…): such a level is not this period's.
ELSEWHEN = re.compile(r"(?<![较比])(?:去年|上年|前年|上月|上季度)(?:同期)?")
CLAUSE = re.compile(r"[,，;；]")
YEAR = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*年(?!\s*第)")
CHANGE = ("_change_yoy", "_change_mom")


def figure_period(fact: Fact, sentence_before: str, bulletin: Period | None) -> Fact:
    """The fact with its own period when the sentence names one other than the bulletin's;
    flagged for review when it speaks of another year or an earlier period (去年同期, 上月)
    that the figure cannot be stored under as certain."""
    if bulletin is None:
        return fact
    sentence_before = period_text(sentence_before)
    if not fact.metric.endswith(CHANGE):
        years = {int(m["y"]) for m in YEAR.finditer(sentence_before)}
        clause = CLAUSE.split(sentence_before)[-1]
        if ELSEWHEN.search(clause) or (years and bulletin.year not in years):
            fact = replace(fact, needs_review=True)
    own = mentioned_period(sentence_before, bulletin)
    if own is None or own.label is None or (own.start, own.end) == (bulletin.start, bulletin.end):
        return fact
    return replace(fact, period=own.label, period_type=own.type)
