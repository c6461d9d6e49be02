"""Categories of a figure printed in prose: 市政管理（3417件）, 咨询类12034件（占55.3%）.

A bulletin breaks a total down by category in a sentence of its own (其中：市政管理（3417件）、
社会保障（2100件）, or 按诉求类型分，咨询类12034件（占55.3%），投诉类…). Each part is stored the
way a unit's part is (其中城关镇2345件): the category as its entity (row role ``item``) under
the metric of the figure it divides, and its share as ``<metric>_share``. A category is not
a unit the names registry knows, and which total it divides is read from the words around
it, so these facts are flagged for review.
"""

from __future__ import annotations

import re
from dataclasses import replace

from extract.hints import fold
from normalize.facts import Fact
from normalize.prose_vocab import ProseVocab
from normalize.prose_words import known_label, named_unit, without_receiving

# 按诉求类型分 / 按来源渠道统计 / 从诉求类别看: a sentence that lists the categories of a measure.
BREAKDOWN = re.compile(
    r"^(?:其中)?(?:按|按照|从)(?P<what>[^,;:、]{1,12}?)(?:分类?|划分|统计|来看|看)$"
)
# 来信反映的问题中 / 在受理的诉求中: a clause that opens the parts of a measure.
AMONG = re.compile(r"^(?:在)?(?P<what>[^,;:、\d]{2,16}?)(?:之中|当中|中)$")
# 各县区受理情况 / 各乡镇办理情况如下: a clause that announces the units' figures of the
# total before it.
UNITS_OPENING = re.compile(r"^(?:其中)?各[^,;:\d]{1,12}?(?:情况|如下|分别是|分别为)$")
CATEGORY_MAX = 12
# What a category's figure divides: the sentence's breakdown (按诉求类型分), if any, and its
# last level figure.
Around = tuple[tuple[str, str] | None, Fact | None]


def breakdown_base(clause: str, vocab: ProseVocab) -> tuple[str, str] | None:
    """(metric, printed label) of the measure a clause such as 按诉求类型分 breaks down;
    metric and label are empty when the clause names no measure the vocabulary knows
    (按类型分): the categories then divide the figure before them."""
    clause = clause.strip(" ,")
    among = AMONG.match(clause)
    if among is not None:
        found = measure_in(among["what"], vocab)  # 来信反映的问题中 → 来信
        return (found[1], found[0]) if found is not None else ("", "")
    m = BREAKDOWN.match(clause)
    if m is None:
        return None
    what = m["what"]
    for word in vocab.breakdowns:
        if what.endswith(word) and len(what) > len(word):
            what = what[: -len(word)]
            break
    known = known_label(what, vocab)
    return (known[1], known[0]) if known is not None else ("", "")


def opens_parts(clause: str, vocab: ProseVocab) -> bool:
    """Whether a sentence's first clause announces the parts of the total before it (按诉求
    类型分, 从受理渠道看, 各县区受理情况): such a sentence goes on with the one before."""
    clause = clause.strip(" ,")
    return breakdown_base(clause, vocab) is not None or bool(UNITS_OPENING.match(clause))


def is_category(label: str, bracketed: bool, vocab: ProseVocab, listing: bool) -> bool:
    """Whether a label no vocabulary knows names a category of the figure before: printed
    before a bracketed figure, ending in a category word (咨询类), or in a sentence that
    lists categories (``listing``)."""
    if not 2 <= len(label) <= CATEGORY_MAX or label.startswith("各"):
        return False
    if re.search(r"[\d、,;: ]", label) or any(word in label for word in vocab.averages):
        return False
    return bracketed or listing or label.endswith(tuple(vocab.category_endings))


def part_base(
    fact: Fact, breakdown: tuple[str, str] | None, last: Fact | None
) -> tuple[str, str] | None:
    """(metric, printed label) a category's count divides: the measure the breakdown names,
    else the last level figure of the sentence in the same unit."""
    if breakdown is not None and breakdown[0]:
        return breakdown
    if last is None or last.unit != fact.unit or last.metric.endswith("_share"):
        return None
    if "_change_" in last.metric:
        return None
    return last.metric, last.header


