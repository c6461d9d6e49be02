"""What the archive is measured against: a bare insert of the same rows, and its size.

``raw_insert`` copies the rows of ``facts_readable`` (the tidy facts users read) into a
plain table without indexes in a new database, with ``executemany`` in one transaction:
the fastest way Python can store those rows. The rows are read in batches before the
clock starts, so only the inserts are timed and memory stays bounded. ``table_bytes``
reads the ``dbstat`` virtual table: the bytes of every table and index on disk.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

BATCH = 50_000


@dataclass(frozen=True)
class Insert:
    rows: int
    wall: float
    cpu: float


def raw_insert(archive: Path, target: Path, view: str = "facts_readable") -> Insert:
    """Insert every row of ``view`` of the archive into a plain table of a new database."""
    source = sqlite3.connect(f"file:{archive}?mode=ro", uri=True)
    cursor = source.execute(f"SELECT * FROM {view}")
    columns = [d[0] for d in cursor.description]
    db = sqlite3.connect(target)
    db.execute("PRAGMA journal_mode=WAL")
    quoted = ", ".join(f'"{c}"' for c in columns)
    db.execute(f"CREATE TABLE raw ({quoted})")
    sql = f"INSERT INTO raw VALUES ({', '.join('?' * len(columns))})"
    rows, wall, cpu = 0, 0.0, 0.0
    db.execute("BEGIN")
    while batch := cursor.fetchmany(BATCH):
        start, start_cpu = time.perf_counter(), time.process_time()
        db.executemany(sql, batch)
        wall += time.perf_counter() - start
        cpu += time.process_time() - start_cpu
        rows += len(batch)
    start, start_cpu = time.perf_counter(), time.process_time()
    db.commit()
    wall += time.perf_counter() - start
    cpu += time.process_time() - start_cpu
    db.close()
    source.close()
    return Insert(rows, wall, cpu)


def table_bytes(path: Path) -> dict[str, int]:
    """Bytes on disk of every table and index, largest first (from ``dbstat``)."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = db.execute(
            "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY SUM(pgsize) DESC, name"
        ).fetchall()
    finally:
        db.close()
    return {name: int(size) for name, size in rows}


def file_bytes(path: Path) -> int:
    """The database file and its write-ahead log, if one is left."""
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def count(path: Path, sql: str) -> int:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(db.execute(sql).fetchone()[0])
    finally:
        db.close()
