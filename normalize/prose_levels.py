"""What the words before a prose figure make of it: a change, a share, a unit's figure, a
category's part, or a level under a label of the vocabulary (or its slug, flagged)."""

from __future__ import annotations

import re
from dataclasses import replace

from normalize.facts import Fact
from normalize.prose_parts import (
    category_part,
    category_share,
    channel_name,
    channel_part,
    listed_unit_measure,
    of_category,
    opened_unit_part,
    qualified_subset,
)
from normalize.prose_state import State, of_unit, unknown
from normalize.prose_vocab import ProseVocab
from normalize.prose_words import (
    Change,
    basis_in,
    change_before,
    first_scope,
    is_category_name,
    known_label,
    leading_label,
    listed_units,
    named_unit,
    other_subject,
    strip_words,
    verb_object_label,
)
from normalize.tables import slug

POINTS = ("个百分点", "百分点")
FROM_WORDS = ("由", "从")
# A label of period words alone (其中4月2.1万件): the figure is the total's, in that period.
PERIOD_WORD = re.compile(r"\d\s*月|季度|半年")
RATE = "_rate"
CHANGE_UNITS = {"percent": "percent_change", "count": "count_change"}


def meaning(
    fact: Fact,
    words: tuple[str, str, bool],
    m: re.Match[str],
    vocab: ProseVocab,
    state: State,
) -> list[Fact]:
    """What the words before a figure make of it: a change, a share, a unit's figure, a
    category's part, a level. ``words``: the label's text, the clause's text before the
    figure, and whether the figure is printed in a bracket after its label."""
    before, clause_before, bracketed = words
    change = change_before(before, vocab)
    if change is not None:
        return [change_fact(fact, before, change, m, vocab, state)]
    if before.endswith(FROM_WORDS):
        # 满意率由95.2%提高到97.1%: the level before the change, another period's: flagged
        found = meaning(fact, (before[:-1], clause_before, bracketed), m, vocab, state)
        return [replace(f, needs_review=True) for f in found]
    label = strip_words(before, vocab)
    if label in vocab.connectors or label in vocab.approximate_before:
        label = ""  # (约有1.2万件: a word, no label)
    if not label and before.strip(" ,") in vocab.connectors and state.last_any is not None:
        # …由95.2%提高到97.1%: the level the figure before rose from, now
        last = state.last_any
        return [
            of_unit(replace(fact, metric=last.metric, header=last.header), last.entity_raw)
            if last.row_role == "item"
            else replace(fact, metric=last.metric, header=last.header)
        ]
    if not label and state.pending is None:
        after = leading_label(state.after, vocab)
        if after is not None:  # 共有2310件诉求, 约有1.2万余件来电: the label after the figure
            return [replace(fact, metric=after[1], header=after[0])]
    if not label and state.pending is not None:
        unit, metric, printed = state.pending
        state.pending = None
        part = of_unit(replace(fact, metric=metric, header=printed), unit)
        # a category (市政管理类诉求最多，为4210件) is read from the words alone: flagged
        return [replace(part, needs_review=True) if is_category_name(unit, vocab) else part]
    if not label and PERIOD_WORD.search(before):
        # 共受理6.3万件，其中4月2.1万件、5月2.0万件: the total's measure in its own period
        base = state.first_of_unit.get(fact.unit)
        if base is not None and "_change" not in base.metric and not base.metric.endswith("_share"):
            state.period_only = True
            return [
                replace(
                    fact,
                    metric=base.metric,
                    header=base.header,
                    entity_raw=base.entity_raw,
                    name_key=base.name_key,
                    row_label=base.row_label,
                    row_role=base.row_role,
                    needs_review=fact.needs_review or base.needs_review,
                )
            ]
    if not label:
        state.warnings.append(f"line {fact.line}: figure {fact.value_raw} has no label; not stored")
        return []
    share = share_fact(fact, label, bracketed, vocab, state)
    if share is not None:
        return [share]
    channel = channel_name(label, vocab) if fact.unit == "count" else None
    if channel is not None:
        around = (state.breakdown, state.first_of_unit.get(fact.unit))
        of_channel = channel_part(fact, channel, around)
        if of_channel is not None:
            return [of_channel]
    known = known_label(label, vocab)
    if (
        known is None
        and fact.unit == "count"
        and not any(word in label for word in (*vocab.up, *vocab.down))
    ):
        known = verb_object_label(label, vocab)
    if known is None:
        inherited = (
            opened_unit(fact, label, vocab, state)
            or unit_breakdown(fact, label, vocab, state)
            or listed_unit(fact, label, bracketed, vocab)
            # a name in a list joined by 、 (其中咨询8120件、求助3210件) is a category like one
            # before a bracketed figure
            or category_part(
                fact,
                label,
                bracketed or state.in_list,
                vocab,
                (state.breakdown, state.first_of_unit.get(fact.unit)),
            )
        )
        if inherited is not None:
            return [inherited]
        key = slug(label)
        state.warnings.append(
            f"line {fact.line}: prose label '{label}' is not in the vocabulary; "
            f"kept as metric '{key}'"
        )
        return [replace(fact, metric=key, header=label, needs_review=True)]
    subset = qualified_subset(label[: len(label) - len(known[0])])
    if subset is not None:
        # 涉及住房城乡建设领域的诉求2310件: a part of the measure, not its total: flagged
        return [of_category(replace(fact, metric=known[1], header=known[0]), subset)]
    metric = known[1]
    if fact.unit == "score" and metric.endswith(RATE):
        metric = metric[: -len(RATE)] + "_score"  # 群众满意度98.7分: a score, not a rate
    fact = replace(fact, metric=metric, header=label)
    listed = listed_units(label, vocab) if first_scope(clause_before, vocab) is None else None
    if listed is None and state.unit:
        if other_subject(label, known[0], vocab):
            # 市住建局受理2130件，幸福里受理23件: a subject nobody knows; neither the unit
            # before nor the scope is sure to be it
            return [replace(fact, needs_review=True)]
        return [of_unit(fact, state.unit)]
    if listed is None:
        return [replace(fact, needs_review=True) if other_subject(label, known[0], vocab) else fact]
    units, _, printed = listed
    state.unit = units[0] if len(units) == 1 else None
    return [of_unit(replace(fact, header=printed), unit) for unit in units]


