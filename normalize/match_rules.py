"""The family's rules for reducing printed names (heads, suffix families, office endings).

They are data (``normalize/data/matching.yaml``), checked when loaded; a publisher's own
region prefixes come from its names file and are added with ``with_prefixes``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

RULES_FILE = Path(__file__).with_name("data") / "matching.yaml"
RULE_KEYS = {
    "heads",
    "suffix_families",
    "office_suffixes",
    "settlements",
    "region_prefixes",
    "place_marks",
}
OPTIONAL_KEYS = {"not_settlements"}


class RulesError(ValueError):
    """The matching rules file is not usable."""


@dataclass(frozen=True)
class MatchRules:
    """How names are reduced before they are compared."""

    heads: tuple[str, ...]
    suffix_families: tuple[tuple[str, str], ...]  # (long ending, short form), longest first
    office_suffixes: tuple[tuple[str, str], ...]
    settlements: tuple[str, ...]
    prefixes: tuple[str, ...]  # longest first
    place_marks: tuple[str, ...] = ()  # 区, 县, 镇 …: a character before one names a place
    # Words that hold a settlement word but name none (农业农村局 is no village's office).
    not_settlements: tuple[str, ...] = ()

    def with_prefixes(self, extra: tuple[str, ...]) -> MatchRules:
        """These rules plus a publisher's region prefixes (longest tried first)."""
        merged = tuple(sorted(set(self.prefixes) | set(extra), key=lambda p: (-len(p), p)))
        return replace(self, prefixes=merged)


def parse_rules(data: Any, where: str = "matching rules") -> MatchRules:
    """Rules from parsed YAML; RulesError names every problem."""
    if not isinstance(data, dict):
        raise RulesError(f"{where}: expected a mapping of {sorted(RULE_KEYS | OPTIONAL_KEYS)}")
    problems = [f"unknown key '{k}'" for k in data if k not in RULE_KEYS | OPTIONAL_KEYS]
    problems += [f"missing key '{k}'" for k in sorted(RULE_KEYS) if k not in data]

    def words(key: str) -> tuple[str, ...]:
        value = data.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            problems.append(f"'{key}' must be a list of words")
            return ()
        return tuple(value)

    def pairs(key: str) -> tuple[tuple[str, str], ...]:
        value = data.get(key) or {}
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and k and isinstance(v, str) for k, v in value.items()
        ):
            problems.append(f"'{key}' must map an ending to its replacement")
            return ()
        return tuple(sorted(value.items(), key=lambda kv: -len(kv[0])))

    rules = MatchRules(
        heads=tuple(sorted(words("heads"), key=len, reverse=True)),
        suffix_families=pairs("suffix_families"),
        office_suffixes=pairs("office_suffixes"),
        settlements=words("settlements"),
        prefixes=tuple(sorted(words("region_prefixes"), key=len, reverse=True)),
        place_marks=words("place_marks"),
        not_settlements=tuple(sorted(words("not_settlements"), key=len, reverse=True)),
    )
    if problems:
        raise RulesError(f"{where}: " + "; ".join(problems))
    return rules


def load_rules(path: Path = RULES_FILE) -> MatchRules:
    """Load and check a rules file."""
    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except (OSError, YAMLError) as exc:
        raise RulesError(f"{path}: cannot load: {exc}") from None
    return parse_rules(data, str(path))


@lru_cache(maxsize=1)
def family_rules() -> MatchRules:
    """The rules shipped with the package (read once)."""
    return load_rules()
