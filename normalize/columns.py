"""What a value column holds (its unit) when no metric of the catalog says so.

A column is a count, a percent, a score (147.72), a rank, days, a signed change (同比
-1.47%) or a ratio. The header's words decide first (the catalog's ``column_kinds``,
data), then the values as printed: a unit printed in the cells (1.6天: days, 98分: score),
a % sign, a sign or change mark (+3.20%, ↑12).
"""

from __future__ import annotations

import re
from functools import lru_cache

from extract.cells import load_cell_words, own_period_headers
from extract.hints import fold
from normalize.catalog import Catalog, Metric, label_key
from normalize.values import Value

CHANGES = {"percent": "percent_change", "count": "count_change"}
POINTS = "point_change"  # percentage points (0.4个百分点), as prose stores them
SLUG_DROP = re.compile(r"[^0-9a-z\u3400-\u9fff]+")


def slug(label: str) -> str:
    """A stable key for a header the catalog does not know: folded, lower case, underscores."""
    return SLUG_DROP.sub("_", label_key(label).lower()).strip("_") or "unnamed"


def column_unit(header: str, values: list[tuple[str, Value]], catalog: Catalog) -> str:
    """The unit of a column from its header words, else from its values."""
    folded = fold(header)
    by_header = next(
        (unit for unit, words in catalog.column_kinds if any(w in folded for w in words)), None
    )
    # 持平 says nothing of the unit: a change of nil in percent or in count alike
    printed = [(raw, v) for raw, v in values if v.ok and v.value is not None and not v.unchanged]
    percent = any(v.percent for _, v in printed)
    signed = any(v.signed for _, v in printed)
    units = {v.unit for _, v in printed if v.unit is not None}
    if by_header == "percent_change":
        if units == {"points"} and not percent:
            return POINTS
        return "percent_change" if percent or not printed else "count_change"
    if by_header == "percent" and printed and not percent:
        fractions = all(0 <= (v.value or 0) <= 1 for _, v in printed)
        decimals = any((v.value or 0) % 1 for _, v in printed)
        return "ratio" if fractions and decimals else "percent"
    if by_header is not None:
        return by_header
    if len(units) == 1 and not percent:
        unit = units.pop()
        if unit == "points":  # 0.4个百分点: a change of a rate, signed or not
            return POINTS
        return CHANGES.get(unit, unit) if signed else unit
    if percent:
        return CHANGES["percent"] if signed else "percent"
    return CHANGES["count"] if signed else "count"


def metric_for(
    catalog: Catalog, kind: str, label: str, period_type: str = "month"
) -> Metric | None:
    """The metric a header label means in a table of ``kind``; a count label may print its
    unit before 数 or 量 (受理件数 is 受理数, 办结件数 is 办结数: the units of
    extract/data/cells.yaml that are counts), and any label may start with a word of the
    bulletin's own period, of type ``period_type`` (本月工单数 is 工单数 in a monthly
    bulletin: ``current_period_headers``). A label that starts with another period's word
    (本年受理量 in a monthly bulletin) is no metric of the catalog: it counts another
    period."""
    known = catalog.metric_for(kind, label)
    if known is not None:
        return known
    key = label_key(label)
    if any(key.startswith(w) for w in _other_period_words(period_type)):
        return None
    words = sorted(own_period_headers(period_type), key=len, reverse=True)
    current = next((w for w in words if key.startswith(w)), "")
    for short in (_count_unit_re().sub("", key), key[len(current) :]):
        if short and short != key:
            known = catalog.metric_for(kind, short) or metric_for(catalog, kind, short, period_type)
            if known is not None:
                return known
    return None


def _other_period_words(period_type: str) -> list[str]:
    """Current-period words of a type other than ``period_type`` (本年 for a month)."""
    return sorted(load_cell_words().current_headers - own_period_headers(period_type))


@lru_cache(maxsize=1)
def _count_unit_re() -> re.Pattern[str]:
    units = sorted((u for u, kind in load_cell_words().units.items() if kind == "count"), key=len)
    return re.compile("(?:" + "|".join(map(re.escape, reversed(units))) + ")(?=[数量]$)")
