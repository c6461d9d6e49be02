"""The number of a prose figure: digits (21,764, 1.2万), a Chinese numeral (两千, 一千二百),
or a duration of two units (1小时20分, 3分12秒), which is read in minutes.

A Chinese numeral is read only with a power of ten in it (十 百 千 万 亿): 一件事, 一次办 and
三个百分点 are words, not counts; a power alone only before a word of approximation (百余件,
千多人次), and not after a vague word (数百, 上千). 一千二 (an abbreviated 一千二百) is 1200.
A numeral that breaks the order of its powers (百千, 二三) is no number: the reader warns
and stores nothing.
"""

from __future__ import annotations

CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
CN_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
CN_SMALL = {"十": 10, "百": 100, "千": 1000}
CN_LARGE = {"万": 10_000, "亿": 100_000_000}
CN_CHARS = "".join([*CN_DIGITS, *CN_SMALL, *CN_LARGE])
# Words before a numeral that make it vague (数百件, 上千件, 几十件, 成千): no number.
VAGUE_BEFORE = "第几数上成"


def cn_number(approximate: str) -> str:
    """The regex of a Chinese numeral with a power of ten in it, from its first digit (or
    十: 十二件), or of a power alone before a word of approximation (``approximate``, a
    regex: 百余件, 千多人次)."""
    return (
        rf"(?<![{VAGUE_BEFORE}{CN_CHARS}])"
        rf"(?:(?=[{''.join(CN_DIGITS)}]*[十百千万亿])[一二两三四五六七八九十][{CN_CHARS}]*"
        rf"|[百千万](?={approximate}))"
    )


MINUTE = 60


def chinese_number(text: str) -> int | None:
    """The value of a Chinese numeral (两千 2000, 一千二百 1200, 三万五 35000), or None when
    the characters are no well-formed number."""
    total, section = 0, 0
    digit: int | None = None
    last_small = last_large = None  # the powers seen last, which must decrease
    zero = False  # a 零 since the last power: the digit after it is units, not abbreviated
    for ch in text:
        if ch in CN_DIGITS:
            if digit is not None:
                return None  # 二三: two digits in a row
            if CN_DIGITS[ch] == 0:
                zero = True
                continue
            digit = CN_DIGITS[ch]
        elif ch not in CN_SMALL and ch not in CN_LARGE:
            return None  # not a character of a numeral
        elif ch in CN_SMALL:
            power = CN_SMALL[ch]
            if last_small is not None and power >= last_small:
                return None
            if digit is None and (section or total or last_large):
                return None  # 一千百: a power without its digit (one opens a number: 十二, 百余)
            section += (1 if digit is None else digit) * power
            digit, last_small, zero = None, power, False
        else:
            power = CN_LARGE[ch]
            if last_large is not None and power >= last_large:
                return None
            section += _trailing(digit, last_small, zero)
            if section == 0 and (total or last_large or digit is not None):
                return None
            section = section or 1  # 万余: a power alone opens the number
            total += section * power
            section, digit, last_small, last_large, zero = 0, None, None, power, False
    # (a digit right after 万 or 亿 stands for the power below it: 三万五 is 35000)
    return total + section + _trailing(digit, last_small or last_large, zero)


def _trailing(digit: int | None, last_power: int | None, zero: bool) -> int:
    """A digit after the last power: units after 零 or 十 (一千零五, 二十三), else the next
    lower power (一千二 is 1200, 三万五 is 35000)."""
    if digit is None:
        return 0
    if zero or last_power is None or last_power == 10:
        return digit
    return digit * last_power // 10


def duration_minutes(hours: str | None, minutes: str, seconds: str | None) -> float | None:
    """1小时20分 (80), 3分12秒 (3.2): the duration in minutes, or None when a part is out
    of its range (1小时75分, 3分80秒)."""
    mins = int(minutes) if minutes.isdigit() else None
    if mins is None or (hours is not None and mins >= MINUTE):
        return None
    if seconds is not None and int(seconds) >= MINUTE:
        return None
    value = (int(hours) * MINUTE if hours else 0) + mins + int(seconds or 0) / MINUTE
    return round(value, 6)
