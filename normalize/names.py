"""The names file (corpus/names.yaml): canonical entities and their aliases, and lookup.

Resolution here is exact: a raw name resolves when, folded (full-width → half-width, no
whitespace), it equals an entity's canonical name or one of its aliases. Anything looser
must never merge two different departments on its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from extract.hints import fold

KINDS = ("department", "town", "centre", "scope", "other")
ENTITY_KEYS = {"name", "kind", "aliases", "parent"}


class NamesError(ValueError):
    """The names file has problems; ``problems`` lists them, each with its line."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        super().__init__(f"{path}: " + "; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Entity:
    """A canonical department, town, centre or scope."""

    name: str
    kind: str
    parent: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Resolution:
    """How a raw name was resolved."""

    raw: str
    entity: str | None
    method: str  # name, alias, unresolved
    score: float


@dataclass
class NameBook:
    """Entities by canonical name, and every folded spelling → canonical name."""

    entities: dict[str, Entity] = field(default_factory=dict)
    spellings: dict[str, tuple[str, str]] = field(default_factory=dict)  # folded → (name, how)

    def resolve(self, raw: str) -> Resolution:
        """The entity a printed name stands for, or an unresolved result."""
        hit = self.spellings.get(fold(raw))
        if hit is None:
            return Resolution(raw, None, "unresolved", 0.0)
        return Resolution(raw, hit[0], hit[1], 1.0)

    def resolve_all(self, raws: Iterable[str]) -> list[Resolution]:
        """Resolve each distinct raw name once."""
        return [self.resolve(raw) for raw in sorted(set(raws))]


def load_names(path: Path) -> NameBook:
    """Load and check a names file; raise NamesError listing every problem with its line."""
    try:
        data: Any = YAML(typ="rt").load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise NamesError(path, [f"cannot read: {exc.strerror}"]) from None
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise NamesError(path, [f"{where}not valid YAML: {getattr(exc, 'problem', exc)}"]) from None
    problems: list[str] = []
    book = NameBook()
    entries = data.get("entities") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise NamesError(path, ["expected a top-level 'entities:' list"])
    for i, entry in enumerate(entries):
        where = _line(entries, i)
        entity = _entity(entry, where, problems)
        if entity is None:
            continue
        if entity.name in book.entities:
            problems.append(f"{where}: '{entity.name}' is listed twice")
            continue
        book.entities[entity.name] = entity
        for spelling, how in [(entity.name, "name"), *((a, "alias") for a in entity.aliases)]:
            key = fold(spelling)
            owner = book.spellings.get(key)
            if owner is not None and owner[0] != entity.name:
                problems.append(f"{where}: '{spelling}' already names '{owner[0]}'")
                continue
            book.spellings[key] = (entity.name, how)
    for i, entry in enumerate(entries):
        parent = entry.get("parent") if isinstance(entry, dict) else None
        if parent is not None and str(parent) not in book.entities:
            problems.append(f"{_line(entries, i)}: parent '{parent}' is not an entity")
    if problems:
        raise NamesError(path, problems)
    return book


def _line(seq: Any, index: int) -> str:
    try:
        return f"line {seq.lc.item(index)[0] + 1}"
    except (AttributeError, KeyError, TypeError, IndexError):
        return f"entry {index + 1}"


def _entity(entry: Any, where: str, problems: list[str]) -> Entity | None:
    if not isinstance(entry, dict) or not entry.get("name"):
        problems.append(f"{where}: an entity needs at least 'name' and 'kind'")
        return None
    unknown = set(entry) - ENTITY_KEYS
    if unknown:
        problems.append(f"{where}: unknown keys {sorted(unknown)}; allowed: {sorted(ENTITY_KEYS)}")
    kind = entry.get("kind")
    if kind not in KINDS:
        problems.append(f"{where}: kind '{kind}' of '{entry['name']}' must be one of {KINDS}")
    aliases = entry.get("aliases") or []
    if not isinstance(aliases, list):
        problems.append(f"{where}: aliases of '{entry['name']}' must be a list")
        aliases = []
    parent = entry.get("parent")
    return Entity(
        name=str(entry["name"]),
        kind=str(kind),
        parent=str(parent) if parent is not None else None,
        aliases=tuple(str(a) for a in aliases),
    )
