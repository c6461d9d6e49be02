"""Which groups of bulletins the passes across bulletins must do again.

The editions of a report are found within a (publisher, period, period type) group; the
cumulative check runs within a (publisher, year) series of monthly bulletins. Each group
gets a fingerprint of what its result depends on and of what the pass wrote for it:

- its members: id, key, content hash, extractor and configuration hashes, time stored
  (so a member stored again, re-derived, moved to another key, pruned or replaced
  changes it), format, period;
- for a series, which members are primary and the names fingerprint of each member's
  publisher (the entities its rows are grouped by);
- what the pass left on them: the edition marks, how many findings of the rule each
  holds (a member stored again loses them, and the edition marks of those pointing to
  it).

The fingerprints are kept in ``archive_state`` (one row per group, the key naming the
pass and the group) and compared in SQL; a run does again only the groups whose
fingerprint changed. Every bulletin belongs to exactly one group of each kind (one
without a period is a group of its own; those not monthly are one series per
publisher), so whatever happened to a bulletin shows in the fingerprint of a group it
is in now.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

from archive.crosscheck import RULE as CUMULATIVE_RULE
from archive.editions import RULE as EDITIONS_RULE

SEP = "\x1f"  # between the parts of a group's key in archive_state


@dataclass(frozen=True)
class Kind:
    """One kind of group: the prefix of its keys in archive_state, and the SQL listing
    every bulletin with its group's key and what it contributes to the fingerprint,
    ordered by group."""

    prefix: str
    members: str


_FINDINGS = "(SELECT bulletin_id, count(*) AS n FROM checks WHERE rule = '{rule}' GROUP BY 1)"
_STORED = (
    "b.id || ':' || b.path || ':' || ifnull(b.sha256, '') || ':' || ifnull(b.config_hash, '') "
    "|| ':' || ifnull(b.extractor_version, '') || ':' || ifnull(b.ingested_at, '') || ':' "
    "|| ifnull(b.format, '') || ':' || ifnull(b.period, '') || ':' || ifnull(b.period_type, '') "
    "|| ':' || ifnull(b.is_primary, '') || ':' || ifnull(b.edition_of, '') || ':' || ifnull(c.n, 0)"
)
EDITION_GROUPS = Kind(
    "editions",
    f"""
SELECT CASE WHEN b.period IS NULL THEN 'no period' || char(31) || b.id
       ELSE COALESCE(b.publisher, '') || char(31) || b.period || char(31)
            || COALESCE(b.period_type, '') END, b.id, {_STORED}
FROM bulletins b LEFT JOIN {_FINDINGS.format(rule=EDITIONS_RULE)} c ON c.bulletin_id = b.id
ORDER BY 1, 2
""",
)
CUMULATIVE_SERIES = Kind(
    "cumulative",
    f"""
SELECT COALESCE(b.publisher, '') || char(31)
       || CASE WHEN b.period_type = 'month' THEN ifnull(substr(b.period, 1, 4), '') ELSE '' END,
       b.id, {_STORED} || ':' || ifnull(b.names_scope, '') || ':' || ifnull(p.fingerprint, '')
FROM bulletins b LEFT JOIN {_FINDINGS.format(rule=CUMULATIVE_RULE)} c ON c.bulletin_id = b.id
LEFT JOIN publishers p ON p.name = COALESCE(b.names_scope, '')
ORDER BY 1, 2
""",
)


def _fingerprints(conn: sqlite3.Connection, kind: Kind) -> Iterator[tuple[str, str, str]]:
    """(state key, fingerprint, member ids as JSON) of every group of a kind, one group
    held at a time."""
    for key, rows in groupby(conn.execute(kind.members), key=itemgetter(0)):
        digest = hashlib.sha256()
        ids = []
        for _, bulletin_id, stored in rows:
            digest.update(f"{stored};".encode())
            ids.append(int(bulletin_id))
        yield f"{kind.prefix}{SEP}{key}", digest.hexdigest()[:32], json.dumps(ids)


def _write_now(conn: sqlite3.Connection, kind: Kind) -> None:
    conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS cross_now "
        "(key TEXT PRIMARY KEY, fingerprint TEXT, ids TEXT)"
    )
    conn.execute("DELETE FROM temp.cross_now")
    conn.executemany("INSERT INTO temp.cross_now VALUES (?, ?, ?)", _fingerprints(conn, kind))


def changed_groups(conn: sqlite3.Connection, kind: Kind) -> list[list[int]]:
    """The member ids of each group whose fingerprint is not the one stored."""
    _write_now(conn, kind)
    rows = conn.execute(
        "SELECT n.ids FROM temp.cross_now n LEFT JOIN archive_state s ON s.key = n.key "
        "WHERE s.value IS NOT n.fingerprint ORDER BY n.key"
    )
    return [json.loads(ids) for (ids,) in rows]


def remember_groups(conn: sqlite3.Connection, kind: Kind) -> None:
    """Store the fingerprint of every group as it is now; forget groups that are gone."""
    _write_now(conn, kind)
    conn.execute(
        "INSERT OR REPLACE INTO archive_state (key, value) "
        "SELECT n.key, n.fingerprint FROM temp.cross_now n "
        "LEFT JOIN archive_state s ON s.key = n.key WHERE s.value IS NOT n.fingerprint"
    )
    low, high = f"{kind.prefix}{SEP}", f"{kind.prefix}{chr(ord(SEP) + 1)}"
    conn.execute(
        "DELETE FROM archive_state WHERE key >= ? AND key < ? "
        "AND key NOT IN (SELECT key FROM temp.cross_now)",
        [low, high],
    )
    conn.execute("DELETE FROM temp.cross_now")
