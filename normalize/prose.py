"""Every figure of the prose: number, unit, printed label, scope, metric, change, period.

A figure is a number followed by a unit of the vocabulary (件 次 人次 个 项 天 分 %).
Dates, issue and document numbers, ordinals (第3次) and phone numbers have no such unit or
are ruled out by what surrounds them; thresholds (未达到100%), goals (确保…为100%) and
bounds (50件以上) are not figures. Sections whose heading tells news (二、工作动态) are not
read. The subject of a sentence is the scope of its figures until another is named, to
the end of its paragraph (a paragraph opening with 其中 goes on with it; any other starts
again from its section's scope or the bulletin's); a figure whose label follows a single
unit's name (其中高新区办结率较低为81.2%) belongs to that unit, and 分别为 x、y gives each
unit (or label) it follows its figure. A change (同比增长3.2%,
较上月减少126件) is a signed fact of the kind ``<metric>_change_yoy`` / ``_change_mom``; a
share (占88.4%) is ``<metric>_share``. A label the vocabulary does not know is kept as a slug,
reported and flagged for review. A bracket holding only figures is read (市政管理（3417件）, a
category's part: see prose_parts.py); any other bracket is a note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from extract.document import Block, Document
from normalize.facts import Fact, Period
from normalize.prose_brackets import blank, open_figure_brackets
from normalize.prose_parts import (
    breakdown_base,
    category_part,
    category_share,
    listed_unit_measure,
)
from normalize.prose_period import figure_period
from normalize.prose_vocab import ProseVocab
from normalize.prose_words import (
    RESPECTIVELY,
    Change,
    basis_in,
    change_before,
    first_scope,
    fold_keep,
    is_category_name,
    known_label,
    listed_units,
    named_unit,
    pending_subject,
    respective_subject,
    simplified_keep,
    strip_words,
    verb_object_label,
)
from normalize.tables import slug

SENTENCE_END = re.compile(r"[。;!?]")
# How a paragraph ends that goes on in the next one (以下是各区情况: is not an end).
PARAGRAPH_ENDS = ("。", "!", "?", ".", ")", '"', "”")
# A comma between clauses, not one grouping thousands (21,764件).
CLAUSE_BREAK = re.compile(r":|,(?!(?<=\d,)\d{3}(?!\d))")
TOP_HEADING = re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.]")
POINTS = ("个百分点", "百分点")
# How much of a sentence before a figure is read for its label, goal words, period and
# change basis: a bulletin's sentence is far shorter; a text of one endless line (a
# scraped page without stops) stays linear.
SAID_MAX = 400
CHANGE_UNITS = {"percent": "percent_change", "count": "count_change"}


@dataclass(frozen=True)
class ProseContext:
    """What the prose reader needs from the rest of the bulletin."""

    period: Period | None = None  # the bulletin's period (labels cumulative figures)
    scope: tuple[str, str] | None = None  # (word, scope) when nothing before names one
    skip: frozenset[int] = frozenset()  # blocks not read (the site's metadata block)


@dataclass
class _State:
    """The running subject of the text and the last level figure of the sentence."""

    scope: tuple[str, str]
    pattern: re.Pattern[str]
    # The scope a paragraph starts from: its section heading's, else the bulletin's (the
    # title's or the publisher's, else the first the text names).
    bulletin: tuple[str, str] | None = None
    section: tuple[str, str] | None = None
    ended: bool = True  # the paragraph before ended its sentence
    last: Fact | None = None  # the sentence's last figure of a known label (a change's base)
    last_any: Fact | None = None  # its last figure, when none has a known label
    # Its last figure of a known label in each unit: what a category's count divides when
    # a rate came between (受理20500件，按时办结率97.5%。其中：城市管理（4100件）).
    last_of_unit: dict[str, Fact] = field(default_factory=dict)
    # Its first, in each unit: the sentence's main figure (收到来信3412封，已办结3360封，办结率
    # 98.48%。其中咨询类1620封…: the categories divide the letters received, not those done).
    first_of_unit: dict[str, Fact] = field(default_factory=dict)
    # 分别为 x、y: (unit or None for the scope, metric, label) still waiting for a figure.
    respectively: list[tuple[str | None, str, str]] | None = None
    # The one unit the sentence is about since it was named (市住建局受理2130件，办结率97.2%):
    # later clauses without a subject of their own belong to it.
    unit: str | None = None
    # A clause naming a unit and a measure whose figure follows after a comma.
    pending: tuple[str, str, str] | None = None
    # 按诉求类型分: (metric, printed label) of the figure whose categories the sentence lists.
    breakdown: tuple[str, str] | None = None
    said: str = ""  # the sentence before the figure being read (its last SAID_MAX characters)
    warnings: list[str] = field(default_factory=list)


def figure_pattern(vocab: ProseVocab) -> re.Pattern[str]:
    """A number with its unit (and a bracketed note after it)."""
    pattern = vocab.pattern("figure", _figure_regex)
    assert pattern is not None  # the regex is written for every vocabulary
    return pattern


def _figure_regex(vocab: ProseVocab) -> str:
    units = sorted([*vocab.units, *POINTS], key=len, reverse=True)
    unit = "|".join(map(re.escape, units))
    approx = "|".join(re.escape(w) for w in vocab.approximate if len(w) == 1) or "(?!)"
    # A sign only right after a change word (同比-2.3%); elsewhere - joins ranges and phones.
    after_basis = "|".join(f"(?<={re.escape(w)})" for w in vocab.change_basis) or "(?!)"
    number = r"\d{1,3}(?:,\d{3})+(?![\d,])(?:\.\d+)?|\d+(?:\.\d+)?"
    return (
        rf"(?:(?:{after_basis})(?P<sign>[-−+])|(?<![\d.\-~×*/#第时:]))(?P<num>{number})(?![\d.])"
        rf"\s*(?P<wan>万|亿)?(?P<approx>{approx})?\s*(?P<unit>{unit})(?![钟月年季])"
        r"(?P<note>\s*\([^()]*\))?"
    )


def figure_blocks(
    doc: Document, vocab: ProseVocab, skip: frozenset[int]
) -> list[tuple[Block, bool]]:
    """(block, is a heading) of the blocks that are read: not news sections, not metadata.

    A heading (一、12345热线运行情况) is read for its scope only.
    """
    out: list[tuple[Block, bool]] = []
    narrative = False
    for i, block in enumerate(doc.blocks):
        text = fold_keep(block.text).strip()
        heading = bool(TOP_HEADING.match(text)) and len(text) <= 40
        if heading:
            narrative = any(word in text for word in vocab.narrative_sections)
        if i not in skip and not narrative:
            out.append((block, heading))
    return out


def prose_facts(
    doc: Document, vocab: ProseVocab, context: ProseContext
) -> tuple[list[Fact], list[str]]:
    """Every figure of the prose as a fact, and warnings about labels nobody knows."""
    default = context.scope or (vocab.default_scope, vocab.default_scope)
    state = _State(default, figure_pattern(vocab), bulletin=context.scope)
    facts: list[Fact] = []
    for block, heading in figure_blocks(doc, vocab, context.skip):
        text = fold_keep(block.text)
        masked, opened = open_figure_brackets(simplified_keep(text), state.pattern, vocab.shares)
        text = blank(text, opened)
        if heading:
            scope = first_scope(masked, vocab)
            state.section = None if scope is None else (text[scope[0] : scope[1]], scope[2])
            state.scope = state.section or state.bulletin or default
            state.ended = True
            continue
        home = state.section or state.bulletin or default
        if not continues(masked, state.ended, vocab) and home[1] != state.scope[1]:
            state.scope = home  # (the same scope keeps the spelling printed nearest)
        state.ended = masked.rstrip(" |").endswith(PARAGRAPH_ENDS)
        start = 0
        for end in [m.end() for m in SENTENCE_END.finditer(masked)] + [len(text)]:
            if end > start:
                goes_on = masked[start:end].lstrip(" |").startswith(vocab.continuations)
                if not goes_on and (start == 0 or masked[start - 1] not in ";"):
                    # a semicolon, or an opening 其中, goes on with the sentence before
                    state.last = state.last_any = None
                    state.last_of_unit = {}
                    state.first_of_unit = {}
                state.respectively = state.breakdown = None
                state.unit = state.pending = None
                facts.extend(_sentence(block, text, masked, start, end, vocab, context, state))
            start = end
    return facts, state.warnings


def continues(masked: str, ended: bool, vocab: ProseVocab) -> bool:
    """Whether a paragraph goes on with the one before (and keeps the scope it named): the
    one before stopped mid-sentence, or this one opens with 其中 or the like."""
    opening = masked.lstrip(" |")
    return not ended or opening.startswith(tuple(vocab.continuations))


def _sentence(
    block: Block,
    text: str,
    masked: str,
    start: int,
    end: int,
    vocab: ProseVocab,
    context: ProseContext,
    state: _State,
) -> list[Fact]:
    out: list[Fact] = []
    clause_start = start
    breaks = [m.start() for m in CLAUSE_BREAK.finditer(masked, start, end)] + [end]
    for clause_end in breaks:
        figures = [
            m
            for m in state.pattern.finditer(text, clause_start, clause_end)
            if masked[m.start()] != " "  # not inside a bracketed note
        ]
        scope = first_scope(masked[clause_start:clause_end], vocab)
        if scope is not None:
            s0, s1, canonical = scope
            state.scope = (text[clause_start + s0 : clause_start + s1], canonical)
            state.unit = None
            if state.bulletin is None:
                state.bulletin = state.scope  # the first subject the text names
        prev_end = clause_start + (scope[1] if scope else 0)
        if not figures:
            state.pending = pending_subject(masked[clause_start:clause_end], vocab)
            state.breakdown = breakdown_base(masked[clause_start:clause_end], vocab) or (
                state.breakdown
            )
        for m in figures:
            found = _figure(block, masked, (start, clause_start, prev_end), m, vocab, state)
            prev_end = m.end()
            for fact in found:
                fact = figure_period(fact, state.said, context.period)
                if not fact.metric.endswith("_share"):
                    state.last_any = fact
                    if not _unknown(fact):
                        state.last = fact  # what a change, a share or a unit's part refers to
                        state.last_of_unit[fact.unit] = fact
                        state.first_of_unit.setdefault(fact.unit, fact)
                out.append(fact)
        clause_start = clause_end + 1
    return out


def _figure(
    block: Block,
    masked: str,
    where: tuple[int, int, int],
    m: re.Match[str],
    vocab: ProseVocab,
    state: _State,
) -> list[Fact]:
    """The facts one printed figure gives (none for a threshold, a goal or a bound)."""
    sentence_start, clause_start, label_start = where
    state.said = said = masked[max(sentence_start, m.start() - SAID_MAX) : m.start()]
    before = masked[max(label_start, m.start() - SAID_MAX) : m.start()].strip()
    clause_before = masked[max(clause_start, m.start() - SAID_MAX) : m.start()]
    after = masked[m.end() : m.end() + 4].lstrip()
    approx_word = next((w for w in vocab.approximate_before if before.endswith(w)), None)
    threshold = next((w for w in vocab.thresholds if before.endswith(w)), None)
    if threshold is not None and (approx_word != threshold or m["unit"] == "%"):
        return []
    if after.startswith(tuple(vocab.bounds)):
        return []
    if any(word in said for word in vocab.targets):
        return []
    if m["unit"] in POINTS and change_before(before, vocab) is None:
        return []
    value = float(m["num"].replace(",", "")) * {"万": 1e4, "亿": 1e8}.get(m["wan"] or "", 1)
    unit = vocab.units.get(m["unit"], "count")
    fact = Fact(
        table_index=None,
        table_kind="headline",
        entity_raw=state.scope[0],
        name_key=state.scope[1],
        parent_raw=None,
        row_label=state.scope[0],
        row_role="total",
        metric="",
        header="",
        value=round(value, 6),
        value_raw=block.text[m.start("sign") if m["sign"] else m.start("num") : m.end("unit")],
        unit=unit,
        note=_note(block.text[m.start("note") : m.end("note")]) if m["note"] else None,
        row=None,
        col=None,
        line=block.source.line_start,
        page=block.source.page,
        bbox=block.source.bbox,
        needs_review=bool(m["approx"] or approx_word) or after.startswith(tuple(vocab.approximate)),
    )
    if RESPECTIVELY in before or (state.respectively and not strip_words(before, vocab)):
        return _respective(fact, before, said, vocab, state)
    region = fold_keep(block.text)[max(label_start, m.start() - SAID_MAX) : m.start()]
    bracketed = region.rfind("(") > region.rfind(")")  # printed inside a bracket
    return _meaning(fact, (before, clause_before, bracketed), m, vocab, state)


def _unknown(fact: Fact) -> bool:
    """A figure under a label the vocabulary does not know (its metric is the label's slug)."""
    return fact.needs_review and fact.metric == slug(fact.header)


def _respective(
    fact: Fact, before: str, sentence_before: str, vocab: ProseVocab, state: _State
) -> list[Fact]:
    """分别为87.6%、88.2%: each figure to the next unit the sentence listed."""
    if RESPECTIVELY in before:
        label = strip_words(before[: before.index(RESPECTIVELY)], vocab)
        state.respectively = _targets(label, sentence_before, vocab)
    if not state.respectively:
        state.warnings.append(
            f"line {fact.line}: figure {fact.value_raw} after 分别 has nothing listed to go "
            "with; not stored"
        )
        return []
    (unit, metric, header), *state.respectively = state.respectively
    fact = replace(fact, metric=metric, header=header)
    return [_of_unit(fact, unit) if unit else fact]


def _targets(
    label: str, sentence_before: str, vocab: ProseVocab
) -> list[tuple[str | None, str, str]]:
    """What 分别为 lists: units with one label (A、B满意率), or labels (受理和办结)."""
    listed = (listed_units(label, vocab) if label else None) or respective_subject(
        sentence_before, vocab
    )
    if listed is not None:
        units, metric, header = listed
        return [(unit, metric, header) for unit in units]
    labels = [known_label(part, vocab) for part in re.split(r"[、和及与]", label) if part]
    if len(labels) < 2 or None in labels:
        return []
    return [(None, known[1], known[0]) for known in labels if known]


def _meaning(
    fact: Fact,
    words: tuple[str, str, bool],
    m: re.Match[str],
    vocab: ProseVocab,
    state: _State,
) -> list[Fact]:
    """What the words before a figure make of it: a change, a share, a unit's figure, a
    category's part, a level. ``words``: the label's text, the clause's text before the
    figure, and whether the figure is printed in a bracket after its label."""
    before, clause_before, bracketed = words
    change = change_before(before, vocab)
    if change is not None:
        return [_change(fact, before, change, m, vocab, state)]
    label = strip_words(before, vocab)
    if (not label or label in vocab.connectors) and state.pending is not None:
        unit, metric, printed = state.pending
        state.pending = None
        part = _of_unit(replace(fact, metric=metric, header=printed), unit)
        # a category (市政管理类诉求最多，为4210件) is read from the words alone: flagged
        return [replace(part, needs_review=True) if is_category_name(unit, vocab) else part]
    if not label:
        state.warnings.append(f"line {fact.line}: figure {fact.value_raw} has no label; not stored")
        return []
    share = _share(fact, label, bracketed, vocab, state)
    if share is not None:
        return [share]
    known = known_label(label, vocab)
    if (
        known is None
        and fact.unit == "count"
        and not any(word in label for word in (*vocab.up, *vocab.down))
    ):
        known = verb_object_label(label, vocab)
    if known is None:
        inherited = (
            _unit_breakdown(fact, label, vocab, state)
            or _listed_unit(fact, label, bracketed, vocab)
            or category_part(
                fact, label, bracketed, vocab, (state.breakdown, state.first_of_unit.get(fact.unit))
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
    fact = replace(fact, metric=known[1], header=label)
    listed = listed_units(label, vocab) if first_scope(clause_before, vocab) is None else None
    if listed is None:
        return [_of_unit(fact, state.unit)] if state.unit else [fact]
    units, _, printed = listed
    state.unit = units[0] if len(units) == 1 else None
    return [_of_unit(replace(fact, header=printed), unit) for unit in units]


def _of_unit(fact: Fact, unit: str) -> Fact:
    return replace(fact, entity_raw=unit, name_key=unit, row_label=unit, row_role="item")


def _share(
    fact: Fact, label: str, bracketed: bool, vocab: ProseVocab, state: _State
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
    if state.last is None:
        return None
    last = state.last
    return replace(
        fact,
        entity_raw=last.entity_raw,
        name_key=last.name_key,
        row_label=last.row_label,
        row_role=last.row_role,
        metric=f"{last.metric}_share",
        header=label,
        # the share of a part the text only suggests (a category) is as uncertain as it
        needs_review=fact.needs_review or (last.row_role == "item" and last.needs_review),
    )


def _unit_breakdown(fact: Fact, label: str, vocab: ProseVocab, state: _State) -> Fact | None:
    """其中城关镇2345件: a unit's part of the figure before, under that figure's metric."""
    unit = named_unit(label, vocab)
    last = state.last
    if unit is None or last is None or last.unit != fact.unit or last.metric.endswith("_share"):
        return None
    return _of_unit(replace(fact, metric=last.metric, header=last.header), unit)


def _listed_unit(fact: Fact, label: str, bracketed: bool, vocab: ProseVocab) -> Fact | None:
    """办结率排名前三的是城东区（99.8%）: the unit's figure of the measure the label names."""
    found = listed_unit_measure(fact, label, vocab) if bracketed else None
    if found is None:
        return None
    unit, (metric, printed) = found
    return _of_unit(replace(fact, metric=metric, header=printed), unit)


def _note(printed: str) -> str | None:
    """A bracketed note as printed, without its brackets."""
    return printed.strip()[1:-1].strip() or None


def _change(
    fact: Fact, before: str, change: Change, m: re.Match[str], vocab: ProseVocab, state: _State
) -> Fact:
    header = strip_words(before, vocab)
    label = strip_words(before[: change.start], vocab)
    known = known_label(label, vocab) if label else None
    ref = state.last or state.last_any
    if known is not None:
        base = known[1]
    elif not label and ref is not None:
        base = re.sub(r"_change_(yoy|mom)$", "", ref.metric)
        fact = replace(
            fact,
            entity_raw=ref.entity_raw,
            name_key=ref.name_key,
            row_label=ref.row_label,
            row_role=ref.row_role,
            needs_review=fact.needs_review or _unknown(ref),
        )
    else:  # a change of something the vocabulary does not name: kept, flagged
        base = slug(label) if label else "value"
        fact = replace(fact, needs_review=True)
    unit = "point_change" if m["unit"] in POINTS else CHANGE_UNITS.get(fact.unit)
    if unit is None:
        unit = f"{fact.unit}_change"
    sign = -change.sign if m["sign"] in ("-", "−") else change.sign
    value = None if fact.value is None else sign * fact.value
    # a direction alone (增幅4.9%) compares with what the sentence said before (环比增加…,
    # 与上月相比); when it says nothing, the change is kept without a basis, flagged
    basis = change.basis or basis_in(state.said, vocab)
    if basis is None:
        return replace(
            fact, metric=f"{base}_change", header=header, unit=unit, value=value, needs_review=True
        )
    return replace(fact, metric=f"{base}_change_{basis}", header=header, unit=unit, value=value)
