"""A fact's printed text is left out of its row exactly when the value writes it back."""

from __future__ import annotations

import pytest

from archive.rows import integer_text, stored_raw


@pytest.mark.parametrize(
    ("raw", "number"),
    [("2586", 2586), ("-3", -3), ("0", 0), ("2,586", None), ("-0", None), ("007", None),
     ("+5", None), (" 5", None), ("1_000", None), ("5.0", None), ("", None), ("九", None)],
)  # fmt: skip
def test_integer_text_is_the_integer_only_as_python_writes_it(raw: str, number: int | None) -> None:
    assert integer_text(raw) == number


@pytest.mark.parametrize(
    ("value", "raw", "stored"),
    [(2586.0, "2586", None), (-3.0, "-3", None), (-0.0, "0", None), (2586.5, "2586", "2586"),
     (None, "-", "-"), (None, "12", "12"), (12.0, "13", "13"), (9007199254740992.0,
     "9007199254740992", "9007199254740992"), (9007199254740991.0, "9007199254740991", None),
     (float("nan"), "1", "1"), (float("inf"), "1", "1")],
)  # fmt: skip
def test_stored_raw_is_none_only_for_the_exact_integer(
    value: float | None, raw: str, stored: str | None
) -> None:
    assert stored_raw(value, raw) == stored


def test_the_memo_of_printed_integers_is_bounded() -> None:
    maxsize = integer_text.cache_info().maxsize
    assert maxsize is not None and maxsize <= 1 << 13
