"""Chinese full-text search over the bulletins' prose (the `blocks` table).

FTS5's default tokenizer treats a run of Chinese characters as one word, so 医保 or
疫情防控 inside a sentence is never found. The `trigram` tokenizer (SQLite 3.34+) indexes
every three characters, which finds any substring of three or more characters; shorter
queries (医保) fall back to LIKE in the search query (see ``SEARCH_SQL``).

An index built whole (a new archive, a bulk load, a rebuild) is written with fewer
merges: FTS5 writes a segment each time its buffer of new terms fills (``hashsize``,
1 MiB by default) and merges segments of a level four at a time (``automerge``), so
every term is written again once per level. While the index is built whole the buffer
is twice as large and sixteen segments are merged at a time (FTS5's most): fewer levels,
fewer rewrites (on 2,000 generated bulletins about a third less CPU, for about 1 MiB
more memory while it builds). Then FTS5's defaults hold again, for the rows the
triggers add.
The rows indexed and the queries' results are the same.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import sqlite_utils
from sqlite_utils.db import Table

SOURCE_TABLE = "blocks"
FTS_TABLE = f"{SOURCE_TABLE}_fts"
TRIGRAM_MIN = 3  # shorter queries cannot use the trigram index
# FTS5 settings while an index is built whole, and after (FTS5's defaults)
WHOLE = {"automerge": 16, "hashsize": 2 << 20}
DEFAULTS = {"automerge": 4, "hashsize": 1 << 20}

# One query for every length: the index for three characters or more, LIKE below that.
# The query is searched for as one literal substring: MATCH gets it as a quoted phrase,
# LIKE with its wildcards escaped.
SEARCH_SQL = """
with q as (select trim(:q) as q),
hits as (
  select blocks_fts.rowid as id from blocks_fts, q
  where length(q.q) >= 3 and blocks_fts match '"' || replace(q.q, '"', '""') || '"'
  union
  select b.id from blocks b, q
  where length(q.q) between 1 and 2
    and b.text like '%' || replace(replace(replace(q.q, '\\', '\\\\'), '%', '\\%'), '_', '\\_')
      || '%' escape '\\'
)
select bl.period, bl.path as bulletin, b.seq as paragraph, b.line, b.page,
  (length(b.text) - length(replace(b.text, q.q, ''))) / length(q.q) as matches,
  case when instr(b.text, q.q) > 40 then '…' else '' end
    || substr(b.text, max(1, instr(b.text, q.q) - 40), 120)
    || case when length(b.text) > instr(b.text, q.q) + 79 then '…' else '' end as excerpt,
  b.id as block_id
from hits
join blocks b on b.id = hits.id
join bulletins bl on bl.id = b.bulletin_id, q
order by bl.period desc, bl.path, b.seq
"""


def trigram_available(conn: sqlite3.Connection) -> bool:
    """Whether this SQLite has FTS5 with the trigram tokenizer (3.34+)."""
    try:
        conn.execute("CREATE VIRTUAL TABLE temp.trigram_probe USING fts5(x, tokenize='trigram')")
    except sqlite3.OperationalError:
        return False
    conn.execute("DROP TABLE temp.trigram_probe")
    return True


def has_search(db: sqlite_utils.Database) -> bool:
    """Whether the archive has its full-text index over the prose."""
    return db.table(FTS_TABLE).exists()


def ensure_search(db: sqlite_utils.Database) -> bool:
    """(Re)build the trigram index over `blocks`; False when this SQLite cannot.

    Creates the index (and triggers that keep it in step with `blocks`) when it is
    missing or configured otherwise, and rebuilds it when its row count has drifted
    from the table's, so a run that changed nothing costs two counts.
    """
    if not db.table(SOURCE_TABLE).exists() or not trigram_available(db.conn):
        return False
    blocks = _Blocks(db, SOURCE_TABLE)
    blocks.enable_fts(["text"], create_triggers=True, tokenize="trigram", replace=True)
    if _indexed(db) != blocks.count:
        with built_whole(db):
            blocks.rebuild_fts()
    return True


class _Blocks(Table):
    """The `blocks` table, whose index, when (re)created, is filled as one build."""

    def populate_fts(self, columns: Iterable[str]) -> Table:
        with built_whole(self.db):
            return super().populate_fts(columns)


@contextmanager
def built_whole(db: sqlite_utils.Database) -> Iterator[None]:
    """Build the index with the ``WHOLE`` settings, then set FTS5's defaults again."""
    with db.conn:
        _configure(db, WHOLE)
    try:
        yield
    finally:
        with db.conn:  # committed, whatever happened
            _configure(db, DEFAULTS)


def _configure(db: sqlite_utils.Database, settings: dict[str, int]) -> None:
    for name, value in settings.items():
        db.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rank) VALUES (?, ?)", [name, value])


def _indexed(db: sqlite_utils.Database) -> int:
    row = db.execute(f"SELECT count(*) FROM {FTS_TABLE}_docsize").fetchone()
    return int(row[0])


def drop_search_triggers(db: sqlite_utils.Database) -> None:
    """Stop keeping the index in step row by row (a bulk load): ``ensure_search`` builds
    it again, whole, when the triggers are missing."""
    for suffix in ("_ai", "_ad", "_au"):
        db.execute(f"DROP TRIGGER IF EXISTS {SOURCE_TABLE}{suffix}")
