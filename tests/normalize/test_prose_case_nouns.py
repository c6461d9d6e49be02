"""A count of cases named by how they were handled (直办件, 转办件) is that measure, not
`cases` (办件) with a character before it. Expected rows written by hand."""

from __future__ import annotations

from extract.document import Block, Document
from normalize.catalog import Catalog
from normalize.prose import ProseContext, prose_facts


def test_direct_and_transferred_cases_are_two_measures(catalog: Catalog) -> None:
    text = "本月12345热线直办件31002件，直办率59.3%；转办件21316件。全市办件4800件，即办件3100件。"
    doc = Document("x.txt", "text", "utf-8", [Block(text)], [])
    facts, _ = prose_facts(doc, catalog.prose, ProseContext(scope=("12345热线", "12345热线")))
    assert [(f.metric, f.value, f.unit) for f in facts] == [
        ("handled_directly", 31002.0, "count"),
        ("direct_rate", 59.3, "percent"),
        ("transferred", 21316.0, "count"),
        ("cases", 4800.0, "count"),
        ("immediate_completed", 3100.0, "count"),
    ]


def test_an_act_before_the_object_names_the_measure(catalog: Catalog) -> None:
    text = (
        "6月份，12345热线受理群众诉求8210件，其中转办诉求3120件，直办诉求5090件，"
        "办结群众诉求8015件，办结诉求满意率96.2%。"
    )
    doc = Document("x.txt", "text", "utf-8", [Block(text)], [])
    facts, _ = prose_facts(doc, catalog.prose, ProseContext(scope=("12345热线", "12345热线")))
    assert [(f.metric, f.value) for f in facts] == [
        ("requests", 8210.0),  # receiving: the object is the measure
        ("transferred", 3120.0),
        ("handled_directly", 5090.0),
        ("completed", 8015.0),
        ("satisfaction_rate", 96.2),  # a rate keeps its own label, whatever act is before it
    ]