def share_fact(
    fact: Fact, label: str, bracketed: bool, vocab: ProseVocab, state: State
) -> Fact | None:
    """占88.4% after a figure, or 来电占比88.4%: the share of that figure's metric; 咨询类占55.3%
    (a category): the category's share of the figure it divides."""
    if fact.unit != "percent":
        return None
    word = next((w for w in vocab.shares if label.endswith(w)), None)
    if word is None:
        return None
    rest = label[: -len(word)]
    known = known_label(rest, vocab) if rest else None
    if known is not None:
        return replace(fact, metric=f"{known[1]}_share", header=label)
    if rest:
        part = category_share(fact, rest, bracketed, vocab, (state.breakdown, state.last))
        return None if part is None else replace(part, header=word)
    # the figure right before, even one under a label nobody knows (其他3656件，占9.51%)
    last = state.last_any if state.last_any is not None and unknown(state.last_any) else state.last
    if last is None:
        return None
    return replace(
        fact,
        entity_raw=last.entity_raw,
        name_key=last.name_key,
        row_label=last.row_label,
        row_role=last.row_role,
        metric=f"{last.metric}_share",
        header=label,
        # the share of a figure stored for review (a category, an unknown label, an
        # approximate figure) is as uncertain as it
        needs_review=fact.needs_review or last.needs_review,
    )


def opened_unit(fact: Fact, label: str, vocab: ProseVocab, state: State) -> Fact | None:
    """受理量居前三位的是：市住建局（312件）: the unit's figure of the measure the clause before
    named."""
    found = opened_unit_part(fact, label, state.measure, vocab)
    if found is None:
        return None
    unit, (metric, printed) = found
    return of_unit(replace(fact, metric=metric, header=printed), unit)


def unit_breakdown(fact: Fact, label: str, vocab: ProseVocab, state: State) -> Fact | None:
    """其中城关镇2345件: a unit's part of the last figure before in the same unit (a change or
    a rate between them is not what it divides), under that figure's metric."""
    unit = named_unit(label, vocab)
    last = state.last_of_unit.get(fact.unit)
    if unit is None or last is None or last.metric.endswith("_share"):
        return None
    return of_unit(replace(fact, metric=last.metric, header=last.header), unit)


def listed_unit(fact: Fact, label: str, bracketed: bool, vocab: ProseVocab) -> Fact | None:
    """办结率排名前三的是城东区（99.8%）: the unit's figure of the measure the label names."""
    found = listed_unit_measure(fact, label, vocab) if bracketed else None
    if found is None:
        return None
    unit, (metric, printed) = found
    return of_unit(replace(fact, metric=metric, header=printed), unit)


def change_fact(
    fact: Fact, before: str, change: Change, m: re.Match[str], vocab: ProseVocab, state: State
) -> Fact:
    header = strip_words(before, vocab)
    label = strip_words(before[: change.start], vocab)
    known = known_label(label, vocab) if label else None
    ref = state.last or state.last_any
    if known is not None:
        base = known[1]
    elif not label and ref is not None:
        base = re.sub(r"_change(_yoy|_mom)?$", "", ref.metric)
        # a change of a figure stored for review is as uncertain as it (a change before it
        # passes on only its metric); so is a count's change of a rate
        doubtful = ref.needs_review and "_change" not in ref.metric
        rate = ref.unit in ("percent", "percent_change", "point_change")
        mismatch = rate and fact.unit == "count" and m["unit"] not in POINTS
        fact = replace(
            fact,
            entity_raw=ref.entity_raw,
            name_key=ref.name_key,
            row_label=ref.row_label,
            row_role=ref.row_role,
            needs_review=fact.needs_review or doubtful or mismatch,
        )
    else:  # a change of something the vocabulary does not name: kept, flagged
        base = slug(label) if label else "value"
        fact = replace(fact, needs_review=True)
    unit = "point_change" if m["unit"] in POINTS else CHANGE_UNITS.get(fact.unit)
    if unit is None:
        unit = f"{fact.unit}_change"
    negative = m["sign"] in ("-", "−")
    sign = -change.sign if negative else change.sign
    if negative and change.sign < 0:
        # 下降-2.3%: a fall printed with a minus too; read as printed, flagged
        sign, fact = -1, replace(fact, needs_review=True)
    value = None if fact.value is None else sign * fact.value
    # a direction alone (增幅4.9%) compares with what the sentence said before (环比增加…,
    # 与上月相比); when it says nothing, the change is kept without a basis, flagged
    basis = change.basis or basis_in(state.said, vocab)
    if basis is None:
        return replace(
            fact, metric=f"{base}_change", header=header, unit=unit, value=value, needs_review=True
        )
    return replace(fact, metric=f"{base}_change_{basis}", header=header, unit=unit, value=value)
