"""A site's metadata block (索引号: … 发布机构: … 发文日期: … 信息名称: …) as bulletin metadata.

The block sits above the text, on one line, on several, or as rows of label and value
cells (which the readers turn into prose). Its labels come from the vocabulary; the
publisher, the published date and the title are kept, the rest only ends a value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extract.document import Document
from normalize.prose_vocab import ProseVocab
from normalize.prose_words import fold_keep

DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})(?!\d)"
)
# How far down the metadata block may start.
SEARCH_BLOCKS = 15


@dataclass(frozen=True)
class SiteMeta:
    """What the metadata block says, and which blocks it takes."""

    blocks: frozenset[int]
    publisher: str | None = None
    published: str | None = None  # YYYY-MM-DD
    title: str | None = None


def label_pattern(vocab: ProseVocab) -> re.Pattern[str] | None:
    """A metadata label followed by a separator (:, |) or spaces, longest label first."""
    return vocab.pattern("metadata_label", _label_regex)


def _label_regex(vocab: ProseVocab) -> str | None:
    if not vocab.metadata:
        return None
    words = "|".join(map(re.escape, sorted(vocab.metadata, key=len, reverse=True)))
    return rf"(?P<label>{words})\s*(?:[:|]\s*|\s+|$)"


def read_site_meta(doc: Document, vocab: ProseVocab) -> SiteMeta:
    """The first metadata block near the top of the document (empty when there is none)."""
    pattern = label_pattern(vocab)
    if pattern is None:
        return SiteMeta(frozenset())
    taken: list[int] = []
    pending = False  # the last label had no value yet: the next block may hold it
    for i, block in enumerate(doc.blocks[:SEARCH_BLOCKS]):
        text = fold_keep(block.text).strip().strip("|").strip()
        labels = list(pattern.finditer(text))
        opens = bool(labels) and labels[0].start() == 0
        value_only = pending and 0 < len(text) <= 60 and not labels and "。" not in text
        if opens or len(labels) >= 2 or value_only:
            taken.append(i)
            pending = len(labels) == 1 and opens and not text[labels[0].end() :].strip(" |")
        elif taken:
            break
    if not taken:
        return SiteMeta(frozenset())
    joined = " | ".join(fold_keep(doc.blocks[i].text).strip() for i in taken)
    values = _values(joined, pattern, vocab)
    published = None
    if values.get("published"):
        m = DATE.search(values["published"])
        if m:
            published = f"{int(m['y']):04d}-{int(m['m']):02d}-{int(m['d']):02d}"
    return SiteMeta(
        frozenset(taken), values.get("publisher") or None, published, values.get("title") or None
    )


def _values(text: str, pattern: re.Pattern[str], vocab: ProseVocab) -> dict[str, str]:
    """Role → the text between its label and the next label (first occurrence wins)."""
    found = list(pattern.finditer(text))
    out: dict[str, str] = {}
    for here, nxt in zip(found, [*found[1:], None], strict=True):
        value = text[here.end() : nxt.start() if nxt else len(text)]
        value = re.sub(r"\s*\|\s*", " ", value).strip()
        role = vocab.metadata[here["label"]]
        if role != "other" and role not in out and value:
            out[role] = value
    return out


ISSUER_DATE = re.compile(r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")
ISSUER_TAIL = re.compile(r"\s*(编|印发|制|办公室编)$")


def find_issuer(doc: Document, vocab: ProseVocab) -> str | None:
    """The office named on the publication-date line (issuer line or signature)."""

    def text(i: int) -> str:  # only the first and last blocks are read
        return fold_keep(doc.blocks[i].text).strip()

    n = len(doc.blocks)
    edges = list(range(min(3, n))) + list(range(max(0, n - 3), n))
    for i in edges:
        m = ISSUER_DATE.search(text(i))
        if m is None:
            continue
        name = text(i)[: m.start()].strip() or (text(i - 1) if i > 0 else "")
        name = ISSUER_TAIL.sub("", name.strip())
        if 4 <= len(name) <= 30 and name.endswith(tuple(vocab.unit_suffixes)):
            return name
    return None
