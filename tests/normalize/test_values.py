"""Value cells as printed → numbers, notes and no-data marks."""

from __future__ import annotations

import pytest

from normalize.values import Value, clean, parse_value


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("4406", Value(4406.0, False, None)),
        ("100.00%", Value(100.0, True, None)),
        ("100%", Value(100.0, True, None)),
        ("96.42%", Value(96.42, True, None)),
        ("98％", Value(98.0, True, None)),
        ("６４５９", Value(6459.0, False, None)),
        ("1,234", Value(1234.0, False, None)),
        ("0.00%", Value(0.0, True, None)),
        ("-", Value(None, False, None)),
        ("暂无数据", Value(None, False, None)),
        ("", Value(None, False, None)),
        ("6459（数据来源于窗口统计）", Value(6459.0, False, "数据来源于窗口统计")),
        ("7018(含上月未办结件，下同)", Value(7018.0, False, "含上月未办结件，下同")),
        ("区社保局", Value(None, False, None, ok=False)),
    ],
)
def test_parse_value(raw: str, expected: Value) -> None:
    assert parse_value(raw) == expected


def test_clean_removes_line_break_spaces_inside_chinese_only() -> None:
    assert clean(" 玉泉 街道 ") == "玉泉街道"
    assert clean("大厅窗口 办件数") == "大厅窗口办件数"
    assert clean("West  District") == "West District"
