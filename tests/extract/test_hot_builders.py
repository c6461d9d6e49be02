"""The hot path's shortcuts give what the plain forms give: one chrome alternation, raw_cell."""

from __future__ import annotations

import re

import pytest

from extract.hints import any_of, load_hints
from extract.layout import RawCell, raw_cell

LINES = [
    ("第 3 页，共 5 页", True),
    ("— 12 —", True),
    ("  当前位置：首页 > 政务公开", True),
    ("版权所有：攀枝花市西区人民政府", True),
    ("川ICP备05001234号", True),
    ("区社保局", False),
    ("1月，政务服务大厅系统受理数7016件", False),
    ("", False),
]


@pytest.mark.parametrize(("line", "chrome"), LINES)
def test_is_chrome_is_any_pattern_of_the_layout_file(line: str, chrome: bool) -> None:
    hints = load_hints()
    assert hints.is_chrome(line) is chrome
    assert any(p.search(line.strip()) for p in hints.chrome) is chrome


def test_any_of_keeps_each_patterns_flags_to_itself() -> None:
    either = any_of((re.compile("copyright", re.IGNORECASE), re.compile("^abc$")))
    assert either.search("COPYRIGHT 2020") is not None
    assert either.search("ABC") is None  # the second pattern stays case-sensitive
    assert either.search("abc") is not None
    assert any_of(()).search("anything") is None


def test_raw_cell_equals_the_dataclass() -> None:
    cell = raw_cell("区社保局", 12)
    assert cell == RawCell("区社保局", 12)
    assert (cell.text, cell.line) == ("区社保局", 12)
    with pytest.raises(AttributeError):
        cell.text = "x"  # type: ignore[misc]
