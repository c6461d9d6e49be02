"""Everything computed across bulletins after an ingest, in one transaction."""

from __future__ import annotations

import sqlite3

from archive.crosscheck import check_cumulative, load_pairs
from archive.editions import assign_editions


def refresh_cross_checks(conn: sqlite3.Connection) -> tuple[int, int]:
    """Mark editions, then check cumulative columns; (edition, cumulative) findings."""
    pairs = load_pairs()
    with conn:
        editions = assign_editions(conn)
        cumulative = check_cumulative(conn, pairs)
    return editions, cumulative
