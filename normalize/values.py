"""Cell text → number: integers, percents, no-data marks, numbers with a note, a unit
(1,234件, 1.6天), a multiplier (3.2万), a change mark (↑3.2%, ↓1.47%) or a word of no
change (持平)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from extract.cells import load_cell_words
from extract.hints import fold, load_hints

RAW_NOTE = re.compile(r"[(（\[【](?P<note>.*)[)）\]】]\s*$")
CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")
SPACES = re.compile(r"\s+")
# Distinct cell texts remembered by the pure string functions below (memory stays flat).
MEMO_SIZE = 1 << 11


@dataclass(frozen=True)
class Value:
    """A parsed cell: the number (None for no data), whether printed as a percent, a note."""

    value: float | None
    percent: bool
    note: str | None
    ok: bool = True  # False when the text is neither a number nor a no-data mark
    unit: str | None = None  # what a unit printed in the cell says (件: count, 天: days)
    signed: bool = False  # printed with a sign or a change mark (+3.20%, ↑3.2%)
    unchanged: bool = False  # a word of no change (持平): 0, but only as a change


@lru_cache(maxsize=MEMO_SIZE)
def clean(text: str) -> str:
    """Whitespace clean-up as printed: trim, one space between words, none inside CJK text."""
    return CJK_GAP.sub("", SPACES.sub(" ", text.replace("\u3000", " ")).strip())


@lru_cache(maxsize=MEMO_SIZE)
def parse_value(raw: str) -> Value:
    """Parse a value cell as printed; full-width forms (６４５９，％，（）) are understood.
    A no-data mark (layout hints' ``null_values``: -, /, 暂无, 不涉及 …) is no value,
    never 0; a multiplier scales the number (3.2万件: 32000); a change mark signs it."""
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text or fold(text) in load_hints().null_values:  # 暫無數據 on a mirror copy too
        return Value(None, False, None)
    words = load_cell_words()
    if fold(text) in words.unchanged:  # 持平: a change of 0 (the caller checks the column)
        return Value(0.0, False, None, unchanged=True)
    match = words.number.match(text)
    note = None
    if match is None:
        match = words.noted.match(text)
        if match is None:
            return Value(None, "%" in text, None, ok=False)
        raw_note = RAW_NOTE.search(raw)
        note = (raw_note["note"] if raw_note else match["note"]).strip() or None
    number = _number(match["num"])
    if match["mult"]:  # in decimal: 2.9万 is 29000, not 29000.000000000004
        number = float(Decimal(_digits(match["num"])) * words.multipliers[match["mult"]])
    sign = match["num"][0] in "+-\u2212"
    if match["mark"] and sign:  # ↓-1.47%: two signs, no telling which the table meant
        return Value(None, bool(match["pct"]), note, ok=False, signed=True)
    if match["mark"]:
        number *= words.marks[match["mark"]]
    unit = words.units[match["unit"]] if match["unit"] else None
    signed = bool(match["mark"]) or sign
    return Value(number, bool(match["pct"]), note, unit=unit, signed=signed)


def _digits(text: str) -> str:
    """A printed number as Python reads one: no thousands commas, an ASCII minus."""
    return text.replace(",", "").replace("\u2212", "-")


def _number(text: str) -> float:
    return float(_digits(text))
