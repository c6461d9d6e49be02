"""The scope of prose figures across paragraphs: a new paragraph starts again from its
section's scope (or the bulletin's) unless it plainly goes on with the one before.
Expected rows written by hand."""

from __future__ import annotations

from extract.document import Block, Document
from normalize.catalog import Catalog
from normalize.prose import ProseContext, prose_facts

Row = tuple[str, str, str, float | None]


def read(catalog: Catalog, *lines: str, scope: tuple[str, str] | None = None) -> list[Row]:
    doc = Document("x.txt", "text", "utf-8", [Block(line) for line in lines], [])
    facts, _ = prose_facts(doc, catalog.prose, ProseContext(scope=scope))
    return [(f.entity_raw, f.row_role, f.metric, f.value) for f in facts]


def test_a_new_paragraph_returns_to_the_bulletins_scope(catalog: Catalog) -> None:
    got = read(
        catalog,
        "5月份,市12345热线共受理来电21764件。",
        "市长信箱收到来信812件,办结率98%。",
        "回访满意率96.4%。",
        scope=("12345热线", "12345热线"),
    )
    assert got == [
        ("12345热线", "total", "calls", 21764.0),
        ("市长信箱", "total", "letters", 812.0),
        ("市长信箱", "total", "completion_rate", 98.0),
        ("12345热线", "total", "callback_satisfaction_rate", 96.4),
    ]


def test_without_a_title_scope_the_first_subject_is_the_bulletins(catalog: Catalog) -> None:
    got = read(
        catalog,
        "本月市12345热线受理来电3200件。",
        "市长信箱收到来信210件。",
        "按时办结率97.5%。",
    )
    assert got == [
        ("12345热线", "total", "calls", 3200.0),
        ("市长信箱", "total", "letters", 210.0),
        ("12345热线", "total", "ontime_completion_rate", 97.5),
    ]


def test_a_paragraph_opening_with_qizhong_goes_on_with_the_one_before(
    catalog: Catalog,
) -> None:
    got = read(
        catalog,
        "本月市12345热线受理来电3200件。",
        "市长信箱收到来信210件。",
        "其中办结200件,办结率95.2%。",
        "同时,回访满意率99%。",
    )
    assert got == [
        ("12345热线", "total", "calls", 3200.0),
        ("市长信箱", "total", "letters", 210.0),
        ("市长信箱", "total", "completed", 200.0),
        ("市长信箱", "total", "completion_rate", 95.2),
        ("市长信箱", "total", "callback_satisfaction_rate", 99.0),
    ]


def test_a_paragraph_cut_mid_sentence_goes_on_in_the_next(catalog: Catalog) -> None:
    got = read(
        catalog,
        "本月市12345热线受理来电3200件。",
        "市长信箱办理情况如下:",
        "收到来信210件,办结率98%。",
        "接通率99.1%。",
    )
    assert got == [
        ("12345热线", "total", "calls", 3200.0),
        ("市长信箱", "total", "letters", 210.0),
        ("市长信箱", "total", "completion_rate", 98.0),
        ("12345热线", "total", "answer_rate", 99.1),
    ]


def test_paragraphs_of_a_section_return_to_its_headings_scope(catalog: Catalog) -> None:
    got = read(
        catalog,
        "一、市长信箱办理情况",
        "本月收到来信210件。",
        "其中市住建局办结率较低为81.2%。",
        "办结率98%。",
        "二、满意度情况",
        "满意率96%。",
        scope=("12345热线", "12345热线"),
    )
    assert got == [
        ("市长信箱", "total", "letters", 210.0),
        ("市住建局", "item", "completion_rate", 81.2),
        ("市长信箱", "total", "completion_rate", 98.0),
        ("12345热线", "total", "satisfaction_rate", 96.0),
    ]
