"""The metric vocabulary as the archive's pages need it: printed labels and families.

Read from the metric catalog (normalize/data/metrics.yaml) when Datasette starts, so an archive
needs no extra table: the canned queries get the vocabulary as inline ``VALUES`` rows
(``$families`` and ``$metric_labels`` in their SQL), the pages get it as objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from normalize.catalog import FAMILY_VOCABULARY, HEADLINE_KIND, Catalog, Family, load_catalog

FAMILIES_TOKEN = "$families"
LABELS_TOKEN = "$metric_labels"
EMPTY_ROWS = {FAMILIES_TOKEN: 6, LABELS_TOKEN: 3}  # columns of each inline table


@dataclass(frozen=True)
class Vocabulary:
    """Each (table kind, metric key) with its printed labels, and the families."""

    labels: dict[tuple[str, str], tuple[str, ...]]
    families: dict[str, Family]

    def label(self, metric: str, kind: str | None = None) -> str | None:
        """The first printed label of a metric (of a table kind when given)."""
        for (k, key), labels in self.labels.items():
            if key == metric and (kind is None or k == kind) and labels:
                return labels[0]
        return None

    def family_of(self, kind: str, metric: str) -> Family | None:
        """The family a metric of a table kind belongs to, if any."""
        for family in self.families.values():
            if (kind, metric) in family.members:
                return family
        return None

    def family_named(self, text: str) -> Family | None:
        """The family called ``text`` (its key or its label)."""
        text = text.strip()
        return next((f for f in self.families.values() if text in (f.name, f.label)), None)


def default_metrics_file() -> Path:
    """The family's vocabulary, shipped with the package."""
    return FAMILY_VOCABULARY


def vocabulary(catalog: Catalog) -> Vocabulary:
    """The labels and families of a loaded catalog."""
    keys = {(kind, m.key) for kind, table in catalog.labels.items() for m in table.values()}
    keys |= {(HEADLINE_KIND, key) for key in catalog.headline_labels.values()}
    labels = {pair: tuple(catalog.printed_labels(*pair)) for pair in sorted(keys)}
    return Vocabulary(labels, dict(catalog.families))


def load_vocabulary(path: Path | None = None) -> Vocabulary:
    """The vocabulary of a metrics file (CatalogError when it is malformed)."""
    return vocabulary(load_catalog(path or default_metrics_file()))


def inline_sql(sql: str, vocab: Vocabulary) -> str:
    """Replace the vocabulary tokens of a query with inline rows: ``$families`` as
    (family, table_kind, metric, label, note, rank), rank the member's place in the
    family's list (0 first), ``$metric_labels`` as (table_kind, metric, label)."""
    families: list[tuple[str | int, ...]] = [
        (f.name, kind, metric, f.label, f.note, rank)
        for f in vocab.families.values()
        for rank, (kind, metric) in enumerate(f.members)
    ]
    labels = [(kind, key, label) for (kind, key), names in vocab.labels.items() for label in names]
    sql = sql.replace(FAMILIES_TOKEN, values_sql(families, EMPTY_ROWS[FAMILIES_TOKEN]))
    return sql.replace(LABELS_TOKEN, values_sql(labels, EMPTY_ROWS[LABELS_TOKEN]))


def values_sql(rows: Sequence[tuple[str | int, ...]], width: int) -> str:
    """A ``VALUES`` list of rows (text and whole numbers), or a select of no rows of
    that width."""
    if not rows:
        return "select " + ", ".join(["null"] * width) + " where 0"
    return "values " + ", ".join("(" + ", ".join(map(literal, row)) + ")" for row in rows)


def literal(value: str | int) -> str:
    """An SQL literal: a whole number as it is, text quoted."""
    return str(value) if isinstance(value, int) else quote(value)


def quote(text: str) -> str:
    """An SQL string literal."""
    return "'" + text.replace("'", "''") + "'"
