"""Period words in the forms the period patterns read: digits, not Chinese numerals.

Bulletins also write their periods as 二〇二三年, 一至九月, 十月份, 前三季度, 1月至6月 or as a
span of dates (1月1日至9月30日). ``period_text`` rewrites these as 2023年, 1至9月, 10月份,
1-9月, 1-6月 and 1-9月, so that one set of patterns (period_words.py, prose_period.py)
reads every form. The text may change length: it is read for its period only, never
sliced by position.
"""

from __future__ import annotations

import calendar
import re
from functools import lru_cache

DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
NUMERAL = "[一二三四五六七八九十]{1,3}"
YEAR_NUMERALS = re.compile(r"[〇○零一二三四五六七八九]{4}(?=\s*年)")
# 一至九月, 十月份, 九月二十日: numerals before 月 (also the first of a range), and a day's.
MONTH_NUMERALS = re.compile(
    rf"(?<![一二三四五六七八九十\d第])(?P<a>{NUMERAL})(?P<sep>\s*(?:至|到|-|~|—)\s*)(?=(?:{NUMERAL}|\d{{1,2}})\s*月)"
    rf"|(?<![一二三四五六七八九十\d第])(?P<m>{NUMERAL})(?=\s*月)"
    rf"|(?<=月)(?P<d>{NUMERAL})(?=\s*[日号])"
)
# 前三季度 (the first three quarters): a range of months from January.
FIRST_QUARTERS = re.compile(r"前\s*(?P<n>[一二两三123])\s*个?季度")
# 2023年1月1日至9月30日: a span of whole months, from a first day to a last day.
DATE_SPAN = re.compile(
    r"(?:(?P<y1>(?:19|20)\d{2})\s*年\s*)?(?P<m1>\d{1,2})\s*月\s*1\s*日\s*(?:至|到|-|~|—)\s*"
    r"(?:(?P<y2>(?:19|20)\d{2})\s*年\s*)?(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})\s*日"
)
# 1月至6月, 1月-6月: a range of months written with 月 twice.
MONTH_RANGE = re.compile(
    r"(?<![\d.])(?P<a>\d{1,2})\s*月份?\s*(?:至|到|-|~|—)\s*(?P<b>\d{1,2})\s*月份?(?!\s*\d{1,2}\s*[日号])"
)
# 截至2023年10月31日 (up to a month's last day): 2023年截至10月底, read as a cumulative end.
UPTO_DATE = re.compile(
    r"(?P<w>截至|截止到?)\s*(?:(?P<y>(?:19|20)\d{2})\s*年\s*)?(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
)
# What may stand before a one-character month numeral (一月, 其中九月, 较八月) or 元月:
# elsewhere after a word's character it is part of the word (统一月报, 同一月, 单元月度).
MONTH_LEAD = frozenset("年今至到止、和及与或是为在于自从的中较比即")
# Texts rewritten, remembered (a text is read for its period more than once).
TEXT_MEMO = 1024


def numeral_value(text: str) -> int | None:
    """The value of a Chinese numeral below 100 (九, 十, 十二, 二十九); None if it is not one."""
    if "十" not in text:
        return DIGITS.get(text) if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    high = DIGITS.get(tens, -1) if tens else 1
    low = DIGITS.get(ones, -1) if ones else 0
    if high < 1 or low < 0:
        return None
    return high * 10 + low


def inside_word(text: str, start: int) -> bool:
    """Whether the character before ``start`` is a word's (a CJK ideograph that is not one
    of MONTH_LEAD): 一 in 统一月报 is no month."""
    before = text[start - 1] if start else ""
    return "\u4e00" <= before <= "\u9fff" and before not in MONTH_LEAD


def _numeral(m: re.Match[str]) -> str:
    kind = "a" if m["a"] else "m" if m["m"] else "d"
    if kind == "m" and len(m["m"]) == 1 and inside_word(m.string, m.start()):
        return m[0]
    value = numeral_value(m[kind])
    if value is None:
        return m[0]
    return f"{value}{m['sep'] or ''}" if kind == "a" else str(value)


def _year(m: re.Match[str]) -> str:
    return "".join(str(DIGITS[ch]) for ch in m[0])


def _first_quarters(m: re.Match[str]) -> str:
    n = int(m["n"]) if m["n"].isdigit() else DIGITS[m["n"]]
    return f"1-{3 * n}月"


def _date_span(m: re.Match[str]) -> str:
    """1月1日至9月30日 as 1-9月, when the span runs from a month's first day to another's last."""
    m1, m2, d2 = int(m["m1"]), int(m["m2"]), int(m["d2"])
    y1 = int(m["y1"]) if m["y1"] else None
    y2 = int(m["y2"]) if m["y2"] else None
    if y1 is not None and y2 is not None and y1 != y2:
        return m[0]
    if not 1 <= m1 <= m2 <= 12:
        return m[0]
    if d2 != calendar.monthrange(y1 or y2 or 2001, m2)[1]:
        return m[0]  # (2001: no leap year; a span to 28 February of a leap year stays a date)
    year = f"{y1 or y2}年" if (y1 or y2) else ""
    return f"{year}{m1}月份" if m1 == m2 else f"{year}{m1}-{m2}月"


def _upto_date(m: re.Match[str]) -> str:
    """截至2023年10月31日 as 2023年截至10月底 when the day is the month's last."""
    month, day = int(m["m"]), int(m["d"])
    if not 1 <= month <= 12:
        return m[0]
    year = int(m["y"]) if m["y"] else None
    if day != calendar.monthrange(year or 2001, month)[1]:
        return m[0]
    return f"{year}年{m['w']}{month}月底" if year else f"{m['w']}{month}月底"


@lru_cache(maxsize=TEXT_MEMO)
def period_text(text: str) -> str:
    """The text with its period words in digits: 二〇二三年一至九月 → 2023年1至9月, 前三季度 →
    1-9月, 1月1日至9月30日 → 1-9月."""
    if not ("月" in text or "年" in text or "季" in text):
        return text  # every form above has one of these
    text = re.sub("元月", lambda m: m[0] if inside_word(m.string, m.start()) else "1月", text)
    text = YEAR_NUMERALS.sub(_year, text)
    text = MONTH_NUMERALS.sub(_numeral, text)
    text = FIRST_QUARTERS.sub(_first_quarters, text)
    text = DATE_SPAN.sub(_date_span, text)
    text = UPTO_DATE.sub(_upto_date, text)
    return MONTH_RANGE.sub(r"\g<a>-\g<b>月", text)
