"""Words around a prose figure: its label, its subject (scope or named unit), its change."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from extract.hints import fold
from normalize.prose_vocab import ProseVocab

BRACKETED = re.compile(r"\([^()]*\)")
# Period words that open a label (8月份受理… → 受理…): they say when, not what.
LEADING_TIME = re.compile(
    r"^(?:(?:19|20)\d{2}年度?|\d{1,2}\s*(?:[-~—至到]\s*\d{1,2}\s*)?月份?|第?[一二三四1-4]季度"
    r"|[上下]半年|全年|今年|本年度?|截至目前|截止目前|目前|近期)+"
)


def fold_keep(text: str) -> str:
    """NFKC character by character, keeping the length (positions stay valid)."""
    out = []
    for ch in text:
        folded = unicodedata.normalize("NFKC", ch)
        out.append(folded if len(folded) == 1 else ch)
    return "".join(out)


def mask_brackets(text: str) -> str:
    """Bracketed notes blanked to spaces (same length), nested brackets too."""
    prev = None
    while prev != text:
        prev = text
        text = BRACKETED.sub(lambda m: " " * len(m[0]), text)
    return text


def strip_words(text: str, vocab: ProseVocab) -> str:
    """A label without the fillers that open it and the connectors that close it."""
    text = text.strip(" 、,:")
    changed = True
    while changed and text:
        changed = False
        lead = LEADING_TIME.match(text)
        if lead and lead.end() > 0:
            text, changed = text[lead.end() :].strip(" 、,"), True
        for word in vocab.fillers:
            if text.startswith(word) and len(text) > len(word):
                text, changed = text[len(word) :].strip(" 、,"), True
        for word in vocab.connectors:
            if text.endswith(word) and len(text) > len(word):
                text, changed = text[: -len(word)].strip(" 、,"), True
    return text


def known_label(text: str, vocab: ProseVocab) -> tuple[str, str] | None:
    """(label as printed, metric) of the longest vocabulary label the text ends with."""
    folded = fold(text)
    best: tuple[int, str] | None = None
    for label, key in vocab.labels.items():
        if folded.endswith(label) and (best is None or len(label) > best[0]):
            best = (len(label), key)
    if best is None:
        return None
    return text[-best[0] :] if fold(text[-best[0] :]) == folded[-best[0] :] else text, best[1]


def first_scope(text: str, vocab: ProseVocab) -> tuple[int, int, str] | None:
    """(start, end, canonical scope) of the leftmost scope word in the text (longest on ties)."""
    best: tuple[int, int, str] | None = None
    for word, scope in vocab.scopes.items():
        pos = text.find(word)
        if pos < 0:
            continue
        if best is None or pos < best[0] or (pos == best[0] and pos + len(word) > best[1]):
            best = (pos, pos + len(word), scope)
    return best


def named_unit(subject: str, vocab: ProseVocab) -> str | None:
    """The subject when it names one unit (高新区, 区民政局), not a scope or a plural."""
    subject = strip_words(subject, vocab)
    if len(subject) < 2 or len(subject) > 24 or subject.startswith("各"):
        return None
    if re.search(r"[\d、,;]", subject):
        return None
    return subject if subject.endswith(tuple(vocab.unit_suffixes)) else None


@dataclass(frozen=True)
class Change:
    """A change phrase right before a figure: 同比增长, 较上月减少."""

    start: int  # where the phrase starts in the text it was found in
    basis: str  # yoy | mom
    sign: int  # +1 or -1


def change_before(text: str, vocab: ProseVocab) -> Change | None:
    """The change phrase the text ends with (a basis word, a few characters, a direction)."""
    if not vocab.change_basis:
        return None
    basis = "|".join(sorted(map(re.escape, vocab.change_basis), key=len, reverse=True))
    up = "|".join(map(re.escape, vocab.up)) or "(?!)"
    down = "|".join(map(re.escape, vocab.down)) or "(?!)"
    direction = rf"[^,;]{{0,4}}?(?:(?P<up>{up})|(?P<down>{down}))了?"
    m = re.search(rf"(?P<b>{basis})(?:{direction})?\s*$", text)
    if m is None:
        return None
    return Change(m.start(), vocab.change_basis[m["b"]], -1 if m["down"] else 1)
