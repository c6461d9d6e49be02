"""No change: 同比持平, 与上月持平, 受理量环比基本持平.

A measure said to be level (持平) with a period before has changed by zero: a fact of the
change metric of the sentence's measure and basis, value 0, printed 持平. The measure is the
label before the words (受理量与上月持平), else the figure before them in the sentence (受理
诉求2100件，同比持平). A rate's zero change is in points. 基本持平 (about level) is stored
flagged; so is a zero whose measure the words name but whose unit no figure gives (a count's,
a time's). Without a measure, or level with something else than a period before (与全省
平均水平持平), nothing is stored and a warning says so.
"""

from __future__ import annotations

import re
from dataclasses import replace

from extract.document import Block
from extract.hints import fold
from normalize.facts import Fact
from normalize.prose_levels import CHANGE_UNITS
from normalize.prose_parts import RATE_ENDINGS
from normalize.prose_state import State, of_unit, scope_fact
from normalize.prose_vocab import ProseVocab
from normalize.prose_words import basis_in, known_label, strip_words
from normalize.tables import slug

CHANGE_SUFFIX = re.compile(r"_change(_yoy|_mom)?$")


def flat_pattern(vocab: ProseVocab) -> re.Pattern[str] | None:
    return vocab.pattern("flat", _flat_regex)


def _flat_regex(vocab: ProseVocab) -> str | None:
    if not vocab.flat_words:
        return None
    basis = sorted([*vocab.change_basis, *vocab.flat_basis], key=len, reverse=True)
    words = "|".join(sorted(map(re.escape, vocab.flat_words), key=len, reverse=True))
    rough = "|".join(sorted(map(re.escape, vocab.flat_rough), key=len, reverse=True)) or "(?!)"
    b = "|".join(map(re.escape, basis)) or "(?!)"
    also = "|".join(map(re.escape, vocab.flat_also)) or "(?!)"
    return rf"(?:(?P<b>{b})\s*(?:{also})?\s*)?(?P<word>(?P<rough>{rough})?(?:{words}))"


def flat_matches(masked: str, start: int, end: int, vocab: ProseVocab) -> list[re.Match[str]]:
    """The level words of a clause, not those inside a longer word (保持平稳)."""
    pattern = flat_pattern(vocab)
    if pattern is None:
        return []
    found = []
    for m in pattern.finditer(masked, start, end):
        at = m.start("word")
        if any(
            masked.find(word, max(0, at - len(word)), at + len(word) + 1) >= 0
            for word in vocab.flat_not
        ):
            continue
        found.append(m)
    return found


LABEL_JOINERS = re.compile(r"[、和及与]")


def flat_facts(
    block: Block, masked: str, m: re.Match[str], label_start: int, vocab: ProseVocab, state: State
) -> list[Fact]:
    """The zero changes the words state: one for each measure a list of known labels names
    (受理量、办结量同比均持平), else the one :func:`flat_fact` reads."""
    label = strip_words(masked[label_start : m.start()], vocab)
    parts = LABEL_JOINERS.split(label)
    if m["b"] is None or len(parts) < 2:
        found = flat_fact(block, masked, m, label_start, vocab, state)
        return [] if found is None else [found]
    out: list[Fact] = []
    for part in parts:
        known = known_label(part, vocab)
        if known is None or fold(known[0]) != fold(part.strip()):
            found = flat_fact(block, masked, m, label_start, vocab, state)
            return [] if found is None else [found]
        fact = flat_fact(block, masked, m, label_start, vocab, state, label=part.strip())
        if fact is not None:
            out.append(fact)
    return out


def flat_fact(
    block: Block,
    masked: str,
    m: re.Match[str],
    label_start: int,
    vocab: ProseVocab,
    state: State,
    label: str | None = None,
) -> Fact | None:
    """The zero change the words state, or None (a warning) when no measure is named.
    ``state.said`` is the sentence before the words; the label starts at ``label_start``
    (or is ``label``, one of a list)."""
    basis_word = m["b"]
    basis = (
        vocab.change_basis.get(basis_word) or vocab.flat_basis.get(basis_word)
        if basis_word
        else basis_in(state.said, vocab)
    )
    if label is None:
        label = strip_words(masked[label_start : m.start()], vocab)
    if basis_word is None and any(word in label for word in vocab.flat_against):
        # (受理量)与全省平均水平持平: level with something else than a period before
        state.warnings.append(
            f"line {block.source.line_start}: {label}{m['word']} compares with no period "
            "before; not stored"
        )
        return None
    printed = block.text[m.start("word") : m.end("word")]
    header = strip_words(masked[label_start : m.end()], vocab)
    fact = scope_fact(state, block, 0.0, printed, "", header)
    fact = replace(fact, needs_review=m["rough"] is not None)
    if label:
        known = known_label(label, vocab)
        rate = label.endswith(RATE_ENDINGS)
        if known is None:
            state.warnings.append(
                f"line {fact.line}: prose label '{label}' is not in the vocabulary; "
                f"kept as metric '{slug(label)}'"
            )
        metric = known[1] if known is not None else slug(label)
        fact = replace(
            fact,
            metric=metric,
            unit="point_change" if rate else "count_change",
            # a count's or a time's zero: which unit, no figure says
            needs_review=fact.needs_review or known is None or not rate,
        )
        if state.unit:
            fact = of_unit(fact, state.unit)
    else:
        ref = state.last or state.last_any
        if ref is None:
            state.warnings.append(
                f"line {fact.line}: {printed} (no change) names no measure; not stored"
            )
            return None
        if ref.unit.endswith("_change"):
            unit = ref.unit  # (环比增长3%，同比持平: the change before is of the same kind)
        elif ref.unit == "percent":
            unit = "point_change"
        else:
            unit = CHANGE_UNITS.get(ref.unit, f"{ref.unit}_change")
        fact = replace(
            fact,
            entity_raw=ref.entity_raw,
            name_key=ref.name_key,
            row_label=ref.row_label,
            row_role=ref.row_role,
            metric=CHANGE_SUFFIX.sub("", ref.metric),
            unit=unit,
            needs_review=fact.needs_review or ref.needs_review,
        )
    if basis is None:
        return replace(fact, metric=f"{fact.metric}_change", needs_review=True)
    return replace(fact, metric=f"{fact.metric}_change_{basis}")
