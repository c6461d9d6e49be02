"""Every figure of the prose: number, unit, printed label, scope, metric, change, period.

A figure is a number followed by a unit of the vocabulary (件 次 人次 个 项 天 分 %); the
number may be a Chinese numeral (两千余件) or a duration of two units (1小时20分), see
prose_numbers.py.
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

This module walks the text (blocks, sentences, clauses, figures); what the words before a
figure make of it is prose_levels.py, 分别为 x、y is prose_respective.py, and what is
remembered from one figure to the next is prose_state.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from extract.document import Block, Document
from normalize.facts import Fact, Period
from normalize.prose_brackets import blank, open_figure_brackets
from normalize.prose_flat import flat_facts, flat_matches
from normalize.prose_levels import POINTS, meaning
from normalize.prose_numbers import CN_CHARS, chinese_number, cn_number, duration_minutes
from normalize.prose_parts import breakdown_base, measure_opening, opens_parts
from normalize.prose_period import figure_period
from normalize.prose_respective import JOINERS, respective
from normalize.prose_state import SAID_MAX, State, scope_fact, unknown
from normalize.prose_vocab import ProseVocab
from normalize.prose_words import (
    RESPECTIVELY,
    change_before,
    first_scope,
    fold_keep,
    pending_subject,
    simplified_keep,
    strip_words,
)

# A duration of two units (1小时20分, 3分12秒) is stored in minutes; any other run of time
# units (1天3小时, 1小时20.5分, 1小时二十分) is not read, and a warning says so.
DURATION_UNIT = "minutes"
TIME_NUMBER = rf"[\d.{CN_CHARS}]+"
TIME_RUN = re.compile(
    rf"{TIME_NUMBER}\s*(?:个工作日|天|小时|分钟|分)(?:\s*{TIME_NUMBER}\s*(?:小时|分钟|分|秒))+"
)
# How much of the text after a figure may hold its label (2310件群众诉求).
AFTER_MAX = 10
SENTENCE_END = re.compile(r"[。;!?]")
# How a paragraph ends that goes on in the next one (以下是各区情况: is not an end).
PARAGRAPH_ENDS = ("。", "!", "?", ".", ")", '"', "”")
# A comma between clauses, not one grouping thousands (21,764件).
CLAUSE_BREAK = re.compile(r":|,(?!(?<=\d,)\d{3}(?!\d))")
TOP_HEADING = re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.]")


@dataclass(frozen=True)
class ProseContext:
    """What the prose reader needs from the rest of the bulletin."""

    period: Period | None = None  # the bulletin's period (labels cumulative figures)
    scope: tuple[str, str] | None = None  # (word, scope) when nothing before names one
    skip: frozenset[int] = frozenset()  # blocks not read (the site's metadata block)


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
    # (also after a direction: 环比增长-1.5%)
    words = [*vocab.change_basis, *vocab.up, *vocab.down]
    after_basis = "|".join(f"(?<={re.escape(w)})" for w in words) or "(?!)"
    number = r"\d{1,3}(?:,\d{3})+(?![\d,])(?:\.\d+)?|\d+(?:\.\d+)?"
    # 1小时20分: the hours of a duration before its minutes; 3分12秒: the seconds after them
    hours = r"(?:(?P<hours>\d+)\s*小时\s*(?=\d{1,2}\s*分))?"
    seconds = r"(?P<secs>(?<=[分钟])\s*(?P<seconds>\d{1,2})\s*秒)?"
    return (
        # (not the minutes of a clock's time, 9时30分, nor a part of a duration: 2天3小时)
        rf"(?:(?:{after_basis})(?P<sign>[-−+])|(?<![\d.\-~×*/#第:])(?<!\d[分时天])(?<!小时))"
        rf"(?:{hours}(?P<num>{number})(?![\d.])\s*(?P<wan>万|亿)?|(?P<cn>{cn_number(approx)}))"
        rf"(?P<approx>{approx})?\s*(?P<unit>{unit})"
        rf"(?![钟月年季]){seconds}(?!\s*{TIME_NUMBER}\s*(?:小时|分|秒))"
        r"(?P<note>\s*\([^()]*\))?"
    )


def _group_regex(vocab: ProseVocab) -> str | None:
    """A number of units in a clause: 12个单位, 3个部门."""
    if not vocab.groups:
        return None
    nouns = "|".join(sorted(map(re.escape, vocab.groups), key=len, reverse=True))
    return rf"\d+\s*个(?:{nouns})"


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
    state = State(default, figure_pattern(vocab), bulletin=context.scope)
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
                segment = masked[start:end].lstrip(" |")
                # an opening 其中, or 从受理渠道看 / 各县区受理情况 (what divides a total),
                # goes on with the sentence before, as does the part after a semicolon
                goes_on = segment.startswith(vocab.continuations) or opens_parts(
                    CLAUSE_BREAK.split(segment[:40], maxsplit=1)[0], vocab
                )
                semicolon = start > 0 and masked[start - 1] in ";"
                if not goes_on and not semicolon:
                    state.last = state.last_any = None
                    state.last_of_unit = {}
                    state.first_of_unit = {}
                if not semicolon:
                    state.breakdown = None
                state.respectively = state.measure = None
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
    state: State,
) -> list[Fact]:
    out: list[Fact] = []
    listed: list[int] = []  # positions in out of the figures given to names 分别 listed
    state.respective_over = False
    clause_start = start
    breaks = [m.start() for m in CLAUSE_BREAK.finditer(masked, start, end)] + [end]
    for clause_end in breaks:
        figures = [
            m
            # (read in simplified characters: 萬 is 万, 餘 is 余)
            for m in state.pattern.finditer(simplified_keep(text), clause_start, clause_end)
            if masked[m.start()] != " "  # not inside a bracketed note
        ]
        for d in TIME_RUN.finditer(masked, clause_start, clause_end):
            if not any(f.start() <= d.start() < f.end() for f in figures):
                state.warnings.append(
                    f"line {block.source.line_start}: duration {d[0]} is not read; not stored"
                )
        scope = first_scope(masked[clause_start:clause_end], vocab)
        if scope is not None:
            s0, s1, canonical = scope
            state.scope = (text[clause_start + s0 : clause_start + s1], canonical)
            state.unit = None
            if state.bulletin is None:
                state.bulletin = state.scope  # the first subject the text names
        # a label starts after the figure before, and never before the scope's name
        scope_end = clause_start + (scope[1] if scope else 0)
        prev_end = scope_end
        if not figures:
            state.pending = pending_subject(masked[clause_start:clause_end], vocab)
            state.breakdown = breakdown_base(masked[clause_start:clause_end], vocab) or (
                state.breakdown
            )
            state.measure = measure_opening(masked[clause_start:clause_end], vocab) or (
                state.measure
            )
        for m in figures:
            state.period_only = state.respective_given = False
            found = _figure(block, masked, (start, clause_start, prev_end), m, vocab, state)
            if state.respective_given:
                listed += range(len(out), len(out) + len(found))
            prev_end = max(m.end(), scope_end)
            for fact in found:
                fact = figure_period(fact, state.said, context.period)
                if state.period_only and fact.period is None:
                    # the total's measure by its period words, which name no other period
                    fact = replace(fact, needs_review=True)
                if not fact.metric.endswith("_share"):
                    state.last_any = fact
                    if not unknown(fact):
                        state.last = fact  # what a change, a share or a unit's part refers to
                        state.last_of_unit[fact.unit] = fact
                        state.first_of_unit.setdefault(fact.unit, fact)
                out.append(fact)
        out.extend(
            _flat(
                block,
                masked,
                (start, clause_start, clause_end),
                figures,
                prev_end,
                vocab,
                context,
                state,
            )
        )
        clause_start = clause_end + 1
    if listed and (state.respectively or state.respective_over):
        # 分别 listed more names than figures, or fewer: which goes with which is a guess
        state.warnings.append(
            f"line {block.source.line_start}: the figures after 分别 are not as many as the "
            "names listed; stored for review"
        )
        for k in listed:
            out[k] = replace(out[k], needs_review=True)
    return out


def _flat(
    block: Block,
    masked: str,
    where: tuple[int, int, int],
    figures: list[re.Match[str]],
    label_start: int,
    vocab: ProseVocab,
    context: ProseContext,
    state: State,
) -> list[Fact]:
    """The zero changes a clause states (同比持平) after its figures."""
    sentence_start, clause_start, clause_end = where
    out: list[Fact] = []
    for m in flat_matches(masked, clause_start, clause_end, vocab):
        if any(f.start() > m.start() for f in figures):
            state.warnings.append(
                f"line {block.source.line_start}: {m['word']} (no change) before a figure of "
                "its clause is not read; not stored"
            )
            continue
        state.said = masked[max(sentence_start, m.start() - SAID_MAX) : m.start()]
        for fact in flat_facts(block, masked, m, max(label_start, clause_start), vocab, state):
            out.append(figure_period(fact, state.said, context.period))
        label_start = m.end()
    return out


def _figure(
    block: Block,
    masked: str,
    where: tuple[int, int, int],
    m: re.Match[str],
    vocab: ProseVocab,
    state: State,
) -> list[Fact]:
    """The facts one printed figure gives (none for a threshold, a goal or a bound)."""
    sentence_start, clause_start, label_start = where
    state.said = said = masked[max(sentence_start, m.start() - SAID_MAX) : m.start()]
    before = masked[max(label_start, m.start() - SAID_MAX) : m.start()].strip()
    clause_before = masked[max(clause_start, m.start() - SAID_MAX) : m.start()]
    after = masked[m.end() : m.end() + 4].lstrip()
    state.after = masked[m.end() : m.end() + AFTER_MAX]
    state.in_list = before.startswith("、") or after.startswith("、")
    approx_word = next((w for w in vocab.approximate_before if before.endswith(w)), None)
    threshold = next((w for w in vocab.thresholds if before.endswith(w)), None)
    if threshold is not None and (approx_word != threshold or m["unit"] == "%"):
        return []
    if after.startswith(tuple(vocab.bounds)):
        return []
    if any(word in said for word in vocab.targets):
        return []
    if m["unit"] == "个" and after.startswith(tuple(vocab.groups)):
        state.warnings.append(
            f"line {block.source.line_start}: figure {m[0].strip()} counts units, not what "
            "the sentence measures; not stored"
        )
        return []
    group = vocab.pattern("group", _group_regex)
    # (a rate of 12个单位 is each one's; their count, 12个乡镇共受理3120件, is their sum)
    if group is not None and m["unit"] == "%" and group.search(clause_before):
        state.warnings.append(
            f"line {block.source.line_start}: figure {m[0].strip()} is said of a number of "
            "units, none named; not stored"
        )
        return []
    if m["unit"] in POINTS and change_before(before, vocab) is None:
        return []
    if m["cn"] is not None and vocab.units.get(m["unit"]) == "score":
        return []  # 十分满意: a word (very), not ten points
    read = figure_number(m, vocab)
    if read is None:
        state.warnings.append(
            f"line {block.source.line_start}: figure {m[0].strip()} is no number that can be "
            "read; not stored"
        )
        return []
    value, unit = read
    printed = block.text[_printed_start(m) : max(m.end("unit"), m.end("secs"))]
    fact = replace(
        scope_fact(state, block, value, printed, unit),
        note=_note(block.text[m.start("note") : m.end("note")]) if m["note"] else None,
        needs_review=bool(m["approx"] or approx_word) or after.startswith(tuple(vocab.approximate)),
    )
    listing = not strip_words(before, vocab).strip(JOINERS)
    if RESPECTIVELY in before or (state.respectively and listing):
        return respective(fact, before, said, vocab, state)
    if state.respectively == [] and listing:  # a figure more than 分别 listed names
        state.respective_over = True
    region = fold_keep(block.text)[max(label_start, m.start() - SAID_MAX) : m.start()]
    bracketed = region.rfind("(") > region.rfind(")")  # printed inside a bracket
    return meaning(fact, (before, clause_before, bracketed), m, vocab, state)


def figure_number(m: re.Match[str], vocab: ProseVocab) -> tuple[float, str] | None:
    """(value, stored unit) of a figure: a number of its unit, a Chinese numeral, or a
    duration of two units in minutes; None when the printed number cannot be read."""
    if m["hours"] is not None or m["secs"] is not None:
        if m["wan"] or not m["num"].isdigit():
            return None  # 3.5分12秒: no duration
        minutes = duration_minutes(m["hours"], m["num"], m["seconds"])
        return None if minutes is None else (minutes, DURATION_UNIT)
    unit = vocab.units.get(m["unit"], "count")
    if m["cn"] is not None:
        counted = chinese_number(m["cn"])
        return None if counted is None else (float(counted), unit)
    value = float(m["num"].replace(",", "")) * {"万": 1e4, "亿": 1e8}.get(m["wan"] or "", 1)
    return round(value, 6), unit


def _printed_start(m: re.Match[str]) -> int:
    """Where the figure's printed number starts: its sign, hours or number."""
    for group in ("sign", "hours", "num", "cn"):
        if m[group] is not None:
            return m.start(group)
    return m.start()


def _note(printed: str) -> str | None:
    """A bracketed note as printed, without its brackets."""
    return printed.strip()[1:-1].strip() or None
