"""bench/oracle.py's digests: a column added to a table leaves the other columns' digests."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bench.oracle import digest_db


def archive(path: Path, extra: bool) -> Path:
    """A tiny database with the FTS table the oracle queries, and a table `t`."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE VIRTUAL TABLE blocks_fts USING fts5(text)")
    if extra:
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, code INTEGER)")
        conn.executemany("INSERT INTO t VALUES (?, ?, ?)", [(2, "乙", 7), (1, "甲", None)])
    else:
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT)")
        conn.executemany("INSERT INTO t VALUES (?, ?)", [(1, "甲"), (2, "乙")])
    conn.commit()
    conn.close()
    return path


def test_each_column_of_a_table_has_its_digest(tmp_path: Path) -> None:
    before = digest_db(archive(tmp_path / "a.db", extra=False))
    after = digest_db(archive(tmp_path / "b.db", extra=True))
    assert before["t"] != after["t"]  # the rows differ by the column added
    assert before["t.id"] == after["t.id"] and before["t.a"] == after["t.a"]
    assert "t.code" not in before and "t.code" in after
    assert before["t.a"] != before["t.id"]
