"""Typed results of normalisation: facts with their provenance, and the bulletin they form."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

from extract.document import Document

if TYPE_CHECKING:
    from normalize.checks import Check


@dataclass(frozen=True)
class Fact:
    """One printed number (or no-data mark) with what it means and where it was printed."""

    table_index: int | None  # None for headline figures
    table_kind: str
    entity_raw: str
    name_key: str  # the name looked up in the names file (a scope for total rows)
    parent_raw: str | None
    row_label: str
    row_role: str
    metric: str
    header: str
    value: float | None
    value_raw: str
    unit: str
    note: str | None
    row: int | None
    col: int | None
    line: int | None
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    # 1 when the structure behind this number was guessed or failed a quality check.
    needs_review: bool = False
    # A figure's own period when it differs from the bulletin's (a 1-9月 cumulative figure):
    # a label as Period.label writes it, and its granularity.
    period: str | None = None
    period_type: str | None = None


FACT_FIELDS = tuple(f.name for f in fields(Fact))
_new_object = object.__new__
_set_attribute = object.__setattr__


def fact_of(
    table_index: int | None,
    table_kind: str,
    entity_raw: str,
    name_key: str,
    parent_raw: str | None,
    row_label: str,
    row_role: str,
    metric: str,
    header: str,
    value: float | None,
    value_raw: str,
    unit: str,
    note: str | None,
    row: int | None,
    col: int | None,
    line: int | None,
    page: int | None,
    bbox: tuple[float, float, float, float] | None,
    needs_review: bool,
    period: str | None,
    period_type: str | None,
) -> Fact:
    """``Fact(...)`` built on the hot path: the frozen dataclass's own ``__init__`` sets its
    fields one at a time through ``object.__setattr__``; this gives the instance its dict
    at once, written out (a literal dict is also quicker to read from than one filled in
    place). The result is equal to ``Fact(...)`` with the same arguments."""
    fact: Fact = _new_object(Fact)
    _set_attribute(
        fact,
        "__dict__",
        {
            "table_index": table_index,
            "table_kind": table_kind,
            "entity_raw": entity_raw,
            "name_key": name_key,
            "parent_raw": parent_raw,
            "row_label": row_label,
            "row_role": row_role,
            "metric": metric,
            "header": header,
            "value": value,
            "value_raw": value_raw,
            "unit": unit,
            "note": note,
            "row": row,
            "col": col,
            "line": line,
            "page": page,
            "bbox": bbox,
            "needs_review": needs_review,
            "period": period,
            "period_type": period_type,
        },
    )
    return fact


def for_review(fact: Fact) -> Fact:
    """``replace(fact, needs_review=True)`` without rebuilding the dataclass field by field."""
    copy: Fact = _new_object(Fact)
    _set_attribute(copy, "__dict__", {**fact.__dict__, "needs_review": True})
    return copy


PERIOD_TYPES = ("month", "quarter", "half", "year", "range")


@dataclass(frozen=True)
class Period:
    """The reported period and how it was inferred.

    A period is a granularity and a start: ``month`` is the first month it covers and
    ``end_month`` the last (the same month for a month, 1–3 for 第一季度, 1–9 for 1-9月).
    """

    year: int | None
    month: int | None
    basis: str  # title, publication_date, text_years, file_name, given, unknown
    published: str | None = None  # YYYY-MM-DD when printed
    type: str = "month"  # one of PERIOD_TYPES
    end_month: int | None = None

    @property
    def last_month(self) -> int | None:
        return self.end_month if self.end_month is not None else self.month

    @property
    def label(self) -> str | None:
        """``YYYY-MM`` for a month, ``YYYY-Qn``, ``YYYY-Hn``, ``YYYY``, or ``YYYY-MM..YYYY-MM``."""
        if self.year is None or self.month is None:
            return None
        y, m, last = self.year, self.month, self.last_month or self.month
        if self.type == "quarter":
            return f"{y:04d}-Q{(m - 1) // 3 + 1}"
        if self.type == "half":
            return f"{y:04d}-H{1 if m <= 6 else 2}"
        if self.type == "year":
            return f"{y:04d}"
        if self.type == "range":
            return f"{y:04d}-{m:02d}..{y:04d}-{last:02d}"
        return f"{y:04d}-{m:02d}"

    @property
    def start(self) -> str | None:
        """The first month covered, ``YYYY-MM``."""
        if self.year is None or self.month is None:
            return None
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def end(self) -> str | None:
        """The last month covered, ``YYYY-MM``."""
        if self.year is None or self.last_month is None:
            return None
        return f"{self.year:04d}-{self.last_month:02d}"


@dataclass(frozen=True)
class TableInfo:
    """What normalisation decided about one table."""

    index: int
    kind: str
    caption: str
    headers: list[str]  # flattened header label per column
    metrics: list[str | None]  # metric key per column (None for name and note columns)
    # Structural quality in 0..1 and why it is low (None: not scored); below the gate's
    # threshold every fact of the table needs review.
    quality: float | None = None
    review: str | None = None


@dataclass
class Bulletin:
    """A normalised bulletin: its document, period, tables and facts."""

    document: Document
    period: Period
    title: str | None
    tables: list[TableInfo]
    facts: list[Fact]
    warnings: list[str] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    # Who published it (the issuer named in the text or metadata block, or a profile's name).
    publisher: str | None = None
    # Where the file was downloaded from, when the user's manifest says so.
    source_url: str | None = None
