"""Files gone from disk: listed after every ingest, removed from the archive with --prune.

A bulletin or copy remembers the absolute path it was read from; when that file no
longer exists, the entry is gone. Pruning a bulletin that still has a copy on disk keeps
the bulletin under the copy's key instead of removing it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import sqlite_utils

from archive.load import delete_bulletin_id


@dataclass(frozen=True)
class Gone:
    """An archive entry whose file is no longer on disk."""

    path: str
    source: str
    kind: str  # bulletin or copy
    id: int


def gone_files(db: sqlite_utils.Database) -> list[Gone]:
    """Bulletins and copies whose file is gone, by key."""
    rows = db.execute(
        "SELECT path, source, 'bulletin', id FROM bulletins WHERE source IS NOT NULL "
        "UNION ALL SELECT path, source, 'copy', id FROM copies WHERE source IS NOT NULL "
        "ORDER BY 1"
    ).fetchall()
    return [Gone(*row) for row in rows if not os.path.lexists(row[1])]


def prune(db: sqlite_utils.Database, gone: list[Gone]) -> int:
    """Remove gone entries in one transaction; return how many were removed."""
    conn = db.conn
    with conn:
        for entry in (g for g in gone if g.kind == "copy"):
            conn.execute("DELETE FROM copies WHERE id = ?", [entry.id])
        for entry in (g for g in gone if g.kind == "bulletin"):
            heir = conn.execute(
                "SELECT id, path, source FROM copies WHERE bulletin_id = ? ORDER BY path LIMIT 1",
                [entry.id],
            ).fetchone()
            if heir is None:
                delete_bulletin_id(conn, entry.id)
                continue
            conn.execute("DELETE FROM copies WHERE id = ?", [heir[0]])
            conn.execute(
                "UPDATE bulletins SET path = ?, source = ? WHERE id = ?",
                [heir[1], heir[2], entry.id],
            )
    return len(gone)
