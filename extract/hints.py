"""Layout hints (data/layout.yaml): header vocabulary and null tokens, validated when loaded."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

LAYOUT_FILE = Path(__file__).parent / "data" / "layout.yaml"
KEYS = {
    "index_headers",
    "header_suffixes",
    "header_words",
    "null_values",
    "header_groups",
    "chrome",
    "total_rows",
    "subtotal_rows",
}


class HintsError(ValueError):
    """The layout hints file is malformed."""


def fold(text: str) -> str:
    """Compare form of a label: NFKC (full-width → half-width) with all whitespace removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@dataclass(frozen=True)
class LayoutHints:
    """What the table readers know about headers and values, in folded form."""

    index_headers: frozenset[str] = frozenset()
    header_suffixes: tuple[str, ...] = ()
    header_words: frozenset[str] = frozenset()
    null_values: frozenset[str] = frozenset()
    header_groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    chrome: tuple[re.Pattern[str], ...] = ()
    total_rows: frozenset[str] = frozenset()
    subtotal_rows: frozenset[str] = frozenset()

    def is_chrome(self, line: str) -> bool:
        """True for page furniture (page numbers, site footers) that is not content."""
        stripped = line.strip()
        return any(p.search(stripped) for p in self.chrome)

    def is_header_like(self, text: str) -> bool:
        """True when a text cell reads as a column header rather than a row name."""
        folded = fold(text)
        if not folded:
            return False
        return (
            folded in self.header_words
            or folded in self.index_headers
            or folded in self.header_groups
            or folded.endswith(self.header_suffixes)
        )


@lru_cache(maxsize=4)
def load_hints(path: Path = LAYOUT_FILE) -> LayoutHints:
    """Load and check the layout hints file."""
    data: Any = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise HintsError(f"{path}: expected a mapping at the top level")
    unknown = set(data) - KEYS
    if unknown:
        raise HintsError(f"{path}: unknown keys {sorted(unknown)}; allowed: {sorted(KEYS)}")

    def words(key: str) -> list[str]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise HintsError(f"{path}: '{key}' must be a list of strings")
        return [fold(v) for v in value]

    groups = data.get("header_groups", {})
    if not isinstance(groups, dict):
        raise HintsError(f"{path}: 'header_groups' must map a group label to a list of labels")
    checked_groups: dict[str, tuple[str, ...]] = {}
    for group, members in groups.items():
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            raise HintsError(f"{path}: header group '{group}' must list its labels")
        checked_groups[fold(str(group))] = tuple(fold(m) for m in members)
    chrome = []
    for pattern in data.get("chrome", []):
        try:
            chrome.append(re.compile(str(pattern)))
        except re.error as exc:
            raise HintsError(f"{path}: bad chrome pattern {pattern!r}: {exc}") from None
    return LayoutHints(
        chrome=tuple(chrome),
        index_headers=frozenset(words("index_headers")),
        header_suffixes=tuple(words("header_suffixes")),
        header_words=frozenset(words("header_words")),
        null_values=frozenset(words("null_values")),
        total_rows=frozenset(words("total_rows")),
        subtotal_rows=frozenset(words("subtotal_rows")),
        header_groups=checked_groups,
    )
