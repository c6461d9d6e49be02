"""Opening the archive: for writing (WAL, foreign keys, one writer at a time) or reading.

Every database problem a user can meet (a missing folder, a file that is not a database,
a read-only file, a full disk, another ingest running) becomes one ``ArchiveError`` line
saying what to do.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when an archive is opened: `bulletins --help` stays light
    import sqlite_utils

BUSY_TIMEOUT_MS = 30_000  # wait this long for a reader's checkpoint or another writer
# SYNCHRONOUS: the archive is written in WAL mode with synchronous=NORMAL: a commit
# appends to the log without waiting for the disk (fsync at checkpoints only). A killed
# or crashed ingest loses nothing it committed and never corrupts the file; only a power
# cut or an operating-system crash can drop the last commits, which the next ingest
# stores again (their files are then new to it). With FULL, an ingest that stores
# nothing still waited for ~20 disk flushes.


class ArchiveError(Exception):
    """The archive cannot be opened or written; the message says why and what to do."""


def explain(db_path: Path, exc: BaseException) -> str:
    """One line for a database error."""
    text = str(exc)
    lowered = text.lower()
    if isinstance(exc, OSError) and exc.strerror:
        return f"{db_path}: {exc.strerror}"
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return f"{db_path} is not an archive or is damaged ({text}); move it aside and ingest again"
    if "readonly" in lowered or "read-only" in lowered:
        return f"{db_path} is read-only; make it writable or choose another --db"
    if "disk is full" in lowered or "database or disk is full" in lowered:
        return (
            f"no space left to write {db_path}; free some space and run again "
            "(bulletins stored so far are kept)"
        )
    if "unable to open" in lowered:
        return f"cannot open {db_path}: its folder is missing or not writable"
    if "locked" in lowered or "busy" in lowered:
        return f"{db_path} is busy (another process is writing); try again when it finishes"
    return f"{db_path}: {text}"


def open_for_writing(db_path: Path) -> sqlite_utils.Database:
    """The archive, created if missing, in WAL mode with foreign keys on."""
    import sqlite_utils

    try:
        conn = sqlite3.connect(db_path, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")  # see SYNCHRONOUS above
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except (sqlite3.Error, OSError) as exc:
        raise ArchiveError(explain(db_path, exc)) from None
    return sqlite_utils.Database(conn)


def open_existing(db_path: Path) -> sqlite_utils.Database:
    """An existing archive for reading, checked to be a database."""
    import sqlite_utils

    if not db_path.exists():
        raise ArchiveError(f"{db_path} not found; run `bulletins ingest corpus/` first")
    try:
        conn = sqlite3.connect(db_path, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except (sqlite3.Error, OSError) as exc:
        raise ArchiveError(explain(db_path, exc)) from None
    return sqlite_utils.Database(conn)


@contextmanager
def writer_lock(db_path: Path) -> Iterator[None]:
    """Hold the archive's writer lock (``FILE.lock`` beside it) or fail with one line.

    Two ingests on one archive would interleave their bulletins and both recompute the
    editions; the second one stops at once instead, naming the first.
    """
    lock_path = db_path.with_name(db_path.name + ".lock")
    try:
        handle = open(lock_path, "a+")  # noqa: SIM115 (held for the whole run)
    except OSError as exc:
        raise ArchiveError(explain(db_path, exc)) from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise ArchiveError(
                f"{db_path} is being written by another `bulletins ingest` ({holder}); "
                "run again when it has finished"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        yield
    finally:
        handle.close()
