"""Chinese numerals and durations of two units, read by prose_numbers.py."""

from __future__ import annotations

import pytest

from normalize.prose_numbers import chinese_number, duration_minutes


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("两千", 2000),
        ("三百", 300),
        ("一千二百", 1200),
        ("一千二", 1200),
        ("一千零五", 1005),
        ("一百零五", 105),
        ("三万五", 35000),
        ("三万五千", 35000),
        ("一万二千三百", 12300),
        ("十万", 100000),
        ("五十万", 500000),
        ("一亿二千万", 120000000),
        # a power alone (the reader takes it only before 余 or 多: 百余件)
        ("百", 100),
        ("千", 1000),
        ("万", 10000),
    ],
)
def test_chinese_numerals(text: str, value: int) -> None:
    assert chinese_number(text) == value


@pytest.mark.parametrize(
    "text", ["二三", "千百", "百十", "一百千", "二三百", "万亿", "一亿万", "一百%", "三、五"]
)
def test_numerals_out_of_order_are_no_number(text: str) -> None:
    assert chinese_number(text) is None


def test_durations_in_minutes() -> None:
    assert duration_minutes("1", "20", None) == 80.0
    assert duration_minutes(None, "3", "12") == 3.2
    assert duration_minutes("2", "0", "30") == 120.5
    assert duration_minutes("1", "75", None) is None
    assert duration_minutes(None, "3", "60") is None
