"""The prose vocabulary (the ``prose`` section of the metrics vocabulary), validated when loaded."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extract.hints import fold

KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
PROSE_UNITS = ("count", "percent", "days", "hours", "minutes", "seconds", "score")
LIST_KEYS = (
    "unit_suffixes",
    "fillers",
    "connectors",
    "thresholds",
    "targets",
    "bounds",
    "approximate",
    "narrative_sections",
    "shares",
    "modifiers",
    "comparatives",
    "breakdowns",
    "category_endings",
    "continuations",
    "averages",
    "acts",
    "approximate_before",
    "receiving",
    "channels",
    "groups",
)
ALL_KEYS = {
    "scopes",
    "labels",
    "units",
    "changes",
    "flat",
    "default_scope",
    "metadata",
    *LIST_KEYS,
}
META_ROLES = {"publisher", "published", "title", "other"}
CHANGE_KEYS = {"yoy", "mom", "up", "down"}
FLAT_KEYS = {"words", "rough", "yoy", "mom", "not", "against", "also"}


class VocabError(ValueError):
    """The prose section is malformed; the message names the file and the key."""


@dataclass(frozen=True)
class ProseVocab:
    """What the prose reader knows: scopes, labels, units and the words around figures."""

    scopes: dict[str, str] = field(default_factory=dict)  # folded word → canonical scope
    labels: dict[str, str] = field(default_factory=dict)  # folded label → metric key
    units: dict[str, str] = field(default_factory=dict)  # printed unit → stored unit
    unit_suffixes: tuple[str, ...] = ()
    fillers: tuple[str, ...] = ()
    connectors: tuple[str, ...] = ()
    change_basis: dict[str, str] = field(default_factory=dict)  # word → yoy | mom
    up: tuple[str, ...] = ()
    down: tuple[str, ...] = ()
    thresholds: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    bounds: tuple[str, ...] = ()
    approximate: tuple[str, ...] = ()
    narrative_sections: tuple[str, ...] = ()
    shares: tuple[str, ...] = ()
    # Words that, right before a known label, make another measure of it (提前办结率 is not
    # 办结率, 有效来电 not 来电): such a figure keeps its own label, flagged for review.
    modifiers: tuple[str, ...] = ()
    # Words that end a clause naming a unit and a measure whose figure follows after a
    # comma (市供电公司解决率较低，为79.3%).
    comparatives: tuple[str, ...] = ()
    # Words that end what a sentence breaks down by (按诉求类型分: 类型), and words that end a
    # category's name (咨询类): the figures after them are categories of a total.
    breakdowns: tuple[str, ...] = ()
    category_endings: tuple[str, ...] = ()
    # Words that open a paragraph going on with the one before (其中…): its figures keep
    # the scope that paragraph named.
    continuations: tuple[str, ...] = ()
    # Words that, anywhere before a known label, make an average of it (日均受理来电).
    averages: tuple[str, ...] = ()
    # Labels of an act on part of what was received (转办, 办结): before the object word a
    # label ends with (转办诉求), they name the measure, not the object (诉求: requests).
    acts: tuple[str, ...] = ()
    # Words right before a number that make it approximate (约1.2万件, 逾1.1万件, 超过2万件):
    # stored, flagged for review. One that is also a threshold (超过) is a threshold before
    # a percentage (满意率超过95% states a bound, not the rate).
    approximate_before: tuple[str, ...] = ()
    # Verbs of receiving (收到, 接收, 受理): between a unit and its label (区医保局收到来信46封)
    # they leave the unit the subject; after a channel (电话渠道受理) they make it a category.
    receiving: tuple[str, ...] = ()
    # Words a channel's name opens with (电话, 网站, 微信, APP): 电话渠道受理46120件 is the
    # channel's part of the total received, not another total.
    channels: tuple[str, ...] = ()
    # Nouns of a number of units (12个单位): figures said of such a group are nobody's.
    groups: tuple[str, ...] = ()
    # No change (同比持平, 与上月持平): the words of it, the words that make it rough (基本持平:
    # stored, flagged), basis words said only before them (与上月 → mom), and longer words
    # holding them that say no such thing (保持平稳).
    flat_words: tuple[str, ...] = ()
    flat_rough: tuple[str, ...] = ()
    flat_basis: dict[str, str] = field(default_factory=dict)
    flat_not: tuple[str, ...] = ()
    # Words that open what else a measure is level with (与全省平均水平持平): not a change.
    flat_against: tuple[str, ...] = ()
    # Words between a basis and the level word that say "both" or "too" (同比均持平).
    flat_also: tuple[str, ...] = ()
    default_scope: str = "全部"
    metadata: dict[str, str] = field(default_factory=dict)  # block label → role
    # Regexes built from these words, compiled on first use (name → pattern).
    _patterns: dict[str, re.Pattern[str] | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    _label_lengths: list[tuple[int, ...]] = field(
        default_factory=list, init=False, repr=False, compare=False
    )

    def label_lengths(self) -> tuple[int, ...]:
        """The lengths of the (folded) labels, longest first, found once for the
        vocabulary's lifetime (like its patterns): a label a text ends with is looked up
        by the text's ending of each length."""
        if not self._label_lengths:
            self._label_lengths.append(tuple(sorted({len(k) for k in self.labels}, reverse=True)))
        return self._label_lengths[0]

    def pattern(
        self, name: str, build: Callable[[ProseVocab], str | None]
    ) -> re.Pattern[str] | None:
        """The regex ``build`` writes from this vocabulary (None: it has no such words),
        compiled once for the vocabulary's lifetime under ``name``."""
        if name not in self._patterns:
            source = build(self)
            self._patterns[name] = None if source is None else re.compile(source)
        return self._patterns[name]


