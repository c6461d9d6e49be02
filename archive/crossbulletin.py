"""Everything computed across bulletins after an ingest, in one transaction.

The result depends on the stored bulletins, the names and the cross-check configuration;
a run that changed none of them leaves it as it is (the configuration's hash is kept in
``archive_state``).
"""

from __future__ import annotations

import hashlib
import sqlite3

from archive.crosscheck import CONFIG, check_cumulative, load_pairs
from archive.editions import FORMAT_PREFERENCE, MIN_AGREEING, MIN_SHARED, assign_editions

STATE_KEY = "cross_checks"


def refresh_cross_checks(conn: sqlite3.Connection) -> tuple[int, int]:
    """Mark editions, then check cumulative columns; (edition, cumulative) findings."""
    pairs = load_pairs()
    with conn:
        editions = assign_editions(conn)
        cumulative = check_cumulative(conn, pairs)
        conn.execute(
            "INSERT OR REPLACE INTO archive_state (key, value) VALUES (?, ?)",
            [STATE_KEY, configuration()],
        )
    return editions, cumulative


def refresh_cross_checks_if_configured_otherwise(conn: sqlite3.Connection) -> bool:
    """Recompute when the stored results came from another configuration (or none)."""
    row = conn.execute("SELECT value FROM archive_state WHERE key = ?", [STATE_KEY]).fetchone()
    if row is not None and row[0] == configuration():
        return False
    refresh_cross_checks(conn)
    return True


def configuration() -> str:
    """A hash of what the cross-bulletin results depend on besides the archive itself."""
    digest = hashlib.sha256(CONFIG.read_bytes())
    digest.update(repr((MIN_SHARED, MIN_AGREEING, FORMAT_PREFERENCE)).encode("utf-8"))
    return digest.hexdigest()[:16]
