"""normalize_document on prose-only bulletins: refusal, warning, given period, publisher scope."""

from __future__ import annotations

import pytest

from extract.document import Block, Document
from extract.errors import NoTable
from extract.hints import load_hints
from extract.text import parse_text
from normalize.bulletin import normalize_document
from normalize.catalog import Catalog
from normalize.facts import Period


def doc(*lines: str) -> Document:
    return Document("notice.txt", "text", "utf-8", [Block(x) for x in lines], [])


def test_a_file_with_neither_table_nor_figure_is_refused_in_one_line(catalog: Catalog) -> None:
    with pytest.raises(NoTable) as err:
        normalize_document(doc("一、办件情况", "本月工作平稳有序。"), catalog, "notice.txt")
    assert str(err.value) == (
        "notice.txt: no table and no figure found "
        "(if the bulletin is an attached .doc or .pdf, ingest that file)"
    )


def test_the_given_period_wins_and_is_marked_given(catalog: Catalog) -> None:
    d = doc("8月份各窗口上报各类办件31250件,办结31250件,办结率100%。", "2025年9月3日")
    bulletin = normalize_document(d, catalog, "notice.txt", given_period=Period(2024, 8, "given"))
    assert (bulletin.period.label, bulletin.period.basis) == ("2024-08", "given")
    assert [(f.metric, f.value) for f in bulletin.facts] == [
        ("cases", 31250.0),
        ("completed", 31250.0),
        ("completion_rate", 100.0),
    ]
    assert bulletin.warnings == [
        "period: given as 2024-08, but the publication date says 2025-08; 2024-08 kept",
        "no table found; the bulletin's figures are read from its prose",
    ]


def test_the_publisher_is_the_scope_when_no_sentence_names_one(catalog: Catalog) -> None:
    d = doc(
        "发布机构: 平安县行政审批局 发文日期: 2023-04-06 信息名称: 3月份工作通报",
        "本月共办理业务4210件,同比增长3.5%。",
    )
    bulletin = normalize_document(d, catalog, "notice.txt")
    assert bulletin.publisher == "平安县行政审批局"
    assert bulletin.title == "3月份工作通报"
    assert (bulletin.period.label, bulletin.period.published) == ("2023-03", "2023-04-06")
    got = [
        (f.entity_raw, f.metric, f.header, f.value, f.unit, f.needs_review) for f in bulletin.facts
    ]
    assert got == [  # 办理 (handled) with its object, and a change of it
        ("平安县行政审批局", "handled", "办理业务", 4210.0, "count", False),
        ("平安县行政审批局", "handled_change_yoy", "同比增长", 3.5, "percent_change", False),
    ]


def test_a_cumulative_figure_is_not_checked_against_the_monthly_table(catalog: Catalog) -> None:
    text = (
        "9月,政务服务大厅各窗口共受理30件;1-9月累计受理270件。\n"
        "部门 |\n受理 |\n区民政局 |\n10 |\n区人社局 |\n20 |\n总计 |\n30 |\n"
    )
    d = parse_text(text, "x.txt", "utf-8", load_hints())
    bulletin = normalize_document(d, catalog, "2022-09_x.txt")
    found = [
        (c.subject, c.status, c.message)
        for c in bulletin.checks
        if c.rule == "headline_matches_table"
    ]
    assert found[1] == (
        "政务服务大厅 受理",
        "not_applicable",
        "a figure of 2022-01..2022-09, not of the bulletin's period",
    )
    assert found[0][:2] == ("政务服务大厅 各窗口共受理", "ok")
