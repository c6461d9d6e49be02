"""What a value cell prints around its number (data/cells.yaml): units (1,234件, 1.6天),
multipliers (3.2万), change marks (↑3.2%), words of no change (持平), and the prefixes
that make a row a part of the row above (其中：…). Loaded once and checked; both the
readers and normalisation use it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from extract.hints import fold

CELLS_FILE = Path(__file__).parent / "data" / "cells.yaml"
KEYS = {
    "value_units",
    "multipliers",
    "change_marks",
    "part_prefixes",
    "unchanged_words",
    "scope_totals",
    "current_period_headers",
    "change_header_words",
}
# Period types a current-period header may name; ``any``: whatever the bulletin reports.
PERIOD_KEYS = ("any", "month", "quarter", "half", "year")
UNITS = {"count", "days", "hours", "score", "points"}
# The number itself: grouped thousands or plain digits, an optional fraction.
DIGITS = r"(\d{1,3}(,\d{3})+|\d+)(\.\d+)?"
# A sign: ASCII, or the minus sign U+2212 that word processors print (NFKC keeps it).
SIGN = "[-+\u2212]"


class CellWordsError(ValueError):
    """The cell words file is malformed."""


@dataclass(frozen=True)
class CellWords:
    """Units, multipliers and change marks a value cell may print; part-row prefixes; and
    the patterns of a number as a cell prints it (see ``number_pattern``)."""

    units: dict[str, str]
    multipliers: dict[str, int]
    marks: dict[str, int]
    part_prefixes: tuple[str, ...]
    current_headers: frozenset[str]  # folded: 本月, 本年 … (a column of some period's own)
    period_headers: dict[str, frozenset[str]]  # period type → its folded words (本月: month)
    change_words: tuple[str, ...]  # folded, longest first: 增减, 增长率 … (beside 同比)
    unchanged: frozenset[str]  # folded: 持平 … (a change of 0, in a change column only)
    scope_totals: frozenset[str]  # folded: 全市, 全区 … (a row named so alone is a total)
    number: re.Pattern[str]  # the whole cell is a number
    noted: re.Pattern[str]  # a number with a note in brackets after it (6459（…）)


def _alternation(words: list[str]) -> str:
    """Longest first, so that 人次 is tried before 人."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def number_pattern(
    units: dict[str, str], multipliers: dict[str, int], marks: dict[str, int], noted: bool
) -> re.Pattern[str]:
    """A number as a cell prints it, in NFKC form: an optional change mark, a sign, the
    digits, a multiplier, a unit or %, and (``noted``) a note in brackets after it.
    Groups: mark, num, mult, unit, pct (and note)."""
    mark = f"(?P<mark>{_alternation(list(marks))})?\\s*" if marks else ""
    mult = f"(?P<mult>{_alternation(list(multipliers))})?" if multipliers else ""
    unit = f"|(?P<unit>{_alternation(list(units))})" if units else ""
    core = f"^{mark}(?P<num>{SIGN}?{DIGITS})\\s*{mult}\\s*(?:(?P<pct>%){unit})?"
    if noted:
        return re.compile(core + r"\s*[(\[【](?P<note>.*)[)\]】]$")
    return re.compile(core + "$")


def words(path: Path, data: dict[str, Any], key: str) -> list[str]:
    """A list of non-empty words under ``key`` (none when the key is absent)."""
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(w, str) and w for w in value):
        raise CellWordsError(f"{path}: '{key}' must be a list of words")
    return value


@lru_cache(maxsize=2)
def load_cell_words(path: Path = CELLS_FILE) -> CellWords:
    """Load and check the cell words file."""
    data: Any = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise CellWordsError(f"{path}: expected a mapping at the top level")
    unknown = set(data) - KEYS
    if unknown:
        raise CellWordsError(f"{path}: unknown keys {sorted(unknown)}; allowed: {sorted(KEYS)}")

    def mapping(key: str) -> dict[str, Any]:
        value = data.get(key) or {}
        if not isinstance(value, dict) or not all(isinstance(k, str) and k for k in value):
            raise CellWordsError(f"{path}: '{key}' must map words to values")
        return value

    units = mapping("value_units")
    for word, unit in units.items():
        if unit not in UNITS:
            raise CellWordsError(
                f"{path}: value_units: '{word}' has unit {unit!r}; allowed: {sorted(UNITS)}"
            )
    multipliers = mapping("multipliers")
    for word, factor in multipliers.items():
        if not isinstance(factor, int) or isinstance(factor, bool) or factor < 2:
            raise CellWordsError(f"{path}: multipliers: '{word}' needs a whole factor above 1")
    marks = mapping("change_marks")
    for word, sign in marks.items():
        if sign not in (1, -1) or isinstance(sign, bool):
            raise CellWordsError(f"{path}: change_marks: '{word}' must be 1 or -1")
    prefixes, unchanged, scopes, changes = (
        words(path, data, "part_prefixes"),
        words(path, data, "unchanged_words"),
        words(path, data, "scope_totals"),
        words(path, data, "change_header_words"),
    )
    by_period = mapping("current_period_headers")
    for key in by_period:
        if key not in PERIOD_KEYS:
            raise CellWordsError(
                f"{path}: current_period_headers: '{key}' is no period type; "
                f"allowed: {list(PERIOD_KEYS)}"
            )
    periods = {
        str(key): frozenset(fold(w) for w in words(path, by_period, str(key))) for key in by_period
    }
    units = {str(k): str(v) for k, v in units.items()}
    factors = {str(k): int(v) for k, v in multipliers.items()}
    signs = {str(k): int(v) for k, v in marks.items()}
    return CellWords(
        units=units,
        multipliers=factors,
        marks=signs,
        part_prefixes=tuple(prefixes),
        current_headers=frozenset().union(*periods.values()),
        period_headers=periods,
        change_words=tuple(sorted({fold(w) for w in changes}, key=len, reverse=True)),
        unchanged=frozenset(fold(w) for w in unchanged),
        scope_totals=frozenset(fold(w) for w in scopes),
        number=number_pattern(units, factors, signs, noted=False),
        noted=number_pattern(units, factors, signs, noted=True),
    )


def own_period_headers(period_type: str) -> frozenset[str]:
    """The folded headers of a column holding the bulletin's own figure, for a bulletin of
    ``period_type`` (month: 本月, 当月, 本期 …); no other type's words (本年, 本季度)."""
    headers = load_cell_words().period_headers
    return headers.get("any", frozenset()) | headers.get(period_type, frozenset())


@lru_cache(maxsize=4)
def total_names(total_rows: frozenset[str]) -> frozenset[str]:
    """Row names of a total in a text table: the layout's ``total_rows`` (folded) and the
    names of the whole area alone (全市, 全区: ``scope_totals``)."""
    return total_rows | load_cell_words().scope_totals
