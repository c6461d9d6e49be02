"""Names in the archive: entities and aliases from the names file, a resolution for every
raw name of every bulletin, ranked candidates for the unresolved ones.

Resolutions are rebuilt from the stored raw names on every ingest, so editing only the
names file and running ingest again never re-reads a bulletin.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

import sqlite_utils

from normalize.matching import Matcher, name_key, one_name_per_entity
from normalize.names import NameBook, Resolution

RAW_NAMES = """
SELECT DISTINCT bulletin_id, name_key FROM facts WHERE name_key IS NOT NULL
UNION SELECT DISTINCT bulletin_id, parent_raw FROM facts WHERE parent_raw IS NOT NULL
"""


@dataclass(frozen=True)
class NameReport:
    """Distinct raw names resolved and unresolved after a refresh."""

    resolved: int
    unresolved: int


class Resolver:
    """Resolves the raw names of one bulletin against the entities stored in the archive.

    Used inside the transaction that stores a bulletin, so no stored fact is ever left
    without its resolution (a crash between storing and resolving cannot happen).
    """

    def __init__(self, conn: sqlite3.Connection, book: NameBook) -> None:
        self.matcher = Matcher(book)
        self.ids = {name: int(i) for i, name in conn.execute("SELECT id, name FROM entities")}
        self.known: dict[str, Resolution] = {}  # most names recur in every bulletin

    def rows(self, bulletin_id: int, raws: Iterable[str]) -> list[tuple[object, ...]]:
        """Rows of `resolutions` for one bulletin's distinct raw names."""
        names = set(raws)
        self.known.update(self.matcher.resolve(sorted(names - self.known.keys())))
        per_bulletin = one_name_per_entity({"b": names}, self.known)
        return [
            (bulletin_id, raw, self.ids.get(r.entity) if r.entity else None, r.method, r.score,
             name_key(raw).qualifier)
            for (_, raw), r in sorted(per_bulletin.items())
        ]  # fmt: skip


RESOLUTION_INSERT = (
    "INSERT INTO resolutions (bulletin_id, raw, entity_id, method, score, qualifier) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)


def refresh_names(db: sqlite_utils.Database, book: NameBook) -> NameReport:
    """Rebuild entities, aliases, resolutions and candidates from the names file."""
    conn = db.conn
    seen: dict[str, set[str]] = {}
    for bulletin_id, raw in conn.execute(RAW_NAMES):
        seen.setdefault(str(bulletin_id), set()).add(raw)
    matcher = Matcher(book)
    raws = sorted({raw for names in seen.values() for raw in names})
    resolved = matcher.resolve(raws)
    per_bulletin = one_name_per_entity(seen, resolved)
    unresolved = sorted({raw for (_, raw), r in per_bulletin.items() if r.entity is None})
    candidates = matcher.candidates_for(unresolved)
    with conn:
        for table in ("name_candidates", "resolutions", "aliases", "entities"):
            conn.execute(f"DELETE FROM {table}")
        ids = _insert_entities(conn, book)
        conn.execute(
            "INSERT OR REPLACE INTO archive_state (key, value) VALUES ('names', ?)",
            [names_fingerprint(book)],
        )
        conn.executemany(
            "INSERT OR REPLACE INTO aliases (alias, entity_id, how) VALUES (?, ?, ?)",
            ((s, ids[e], how) for s, (e, how) in book.spellings.items()),
        )
        conn.executemany(
            RESOLUTION_INSERT,
            (
                (
                    int(b),
                    raw,
                    ids.get(r.entity) if r.entity else None,
                    r.method,
                    r.score,
                    name_key(raw).qualifier,
                )
                for (b, raw), r in per_bulletin.items()
            ),
        )
        conn.executemany(
            "INSERT INTO name_candidates (raw, rank, entity_id, score, how) VALUES (?, ?, ?, ?, ?)",
            (
                (raw, rank, ids[c.entity], c.score, c.how)
                for raw, ranked in zip(unresolved, candidates, strict=True)
                for rank, c in enumerate(ranked, 1)
            ),
        )
    return NameReport(len(raws) - len(unresolved), len(unresolved))


def names_fingerprint(book: NameBook) -> str:
    """A hash of what a names file says (entities, spellings, never-merge pairs)."""
    entities = sorted(
        (e.name, e.kind, e.parent, e.valid_from, e.valid_to, e.successor)
        for e in book.entities.values()
    )
    parts = [entities, sorted(book.spellings.items()), sorted(book.never_merge)]
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def names_stale(db: sqlite_utils.Database, book: NameBook) -> bool:
    """Whether the stored entities come from another names file than ``book``."""
    row = db.execute("SELECT value FROM archive_state WHERE key = 'names'").fetchone()
    return row is None or row[0] != names_fingerprint(book)


def name_counts(db: sqlite_utils.Database) -> NameReport:
    """Distinct raw names resolved and unresolved, as stored."""
    total, unresolved = db.execute(
        "SELECT COUNT(DISTINCT raw), COUNT(DISTINCT CASE WHEN entity_id IS NULL THEN raw END) "
        "FROM resolutions"
    ).fetchone()
    return NameReport(int(total) - int(unresolved), int(unresolved))


def _insert_entities(conn: sqlite3.Connection, book: NameBook) -> dict[str, int]:
    ids: dict[str, int] = {}
    for entity in book.entities.values():
        cur = conn.execute(
            "INSERT INTO entities (name, kind, parent, valid_from, valid_to, successor, lineage) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [entity.name, entity.kind, entity.parent, entity.valid_from, entity.valid_to,
             entity.successor, book.lineage(entity.name)],
        )  # fmt: skip
        ids[entity.name] = int(cur.lastrowid or 0)
    return ids


@dataclass(frozen=True)
class Unresolved:
    """An unresolved raw name, where it was seen, and its best candidates."""

    raw: str
    bulletins: int
    facts: int
    first_seen_in: str
    candidates: list[str]


def unresolved_names(db: sqlite_utils.Database) -> list[Unresolved]:
    """Unresolved names with their candidates, most seen first."""
    rows = db.execute(
        "SELECT name, bulletins, facts, first_seen_in, candidates FROM unresolved_names "
        "ORDER BY bulletins DESC, facts DESC, name"
    ).fetchall()
    return [Unresolved(r[0], r[1], r[2], r[3], _split(r[4])) for r in rows]


def _split(text: str | None) -> list[str]:
    return [part for part in (text or "").split("; ") if part]


def raw_names(db: sqlite_utils.Database) -> Iterable[str]:
    """Every distinct raw name stored in the archive."""
    return sorted({row[1] for row in db.execute(RAW_NAMES)})
