"""Layout hints (data/layout.yaml): header vocabulary and null tokens, validated when loaded."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

LAYOUT_FILE = Path(__file__).parent / "data" / "layout.yaml"
KEYS = {
    "index_headers",
    "header_suffixes",
    "header_words",
    "null_values",
    "chrome",
    "total_rows",
    "subtotal_rows",
    "metadata_keys",
    "caption_patterns",
}


class HintsError(ValueError):
    """The layout hints file is malformed."""


@lru_cache(maxsize=1)
def _simplifier() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1 << 14)
def simplified(text: str) -> str:
    """Traditional characters folded to simplified (總工單數 → 总工单数), for matching only."""
    if text.isascii():
        return text
    return str(_simplifier().convert(text))


# Full-width ASCII forms (，：（）％ and digits) and the ideographic space, as NFKC writes them.
WIDE_FORMS = {cp: unicodedata.normalize("NFKC", chr(cp)) for cp in [*range(0xFF01, 0xFF5F), 0x3000]}
WIDE_RUN = re.compile("[\uff01-\uff5e\u3000]+")


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, quicker on Chinese prose: its full-width
    punctuation is swapped for what NFKC makes of it first (the same text up to
    compatibility, so the same NFKC form); what is then already in NFKC is returned as is."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    narrow = WIDE_RUN.sub(_narrow, text)
    return (
        narrow
        if unicodedata.is_normalized("NFKC", narrow)
        else unicodedata.normalize("NFKC", narrow)
    )


def _narrow(run: re.Match[str]) -> str:
    return run[0].translate(WIDE_FORMS)


@lru_cache(maxsize=1 << 14)
def fold(text: str) -> str:
    """Compare form of a label: NFKC (full-width → half-width), simplified characters,
    all whitespace removed. The printed text is kept elsewhere; this is for matching."""
    return simplified(re.sub(r"\s+", "", nfkc(text)))


INLINE_FLAGS = ((re.IGNORECASE, "i"), (re.MULTILINE, "m"), (re.DOTALL, "s"), (re.VERBOSE, "x"),
                (re.ASCII, "a"))  # fmt: skip
NEVER = re.compile(r"(?!)")  # matches nothing: the alternation of no pattern


def any_of(patterns: tuple[re.Pattern[str], ...]) -> re.Pattern[str]:
    """One pattern that matches where any of ``patterns`` does. Each is grouped on its own
    (its flags kept inline), so none changes another; a pattern with numbered back
    references would, and layout.yaml has none."""
    if not patterns:
        return NEVER
    return re.compile("|".join(f"(?{_inline_flags(p)}:{p.pattern})" for p in patterns))


def _inline_flags(pattern: re.Pattern[str]) -> str:
    """The flags of a compiled pattern as inline letters (none is on by default for str
    patterns, so no ``-x`` form is needed)."""
    return "".join(letter for flag, letter in INLINE_FLAGS if pattern.flags & flag)


@dataclass(frozen=True)
class LayoutHints:
    """What the table readers know about headers and values, in folded form."""

    index_headers: frozenset[str] = frozenset()
    header_suffixes: tuple[str, ...] = ()
    header_words: frozenset[str] = frozenset()
    null_values: frozenset[str] = frozenset()
    chrome: tuple[re.Pattern[str], ...] = ()
    total_rows: frozenset[str] = frozenset()
    subtotal_rows: frozenset[str] = frozenset()
    metadata_keys: frozenset[str] = frozenset()
    caption_patterns: tuple[re.Pattern[str], ...] = ()

    def is_chrome(self, line: str) -> bool:
        """True for page furniture (page numbers, site footers) that is not content."""
        return self._chrome_any.search(line.strip()) is not None

    @cached_property
    def _chrome_any(self) -> re.Pattern[str]:
        """The chrome patterns as one alternation: every prose line is searched once, not
        once per pattern (a match of any is a match of the alternation, and back)."""
        return any_of(self.chrome)

    def is_caption(self, line: str) -> bool:
        """True for a line that reads as a table's caption (附件2, …情况统计表)."""
        folded = fold(line)
        return 0 < len(folded) <= 60 and any(p.search(folded) for p in self.caption_patterns)

    def is_header_like(self, text: str) -> bool:
        """True when a text cell reads as a column header rather than a row name."""
        folded = fold(text)
        if not folded:
            return False
        return (
            folded in self.header_words
            or folded in self.index_headers
            or folded.endswith(self.header_suffixes)
        )


@lru_cache(maxsize=4)
def load_hints(path: Path = LAYOUT_FILE) -> LayoutHints:
    """Load and check the layout hints file."""
    data: Any = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise HintsError(f"{path}: expected a mapping at the top level")
    if "header_groups" in data:
        raise HintsError(
            f"{path}: 'header_groups' is no longer read: group spans come from the table's "
            "structure (see README, 'What it reads'); remove the key"
        )
    unknown = set(data) - KEYS
    if unknown:
        raise HintsError(f"{path}: unknown keys {sorted(unknown)}; allowed: {sorted(KEYS)}")

    def words(key: str) -> list[str]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise HintsError(f"{path}: '{key}' must be a list of strings")
        return [fold(v) for v in value]

    def patterns(key: str) -> tuple[re.Pattern[str], ...]:
        out = []
        for pattern in data.get(key, []):
            try:
                out.append(re.compile(str(pattern)))
            except re.error as exc:
                raise HintsError(f"{path}: bad {key} pattern {pattern!r}: {exc}") from None
        return tuple(out)

    return LayoutHints(
        chrome=patterns("chrome"),
        caption_patterns=patterns("caption_patterns"),
        metadata_keys=frozenset(words("metadata_keys")),
        index_headers=frozenset(words("index_headers")),
        header_suffixes=tuple(words("header_suffixes")),
        header_words=frozenset(words("header_words")),
        null_values=frozenset(words("null_values")),
        total_rows=frozenset(words("total_rows")),
        subtotal_rows=frozenset(words("subtotal_rows")),
    )