def category_part(
    fact: Fact, label: str, bracketed: bool, vocab: ProseVocab, context: Around
) -> Fact | None:
    """市政管理（3417件）: the category's count under the metric of the figure it divides."""
    breakdown, last = context
    if fact.unit != "count" or not is_category(label, bracketed, vocab, breakdown is not None):
        return None
    base = part_base(fact, breakdown, last)
    if base is None:
        return None
    return of_category(replace(fact, metric=base[0], header=base[1]), label)


def category_share(
    fact: Fact, rest: str, bracketed: bool, vocab: ProseVocab, context: Around
) -> Fact | None:
    """市政管理（占15.7%）, 咨询类占55.3%: the category's share of the figure it divides."""
    breakdown, last = context
    rest = rest.strip()
    if not is_category(rest, bracketed, vocab, breakdown is not None):
        return None
    if breakdown is not None and breakdown[0]:
        metric = breakdown[0]
    elif last is not None and not last.metric.endswith("_share") and "_change_" not in last.metric:
        metric = last.metric
    else:
        return None
    return of_category(replace(fact, metric=f"{metric}_share"), rest)


def of_category(fact: Fact, category: str) -> Fact:
    return replace(
        fact,
        entity_raw=category,
        name_key=category,
        row_label=category,
        row_role="item",
        needs_review=True,
    )


# Words that end the part of a label naming the measure before the units it lists
# (办结率排名前三的是城东区（99.8%）、城西区（99.5%）).
LIST_OPENERS = re.compile(r"(?:依次是|依次为|分别是|的是|是|为|:)")


def listed_unit_measure(
    fact: Fact, label: str, vocab: ProseVocab
) -> tuple[str, tuple[str, str]] | None:
    """(unit, (metric, printed label)) of a bracketed figure after a unit named at the end of
    a label that names the measure first: 办结率排名前三的是城东区（99.8%）."""
    parts = LIST_OPENERS.split(label)
    if len(parts) < 2:
        return None
    unit = named_unit(parts[-1], vocab)
    measure = measure_in(LIST_OPENERS.sub("", "".join(parts[:-1])), vocab)
    if unit is None or measure is None:
        return None
    if (fact.unit == "percent") != measure[0].endswith(RATE_ENDINGS):
        return None  # 办结率…（5210件）: the bracket holds another measure than the label
    return unit, (measure[1], measure[0])


RATE_ENDINGS = ("率", "度")


def measure_in(text: str, vocab: ProseVocab) -> tuple[str, str] | None:
    """(printed label, metric) of the longest vocabulary label in the text (办结率排名前三的
    → 办结率), the leftmost on ties."""
    best: tuple[str, str] | None = None
    for end in range(len(text), 0, -1):
        known = known_label(text[:end], vocab)
        if known is not None and (best is None or len(known[0]) > len(best[0])):
            best = known
    return best


# Words that open a channel's name (通过电话受理) and that may end it (电话渠道).
CHANNEL_OPENERS = ("通过", "经")
CHANNEL_MAX = 20


def channel_name(label: str, vocab: ProseVocab) -> tuple[str, str | None] | None:
    """The channel a label names before its verb of receiving (电话渠道受理, 通过微信受理,
    网站、微信、APP等网络渠道受理) or before a measure (网络诉求): (the channel's name, the
    metric of that measure or None), or None."""
    text = label
    for word in CHANNEL_OPENERS:
        if text.startswith(word):
            text = text[len(word) :]
            break
    if not text.startswith(tuple(vocab.channels)):
        return None
    name = without_receiving(text, vocab)
    known = known_label(text, vocab) if name == text else None
    if known is not None:
        if fold(known[0]) == fold(text):
            return None  # 来电38210件: a measure of its own, not a channel's part
        name = text[: len(text) - len(known[0])]  # 网络诉求8311件: the channel 网络
    if not 2 <= len(name) <= CHANNEL_MAX or re.search(r"[\d,;:]", name):
        return None
    if known_label(name, vocab) is not None:
        return None  # 来电 received: the measure, not a channel
    return name, known[1] if known is not None else None


