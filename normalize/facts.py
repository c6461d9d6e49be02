"""Typed results of normalisation: facts with their provenance, and the bulletin they form."""

from __future__ import annotations

from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class Period:
    """The reported month and how it was inferred."""

    year: int | None
    month: int | None
    basis: str  # title, publication_date, text_years, file_name, unknown
    published: str | None = None  # YYYY-MM-DD when printed

    @property
    def label(self) -> str | None:
        if self.year is None or self.month is None:
            return None
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class TableInfo:
    """What normalisation decided about one table."""

    index: int
    kind: str
    caption: str
    headers: list[str]  # flattened header label per column
    metrics: list[str | None]  # metric key per column (None for name and note columns)


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
