"""What a value column holds (its unit) when no metric of the catalog says so.

A column is a count, a percent, a score (147.72), a rank, days, a signed change (同比
-1.47%) or a ratio. The header's words decide first (the catalog's ``column_kinds``,
data), then the values as printed: a unit printed in the cells (1.6天: days, 98分: score),
a % sign, a sign or change mark (+3.20%, ↑12).
"""

from __future__ import annotations

from extract.hints import fold
from normalize.catalog import Catalog
from normalize.values import Value

CHANGES = {"percent": "percent_change", "count": "count_change"}


def column_unit(header: str, values: list[tuple[str, Value]], catalog: Catalog) -> str:
    """The unit of a column from its header words, else from its values."""
    folded = fold(header)
    by_header = next(
        (unit for unit, words in catalog.column_kinds if any(w in folded for w in words)), None
    )
    printed = [(raw, v) for raw, v in values if v.ok and v.value is not None]
    percent = any(v.percent for _, v in printed)
    signed = any(v.signed for _, v in printed)
    units = {v.unit for _, v in printed if v.unit is not None}
    if by_header == "percent_change":
        return "percent_change" if percent or not printed else "count_change"
    if by_header == "percent" and printed and not percent:
        fractions = all(0 <= (v.value or 0) <= 1 for _, v in printed)
        decimals = any((v.value or 0) % 1 for _, v in printed)
        return "ratio" if fractions and decimals else "percent"
    if by_header is not None:
        return by_header
    if len(units) == 1 and not percent:
        unit = units.pop()
        return CHANGES.get(unit, unit) if signed else unit
    if percent:
        return CHANGES["percent"] if signed else "percent"
    return CHANGES["count"] if signed else "count"
