"""The metric catalog: labels → metric keys, validated when loaded.

The family's vocabulary ships with the package (``normalize/data/metrics.yaml``); a
publisher's profile may name a file that extends it (more labels, kinds, prose words).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extract.hints import fold
from normalize.prose_vocab import ProseVocab, VocabError, parse_vocab
from normalize.yamlload import YamlError, load_yaml

# What a value column holds: count, percent (0–100 as printed), score (147.72), rank (1 = first),
# days, a signed change in percent (同比 -1.47%) or in count, ratio (0.95 for 95%).
UNITS = (
    "count",
    "percent",
    "score",
    "rank",
    "days",
    "hours",
    "percent_change",
    "count_change",
    "point_change",
    "ratio",
)
TOP_KEYS = {
    "table_kinds",
    "metrics",
    "headline",
    "note_columns",
    "row_roles",
    "headline_columns",
    "families",
    "prose",  # the prose vocabulary, read by normalize/prose_vocab.py
    "column_kinds",
}
HEADLINE_KIND = "headline"  # figures of the prose, a table kind of their own in the archive
FAMILY_VOCABULARY = Path(__file__).with_name("data") / "metrics.yaml"
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
    # Words that, in a header or the caption, mark a table as this kind over kinds without.
    marks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Family:
    """Metrics of different layouts that measure the same thing, followed as one series."""

    name: str
    label: str
    members: tuple[tuple[str, str], ...]  # (table kind, metric key)
    note: str = ""


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
    extends: tuple[str, ...] = ()  # files laid over the one at ``path``
    families: dict[str, Family] = field(default_factory=dict)
    prose: ProseVocab = field(default_factory=ProseVocab)
    # unit → header words that give a column that unit when no metric says, in order.
    column_kinds: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)

    def metric_for(self, kind: str, label: str) -> Metric | None:
        """The metric a header label means in a table of ``kind``, if known."""
        return self.labels.get(kind, {}).get(label_key(label))

    def printed_labels(self, kind: str, key: str) -> list[str]:
        """The labels (folded) that mean metric ``key`` in a table of ``kind``, first first."""
        if kind == HEADLINE_KIND:
            return [label for label, k in self.headline_labels.items() if k == key]
        return [label for label, m in self.labels.get(kind, {}).items() if m.key == key]


def load_catalog(path: Path = FAMILY_VOCABULARY, extends: Sequence[Path] = ()) -> Catalog:
    """Load and check a vocabulary file (the family's by default), with the files that
    extend it laid over it in order: mappings merged key by key, lists joined.

    Read with the fast loader; only when a problem is found are the files read again
    keeping line numbers (round-trip), so the message points at the line."""
    try:
        return _load(path, extends, "safe")
    except CatalogError:
        return _load(path, extends, "rt")


def _load(path: Path, extends: Sequence[Path], typ: str) -> Catalog:
    data: Any = _read(path, typ)
    for extra in extends:
        more = _read(extra, typ)
        if not isinstance(more, dict):
            raise CatalogError(f"{extra}: expected a mapping with keys {sorted(TOP_KEYS)}")
        data = _merge(data, more)
    # problems are reported against the files together when one extends the other
    where = Path(" + ".join(map(str, (path, *extends))))
    catalog = _catalog(where, data)
    catalog.path, catalog.extends = str(path), tuple(str(e) for e in extends)
    return catalog


def _read(path: Path, typ: str) -> Any:
    try:
        return load_yaml(path, typ)
    except YamlError as exc:
        where = f"line {exc.line}: " if exc.line is not None else ""
        raise CatalogError(
            f"{path}: cannot read the metric catalog: {where}{exc.problem}"
        ) from None


def _merge(base: Any, extra: Any) -> Any:
    """``extra`` laid over ``base``: mappings merged, lists joined (no repeats), else replaced."""
    if isinstance(base, dict) and isinstance(extra, dict):
        out = base.copy()
        for key, value in extra.items():
            out[key] = _merge(base[key], value) if key in base else value
        return out
    if isinstance(base, list) and isinstance(extra, list):
        return [*base, *(x for x in extra if x not in base)]
    return extra


def _catalog(path: Path, data: Any) -> Catalog:
    if not isinstance(data, dict):
        raise CatalogError(f"{path}: expected a mapping with keys {sorted(TOP_KEYS)}")
    unknown = set(data) - TOP_KEYS
    if unknown:
        raise CatalogError(f"{path}: unknown keys {sorted(unknown)}; allowed: {sorted(TOP_KEYS)}")
    kinds = _kinds(path, data.get("table_kinds") or {})
    labels = _labels(path, data.get("metrics") or {}, kinds)
    scopes, headline = _headline(path, data.get("headline") or {})
    roles = data.get("row_roles") or {}
    families = _families(path, data.get("families") or {}, labels, headline)
    try:
        prose = parse_vocab(path, data.get("prose"), scopes, headline)
    except VocabError as exc:
        raise CatalogError(str(exc)) from None
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
        families=families,
        prose=prose,
        column_kinds=_column_kinds(path, data.get("column_kinds") or {}),
    )


def _column_kinds(path: Path, raw: Any) -> list[tuple[str, tuple[str, ...]]]:
    out = []
    for unit, words in raw.items():
        if unit not in UNITS:
            raise CatalogError(
                f"{path}: {_line(raw, unit)}: column kind '{unit}' is not one of {', '.join(UNITS)}"
            )
        if not isinstance(words, list) or not words:
            raise CatalogError(f"{path}: {_line(raw, unit)}: column kind '{unit}' needs words")
        out.append((str(unit), tuple(fold(str(w)) for w in words)))
    return out


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
        marks = tuple(fold(str(w)) for w in spec.get("marks") or [])
        out[str(name)] = TableKind(str(name), str(spec["scope"]), words, marks)
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
                raise CatalogError(f"{where}: metric '{key}' needs unit: {' or '.join(UNITS)}")
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


def _families(
    path: Path, raw: Any, labels: dict[str, dict[str, Metric]], headline: dict[str, str]
) -> dict[str, Family]:
    keys = {kind: {m.key for m in table.values()} for kind, table in labels.items()}
    keys[HEADLINE_KIND] = set(headline.values())
    out: dict[str, Family] = {}
    member_of: dict[tuple[str, str], str] = {}
    for name, spec in raw.items():
        where = f"{path}: {_line(raw, name)}"
        if not KEY_RE.match(str(name)):
            raise CatalogError(f"{where}: family '{name}' must be a lower_snake_case key")
        if not isinstance(spec, dict) or not spec.get("label") or not spec.get("members"):
            raise CatalogError(f"{where}: family '{name}' needs a label and members")
        members = tuple(_member(where, name, str(m), keys) for m in spec["members"])
        if len(members) < 2:
            raise CatalogError(f"{where}: family '{name}' needs two members or more")
        for member in members:
            if member in member_of:
                raise CatalogError(
                    f"{where}: {'.'.join(member)} is in both '{member_of[member]}' and '{name}'"
                )
            member_of[member] = str(name)
        out[str(name)] = Family(
            str(name), str(spec["label"]), members, str(spec.get("note") or "").strip()
        )
    return out


def _member(where: str, family: str, text: str, keys: dict[str, set[str]]) -> tuple[str, str]:
    kind, _, key = text.partition(".")
    if key not in keys.get(kind, set()):
        raise CatalogError(
            f"{where}: family '{family}': member '{text}' is not a known table_kind.metric"
        )
    return kind, key
