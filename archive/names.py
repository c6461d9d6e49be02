"""Names in the archive, per publisher: entities and aliases from the publisher's names
file, one resolution per (publisher, raw name), per-bulletin overrides where a bulletin
refuses one, ranked candidates for the unresolved names.

A new bulletin's names are resolved as it is stored (``Resolver.store``); everything of
a publisher is re-resolved only when its names file changed (``names_stale``), so
editing only the names file and running ingest again never re-reads a bulletin, and a
run that changes nothing reads no fact.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from archive.names_schema import NAMES_ORDER, entity_join
from normalize.matching import Matcher, name_key, one_name_per_entity
from normalize.names import NameBook, NamesError, Resolution, load_names

__all__ = [
    "NameReport",
    "Resolver",
    "entity_join",
    "name_counts",
    "names_stale",
    "publishers_of",
    "refresh_names",
    "update_candidates",
]

# The raw names each bulletin of one publisher prints (row names and their parents).
PRINTED = """
SELECT x.bulletin_id, l.text FROM (
  SELECT f.bulletin_id, f.name_key AS k FROM facts f
  WHERE f.name_key IS NOT NULL AND f.bulletin_id IN (SELECT id FROM b)
  UNION SELECT f.bulletin_id, f.parent_raw FROM facts f
  WHERE f.parent_raw IS NOT NULL AND f.bulletin_id IN (SELECT id FROM b)
) x JOIN labels l ON l.id = x.k
"""
OF_PUBLISHER = "WITH b AS (SELECT id FROM bulletins WHERE names_scope = ?)"
RESOLUTION_INSERT = (
    "INSERT OR REPLACE INTO resolutions (publisher, raw, entity_id, method, score, qualifier) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)
OVERRIDE_INSERT = (
    "INSERT OR REPLACE INTO resolution_overrides (bulletin_id, raw, entity_id, method, reason) "
    "VALUES (?, ?, ?, ?, ?)"
)


@dataclass(frozen=True)
class NameReport:
    """Distinct (publisher, raw name) pairs resolved and unresolved."""

    resolved: int
    unresolved: int


class _Book:
    """A names file ready to resolve with: its matcher, its fingerprint, and the
    resolutions made so far (most names recur in every bulletin)."""

    def __init__(self, book: NameBook) -> None:
        self.book = book
        self.matcher = Matcher(book)
        self.fingerprint = names_fingerprint(book)
        self.known: dict[str, Resolution] = {}

    def resolve(self, names: set[str]) -> dict[str, Resolution]:
        self.known.update(self.matcher.resolve(sorted(names - self.known.keys())))
        return self.known


@dataclass
class _Held:
    """What the archive holds for one publisher: the names file it resolves with, its
    entity ids and the raw names it has resolved."""

    book: _Book
    ids: dict[str, int]
    raws: set[str] = field(default_factory=set)


class Resolver:
    """Resolves the raw names of new bulletins, each against its publisher's names file.

    ``book`` is the run's names file, for ``publisher`` (the run's profile; None: the
    publishers no profile claims). A bulletin of another publisher whose profile
    recorded its names file (``publishers.names``) resolves against that file.
    ``store`` runs inside the transaction that stores a bulletin, so no stored fact is
    ever left without its resolution. The first bulletin of a publisher whose stored
    names come from another version of its names file re-resolves that publisher first.
    """

    def __init__(
        self, conn: sqlite3.Connection, book: NameBook, publisher: str | None = None
    ) -> None:
        self.own = _Book(book)
        self.publisher = publisher
        self.held: dict[str, _Held] = {}
        self.files: dict[str, _Book] = {}
        self.scopes: dict[str, bool] = {}  # printed issuer → has a profile of its own

    def store(
        self, conn: sqlite3.Connection, bulletin_id: int, publisher: str | None, raws: Iterable[str]
    ) -> None:
        """Write what one new bulletin needs: resolutions of the names its publisher has
        not met yet, and the bulletin's overrides."""
        key = publisher or ""
        held = self._held(conn, key)
        names = set(raws)
        known = held.book.resolve(names)
        new = sorted(names - held.raws)
        conn.executemany(RESOLUTION_INSERT, (_resolution_row(key, known[r], held.ids) for r in new))
        held.raws.update(new)
        overrides = one_name_per_entity({"b": names}, known)
        conn.executemany(OVERRIDE_INSERT, _override_rows(bulletin_id, overrides, known, held.ids))

    def forget(self) -> None:
        """Drop what it holds of the archive (after a rollback): read again when next used."""
        self.held.clear()

    def scope_of(self, conn: sqlite3.Connection, printed: str | None) -> str:
        """The names scope of a bulletin: the run's publisher (its profile's); without a
        profile, the issuer the text names when a profile of that publisher was used
        before; else '' (the run's names file, whatever issuer the text names)."""
        if self.publisher is not None:
            return self.publisher
        if printed and printed not in self.scopes:
            self.scopes[printed] = (
                conn.execute(
                    "SELECT 1 FROM publishers WHERE name = ? AND profile IS NOT NULL", [printed]
                ).fetchone()
                is not None
            )
        return printed if printed and self.scopes[printed] else ""

    def _held(self, conn: sqlite3.Connection, key: str) -> _Held:
        held = self.held.get(key)
        if held is None:
            book = self._book_of(conn, key)
            if _fingerprint(conn, key) != book.fingerprint:
                rebuild_publisher(conn, book.book, key, book.matcher)
            ids = entity_ids(conn, key)
            raws = {
                r for (r,) in conn.execute("SELECT raw FROM resolutions WHERE publisher = ?", [key])
            }
            held = self.held[key] = _Held(book, ids, raws)
        return held

    def _book_of(self, conn: sqlite3.Connection, key: str) -> _Book:
        """The run's names file for the run's publisher; for another publisher with a
        profile, the names file its profile named (the run's when that cannot be read)."""
        if key == self.publisher:
            return self.own
        row = conn.execute(
            "SELECT names FROM publishers WHERE name = ? AND profile IS NOT NULL", [key]
        ).fetchone()
        if row is None or row[0] is None:
            return self.own
        if row[0] not in self.files:
            try:
                self.files[row[0]] = _Book(load_names(Path(row[0])))
            except (NamesError, OSError):
                self.files[row[0]] = self.own
        return self.files[row[0]]


