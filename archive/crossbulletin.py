"""Everything computed across bulletins after an ingest, in one transaction.

The result depends on the stored bulletins, the names and the cross-check configuration;
a run that changed none of them leaves it as it is (the configuration's hash is kept in
``archive_state``). With ``only_changed``, a run does again only the groups of
bulletins whose fingerprint changed (see ``archive.crossgroups``), and gives what doing
everything again would give.
"""

from __future__ import annotations

import hashlib
import sqlite3

from archive.crosscheck import CONFIG, check_cumulative, load_pairs
from archive.crosscheck import RULE as CUMULATIVE_RULE
from archive.crossgroups import CUMULATIVE_SERIES, EDITION_GROUPS, changed_groups, remember_groups
from archive.editions import FORMAT_PREFERENCE, MIN_AGREEING, MIN_SHARED, assign_editions
from archive.editions import RULE as EDITIONS_RULE

STATE_KEY = "cross_checks"
STATE_VERSION = "groups-1"  # what the stored state holds besides the results


def refresh_cross_checks(
    conn: sqlite3.Connection, *, only_changed: bool = False
) -> tuple[int, int]:
    """Mark editions, then check cumulative columns; (edition, cumulative) findings in
    the archive.

    ``only_changed``: do again only the groups whose bulletins, primaries or names changed
    since the last run (everything when the configuration changed); without it,
    everything is done again (facts edited by hand are seen)."""
    pairs = load_pairs()
    with conn:
        if only_changed and _stored_configuration(conn) == configuration():
            assign_editions(conn, changed_groups(conn, EDITION_GROUPS))
            series = changed_groups(conn, CUMULATIVE_SERIES)
            check_cumulative(conn, pairs, [i for members in series for i in members])
        else:
            assign_editions(conn)
            check_cumulative(conn, pairs)
        remember_groups(conn, EDITION_GROUPS)
        remember_groups(conn, CUMULATIVE_SERIES)
        conn.execute(
            "INSERT OR REPLACE INTO archive_state (key, value) VALUES (?, ?)",
            [STATE_KEY, configuration()],
        )
        counts = conn.execute(
            "SELECT count(CASE WHEN rule = ? THEN 1 END), count(CASE WHEN rule = ? THEN 1 END) "
            "FROM checks WHERE rule IN (?, ?)",
            [EDITIONS_RULE, CUMULATIVE_RULE, EDITIONS_RULE, CUMULATIVE_RULE],
        ).fetchone()
    return int(counts[0]), int(counts[1])


def refresh_cross_checks_if_configured_otherwise(conn: sqlite3.Connection) -> bool:
    """Recompute when the stored results came from another configuration (or none)."""
    if _stored_configuration(conn) == configuration():
        return False
    refresh_cross_checks(conn)
    return True


def _stored_configuration(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT value FROM archive_state WHERE key = ?", [STATE_KEY]).fetchone()
    return str(row[0]) if row is not None else None


def configuration() -> str:
    """A hash of what the cross-bulletin results depend on besides the archive itself."""
    digest = hashlib.sha256(CONFIG.read_bytes())
    digest.update(repr((MIN_SHARED, MIN_AGREEING, FORMAT_PREFERENCE, STATE_VERSION)).encode())
    return digest.hexdigest()[:16]
