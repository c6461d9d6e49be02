"""A quarterly mailbox report in prose: a change against the quarter before, categories
that divide the sentence's main figure (not the last count before them), and units with
the letters each handled. Expected rows written by hand (3412 = 1620 + 1105 + 687)."""

from __future__ import annotations

from extract.document import Block, Document
from normalize.catalog import Catalog
from normalize.prose import ProseContext, prose_facts

PARAGRAPHS = (
    "第三季度，市长信箱共收到群众来信3412封，较上季度减少126封，已办结3360封，办结率98.48%。"
    "其中咨询类1620封（占47.5%），投诉类1105封（占32.4%），建议类687封（占20.1%）。",
    "从承办单位看，市住建局办理612封，市人社局办理455封。",
)


def test_a_quarterly_mailbox_report(catalog: Catalog) -> None:
    doc = Document("x.txt", "text", "utf-8", [Block(p) for p in PARAGRAPHS], [])
    facts, _ = prose_facts(doc, catalog.prose, ProseContext(scope=("市长信箱", "市长信箱")))
    got = [(f.entity_raw, f.row_role, f.metric, f.value, f.needs_review) for f in facts]
    assert got == [
        ("市长信箱", "total", "letters", 3412.0, False),
        ("市长信箱", "total", "letters_change_mom", -126.0, False),
        ("市长信箱", "total", "completed", 3360.0, False),
        ("市长信箱", "total", "completion_rate", 98.48, False),
        ("咨询类", "item", "letters", 1620.0, True),
        ("咨询类", "item", "letters_share", 47.5, True),
        ("投诉类", "item", "letters", 1105.0, True),
        ("投诉类", "item", "letters_share", 32.4, True),
        ("建议类", "item", "letters", 687.0, True),
        ("建议类", "item", "letters_share", 20.1, True),
        ("市住建局", "item", "handled", 612.0, False),
        ("市人社局", "item", "handled", 455.0, False),
    ]


def test_a_category_named_before_a_comparative_takes_the_figure_after_it(
    catalog: Catalog,
) -> None:
    text = "市政管理类诉求最多，为4210件，占23.1%；其次是社会保障类2980件，占16.3%。"
    doc = Document("x.txt", "text", "utf-8", [Block(text)], [])
    facts, warnings = prose_facts(
        doc, catalog.prose, ProseContext(scope=("12345热线", "12345热线"))
    )
    got = [(f.entity_raw, f.row_role, f.metric, f.value, f.needs_review) for f in facts]
    assert got == [
        ("市政管理类", "item", "requests", 4210.0, True),
        ("市政管理类", "item", "requests_share", 23.1, True),
        ("社会保障类", "item", "requests", 2980.0, True),
        ("社会保障类", "item", "requests_share", 16.3, True),
    ]
    assert warnings == []