def _resolution_row(key: str, r: Resolution, ids: dict[str, int]) -> tuple[object, ...]:
    entity = ids.get(r.entity) if r.entity else None
    return (key, r.raw, entity, r.method, r.score, name_key(r.raw).qualifier)


def _override_rows(
    bulletin_id: int,
    per_bulletin: dict[tuple[str, str], Resolution],
    known: dict[str, Resolution],
    ids: dict[str, int],
) -> list[tuple[object, ...]]:
    """Rows of ``resolution_overrides``: the names this bulletin refuses (or resolves
    otherwise than its publisher does)."""
    return [
        (bulletin_id, raw, ids.get(r.entity) if r.entity else None, r.method, r.reason)
        for (_, raw), r in sorted(per_bulletin.items())
        if r != known[raw]
    ]


def rebuild_publisher(conn: sqlite3.Connection, book: NameBook, key: str, matcher: Matcher) -> None:
    """Replace one publisher's entities, aliases, resolutions and overrides from its names
    file; runs inside the caller's transaction. Reads the names its bulletins print."""
    seen: dict[str, set[str]] = {}
    for bulletin_id, raw in conn.execute(OF_PUBLISHER + PRINTED, [key]):
        seen.setdefault(str(bulletin_id), set()).add(raw)
    raws = sorted({raw for names in seen.values() for raw in names})
    resolved = matcher.resolve(raws)
    conn.execute(
        "DELETE FROM resolution_overrides WHERE bulletin_id IN "
        "(SELECT id FROM bulletins WHERE names_scope = ?)",
        [key],
    )
    for table in NAMES_ORDER:
        if table != "resolution_overrides":
            conn.execute(f"DELETE FROM {table} WHERE publisher = ?", [key])
    ids = _insert_entities(conn, book, key)
    conn.executemany(
        "INSERT INTO aliases (publisher, alias, entity_id, how) VALUES (?, ?, ?, ?)",
        ((key, s, ids[e], how) for s, (e, how) in book.spellings.items()),
    )
    conn.execute(  # shared entities no names file lists any more
        "DELETE FROM entities WHERE publisher IS NULL AND id NOT IN (SELECT entity_id FROM aliases)"
    )
    conn.executemany(RESOLUTION_INSERT, (_resolution_row(key, resolved[r], ids) for r in raws))
    refused = [
        (int(bulletin_id), raw, ids.get(r.entity) if r.entity else None, r.method, r.reason)
        for (bulletin_id, raw), r in one_name_per_entity(seen, resolved).items()
        if r != resolved[raw]
    ]
    conn.executemany(OVERRIDE_INSERT, refused)
    conn.execute(
        "INSERT INTO publishers (name, fingerprint, updated_at) VALUES (?, ?, datetime('now')) "
        "ON CONFLICT (name) DO UPDATE SET fingerprint = excluded.fingerprint",
        [key, names_fingerprint(book)],
    )