def channel_part(fact: Fact, channel: tuple[str, str | None], context: Around) -> Fact | None:
    """电话渠道受理46120件: the channel's part of the sentence's total, flagged like a
    category's (the words alone say which total it divides). A measure of its own after
    the channel (网络留言5000条 beside 受理诉求) is that measure, not a part."""
    name, measure = channel
    breakdown, first = context
    if first is not None and first.unit == fact.unit and first.row_role == "total":
        base: tuple[str, str] | None = (first.metric, first.header)
    else:
        base = breakdown if breakdown is not None and breakdown[0] else None
    if base is None or base[0].endswith("_share") or "_change_" in base[0]:
        return None
    if measure is not None and measure != base[0]:
        return None
    return of_category(replace(fact, metric=base[0], header=base[1]), name)


# 涉及住房城乡建设领域的 / 反映供暖问题的 before a label: the figure counts a part of the
# measure (a field, a kind of problem), not the whole.
QUALIFIED = re.compile(
    r"^(?:其中)?(?:涉及|反映|关于|有关)(?P<what>[^,;:\d]{2,16}?)(?:方面|领域)?的?$"
    r"|^(?:其中)?(?P<what2>[^,;:\d]{2,16}?)(?:方面|领域)的$"
)

# “一件事一次办”办件: a quoted name before a label names a kind of it; “好差评” names the
# rating system, not a kind.
QUOTED = re.compile(r"^[“\"「](?P<what>[^”\"」]{2,16})[”\"」]$")
NOT_SUBSETS = ("好差评",)


def qualified_subset(prefix: str) -> str | None:
    """The part a prefix before a known label names (涉及住房城乡建设领域的诉求 → 住房城乡
    建设, “一件事一次办”办件 → 一件事一次办), or None when the prefix is no such qualifier."""
    quoted = QUOTED.match(prefix.strip(" ,"))
    if quoted is not None and quoted["what"] not in NOT_SUBSETS:
        return quoted["what"]
    m = QUALIFIED.match(prefix.strip(" ,"))
    if m is None:
        return None
    return m["what"] or m["what2"]


# What ends a clause that names a measure and then lists units (受理量居前三位的是：, 办结率低于
# 平均水平的单位有：).
OPENING_ENDS = ("依次是", "依次为", "分别是", "分别为", "的是", "的有", "如下", "有", "是", "为")


def measure_opening(clause: str, vocab: ProseVocab) -> tuple[str, str] | None:
    """(metric, printed label) of a clause without a figure that names a measure and ends
    by opening a list of units: 受理量居前三位的是 → (accepted, 受理量)."""
    text = clause.strip(" ,:")
    word = next((w for w in OPENING_ENDS if text.endswith(w)), None)
    if word is None:
        return None
    found = measure_in(text[: -len(word)], vocab)
    return (found[1], found[0]) if found is not None else None


def measure_then_units(text: str, vocab: ProseVocab) -> tuple[list[str], str, str] | None:
    """(units, metric, printed label) of a clause that names a measure, then the units it
    lists: 满意率排名后三位的是区水务局、区交通局 → ([区水务局, 区交通局], satisfaction_rate,
    满意率)."""
    parts = LIST_OPENERS.split(text.strip(" ,"))
    if len(parts) < 2:
        return None
    names = [named_unit(p, vocab) for p in re.split(r"[、和及与]", parts[-1]) if p]
    found = measure_in("".join(parts[:-1]), vocab)
    if found is None or not names or None in names:
        return None
    return [n for n in names if n], found[1], found[0]


def opened_unit_part(
    fact: Fact, label: str, measure: tuple[str, str] | None, vocab: ProseVocab
) -> tuple[str, tuple[str, str]] | None:
    """(unit, (metric, label)) of a unit's figure in the list a clause opened (受理量居前三位的
    是：市住建局（312件）): the measure of that clause, when the figure is of its kind."""
    unit = named_unit(label, vocab)
    if unit is None or measure is None:
        return None
    if (fact.unit == "percent") != measure[1].endswith(RATE_ENDINGS):
        return None
    return unit, measure
