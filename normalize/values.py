"""Cell text → number: integers, percents, no-data marks, numbers with a note."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from extract.hints import simplified

NULL_MARKS = frozenset({"-", "—", "–", "--", "——", "/", "无", "暂无", "暂无数据", "N/A", ""})
NUMBER = re.compile(r"^(?P<num>[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?)\s*(?P<pct>%)?$")
NOTED = re.compile(r"^(?P<num>[+-]?\d+(\.\d+)?)\s*(?P<pct>%)?\s*[(\[【](?P<note>.*)[)\]】]$")
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


@lru_cache(maxsize=MEMO_SIZE)
def clean(text: str) -> str:
    """Whitespace clean-up as printed: trim, one space between words, none inside CJK text."""
    return CJK_GAP.sub("", SPACES.sub(" ", text.replace("\u3000", " ")).strip())


@lru_cache(maxsize=MEMO_SIZE)
def parse_value(raw: str) -> Value:
    """Parse a value cell as printed; full-width forms (６４５９，％，（）) are understood."""
    text = unicodedata.normalize("NFKC", raw).strip()
    if text in NULL_MARKS or simplified(text) in NULL_MARKS:  # 暫無數據 on a mirror copy
        return Value(None, False, None)
    match = NUMBER.match(text)
    if match:
        return Value(_number(match["num"]), bool(match["pct"]), None)
    match = NOTED.match(text)
    if match:
        raw_note = RAW_NOTE.search(raw)
        note = (raw_note["note"] if raw_note else match["note"]).strip()
        return Value(_number(match["num"]), bool(match["pct"]), note or None)
    return Value(None, "%" in text, None, ok=False)


def _number(text: str) -> float:
    return float(text.replace(",", ""))