def refresh_names(
    db: sqlite_utils.Database, book: NameBook, publisher: str | None = None
) -> NameReport:
    """Re-resolve every publisher ``book`` is for whose names came from another names
    file, then refresh the candidates of unresolved names. ``publisher``: the profile's
    publisher; None for the publishers no profile claims (see ``publishers_of``)."""
    matcher = Matcher(book)
    fingerprint = names_fingerprint(book)
    with db.conn:
        for key in publishers_of(db, publisher):
            if _fingerprint(db.conn, key) != fingerprint:
                rebuild_publisher(db.conn, book, key, matcher)
    return update_candidates(db, book, publisher, matcher)


def update_candidates(
    db: sqlite_utils.Database,
    book: NameBook,
    publisher: str | None = None,
    matcher: Matcher | None = None,
) -> NameReport:
    """Drop resolutions no stored bulletin prints any more, and rank the candidates of
    the unresolved names (only those) within each publisher. One pass over each
    publisher's facts for the names they print."""
    matcher = matcher or Matcher(book)
    conn = db.conn
    with conn:
        for key in publishers_of(db, publisher):
            _drop_unprinted(conn, key)
            unresolved = sorted(_open_names(conn, key))
            ids = entity_ids(conn, key)
            conn.execute("DELETE FROM name_candidates WHERE publisher = ?", [key])
            ranked = matcher.candidates_for(unresolved)
            conn.executemany(
                "INSERT INTO name_candidates (publisher, raw, rank, entity_id, score, how) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    (key, raw, rank, ids[c.entity], c.score, c.how)
                    for raw, cands in zip(unresolved, ranked, strict=True)
                    for rank, c in enumerate(cands, 1)
                    if c.entity in ids
                ),
            )
    return name_counts(db)


def _open_names(conn: sqlite3.Connection, key: str) -> set[str]:
    rows = conn.execute(
        "SELECT raw FROM resolutions WHERE publisher = ? AND entity_id IS NULL "
        "UNION SELECT o.raw FROM resolution_overrides o JOIN bulletins b ON b.id = o.bulletin_id "
        "WHERE b.names_scope = ? AND o.entity_id IS NULL",
        [key, key],
    )
    return {raw for (raw,) in rows}


def _drop_unprinted(conn: sqlite3.Connection, key: str) -> None:
    """Remove resolutions of names no bulletin of the publisher prints any more (its
    bulletins were replaced or pruned): one pass over its facts, whatever the number of
    names (a query per name scanned every fact each time)."""
    printed = {
        text
        for (text,) in conn.execute(
            "SELECT l.text FROM labels l WHERE l.id IN (SELECT f.name_key FROM facts f "
            "JOIN bulletins b ON b.id = f.bulletin_id WHERE b.names_scope = ? "
            "UNION SELECT f.parent_raw FROM facts f JOIN bulletins b ON b.id = f.bulletin_id "
            "WHERE f.parent_raw IS NOT NULL AND b.names_scope = ?)",
            [key, key],
        )
    }
    raws = [r for (r,) in conn.execute("SELECT raw FROM resolutions WHERE publisher = ?", [key])]
    gone = [(key, r) for r in raws if r not in printed]
    conn.executemany("DELETE FROM resolutions WHERE publisher = ? AND raw = ?", gone)


