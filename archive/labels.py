"""The strings facts repeat (kinds, raw names, metrics, headers, units, periods), stored once.

`facts` holds an integer id per string; `labels` maps each id to its text. During a run the
ids live in a dict, so a string seen before costs one lookup and no query.
"""

from __future__ import annotations

import sqlite3


class Labels:
    """Ids of the archive's labels, new ones written to `labels` as they are first met."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.ids: dict[str, int] = {}
        self.reload(conn)

    def reload(self, conn: sqlite3.Connection) -> None:
        """Forget what was not committed: read the ids as the archive holds them."""
        self.ids = {text: int(i) for i, text in conn.execute("SELECT id, text FROM labels")}
        self.next = max(self.ids.values(), default=0) + 1

    def add(self, conn: sqlite3.Connection, texts: set[str]) -> None:
        """Store the texts not yet known (inside the caller's transaction)."""
        new = sorted(texts - self.ids.keys())
        if not new:
            return
        rows = [(self.next + k, text) for k, text in enumerate(new)]
        conn.executemany("INSERT INTO labels (id, text) VALUES (?, ?)", rows)
        self.ids.update((text, i) for i, text in rows)
        self.next += len(rows)
