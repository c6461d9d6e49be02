"""What a person reviews in the names of an archive: the unresolved names with their
candidates, and each `accept:` that stands over another printed name of its entity."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from archive.names import OF_PUBLISHER, PRINTED
from normalize.matching import Matcher
from normalize.names import NameBook


def publishers_using(db: sqlite_utils.Database, names: Path) -> list[str] | None:
    """The publishers whose profile names this names file; None when none does."""
    rows = db.execute(
        "SELECT name FROM publishers WHERE names = ? ORDER BY name", [str(names.resolve())]
    ).fetchall()
    return [name for (name,) in rows] or None


@dataclass(frozen=True)
class Unresolved:
    """An unresolved raw name, where it was seen, and its best candidates."""

    raw: str
    bulletins: int
    facts: int
    first_seen_in: str
    candidates: list[str]


def unresolved_names(
    db: sqlite_utils.Database, publishers: list[str] | None = None
) -> list[Unresolved]:
    """Unresolved names with their candidates, most seen first (of some publishers)."""
    rows = db.execute(
        "SELECT name, bulletins, facts, first_seen_in, candidates, publisher "
        "FROM unresolved_names ORDER BY bulletins DESC, facts DESC, name"
    ).fetchall()
    return [
        Unresolved(r[0], r[1], r[2], r[3], _split(r[4]))
        for r in rows
        if publishers is None or r[5] in publishers
    ]


def _split(text: str | None) -> list[str]:
    return [part for part in (text or "").split("; ") if part]


def raw_names(db: sqlite_utils.Database, publishers: list[str] | None = None) -> list[str]:
    """Every distinct raw name the archive resolves (for some publishers)."""
    rows = db.execute("SELECT publisher, raw FROM resolutions").fetchall()
    return sorted({raw for key, raw in rows if publishers is None or key in publishers})


@dataclass(frozen=True)
class AcceptConflict:
    """An ``accept:`` that stands although the same bulletins print another name of its
    entity (an explicit accept wins over the one-name-per-entity rule)."""

    raw: str
    entity: str
    other: str
    bulletins: tuple[str, ...]

    def notice(self) -> str:
        where = "、".join(self.bulletins[:3]) + (" …" if len(self.bulletins) > 3 else "")
        return (
            f"notice: accept: {self.raw} → {self.entity} stands, although {where} also "
            f"print{'s' if len(self.bulletins) == 1 else ''} {self.other} for {self.entity}"
        )


def accept_conflicts(
    db: sqlite_utils.Database, book: NameBook, publishers: list[str]
) -> list[AcceptConflict]:
    """Accepted names that share their entity with another name printed in one bulletin
    (of these publishers), resolved with ``book`` as it stands now."""
    paths = dict(db.execute("SELECT id, path FROM bulletins").fetchall())
    seen: dict[int, set[str]] = {}
    for key in publishers:
        for bulletin_id, raw in db.execute(OF_PUBLISHER + PRINTED, [key]):
            seen.setdefault(int(bulletin_id), set()).add(raw)
    resolved = Matcher(book).resolve(sorted({r for raws in seen.values() for r in raws}))
    found: dict[tuple[str, str, str], list[str]] = {}
    for bulletin_id, raws in seen.items():
        by_entity: dict[str, list[str]] = {}
        for raw in raws:
            entity = resolved[raw].entity
            if entity is not None:
                by_entity.setdefault(entity, []).append(raw)
        for entity, names in by_entity.items():
            for raw in names:
                if resolved[raw].method != "accepted":
                    continue
                for other in names:
                    if other != raw:
                        found.setdefault((raw, entity, other), []).append(paths[bulletin_id])
    return [
        AcceptConflict(raw, entity, other, tuple(sorted(where)))
        for (raw, entity, other), where in sorted(found.items())
    ]
