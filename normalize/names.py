"""The names file (corpus/names.yaml): canonical entities and their aliases, and lookup.

Resolution here is exact: a raw name resolves when, folded (full-width → half-width, no
whitespace), it equals an entity's canonical name or one of its aliases. Anything looser
must never merge two different departments on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extract.hints import fold
from normalize.yamlload import YamlError, load_yaml

KINDS = ("department", "town", "centre", "scope", "other")
ENTITY_KEYS = {"name", "kind", "aliases", "parent", "valid_from", "valid_to", "successor"}
TOP_KEYS = {"entities", "never_merge", "suggestions", "prefixes", "shared"}
SUGGESTION_KEYS = {"raw", "accept", "seen", "candidates", "also", "propose", "kind"}
# `accept: new` makes a suggestion a new entity (named by its `propose:`, else its raw name).
NEW = "new"
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


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
    valid_from: str | None = None  # YYYY-MM: first month under this name
    valid_to: str | None = None  # YYYY-MM: last month under this name
    successor: str | None = None  # the entity that carries on after valid_to


@dataclass(frozen=True)
class Resolution:
    """How a raw name was resolved."""

    raw: str
    entity: str | None
    method: str  # name, alias, accepted, exact, abbreviation, fuzzy, conflict, unresolved
    score: float
    reason: str | None = None  # why an inferred match was withdrawn (conflict)


@dataclass
class NameBook:
    """Entities by canonical name, and every folded spelling → canonical name."""

    entities: dict[str, Entity] = field(default_factory=dict)
    spellings: dict[str, tuple[str, str]] = field(default_factory=dict)  # folded → (name, how)
    never_merge: list[tuple[str, str]] = field(default_factory=list)  # folded pairs
    # The publisher's region prefixes printed before department names (西区发展改革局).
    prefixes: tuple[str, ...] = ()
    # Entities that are no one publisher's own (city-level units in several districts'
    # halls): every publisher whose names file lists one as shared refers to one entity.
    shared: frozenset[str] = frozenset()

    def lineage(self, entity: str) -> str:
        """The entity a trend follows: the last successor of a renamed or merged entity."""
        seen = {entity}
        while (nxt := self.entities[entity].successor) is not None and nxt not in seen:
            seen.add(nxt)
            entity = nxt
        return entity

    def resolve(self, raw: str) -> Resolution:
        """The entity a printed name stands for, or an unresolved result."""
        hit = self.spellings.get(fold(raw))
        if hit is None:
            return Resolution(raw, None, "unresolved", 0.0)
        return Resolution(raw, hit[0], hit[1], 1.0)


def read_yaml(path: Path, typ: str = "rt") -> Any:
    """The names file as round-trip YAML (comments and order kept; ``typ`` "safe" for
    the fast loader, without them), or NamesError."""
    try:
        return load_yaml(path, typ)
    except YamlError as exc:
        where = f"line {exc.line}: " if exc.line is not None else ""
        raise NamesError(path, [f"{where}{exc.problem}"]) from None


def load_names(path: Path) -> NameBook:
    """Load and check a names file; raise NamesError listing every problem with its line."""
    book, problems = check_names(read_yaml(path, "safe"))
    if problems:  # read again keeping line numbers, for the message
        book, problems = check_names(read_yaml(path))
    if problems:
        raise NamesError(path, problems)
    return book


def check_names(data: Any) -> tuple[NameBook, list[str]]:
    """Build the name book from parsed YAML; list every problem with its line."""
    problems: list[str] = []
    book = NameBook()
    entries = data.get("entities") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return book, ["expected a top-level 'entities:' list"]
    unknown = set(data) - TOP_KEYS
    if unknown:
        problems.append(f"unknown top-level keys {sorted(unknown)}; allowed: {sorted(TOP_KEYS)}")
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
        for field_name in ("parent", "successor"):
            other = entry.get(field_name) if isinstance(entry, dict) else None
            if other is not None and str(other) not in book.entities:
                problems.append(f"{_line(entries, i)}: {field_name} '{other}' is not an entity")
    prefixes = data.get("prefixes") or []
    if isinstance(prefixes, list) and all(isinstance(p, str) and p for p in prefixes):
        book.prefixes = tuple(fold(p) for p in prefixes)
    else:
        problems.append("'prefixes' must be a list of region names, e.g. [攀枝花市西区, 西区]")
    _check_shared(data.get("shared") or [], book, problems)
    _check_never_merge(data.get("never_merge") or [], book, problems)
    _accept_suggestions(data.get("suggestions") or [], book, problems)
    return book, problems


def _check_shared(names: Any, book: NameBook, problems: list[str]) -> None:
    if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
        problems.append("'shared' must be a list of entity names, e.g. [市公交公司]")
        return
    for i, name in enumerate(names):
        if name not in book.entities:
            problems.append(f"{_line(names, i)}: shared '{name}' is not an entity")
    book.shared = frozenset(n for n in names if n in book.entities)


def _check_never_merge(pairs: Any, book: NameBook, problems: list[str]) -> None:
    for i, pair in enumerate(pairs):
        where = _line(pairs, i)
        if not isinstance(pair, list) or len(pair) != 2:
            problems.append(f"{where}: a never_merge entry is a pair: [name, other name]")
            continue
        a, b = fold(str(pair[0])), fold(str(pair[1]))
        book.never_merge.append((a, b))
        owner_a, owner_b = book.spellings.get(a), book.spellings.get(b)
        if owner_a and owner_b and owner_a[0] == owner_b[0]:
            both = f"'{pair[0]}' and '{pair[1]}'"
            problems.append(f"{where}: {both} must never merge, but both name '{owner_a[0]}'")


def _accept_suggestions(suggestions: Any, book: NameBook, problems: list[str]) -> None:
    """A suggestion whose `accept:` names an entity makes its raw name (and the spellings
    under `also:`) aliases of it; `accept: new`, or the suggestion's own proposed name,
    makes them a new entity."""
    if not isinstance(suggestions, list):
        problems.append("'suggestions' must be a list")
        return
    for i, item in enumerate(suggestions):
        where = _line(suggestions, i)
        if not isinstance(item, dict) or "raw" not in item:
            problems.append(f"{where}: a suggestion needs 'raw'")
            continue
        unknown = set(item) - SUGGESTION_KEYS
        if unknown:
            problems.append(
                f"{where}: unknown keys {sorted(unknown)}; allowed: {sorted(SUGGESTION_KEYS)}"
            )
        accept = item.get("accept")
        if accept in (None, ""):
            continue
        accept = str(accept)
        proposed = str(item.get("propose") or item["raw"])
        if accept == NEW or (accept == proposed and accept not in book.entities):
            accept = proposed
            kind = str(item.get("kind") or "other")
            if kind not in KINDS:
                problems.append(f"{where}: kind '{kind}' must be one of {KINDS}")
                kind = "other"
            if accept not in book.entities:
                book.entities[accept] = Entity(name=accept, kind=kind)
                book.spellings.setdefault(fold(accept), (accept, "accepted"))
        if accept not in book.entities:
            problems.append(
                f"{where}: accept '{accept}' is not an entity name "
                f"(write an entity's name, or `new` to make '{proposed}' one)"
            )
            continue
        also = item.get("also") or []
        for raw in [item["raw"], *(also if isinstance(also, list) else [])]:
            key = fold(str(raw))
            owner = book.spellings.get(key)
            if owner is not None and owner[0] != accept:
                problems.append(f"{where}: '{raw}' already names '{owner[0]}'")
                continue
            book.spellings[key] = (accept, "accepted")


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
    dates = {}
    for key in ("valid_from", "valid_to"):
        value = entry.get(key)
        if value is not None and not MONTH.match(str(value)):
            problems.append(f"{where}: {key} '{value}' of '{entry['name']}' must be YYYY-MM")
            value = None
        dates[key] = str(value) if value is not None else None
    if dates["valid_from"] and dates["valid_to"] and dates["valid_from"] > dates["valid_to"]:
        problems.append(f"{where}: '{entry['name']}' is valid_from after its valid_to")

    def text(key: str) -> str | None:
        value = entry.get(key)
        return str(value) if value is not None else None

    return Entity(
        name=str(entry["name"]),
        kind=str(kind),
        parent=text("parent"),
        aliases=tuple(str(a) for a in aliases),
        valid_from=dates["valid_from"],
        valid_to=dates["valid_to"],
        successor=text("successor"),
    )
