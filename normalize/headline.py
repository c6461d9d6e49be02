"""Headline figures: the totals stated in a bulletin's opening paragraphs.

Two wordings are known (``系统排号数7705件，系统受理数7016件，办结7018件…`` and
``各窗口共受理13907件,办结13907件…一体化平台办件数4288件…``). A figure is a headline
figure when a known label ends right before it and a scope (政务服务大厅, 便民服务大厅,
一体化平台) was named earlier in the same sentence; figures about single departments
(``…主动评价率较低为69.32%``) have no label right before them and are left alone.
"""

from __future__ import annotations

import re
import unicodedata

from extract.document import Block, Document
from extract.hints import fold
from normalize.catalog import Catalog
from normalize.facts import Fact

FIGURE = re.compile(
    r"(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>件|项|个|人次|次|%|％)"
    r"(?P<note>\s*[（(][^（()）]*[)）])?"
)
SENTENCE_END = re.compile(r"[。；;!?！？]")
CLAUSE_BREAK = re.compile(r"[,，:：]")
BRACKETED = re.compile(r"[（(][^（()）]*[)）]")
SECTION = re.compile(r"^[二三四五六七八九十]+\s*[、.．]")


def opening_blocks(doc: Document) -> list[Block]:
    """Blocks before the second top-level section (二、) and before the first table."""
    end = doc.table_positions[0] if doc.table_positions else len(doc.blocks)
    out = []
    for block in doc.blocks[:end]:
        if SECTION.match(unicodedata.normalize("NFKC", block.text)):
            break
        out.append(block)
    return out


def headline_facts(doc: Document, catalog: Catalog) -> list[Fact]:
    """The scope totals stated in the opening paragraphs."""
    facts: list[Fact] = []
    for block in opening_blocks(doc):
        start = 0
        for end_match in [*SENTENCE_END.finditer(block.text), None]:
            end = end_match.end() if end_match else len(block.text)
            facts.extend(sentence_facts(block, start, end, catalog))
            start = end
    return facts


def sentence_facts(block: Block, start: int, end: int, catalog: Catalog) -> list[Fact]:
    """Figures of one sentence that have a known label and a scope before them."""
    text = block.text[start:end]
    out = []
    for m in FIGURE.finditer(text):
        before = text[: m.start()]
        clause = CLAUSE_BREAK.split(BRACKETED.sub("", before))[-1]
        metric = longest_suffix_label(clause, catalog)
        scope = last_scope(BRACKETED.sub(lambda b: " " * len(b[0]), before), catalog)
        if metric is None or scope is None:
            continue
        unit = "percent" if m["unit"] in "%％" else "count"
        note = m["note"].strip()[1:-1].strip() if m["note"] else None
        out.append(
            Fact(
                table_index=None,
                table_kind="headline",
                entity_raw=scope[0],
                name_key=scope[1],
                parent_raw=None,
                row_label=scope[0],
                row_role="total",
                metric=metric,
                header=_label_after_scope(clause, scope[0]),
                value=float(m["num"]),
                value_raw=text[m.start("num") : m.end("unit")],
                unit=unit,
                note=note or None,
                row=None,
                col=None,
                line=block.source.line_start,
                page=block.source.page,
                bbox=block.source.bbox,
            )
        )
    return out


def longest_suffix_label(clause: str, catalog: Catalog) -> str | None:
    """The metric of the longest known label the clause ends with."""
    folded = fold(clause)
    best: tuple[int, str] | None = None
    for label, key in catalog.headline_labels.items():
        if folded.endswith(label) and (best is None or len(label) > best[0]):
            best = (len(label), key)
    return best[1] if best else None


def last_scope(text: str, catalog: Catalog) -> tuple[str, str] | None:
    """(word as printed, canonical scope) of the last scope named in the text."""
    best: tuple[int, str, str] | None = None
    for word, scope in catalog.headline_scopes.items():
        pos = text.rfind(word)
        if pos >= 0 and (best is None or pos > best[0]):
            best = (pos, word, scope)
    return (best[1], best[2]) if best else None


def _label_after_scope(clause: str, scope_word: str) -> str:
    """The printed label of a figure: its clause without the scope that opens it."""
    head, found, tail = clause.strip().partition(scope_word)
    return (tail if found else head).strip() or clause.strip()
