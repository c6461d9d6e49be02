"""Consistency checks on the samples, on shuffled copies, and on copies with one number changed."""

from __future__ import annotations

import pytest

from extract.hints import load_hints
from extract.text import parse_text
from normalize.bulletin import normalize_document
from normalize.catalog import Catalog
from normalize.checks import Check
from tests.extract.test_text import shuffled_rows
from tests.helpers import DEC, SEP

Key = tuple[str, int | None, str, str | None]
SEP_TEXT = SEP.read_text(encoding="utf-8")
DEC_TEXT = DEC.read_text(encoding="utf-8")


def checks_of(text: str, catalog: Catalog, name: str = "x.txt") -> list[Check]:
    doc = parse_text(text, name, "utf-8", load_hints())
    return normalize_document(doc, catalog, name).checks


def by_key(checks: list[Check]) -> dict[Key, Check]:
    out = {(c.rule, c.table_index, c.subject, c.metric): c for c in checks}
    assert len(out) == len(checks), "check keys must be unique"
    return out


def statuses(text: str, catalog: Catalog) -> dict[Key, str]:
    return {k: c.status for k, c in by_key(checks_of(text, catalog)).items()}


def changed(before: dict[Key, str], after: dict[Key, str]) -> set[Key]:
    return {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


def test_annex2_and_annex3_add_up_and_match_the_headline(catalog: Catalog) -> None:
    checks = by_key(checks_of(SEP_TEXT, catalog))
    total = checks[("items_sum_to_total", 1, "总计 · 大厅窗口办件数", "handled")]
    assert (total.status, total.expected, total.actual) == ("ok", 13907.0, 13907.0)
    assert len(total.facts) == 21  # the 总计 cell and its 20 rows
    accepted = checks[("headline_matches_table", 1, "政务服务大厅 各窗口共受理", "accepted")]
    assert (accepted.status, accepted.actual) == ("ok", 13907.0)
    assert accepted.message == "13907件 equals table 2 总计 under '大厅窗口办件数'"
    subtotals = [c for c in checks.values() if c.rule == "items_sum_to_subtotal"]
    assert len(subtotals) == 24 and {c.status for c in subtotals} == {"ok"}
    qxp = checks[("items_sum_to_subtotal", 2, "清香坪街道 小计 · 申请(件)", "applications")]
    assert (qxp.expected, qxp.actual, len(qxp.facts)) == (832.0, 832.0, 8)
    grand = [c for c in checks.values() if c.rule == "subtotals_sum_to_total"]
    assert sorted((c.metric, c.actual, c.status) for c in grand) == [
        ("accepted", 4904.0, "ok"),
        ("applications", 4904.0, "ok"),
        ("completed", 4904.0, "ok"),
        ("consultations", 5331.0, "ok"),
    ]


def test_headline_applications_mismatch_names_both_cells(catalog: Catalog) -> None:
    doc = parse_text(SEP_TEXT, "x.txt", "utf-8", load_hints())
    bulletin = normalize_document(doc, catalog, "x.txt")
    check = by_key(bulletin.checks)[
        ("headline_matches_table", 2, "便民服务大厅 申请", "applications")
    ]
    assert (check.status, check.expected, check.actual) == ("mismatch", 5331.0, 4904.0)
    assert (
        check.message
        == "5331件 is printed, but table 3 总计 under '申请(件)' is 4904; '咨询(件)' holds 5331"
    )
    cells = [bulletin.facts[i] for i in check.facts]
    assert [(f.table_kind, f.metric, f.value_raw) for f in cells] == [
        ("headline", "applications", "5331件"),
        ("town_centers", "applications", "4904"),
        ("town_centers", "consultations", "5331"),
    ]


def test_december_headline_equals_the_sum_without_the_window_statistics_row(
    catalog: Catalog,
) -> None:
    checks = by_key(checks_of(DEC_TEXT, catalog))
    accepted = checks[("headline_matches_table", 0, "政务服务大厅 系统受理数", "accepted")]
    assert (accepted.status, accepted.expected, accepted.actual) == ("ok", 7016.0, 7016.0)
    assert accepted.message == (
        "7016件 equals the sum of table 1 under '系统受理数' without 市公交公司 (数据来源于窗口统计)"
    )
    assert len(accepted.facts) == 1 + 20
    evaluations = checks[("headline_matches_table", 0, "政务服务大厅 系统评价数", "evaluations")]
    assert (evaluations.status, evaluations.actual) == ("ok", 4776.0)
    queue = checks[("headline_matches_table", None, "政务服务大厅 系统排号数", "queue_tickets")]
    assert queue.status == "not_applicable"


def test_every_finding_of_the_samples(catalog: Catalog) -> None:
    """Only these are not ok: nothing else in either sample is out of line."""
    found = [
        (c.rule, c.subject, c.status)
        for text in (SEP_TEXT, DEC_TEXT)
        for c in checks_of(text, catalog)
        if c.status != "ok"
    ]
    assert found == [
        ("headline_matches_table", "便民服务大厅 申请", "mismatch"),
        ("headline_matches_table", "一体化平台 办件数", "mismatch"),
        ("headline_matches_table", "一体化平台 主动评价率", "not_applicable"),
        ("headline_matches_table", "区农业农村和交通运输局 主动评价率", "not_applicable"),
        ("headline_matches_table", "政务服务大厅 系统排号数", "not_applicable"),
        ("headline_matches_table", "政务服务大厅 即办件数", "not_applicable"),
        ("headline_matches_table", "政务服务大厅 系统评价满意率", "not_applicable"),
    ]


def test_shuffled_copy_is_checked_the_same(catalog: Catalog) -> None:
    original = statuses(SEP_TEXT, catalog)
    for table_no in (0, 1):
        assert statuses(shuffled_rows(SEP_TEXT, table_no, seed=3), catalog) == original


def replace_after(text: str, anchor: str, old: str, new: str) -> str:
    """Replace the first line `old` that follows the line `anchor`."""
    lines = text.split("\n")
    start = lines.index(anchor)
    at = lines.index(old, start)
    lines[at] = new
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("anchor", "old", "new", "expected"),
    [
        # a centre's 申请: only its town's 小计 check breaks
        ("金林社区便民服务中心 |", "46 |", "47 |",
         {("items_sum_to_subtotal", 2, "格里坪镇 小计 · 申请(件)", "applications")}),
        # a 小计: its group and the 总计 break
        ("小计 |", "1493 |", "1494 |",
         {("items_sum_to_subtotal", 2, "格里坪镇 小计 · 咨询(件)", "consultations"),
          ("subtotals_sum_to_total", 2, "总计 · 咨询(件)", "consultations")}),
        # 附件2's 总计: its sum and both headline figures that cite it
        ("总计 |", "13907 |", "13908 |",
         {("items_sum_to_total", 1, "总计 · 大厅窗口办件数", "handled"),
          ("headline_matches_table", 1, "政务服务大厅 各窗口共受理", "accepted"),
          ("headline_matches_table", 1, "政务服务大厅 办结", "completed")}),
        # a rate out of range
        ("区委宣传部 |", "100.00% |", "120.00% |",
         {("percent_in_range", 0, "事项梳理/认领率", "claim_rate")}),
        # a department's 主动评价数: the headline sum it is part of
        ("区发展改革局 |", "27 |", "28 |",
         {("headline_matches_table", 0, "一体化平台 主动评价数", "evaluations")}),
        # a cumulative count no check covers: nothing changes
        ("区委宣传部 |", "1 |", "2 |", set()),
    ],
)  # fmt: skip
def test_one_number_changed_fails_exactly_its_checks(
    catalog: Catalog, anchor: str, old: str, new: str, expected: set[Key]
) -> None:
    before = statuses(SEP_TEXT, catalog)
    after = statuses(replace_after(SEP_TEXT, anchor, old, new), catalog)
    assert changed(before, after) == expected
    assert all(after[k] == "mismatch" for k in expected)


def test_one_number_changed_in_the_december_table(catalog: Catalog) -> None:
    before = statuses(DEC_TEXT, catalog)
    after = statuses(replace_after(DEC_TEXT, "\t区社保局", "\t2586", "\t2596"), catalog)
    assert changed(before, after) == {
        ("headline_matches_table", 0, "政务服务大厅 系统受理数", "accepted")
    }


def test_a_removed_row_is_a_missing_row_number(catalog: Catalog) -> None:
    lines = SEP_TEXT.split("\n")
    at = lines.index("区市场监管局 |", lines.index("附件2"))
    cut = "\n".join(lines[: at - 1] + lines[at + 3 :])  # 9 | 区市场监管局 | 203 | |
    checks = by_key(checks_of(cut, catalog))
    numbers = checks[("row_numbers_complete", 1, "附件2 西区政务服务大厅9月部门窗口办件情况", None)]
    assert (numbers.status, numbers.message) == ("mismatch", "rows numbered 1–20; missing 9")
    total = checks[("items_sum_to_total", 1, "总计 · 大厅窗口办件数", "handled")]
    assert (total.status, total.actual) == ("mismatch", 13907.0 - 203)
