"""Words around a prose figure: its label, its subject (scope or named unit), its change."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from extract.hints import fold, simplified
from normalize.prose_vocab import ProseVocab

BRACKETED = re.compile(r"\([^()]*\)")
# Period words that open a label (8月份受理… → 受理…): they say when, not what.
MONTH_NUMBER = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
TIME_WORDS = (
    r"(?:(?:(?:19|20)\d{2}|[〇○零一二三四五六七八九]{4})年度?"
    rf"|{MONTH_NUMBER}\s*月\s*{MONTH_NUMBER}\s*日\s*[-~—至到]\s*(?:(?:19|20)\d{{2}}年)?"
    rf"{MONTH_NUMBER}\s*月\s*{MONTH_NUMBER}\s*日"
    rf"|{MONTH_NUMBER}\s*月份?\s*[-~—至到]\s*{MONTH_NUMBER}\s*月份?"
    rf"|{MONTH_NUMBER}\s*(?:[-~—至到]\s*{MONTH_NUMBER}\s*)?月份?|第?[一二三四1-4]季度"
    r"|前[一二两三1-3]个?季度|[上下]半年|全年|今年|本年度?|截至目前|截止目前|目前|近期|,)+"
)
LEADING_TIME = re.compile("^" + TIME_WORDS)
# Period and quantity words between a unit's name and its verb (市民政局本月受理, 市住建局1-9月
# 累计受理, 市城管局今年以来共受理): they say when or how much, not who.
TRAILING_WORDS = re.compile(
    r"(?:" + TIME_WORDS + r"|本月|当月|全月|本期|以来|累计|共计|合计|总计|共|的)+$"
)


class _CharMap(dict[int, str]):
    """A ``str.translate`` table filled on first sight of each character: one character to
    one character (a fold that would change the length keeps the character)."""

    def __init__(self, fold_char: Callable[[str], str]) -> None:
        super().__init__()
        self.fold_char = fold_char

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        folded = self.fold_char(ch)
        self[code] = out = folded if len(folded) == 1 else ch
        return out


# Blocks of prose the functions below remember: a block is read for its metadata, its
# issuer and its figures, three times a bulletin.
BLOCK_MEMO = 1024
# At most one entry per distinct character seen: bounded by the script, not by the corpus.
_NFKC_CHARS = _CharMap(lambda ch: unicodedata.normalize("NFKC", ch))
_SIMPLIFIED_CHARS = _CharMap(simplified)


@lru_cache(maxsize=BLOCK_MEMO)
def fold_keep(text: str) -> str:
    """NFKC character by character, keeping the length (positions stay valid)."""
    if unicodedata.is_normalized("NFKC", text):
        return text  # then each character is its own NFKC form
    return text.translate(_NFKC_CHARS)


@lru_cache(maxsize=BLOCK_MEMO)
def simplified_keep(text: str) -> str:
    """Simplified characters, character by character, keeping the length: a mirror's
    辦結率 is matched as 办结率 while names are still sliced from the printed text."""
    return text.translate(_SIMPLIFIED_CHARS)


def mask_brackets(text: str) -> str:
    """Bracketed notes blanked to spaces (same length), nested brackets too."""
    prev = None
    while prev != text:
        prev = text
        text = BRACKETED.sub(lambda m: " " * len(m[0]), text)
    return text


def strip_words(text: str, vocab: ProseVocab) -> str:
    """A label without the fillers that open it and the connectors that close it."""
    text = text.strip(" 、,:|")
    changed = True
    while changed and text:
        changed = False
        lead = LEADING_TIME.match(text)
        if lead and lead.end() > 0:
            text, changed = text[lead.end() :].strip(" 、,|"), True
        for word in vocab.fillers:
            if text.startswith(word) and len(text) > len(word):
                text, changed = text[len(word) :].strip(" 、,|"), True
        for word in vocab.connectors:
            if text.endswith(word) and len(text) > len(word):
                text, changed = text[: -len(word)].strip(" 、,|"), True
    return text


# The noun a count of cases ends with (直办件, 转办件): the label is the word before it.
CASE_NOUN = "件"


def known_label(text: str, vocab: ProseVocab) -> tuple[str, str] | None:
    """(label as printed, metric) of the longest vocabulary label the text ends with."""
    folded = fold(text)
    best = _longest(vocab, folded, from_end=True)
    if folded.endswith(CASE_NOUN) and len(folded) > len(CASE_NOUN):
        # 直办件 is a 直办 case, not a 办件 (cases) with 直 before it: the label without its
        # noun wins when it is a longer part of what was printed.
        bare = _longest(vocab, folded[: -len(CASE_NOUN)], from_end=True)
        if bare is not None and (best is None or bare[0] + len(CASE_NOUN) > best[0]):
            best = (bare[0] + len(CASE_NOUN), bare[1])
    if best is None:
        return None
    prefix = folded[: -best[0]]
    if prefix and prefix.endswith(vocab.modifiers):
        return None  # 提前办结率: another measure than 办结率
    if prefix and any(word in prefix for word in vocab.averages):
        return None  # 日均受理来电: an average, not the period's count
    act = _last_act(prefix, vocab) if "率" not in folded[-best[0] :] else None
    if act is not None and act in vocab.labels:
        return text, vocab.labels[act]  # 转办诉求: transferred, not requests (the object)
    return text[-best[0] :] if fold(text[-best[0] :]) == folded[-best[0] :] else text, best[1]


def _last_act(prefix: str, vocab: ProseVocab) -> str | None:
    """The act (转办, 办结) the words before an object name last, if any."""
    at, found = -1, None
    for act in vocab.acts:
        k = prefix.rfind(act)
        if k > at or (k == at and found is not None and len(act) > len(found)):
            at, found = k, act
    return found


# What a counting verb takes as its object (受理各类事项, 办理企业群众业务).
OBJECT = re.compile(r"(事项|业务|诉求|问题|申请|案件|件|单|服务|群众|企业)$")


def verb_object_label(text: str, vocab: ProseVocab) -> tuple[str, str] | None:
    """(label as printed, metric) of a counting verb followed by its object: 受理各类事项
    counts 受理 (accepted). Only a verb the vocabulary knows, only before an object word."""
    folded = fold(text)
    if not OBJECT.search(folded) or "率" in folded:
        return None
    best = _longest(vocab, folded, from_end=False)
    if best is None or best[0] < 2:
        return None
    return text, best[1]


AFTER_END = re.compile(r"[,.;:!?。]|$")


def leading_label(text: str, vocab: ProseVocab) -> tuple[str, str] | None:
    """(label as printed, metric) of a label right after a figure that ends its clause
    (…2310件群众诉求。): the longest vocabulary label the text, after its sender, is."""
    end = AFTER_END.search(text)
    words = text[: end.start() if end else len(text)].strip()
    for sender in SENDERS:
        if words.startswith(sender):
            words = words[len(sender) :]
            break
    known = vocab.labels.get(fold(words)) if 2 <= len(words) <= 6 else None
    return (words, known) if known is not None else None


def _longest(vocab: ProseVocab, folded: str, *, from_end: bool) -> tuple[int, str] | None:
    """(length, metric) of the longest vocabulary label ``folded`` ends with (or starts
    with): its ending (or start) of each label length, looked up, longest first."""
    labels = vocab.labels
    for n in vocab.label_lengths():
        if n > len(folded):
            continue
        key = labels.get(folded[len(folded) - n :] if from_end else folded[:n])
        if key is not None:
            return n, key
    return None


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
    basis: str  # yoy | mom, or "" for a direction alone (增幅4.9%): the sentence says which
    sign: int  # +1 or -1


def change_before(text: str, vocab: ProseVocab) -> Change | None:
    """The change phrase the text ends with: a basis word, a few characters, a direction
    (同比增长), or a direction alone (增幅, 增加)."""
    pattern = vocab.pattern("change", _change_regex)
    m = pattern.search(text) if pattern is not None else None
    if m is None:
        return None
    if m["b"] is None:
        return Change(m.start(), "", -1 if m["bare_down"] else 1)
    return Change(m.start(), vocab.change_basis[m["b"]], -1 if m["down"] else 1)


def _change_regex(vocab: ProseVocab) -> str | None:
    """A basis word, then a few characters and a direction, at the end of a text; or a
    direction alone."""
    if not vocab.change_basis:
        return None
    basis = "|".join(sorted(map(re.escape, vocab.change_basis), key=len, reverse=True))
    up = "|".join(sorted(map(re.escape, vocab.up), key=len, reverse=True)) or "(?!)"
    down = "|".join(sorted(map(re.escape, vocab.down), key=len, reverse=True)) or "(?!)"
    direction = rf"[^,;]{{0,4}}?(?:(?P<up>{up})|(?P<down>{down}))了?"
    bare = rf"(?:(?P<bare_up>{up})|(?P<bare_down>{down}))(?:了|为|达到|达)?"
    return rf"(?:(?P<b>{basis})(?:{direction})?|{bare})\s*$"


def basis_in(text: str, vocab: ProseVocab) -> str | None:
    """yoy or mom: what the last basis word of the text (与上月相比, 同比) compares with."""
    at, found = -1, None
    for word, basis in vocab.change_basis.items():
        k = text.rfind(word)
        if k > at:
            at, found = k, basis
    return found


RESPECTIVELY = "分别"
DIGIT = re.compile(r"\d")


def pending_subject(clause: str, vocab: ProseVocab) -> tuple[str, str, str] | None:
    """(unit, metric, printed label) of a clause without a figure that names one unit and
    a measure and ends with a comparative (市供电公司解决率较低): its figure comes after
    the comma (为79.3%)."""
    text = clause.strip(" ,")
    word = next((w for w in vocab.comparatives if text.endswith(w)), None)
    if word is None:
        return None
    subject = strip_words(text[: -len(word)], vocab)
    listed = listed_units(subject, vocab)
    if listed is not None:
        return (listed[0][0], listed[1], listed[2]) if len(listed[0]) == 1 else None
    known = known_label(subject, vocab)  # 市政管理类诉求最多: a category, not a unit
    category = subject[: len(subject) - len(known[0])] if known is not None else ""
    if known is None or not 2 <= len(category) <= 12 or DIGIT.search(category):
        return None
    return (category, known[1], known[0]) if is_category_name(category, vocab) else None


def is_category_name(name: str, vocab: ProseVocab) -> bool:
    """A name that ends with a category word (咨询类): a category of a total, not a unit."""
    return name.endswith(tuple(vocab.category_endings)) and len(name) > 1


# Who an object of receiving comes from (区医保局收到群众来信): not part of the unit's name.
SENDERS = ("企业群众", "群众", "市民", "企业", "各类")


def without_receiving(subject: str, vocab: ProseVocab) -> str:
    """A unit's name without the verb of receiving that follows it (区医保局共收到群众 →
    区医保局) and the period words before that (市民政局本月, 市住建局1-9月累计); the text as
    it is when nothing would be left."""
    text = subject
    changed = True
    while changed:
        changed = False
        for word in SENDERS:
            if text.endswith(word) and len(text) > len(word):
                text, changed = text[: -len(word)], True
    verb = next(
        (w for w in sorted(vocab.receiving, key=len, reverse=True) if text.endswith(w)), None
    )
    if verb is not None and len(text) > len(verb):
        text = text[: -len(verb)]
    elif text != subject:
        return subject  # a sender without a verb (城东区群众): as printed
    trailing = TRAILING_WORDS.search(text)
    return text[: trailing.start()] if trailing and trailing.start() > 0 else text


# Words before a label that say whose or what, not who (热线工单按时签收率, 诉求办结率).
GENERIC_SUBJECTS = (
    "热线",
    "工单",
    "平台",
    "窗口",
    "网上",
    "线上",
    "好差评",
    "政务服务",
    "系统",
    "大厅",
    "中心",
    "总",
)
# Verbs before a label that say what was done, not who did it (上报各类办件, 提供延时服务).
DOING = ("上报", "报送", "登记", "接待", "处理", "提供", "开展", "完成", "实现", "产生")
BLANKED = re.compile(r"\S\s{2,}")  # a bracket blanked inside the words
QUOTES = "“”\"'「」《》"


def other_subject(label: str, printed: str, vocab: ProseVocab) -> bool:
    """Whether the words before a known label name a subject of their own (幸福里受理): not
    a verb of receiving, a sender, a filler, a generic word or another label."""
    prefix = label[: len(label) - len(printed)] if label.endswith(printed) else ""
    if BLANKED.search(prefix):
        return True  # 县（市、区）受理: a name with a bracket, blanked: not one to drop
    text = strip_words(without_receiving(prefix, vocab), vocab).rstrip("的")
    # a channel before a measure (电话来电, 网络留言) says how it came, not who; before a
    # verb (电话受理) it names a part
    channels = () if printed in vocab.receiving else vocab.channels
    for word in (*SENDERS, *GENERIC_SUBJECTS, *DOING, *vocab.receiving, *QUOTES, *channels):
        text = text.replace(word, "")
    return len(text) >= 2 and known_label(text, vocab) is None


def listed_units(label: str, vocab: ProseVocab) -> tuple[list[str], str, str] | None:
    """(units, metric, printed label) when a label is a list of units and a known label.

    ``市住建局、市城管局满意率`` → ([市住建局, 市城管局], satisfaction_rate, 满意率).
    """
    known = known_label(label, vocab)
    if known is None:
        return None
    subject = without_receiving(label[: len(label) - len(known[0])], vocab)
    units = [named_unit(part, vocab) for part in subject.split("、")]
    found = [u for u in units if u]
    if not subject or len(found) != len(units):
        return None
    return found, known[1], known[0]


def respective_subject(
    sentence_before: str, vocab: ProseVocab
) -> tuple[list[str], str, str] | None:
    """The units and label that 分别为 refers to, from the clauses before it.

    ``其中市住建局、市城管局满意率低于90%,分别为87.6%、88.2%``: the clause before, up to its
    first figure and without the threshold word, names the units and the label.
    """
    for clause in reversed(re.split(r"[,:;]", sentence_before)[:-1]):
        digit = DIGIT.search(clause)
        text = clause[: digit.start()] if digit else clause
        for word in vocab.thresholds:
            if text.endswith(word):
                text = text[: -len(word)]
                break
        found = listed_units(strip_words(text, vocab), vocab)
        if found is not None:
            return found
    return None
