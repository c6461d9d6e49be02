"""Wordings of the family's prose, second round: no change (持平), Chinese-numeral counts,
durations of two units, and the labels 退单率, 重办率, 有效诉求, 在线解答."""

from __future__ import annotations

from extract.document import Block, Document
from normalize.catalog import Catalog
from normalize.facts import Period
from normalize.prose import ProseContext, prose_facts

# entity, row role, metric, value, value as printed, unit, period, needs review
Row = tuple[str, str, str, float | None, str, str, str | None, bool]


def read(catalog: Catalog, *lines: str, period: Period | None = None) -> list[Row]:
    return facts_and_warnings(catalog, *lines, period=period)[0]


def facts_and_warnings(
    catalog: Catalog, *lines: str, period: Period | None = None
) -> tuple[list[Row], list[str]]:
    doc = Document("x.txt", "text", "utf-8", [Block(line) for line in lines], [])
    facts, warnings = prose_facts(doc, catalog.prose, ProseContext(period))
    rows = [
        (f.entity_raw, f.row_role, f.metric, f.value, f.value_raw, f.unit, f.period, f.needs_review)
        for f in facts
    ]
    return rows, warnings


def test_returned_and_reopened_rates_valid_requests_and_answers_online(
    catalog: Catalog,
) -> None:
    got, warnings = facts_and_warnings(
        catalog,
        "12345热线受理有效诉求21764件,其中在线解答11020件,转派10744件;退单率1.2%,重办率0.56%。",
    )
    assert got == [
        ("12345热线", "total", "valid_requests", 21764.0, "21764件", "count", None, False),
        ("12345热线", "total", "answered_online", 11020.0, "11020件", "count", None, False),
        ("12345热线", "total", "transferred", 10744.0, "10744件", "count", None, False),
        ("12345热线", "total", "returned_rate", 1.2, "1.2%", "percent", None, False),
        ("12345热线", "total", "reopened_rate", 0.56, "0.56%", "percent", None, False),
    ]
    assert warnings == []


def test_valid_calls_stay_another_measure_than_calls(catalog: Catalog) -> None:
    got = read(catalog, "12345热线有效来电3000个。")
    assert got == [("12345热线", "total", "有效来电", 3000.0, "3000个", "count", None, True)]
