"""Batched writes: one transaction for many bulletins, each bulletin still atomic.

A batch closes after ``max_bulletins`` bulletins or ``max_seconds`` of work, whichever
comes first. Each bulletin is written inside its own SAVEPOINT, so one that fails rolls
back alone and is recorded as a failure; a crash loses at most the open batch, never a
part of a bulletin. What a bulletin's outcome says is reported only once it is committed.

While a batch is open, SQLite does not enforce foreign keys: every id a bulletin's rows
refer to was written just before them in the same savepoint (its bulletin, its tables,
the labels), and checking ten label references per fact made the insert of facts 1.5×
slower. Enforcement is back on when the batch closes; the tests run
``PRAGMA foreign_key_check`` on what ingests wrote.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from types import TracebackType

from archive.labels import Labels
from archive.load import Origin, now, store_rows
from archive.names import Resolver
from archive.rows import BulletinRows

MAX_BULLETINS = 50
MAX_SECONDS = 0.5


class Batch:
    """Writes bulletins and failures, committing every few bulletins."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        resolver: Resolver | None,
        max_bulletins: int = MAX_BULLETINS,
        max_seconds: float = MAX_SECONDS,
    ) -> None:
        self.conn = conn
        self.resolver = resolver
        self.labels = Labels(conn)
        self.max_bulletins = max_bulletins
        self.max_seconds = max_seconds
        self.waiting: list[Callable[[], None]] = []  # reports to make once committed
        self.written = 0
        self.opened: float | None = None
        self.enforced = False  # whether foreign keys were enforced before the batch

    def __enter__(self) -> Batch:
        if not self.conn.in_transaction:  # the pragma is a no-op inside one
            self.enforced = bool(self.conn.execute("PRAGMA foreign_keys").fetchone()[0])
            self.conn.execute("PRAGMA foreign_keys=OFF")
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if kind is None:
                self.commit()
            else:  # interrupted: the open batch is lost whole, nothing of it was reported
                self.conn.rollback()
                self.labels.reload(self.conn)
                if self.resolver is not None:
                    self.resolver.forget()
                self.waiting.clear()
        finally:
            if self.enforced and not self.conn.in_transaction:
                self.conn.execute("PRAGMA foreign_keys=ON")

    def store(
        self, path: str, origin: Origin, rows: BulletinRows, then: Callable[[], None]
    ) -> str | None:
        """Write one bulletin; None, or why it could not be stored (it then rolled back)."""
        self._begin()
        self.conn.execute("SAVEPOINT bulletin")
        try:
            store_rows(self.conn, path, origin, rows, self.labels, self.resolver)
        except sqlite3.Error as exc:
            self.conn.execute("ROLLBACK TO bulletin")
            self.conn.execute("RELEASE bulletin")
            self.labels.reload(self.conn)
            if self.resolver is not None:  # the names it wrote were rolled back too
                self.resolver.forget()
            return f"cannot be stored ({exc})"
        self.conn.execute("RELEASE bulletin")
        self._done(then)
        return None

    def fail(
        self, path: str, sha256: str | None, stage: str, error: str, then: Callable[[], None]
    ) -> None:
        """Record that a file failed, replacing an earlier failure of the same path."""
        self._begin()
        self.conn.execute("DELETE FROM failures WHERE path = ?", [path])
        self.conn.execute(
            "INSERT INTO failures (path, sha256, stage, error, at) VALUES (?, ?, ?, ?, ?)",
            [path, sha256, stage, error, now()],
        )
        self._done(then)

    def commit(self) -> None:
        """Commit the open batch, then report what it held."""
        if self.conn.in_transaction:
            self.conn.commit()
        self.opened = None
        self.written = 0
        waiting, self.waiting = self.waiting, []
        for report in waiting:
            report()

    def _begin(self) -> None:
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN")
        if self.opened is None:
            self.opened = time.monotonic()

    def _done(self, then: Callable[[], None]) -> None:
        self.waiting.append(then)
        self.written += 1
        elapsed = time.monotonic() - (self.opened or 0.0)
        if self.written >= self.max_bulletins or elapsed >= self.max_seconds:
            self.commit()
