"""Brackets of prose that hold figures rather than notes.

A bracket is usually a note (6459（数据来源于窗口统计）, 服务（全年365天）) and is not read. But
bulletins also print a category's count in brackets (市政管理（3417件）: bare figures after a
name) or a share or a change beside a figure (咨询类12034件（占55.3%）, 21764件（同比增长3.2%）:
figures with a short label right after a figure). Such a bracket is read like the text
around it.
"""

from __future__ import annotations

import re

from normalize.prose_words import mask_brackets

INNERMOST = re.compile(r"\(([^()]*)\)")
PARTS = re.compile(r"[,、;]")
DIGIT = re.compile(r"\d")
# A number in digits or a Chinese numeral with a power of ten (市政管理（三百件）).
NUMBER = r"(?:\d|[一二两三四五六七八九十][十百千万亿]|十)"
HAS_NUMBER = re.compile(NUMBER)
DIGIT_INSIDE = re.compile(rf"\([^()]*{NUMBER}")
# The longest label a figure inside a bracket may carry (占, 同比增长, 较上月减少, 办结率).
BRACKET_LABEL = 8


def figures_only(
    content: str, figure: re.Pattern[str], labelled: bool, shares: tuple[str, ...]
) -> bool:
    """Whether a bracket's content is one or more figures, each after a short label when
    ``labelled`` (占55.3%, 同比增长3.2%); else the first is bare (3417件) or a share (占10%)
    and those after it may carry a short label (3417件，占15.7%)."""
    parts = [p.strip() for p in PARTS.split(content)]
    if not any(parts):
        return False
    for i, part in enumerate(parts):
        found = list(figure.finditer(part))
        if len(found) != 1 or found[0].end() != len(part):
            return False
        label = part[: found[0].start()]
        if len(label) > BRACKET_LABEL or DIGIT.search(label):
            return False
        if label and not labelled and i == 0 and label not in shares:
            return False
    return True


def ends_with_figure(text: str, figure: re.Pattern[str]) -> bool:
    """Whether the text (a bracket's left side) ends with a figure: 咨询类12034件."""
    window = text[-16:].rstrip()
    return any(m.end() == len(window) for m in figure.finditer(window))


def open_figure_brackets(
    text: str, figure: re.Pattern[str], shares: tuple[str, ...]
) -> tuple[str, list[int]]:
    """(masked text, positions of opened bracket characters): a bracket that holds only
    figures keeps its content and its bracket characters become spaces (positions stay
    valid); every other bracket is blanked whole, nested ones too."""
    if "(" not in text:
        return text, []  # most paragraphs: nothing to mask
    if not DIGIT_INSIDE.search(text):
        return mask_brackets(text), []  # notes only (（含上月未办结件，下同）)
    masked = text
    opened: list[int] = []
    prev = None
    while prev != masked:
        prev = masked
        pieces: list[str] = []
        at = 0
        for m in INNERMOST.finditer(prev):
            pieces.append(prev[at : m.start()])
            # (a note without a number, the usual bracket, is masked without a regex)
            if HAS_NUMBER.search(m[1]) and figures_only(
                m[1],
                figure,
                ends_with_figure(prev[max(0, m.start() - 16) : m.start()], figure),
                shares,
            ):
                opened += [m.start(), m.end() - 1]
                pieces.append(" " + m[1] + " ")
            else:
                pieces.append(" " * (m.end() - m.start()))
            at = m.end()
        pieces.append(prev[at:])
        masked = "".join(pieces)  # one pass: linear in the text, not in its brackets
    return masked, opened


def blank(text: str, positions: list[int]) -> str:
    """The text with the characters at these positions turned to spaces."""
    if not positions:
        return text
    chars = list(text)
    for at in positions:
        chars[at] = " "
    return "".join(chars)