def publishers_of(db: sqlite_utils.Database, publisher: str | None) -> list[str]:
    """The publisher keys a names file serves: the profile's publisher, else every
    publisher of stored bulletins that no profile claims."""
    if publisher is not None:
        return [publisher]
    rows = db.execute(
        "SELECT DISTINCT names_scope FROM bulletins "
        "WHERE names_scope NOT IN "
        "(SELECT name FROM publishers WHERE profile IS NOT NULL) ORDER BY 1"
    )
    return [key for (key,) in rows]


def names_fingerprint(book: NameBook) -> str:
    """A hash of what a names file says (entities, spellings, never-merge pairs)."""
    entities = sorted(
        (e.name, e.kind, e.parent, e.valid_from, e.valid_to, e.successor)
        for e in book.entities.values()
    )
    parts = [entities, sorted(book.spellings.items()), sorted(book.never_merge),
             list(book.prefixes), sorted(book.shared)]  # fmt: skip
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def _fingerprint(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT fingerprint FROM publishers WHERE name = ?", [key]).fetchone()
    return row[0] if row else None


def names_stale(db: sqlite_utils.Database, book: NameBook, publisher: str | None = None) -> bool:
    """Whether the names stored for the publishers ``book`` serves come from another
    names file (reads no fact)."""
    fingerprint = names_fingerprint(book)
    return any(_fingerprint(db.conn, k) != fingerprint for k in publishers_of(db, publisher))


def name_counts(db: sqlite_utils.Database, publishers: list[str] | None = None) -> NameReport:
    """Distinct (publisher, raw name) pairs resolved and unresolved, as stored (of some
    publishers, or all)."""
    rows = db.execute(
        "SELECT r.publisher, r.entity_id IS NULL OR EXISTS (SELECT 1 FROM resolution_overrides o "
        "JOIN bulletins b ON b.id = o.bulletin_id WHERE o.raw = r.raw AND o.entity_id IS NULL "
        "AND b.names_scope = r.publisher) FROM resolutions r"
    ).fetchall()
    mine = [bool(open_) for key, open_ in rows if publishers is None or key in publishers]
    return NameReport(mine.count(False), mine.count(True))


def entity_ids(conn: sqlite3.Connection, key: str) -> dict[str, int]:
    """The entities a publisher's names reach (its own and the shared ones), by name."""
    rows = conn.execute(
        "SELECT DISTINCT e.name, e.id FROM aliases a JOIN entities e ON e.id = a.entity_id "
        "WHERE a.publisher = ?",
        [key],
    )
    return dict(rows.fetchall())


def _insert_entities(conn: sqlite3.Connection, book: NameBook, key: str) -> dict[str, int]:
    """Insert the publisher's own entities; reuse (and update) the shared ones."""
    ids: dict[str, int] = {}
    for entity in book.entities.values():
        if entity.name in book.shared:
            ids[entity.name] = _shared_entity(conn, book, entity.name)
            continue
        cur = conn.execute(
            "INSERT INTO entities (publisher, name, kind, parent, valid_from, valid_to, "
            "successor, lineage) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [key, entity.name, entity.kind, entity.parent, entity.valid_from, entity.valid_to,
             entity.successor, book.lineage(entity.name)],
        )  # fmt: skip
        ids[entity.name] = int(cur.lastrowid or 0)
    return ids


def _shared_entity(conn: sqlite3.Connection, book: NameBook, name: str) -> int:
    """The id of a shared entity (publisher NULL), inserted once for every publisher."""
    entity = book.entities[name]
    values = [entity.kind, entity.parent, entity.valid_from, entity.valid_to,
              entity.successor, book.lineage(name)]  # fmt: skip
    row = conn.execute(
        "SELECT id FROM entities WHERE publisher IS NULL AND name = ?", [name]
    ).fetchone()
    if row is not None:
        conn.execute(
            "UPDATE entities SET kind = ?, parent = ?, valid_from = ?, valid_to = ?, "
            "successor = ?, lineage = ? WHERE id = ?",
            [*values, row[0]],
        )
        return int(row[0])
    cur = conn.execute(
        "INSERT INTO entities (publisher, name, kind, parent, valid_from, valid_to, successor, "
        "lineage) VALUES (NULL, ?, ?, ?, ?, ?, ?, ?)",
        [name, *values],
    )
    return int(cur.lastrowid or 0)
