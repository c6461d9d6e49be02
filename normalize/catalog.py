"""The metric catalog (corpus/metrics.yaml): labels → metric keys, validated when loaded."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extract.hints import fold
from normalize.yamlload import YamlError, load_yaml

UNITS = ("count", "percent")
TOP_KEYS = {"table_kinds", "metrics", "headline", "note_columns", "row_roles", "headline_columns"}
KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
UNIT_SUFFIX = re.compile(r"[(\[]\s*(件|个|项|次|人|人次|户|%|万元|元)\s*[)\]]$")


class CatalogError(ValueError):
    """The metric catalog file is malformed; the message names the file and line."""


def label_key(text: str) -> str:
    """Fold a printed label for lookup: NFKC, no whitespace, no trailing unit in brackets."""
    return UNIT_SUFFIX.sub("", fold(text))


@dataclass(frozen=True)
class Metric:
    """A canonical metric of one table kind."""

    key: str
    unit: str


@dataclass(frozen=True)
class TableKind:
    """How a kind of table is recognised, and what its total rows describe."""

    name: str
    scope: str
    caption_words: tuple[str, ...]


@dataclass
class Catalog:
    """Everything normalisation knows about labels, kinds and roles."""

    kinds: dict[str, TableKind]
    labels: dict[str, dict[str, Metric]]  # kind → folded label → metric
    headline_scopes: dict[str, str]  # folded word → canonical scope
    headline_labels: dict[str, str]  # folded label → metric key
    note_columns: frozenset[str]
    totals: frozenset[str]
    subtotals: frozenset[str]
    headline_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    path: str = ""

    def metric_for(self, kind: str, label: str) -> Metric | None:
        """The metric a header label means in a table of ``kind``, if known."""
        return self.labels.get(kind, {}).get(label_key(label))


def load_catalog(path: Path) -> Catalog:
    """Load and check corpus/metrics.yaml (or a user's copy)."""
    try:
        data: Any = load_yaml(path, "rt")
    except YamlError as exc:
        where = f"line {exc.line}: " if exc.line is not None else ""
        raise CatalogError(
            f"{path}: cannot read the metric catalog: {where}{exc.problem}"
        ) from None
    if not isinstance(data, dict):
        raise CatalogError(f"{path}: expected a mapping with keys {sorted(TOP_KEYS)}")
    unknown = set(data) - TOP_KEYS
    if unknown:
        raise CatalogError(f"{path}: unknown keys {sorted(unknown)}; allowed: {sorted(TOP_KEYS)}")
    kinds = _kinds(path, data.get("table_kinds") or {})
    labels = _labels(path, data.get("metrics") or {}, kinds)
    scopes, headline = _headline(path, data.get("headline") or {})
    roles = data.get("row_roles") or {}
    return Catalog(
        kinds=kinds,
        labels=labels,
        headline_scopes=scopes,
        headline_labels=headline,
        note_columns=frozenset(fold(str(x)) for x in data.get("note_columns") or []),
        totals=frozenset(fold(str(x)) for x in roles.get("total") or []),
        subtotals=frozenset(fold(str(x)) for x in roles.get("subtotal") or []),
        headline_columns={
            str(k): tuple(str(m) for m in v or [])
            for k, v in (data.get("headline_columns") or {}).items()
        },
        path=str(path),
    )


def _line(node: Any, key: Any) -> str:
    try:
        return f"line {node.lc.key(key)[0] + 1}"
    except (AttributeError, KeyError, TypeError):
        return "?"


def _kinds(path: Path, raw: Any) -> dict[str, TableKind]:
    out = {}
    for name, spec in raw.items():
        where = f"{path}: {_line(raw, name)}"
        if not KEY_RE.match(str(name)):
            raise CatalogError(f"{where}: table kind '{name}' must be a lower_snake_case key")
        if not isinstance(spec, dict) or "scope" not in spec:
            raise CatalogError(f"{where}: table kind '{name}' needs a scope and caption_words")
        words = tuple(fold(str(w)) for w in spec.get("caption_words") or [])
        out[str(name)] = TableKind(str(name), str(spec["scope"]), words)
    return out


def _labels(path: Path, raw: Any, kinds: dict[str, TableKind]) -> dict[str, dict[str, Metric]]:
    out: dict[str, dict[str, Metric]] = {}
    for kind, metrics in raw.items():
        if kind not in kinds:
            raise CatalogError(
                f"{path}: {_line(raw, kind)}: metrics for unknown table kind '{kind}'"
            )
        table: dict[str, Metric] = {}
        for key, spec in metrics.items():
            where = f"{path}: {_line(metrics, key)}"
            if not KEY_RE.match(str(key)):
                raise CatalogError(f"{where}: metric key '{key}' must be lower_snake_case")
            if not isinstance(spec, dict) or spec.get("unit") not in UNITS:
                raise CatalogError(f"{where}: metric '{key}' needs unit: count or percent")
            for label in spec.get("labels") or []:
                folded = label_key(str(label))
                if folded in table and table[folded].key != key:
                    raise CatalogError(
                        f"{where}: label '{label}' means both '{table[folded].key}' and '{key}'"
                    )
                table[folded] = Metric(str(key), str(spec["unit"]))
        out[str(kind)] = table
    return out


def _headline(path: Path, raw: Any) -> tuple[dict[str, str], dict[str, str]]:
    scopes = {}
    for scope, words in (raw.get("scopes") or {}).items():
        for word in words or []:
            scopes[fold(str(word))] = str(scope)
    labels = {}
    for label, key in (raw.get("labels") or {}).items():
        if not KEY_RE.match(str(key)):
            where = _line(raw["labels"], label)
            raise CatalogError(f"{path}: {where}: headline key '{key}' must be lower_snake_case")
        labels[fold(str(label))] = str(key)
    return scopes, labels
