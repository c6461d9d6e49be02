"""Chinese full-text search over the bulletins' prose (the `blocks` table).

FTS5's default tokenizer treats a run of Chinese characters as one word, so 医保 or
疫情防控 inside a sentence is never found. The `trigram` tokenizer (SQLite 3.34+) indexes
every three characters, which finds any substring of three or more characters; shorter
queries (医保) fall back to LIKE in the search query (see ``SEARCH_SQL``).
"""

from __future__ import annotations

import sqlite3

import sqlite_utils

SOURCE_TABLE = "blocks"
FTS_TABLE = f"{SOURCE_TABLE}_fts"
TRIGRAM_MIN = 3  # shorter queries cannot use the trigram index

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
    blocks = db.table(SOURCE_TABLE)
    blocks.enable_fts(["text"], create_triggers=True, tokenize="trigram", replace=True)
    if _indexed(db) != blocks.count:
        blocks.rebuild_fts()
    return True


def _indexed(db: sqlite_utils.Database) -> int:
    row = db.execute(f"SELECT count(*) FROM {FTS_TABLE}_docsize").fetchone()
    return int(row[0])


def drop_search_triggers(db: sqlite_utils.Database) -> None:
    """Stop keeping the index in step row by row (a bulk load): ``ensure_search`` builds
    it again, whole, when the triggers are missing."""
    for suffix in ("_ai", "_ad", "_au"):
        db.execute(f"DROP TRIGGER IF EXISTS {SOURCE_TABLE}{suffix}")
