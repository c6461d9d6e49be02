"""分别为 x、y: each figure to the next unit or label the sentence listed before it."""

from __future__ import annotations

import re
from dataclasses import replace

from normalize.facts import Fact
from normalize.prose_parts import measure_then_units
from normalize.prose_state import State, of_unit
from normalize.prose_vocab import ProseVocab
from normalize.prose_words import (
    RESPECTIVELY,
    known_label,
    listed_units,
    named_unit,
    respective_subject,
    strip_words,
)


def measure_units_before(
    sentence_before: str, vocab: ProseVocab
) -> tuple[list[str], str, str] | None:
    """满意率排名后三位的是区水务局、区交通局，分别为…: the units and measure of the clause
    right before 分别为."""
    clauses = re.split(r"[,:;]", sentence_before)
    return measure_then_units(clauses[-2], vocab) if len(clauses) > 1 else None


# What joins the figures after 分别 (87.6%、88.2%, 3210件和3180件).
JOINERS = "、和及与"


def respective(
    fact: Fact, before: str, sentence_before: str, vocab: ProseVocab, state: State
) -> list[Fact]:
    """分别为87.6%、88.2%: each figure to the next unit the sentence listed."""
    if RESPECTIVELY in before:
        at = before.index(RESPECTIVELY)
        label = strip_words(before[:at], vocab)
        after = before[at + len(RESPECTIVELY) :].strip()
        after = "" if after in vocab.connectors else strip_words(after, vocab)
        state.respectively = targets(label, after, sentence_before, vocab)
    if not state.respectively:
        state.warnings.append(
            f"line {fact.line}: figure {fact.value_raw} after 分别 has nothing listed to go "
            "with; not stored"
        )
        return []
    (unit, metric, header), *state.respectively = state.respectively
    state.respective_given = True
    fact = replace(fact, metric=metric, header=header)
    return [of_unit(fact, unit) if unit else fact]


def targets(
    label: str, after: str, sentence_before: str, vocab: ProseVocab
) -> list[tuple[str | None, str, str]]:
    """What 分别为 lists: units with one label (A、B满意率), labels (受理和办结), or units
    before 分别 and the label after it (区城管局、区住建局分别受理): ``label`` is the text
    before 分别, ``after`` the label after it."""
    if after:
        known = known_label(after, vocab)
        named = [named_unit(part, vocab) for part in re.split(r"[、和及与]", label) if part]
        if known is None or len(named) < 2 or None in named:
            return []
        return [(unit, known[1], after) for unit in named if unit]
    listed = (
        (listed_units(label, vocab) if label else None)
        or respective_subject(sentence_before, vocab)
        or measure_units_before(sentence_before, vocab)
    )
    if listed is not None:
        units, metric, header = listed
        return [(unit, metric, header) for unit in units]
    labels = [known_label(part, vocab) for part in re.split(r"[、和及与]", label) if part]
    if len(labels) < 2 or None in labels:
        return []
    return [(None, known[1], known[0]) for known in labels if known]
