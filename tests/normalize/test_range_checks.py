"""Range checks decided over a whole column give what a test of each cell gives."""

from __future__ import annotations

from normalize.checks import range_checks
from normalize.facts import Fact, fact_of


def cell(row: int, value: float | None, raw: str, unit: str = "count") -> Fact:
    return fact_of(
        0, "district", f"单位{row}", f"单位{row}", None, f"单位{row}", "item", "accepted",
        "受理量", value, raw, unit, None, row, 2, row + 10, None, None, False, None, None,
    )  # fmt: skip


def checked(facts: list[Fact]) -> list[tuple[str, str, str, tuple[int, ...]]]:
    columns = {("accepted", 2): list(enumerate(facts))}
    return [(c.rule, c.status, c.message, c.facts) for c in range_checks(columns, 0)]


def test_whole_counts_in_range_are_one_ok_check_naming_every_number() -> None:
    facts = [cell(1, 12.0, "12"), cell(2, None, "-"), cell(3, 0.0, "0"), cell(4, 4.0, "4")]
    assert checked(facts) == [("count_is_whole", "ok", "3 cells in range", (0, 2, 3))]


def test_a_fraction_and_a_negative_count_are_named() -> None:
    facts = [cell(1, 12.0, "12"), cell(2, 2.5, "2.5"), cell(3, -1.0, "-1"), cell(4, 7.0, "7")]
    assert checked(facts) == [
        ("count_is_whole", "mismatch", "out of range: 单位2 2.5, 单位3 -1", (1, 2))
    ]


def test_a_rate_above_100_is_named_and_nan_is_out_of_range() -> None:
    facts = [
        cell(1, 99.5, "99.5%", "percent"),
        cell(2, 120.0, "120%", "percent"),
        cell(3, float("nan"), "nan", "percent"),
    ]
    assert checked(facts) == [
        ("percent_in_range", "mismatch", "out of range: 单位2 120%, 单位3 nan", (1, 2))
    ]


def test_an_infinite_count_is_not_whole() -> None:
    facts = [cell(1, 3.0, "3"), cell(2, float("inf"), "inf")]
    assert checked(facts) == [("count_is_whole", "mismatch", "out of range: 单位2 inf", (1,))]


def test_columns_come_in_row_order_whatever_order_the_facts_came_in() -> None:
    from normalize.checks import _by_metric, _columns

    facts = [cell(3, 3.0, "3"), cell(1, 1.0, "1"), cell(2, 2.0, "2")]
    columns = _columns(list(enumerate(facts)))
    assert [(i, f.row) for i, f in columns[("accepted", 2)]] == [(1, 1), (2, 2), (0, 3)]
    by_metric = _by_metric(columns, 0)
    assert [(i, f.row) for i, f in by_metric[(0, "accepted")]] == [(0, 3), (1, 1), (2, 2)]