def parse_vocab(
    path: Path, raw: Any, headline_scopes: dict[str, str], headline_labels: dict[str, str]
) -> ProseVocab:
    """Check the ``prose`` mapping and merge it with the headline scopes and labels."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise VocabError(f"{path}: prose: expected a mapping with keys {sorted(ALL_KEYS)}")
    unknown = set(raw) - ALL_KEYS
    if unknown:
        raise VocabError(f"{path}: prose: unknown keys {sorted(unknown)}")
    scopes = dict(headline_scopes)
    for scope, printed in (raw.get("scopes") or {}).items():
        for word in _strings(path, f"scopes.{scope}", printed):
            scopes[fold(word)] = str(scope)
    labels = {fold(str(k)): str(v) for k, v in (raw.get("labels") or {}).items()}
    for label, key in labels.items():
        if not KEY_RE.match(key):
            raise VocabError(f"{path}: prose: labels: '{label}' → '{key}' is not lower_snake_case")
    labels.update(headline_labels)  # the headline wording keeps its meaning
    units = {str(k): str(v) for k, v in (raw.get("units") or {}).items()}
    bad = sorted(u for u in units.values() if u not in PROSE_UNITS)
    if bad:
        raise VocabError(f"{path}: prose: units: {bad} not one of {list(PROSE_UNITS)}")
    changes = raw.get("changes") or {}
    if not isinstance(changes, dict) or set(changes) - CHANGE_KEYS:
        raise VocabError(f"{path}: prose: changes needs only the keys {sorted(CHANGE_KEYS)}")
    basis = {
        word: kind for kind in ("yoy", "mom") for word in _strings(path, kind, changes.get(kind))
    }

    flat = raw.get("flat") or {}
    if not isinstance(flat, dict) or set(flat) - FLAT_KEYS:
        raise VocabError(f"{path}: prose: flat needs only the keys {sorted(FLAT_KEYS)}")
    flat_basis = {
        word: kind
        for kind in ("yoy", "mom")
        for word in _strings(path, f"flat.{kind}", flat.get(kind))
    }

    meta = raw.get("metadata") or {}
    if not isinstance(meta, dict) or set(meta) - META_ROLES:
        raise VocabError(f"{path}: prose: metadata needs only the keys {sorted(META_ROLES)}")
    roles = {word: role for role in meta for word in _strings(path, f"metadata.{role}", meta[role])}

    def words(key: str) -> tuple[str, ...]:
        return tuple(_strings(path, key, raw.get(key)))

    return ProseVocab(
        scopes=scopes,
        labels=labels,
        units=units,
        change_basis=basis,
        up=tuple(_strings(path, "up", changes.get("up"))),
        down=tuple(_strings(path, "down", changes.get("down"))),
        default_scope=str(raw.get("default_scope") or "全部"),
        metadata=roles,
        unit_suffixes=words("unit_suffixes"),
        fillers=words("fillers"),
        connectors=words("connectors"),
        thresholds=words("thresholds"),
        targets=words("targets"),
        bounds=words("bounds"),
        approximate=words("approximate"),
        narrative_sections=words("narrative_sections"),
        shares=words("shares"),
        modifiers=words("modifiers"),
        comparatives=words("comparatives"),
        breakdowns=words("breakdowns"),
        category_endings=words("category_endings"),
        continuations=words("continuations"),
        averages=words("averages"),
        acts=words("acts"),
        approximate_before=words("approximate_before"),
        receiving=words("receiving"),
        channels=words("channels"),
        groups=words("groups"),
        flat_words=tuple(_strings(path, "flat.words", flat.get("words"))),
        flat_rough=tuple(_strings(path, "flat.rough", flat.get("rough"))),
        flat_basis=flat_basis,
        flat_not=tuple(_strings(path, "flat.not", flat.get("not"))),
        flat_against=tuple(_strings(path, "flat.against", flat.get("against"))),
        flat_also=tuple(_strings(path, "flat.also", flat.get("also"))),
    )


def _strings(path: Path, key: str, value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise VocabError(f"{path}: prose: {key}: expected a list of words")
    return [str(v) for v in value]
