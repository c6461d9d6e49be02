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
