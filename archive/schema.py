"""The archive's shape, declared in one place: tables, indexes, views.

``ensure_schema`` runs before every load; it creates what is missing and replaces the
views, so a database made by an older version gains new views on its next ingest.
"""

from __future__ import annotations

import json

import sqlite_utils

from archive.database import ArchiveError
from archive.grid import grid_json, pack_grid
from archive.idlists import pack_ids
from archive.names_schema import (
    NAMES_FOREIGN_KEYS,
    NAMES_INDEXES,
    NAMES_KEYS,
    NAMES_TABLES,
    NAMES_VIEWS,
    entity_join,
    migrate_names,
)

TABLES: dict[str, dict[str, type]] = {
    "bulletins": {
        "id": int,
        "path": str,
        "sha256": str,
        "format": str,
        "encoding": str,
        "period": str,
        "period_type": str,
        "period_start": str,
        "period_end": str,
        "period_basis": str,
        "published": str,
        "publisher": str,
        "names_scope": str,
        "is_primary": int,
        "title": str,
        "n_tables": int,
        "n_facts": int,
        "ingested_at": str,
        "source": str,
        "extractor_version": str,
        "config_hash": str,
        "edition_of": int,
        "source_url": str,
    },
    "copies": {
        "id": int,
        "path": str,
        "sha256": str,
        "bulletin_id": int,
        "source": str,
        "seen_at": str,
    },
    "documents": {"bulletin_id": int, "body": bytes},
    "archive_state": {"key": str, "value": str},
    "publishers": {
        "name": str,
        "profile": str,
        "names": str,
        "updated_at": str,
        "fingerprint": str,
    },
    "source_tables": {
        "id": int,
        "bulletin_id": int,
        "table_no": int,
        "kind": str,
        "caption": str,
        "n_rows": int,
        "n_cols": int,
        "header_rows": int,
        "stub_cols": int,
        "engine": str,
        "line_start": int,
        "line_end": int,
        "page": int,
        "headers": str,
        "metrics": str,
        "grid": str,
        "quality": float,
        "review": str,
    },
    "blocks": {"id": int, "bulletin_id": int, "seq": int, "text": str, "line": int, "page": int},
    "labels": {"id": int, "text": str},
    # Compact: the repeated strings are ids into `labels` (see LABEL_COLUMNS), the raw names
    # too (name_key, parent_raw: the label's text is the key `resolutions` is joined on).
    # value_raw is NULL when it is the integer value as printed (4406 for 4406.0); cell_id
    # is a `cells` view id. cell_id, name_key and row_label are computed from the codes
    # after period_type (see FACT_GENERATED): they take no bytes.
    "facts": {
        "id": int,
        "bulletin_id": int,
        "table_id": int,
        "cell_id": int,
        "table_kind": int,
        "entity_raw": int,
        "name_key": int,
        "parent_raw": int,
        "row_label": int,
        "row_role": int,
        "metric": int,
        "header": int,
        "value": float,
        "value_raw": str,
        "unit": int,
        "note": int,
        "row": int,
        "col": int,
        "line": int,
        "page": int,
        "bbox": str,
        "needs_review": int,
        "period": int,
        "period_type": int,
        "cell": int,
        "name_code": int,
        "label_code": int,
    },
    "warnings": {"id": int, "bulletin_id": int, "message": str},
    # Compact: what the `checks` view shows. rule, subject, metric and status are ids into
    # check_terms; cells is [first fact id, then each other id less the first] for the
    # rows ingest writes, given_cells the list as written by anything else (see CHECKS).
    "check_rows": {
        "id": int,
        "bulletin_id": int,
        "table_id": int,
        "rule": int,
        "subject": int,
        "metric": int,
        "expected": float,
        "actual": float,
        "status": int,
        "message": str,
        "cells": str,
        "given_cells": str,
    },
    "check_terms": {"id": int, "text": str},
    "failures": {"id": int, "path": str, "sha256": str, "stage": str, "error": str, "at": str},
    **NAMES_TABLES,
}

# Columns of `facts` that hold an id into `labels`, in the order of the table.
LABEL_COLUMNS = ("table_kind", "entity_raw", "name_key", "parent_raw", "row_label", "row_role",
                 "metric", "header", "unit", "note", "period", "period_type")  # fmt: skip
# A cell's id in the `cells` view: its table's id times CELL_ID_BASE plus its index there.
CELL_ID_BASE = 1_000_000
# Columns of `facts` SQLite computes from small codes stored beside them (VIRTUAL generated
# columns: read like the others, stored nowhere). `cell` is the cell's index in its table;
# a name or label code is NULL when the text is the entity's raw name (most rows), 0 when
# there is none, else the label id.
_SAME_AS_ENTITY = "CASE WHEN {0} IS NULL THEN entity_raw ELSE nullif({0}, 0) END"
FACT_GENERATED = {
    "cell_id": f"table_id * {CELL_ID_BASE} + cell",
    "name_key": _SAME_AS_ENTITY.format("name_code"),
    "row_label": _SAME_AS_ENTITY.format("label_code"),
}
# The code of a label id (any SQL expression, e.g. ?6) beside the raw name (e.g. ?5).
_CODE = "CASE WHEN {0} IS {1} THEN NULL ELSE coalesce({0}, 0) END"


def label_code(label: str, entity_raw: str) -> str:
    """SQL for the code stored for a label id beside the entity's raw name (its id)."""
    return _CODE.format(label, entity_raw)


def cell_code(table_id: str, index: str) -> str:
    """SQL for the cell index stored: NULL without a table or past CELL_ID_BASE."""
    return f"CASE WHEN {table_id} IS NOT NULL AND {index} < {CELL_ID_BASE} THEN {index} END"


PRIMARY_KEYS: dict[str, str | tuple[str, ...]] = {
    "documents": "bulletin_id",
    "archive_state": "key",
    "publishers": "name",
    **NAMES_KEYS,
}
FOREIGN_KEYS = {
    "source_tables": [("bulletin_id", "bulletins", "id")],
    "blocks": [("bulletin_id", "bulletins", "id")],
    "facts": [
        ("bulletin_id", "bulletins", "id"),
        ("table_id", "source_tables", "id"),
        *((column, "labels", "id") for column in LABEL_COLUMNS),
    ],
    "warnings": [("bulletin_id", "bulletins", "id")],
    "copies": [("bulletin_id", "bulletins", "id")],
    "documents": [("bulletin_id", "bulletins", "id")],
    "check_rows": [("bulletin_id", "bulletins", "id"), ("table_id", "source_tables", "id")],
    **NAMES_FOREIGN_KEYS,
}
INDEXES = [
    ("bulletins", ["path"], True),
    ("bulletins", ["sha256"], False),
    ("copies", ["path"], True),
    ("labels", ["text"], True),
    ("blocks", ["bulletin_id"], False),
    ("source_tables", ["bulletin_id"], False),
    ("failures", ["path"], False),
    ("check_rows", ["bulletin_id"], False),
    ("check_terms", ["text"], True),
    *NAMES_INDEXES,
]
# Indexes a bulk load drops and builds again at its end (ensure_schema restores them
# after a crash): what queries over many facts need, by bulletin and by metric.
BULK_INDEXES = [
    ("facts", ["bulletin_id"], False),
    ("facts", ["metric"], False),
]

FACTS_READABLE = f"""
CREATE VIEW facts_readable AS
SELECT
  b.path AS bulletin,
  COALESCE(lp.text, b.period) AS period,
  lk.text AS table_kind,
  e.name AS entity,
  le.text AS entity_raw,
  lr.text AS row_role,
  lm.text AS metric,
  f.value AS value,
  COALESCE(f.value_raw, CAST(CAST(f.value AS INTEGER) AS TEXT)) AS value_raw,
  lu.text AS unit,
  ln.text AS note,
  pe.name AS parent,
  lpr.text AS parent_raw,
  t.table_no AS table_no,
  f."row" AS "row",
  f.col AS col,
  f.line AS line,
  f.page AS page,
  lh.text AS header,
  f.id AS fact_id,
  f.table_id AS table_id,
  f.cell_id AS cell_id,
  e.lineage AS lineage,
  b.publisher AS publisher,
  b.is_primary AS is_primary,
  COALESCE(lt.text, b.period_type) AS period_type,
  CASE WHEN f.needs_review != 0 THEN 1 ELSE 0 END AS needs_review
FROM facts f
JOIN bulletins b ON b.id = f.bulletin_id
LEFT JOIN source_tables t ON t.id = f.table_id
{entity_join("f", "b", "f.name_key", "e")}
{entity_join("f", "b", "f.parent_raw", "pe")}
LEFT JOIN labels lk ON lk.id = f.table_kind
LEFT JOIN labels le ON le.id = f.entity_raw
LEFT JOIN labels lr ON lr.id = f.row_role
JOIN labels lm ON lm.id = f.metric  -- every fact has one: queries on metric start here
LEFT JOIN labels lh ON lh.id = f.header
LEFT JOIN labels lu ON lu.id = f.unit
LEFT JOIN labels ln ON ln.id = f.note
LEFT JOIN labels lpr ON lpr.id = f.parent_raw
LEFT JOIN labels lp ON lp.id = f.period
LEFT JOIN labels lt ON lt.id = f.period_type
"""

# Each table's cells live once, as JSON in source_tables.grid (see archive/grid.py):
# [layout, texts, ...], the texts of layout entry j at grid[j + 1]. An entry
# [k, row, col, width, line, col_step, row_step] is a run of one-by-one cells k, k + 1, ...;
# [k, cell] one cell in full, its text apart: [row, col, rowspan, colspan, line, line_end,
# page, bbox]. A run's header has no '$[1][0]', so the full cell's field comes first
# (COALESCE). The CASTs give the columns integer affinity, so Datasette's text filters
# (?id=7) match; a text stored as a number is cast back to the text it was, a negative
# number is a label's id negated (a reference to its text).
_DOWN = "c.key / (h.value ->> 3)"  # row and column in a run, from its first cell
_ACROSS = "c.key % (h.value ->> 3)"
CELLS = f"""
CREATE VIEW cells AS
SELECT
  CAST(t.id * {CELL_ID_BASE} + (h.value ->> 0) + c.key AS INTEGER) AS id,
  t.id AS table_id,
  CAST(COALESCE(h.value ->> '$[1][0]', (h.value ->> 1) + {_DOWN}) AS INTEGER) AS "row",
  CAST(COALESCE(h.value ->> '$[1][1]', (h.value ->> 2) + {_ACROSS}) AS INTEGER) AS col,
  CAST(COALESCE(h.value ->> '$[1][2]', 1) AS INTEGER) AS rowspan,
  CAST(COALESCE(h.value ->> '$[1][3]', 1) AS INTEGER) AS colspan,
  CAST(CASE WHEN c.type = 'integer' AND c.value < 0
       THEN (SELECT l.text FROM labels l WHERE l.id = -c.value) ELSE c.value END AS TEXT) AS text,
  CAST(COALESCE(h.value ->> '$[1][4]',
       (h.value ->> 4) + {_DOWN} * (h.value ->> 6) + {_ACROSS} * (h.value ->> 5))
       AS INTEGER) AS line,
  CAST(h.value ->> '$[1][6]' AS INTEGER) AS page,
  h.value -> '$[1][7]' AS bbox
FROM source_tables t, json_each(t.grid, '$[0]') h, json_each(t.grid, '$[' || (h.key + 1) || ']') c
"""

# The consistency findings as they read: the columns of the table `checks` was. A list
# of fact ids stored as stretches [start, step, count, ...] (archive/idlists.py) is
# written out again in full: each stretch counts its ids over a JSON array of `count`
# zeros, '[0,0,0]' made from zeroblob(3) as hex '000000'. The INSTEAD OF triggers let
# writers insert and delete findings as rows of `checks`.
_COUNTING = "'[' || substr(replace(hex(zeroblob(k.cells ->> (s.key + 2))), '00', ',0'), 2) || ']'"
CHECKS = f"""
CREATE VIEW checks AS
SELECT
  k.id AS id,
  k.bulletin_id AS bulletin_id,
  k.table_id AS table_id,
  r.text AS rule,
  j.text AS subject,
  m.text AS metric,
  k.expected AS expected,
  k.actual AS actual,
  s.text AS status,
  k.message AS message,
  CAST(CASE WHEN k.cells IS NULL THEN k.given_cells ELSE (
    SELECT json_group_array(
      s.value + CASE WHEN s.key = 0 THEN 0 ELSE k.cells ->> 0 END
      + n.key * (k.cells ->> (s.key + 1)))
    FROM json_each(k.cells) s, json_each({_COUNTING}) n
    WHERE s.key % 3 = 0) END AS TEXT) AS cells
FROM check_rows k
LEFT JOIN check_terms r ON r.id = k.rule
LEFT JOIN check_terms j ON j.id = k.subject
LEFT JOIN check_terms m ON m.id = k.metric
LEFT JOIN check_terms s ON s.id = k.status
"""
CHECK_TERMS = ("rule", "subject", "metric", "status")
_TERM_IDS = ", ".join(f"(SELECT id FROM check_terms WHERE text = NEW.{t})" for t in CHECK_TERMS)
CHECK_TRIGGERS = [
    f"""
CREATE TRIGGER checks_insert INSTEAD OF INSERT ON checks BEGIN
  INSERT OR IGNORE INTO check_terms (text)
    SELECT value FROM json_each(json_array({", ".join(f"NEW.{t}" for t in CHECK_TERMS)}))
    WHERE value IS NOT NULL;
  INSERT INTO check_rows (id, bulletin_id, table_id, {", ".join(CHECK_TERMS)}, expected,
    actual, message, given_cells)
  VALUES (NEW.id, NEW.bulletin_id, NEW.table_id, {_TERM_IDS}, NEW.expected, NEW.actual,
    NEW.message, NEW.cells);
END
""",
    """
CREATE TRIGGER checks_delete INSTEAD OF DELETE ON checks BEGIN
  DELETE FROM check_rows WHERE id = OLD.id;
END
""",
]

REVIEW = """
CREATE VIEW review AS
SELECT
  fr.bulletin AS bulletin,
  fr.period AS period,
  fr.table_no AS table_no,
  t.caption AS caption,
  t.quality AS quality,
  COALESCE(t.review, 'the figure was read from prose, not a table') AS reason,
  t.engine AS engine,
  fr.entity_raw AS entity_raw,
  fr.metric AS metric,
  fr.value_raw AS value_raw,
  fr."row" AS "row",
  fr.col AS col,
  fr.page AS page,
  fr.line AS line,
  fr.fact_id AS fact_id
FROM facts_readable fr
LEFT JOIN source_tables t ON t.id = fr.table_id
WHERE fr.needs_review = 1
"""

VIEWS = {
    "cells": CELLS,
    "checks": CHECKS,
    "facts_readable": FACTS_READABLE,
    "review": REVIEW,
    **NAMES_VIEWS,
}


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create missing tables, columns and indexes; (re)create the views.

    Also restores the indexes a bulk load drops, should it have stopped before its end.
    An archive of the shape before compact facts (a `cells` table) is refused.
    """
    refuse_old_shape(db)
    migrate_names(db)
    migrate_grids(db)
    migrate_checks(db)  # before the views are dropped: `checks` is a table until then
    migrate_raw_names(db)
    migrate_fact_codes(db)
    for name, columns in TABLES.items():
        table = db.table(name)
        if name == "facts" and not table.exists():
            db.execute(facts_sql("facts"))
            continue
        if not table.exists():
            table.create(
                columns,
                pk=PRIMARY_KEYS.get(name, "id"),
                foreign_keys=FOREIGN_KEYS.get(name, []),
            )
            continue
        present = set(column_names(db, name))
        for column, kind in columns.items():
            if column not in present:  # an archive made by an older version
                table.add_column(column, kind)
    for table_name, indexed, unique in INDEXES + BULK_INDEXES:
        db.table(table_name).create_index(indexed, unique=unique, if_not_exists=True)
    for view, sql in VIEWS.items():
        db.execute(f"DROP VIEW IF EXISTS {view}")
        db.execute(sql)
    for trigger in CHECK_TRIGGERS:  # dropped with their view
        db.execute(trigger)


SQL_TYPES = {int: "INTEGER", float: "FLOAT", str: "TEXT", bytes: "BLOB"}


def facts_sql(name: str) -> str:
    """CREATE TABLE for `facts` under ``name``: the columns of TABLES, those of
    FACT_GENERATED computed (VIRTUAL), each reference to another table declared."""
    refers = {column: (other, key) for column, other, key in FOREIGN_KEYS["facts"]}
    columns = []
    for column, kind in TABLES["facts"].items():
        declared = f"[{column}] {SQL_TYPES[kind]}"
        if column == "id":
            declared += " PRIMARY KEY"
        if column in FACT_GENERATED:
            declared += f" GENERATED ALWAYS AS ({FACT_GENERATED[column]}) VIRTUAL"
        if column in refers:
            declared += f" REFERENCES [{refers[column][0]}]([{refers[column][1]}])"
        columns.append(declared)
    return f"CREATE TABLE [{name}] (\n   " + ",\n   ".join(columns) + "\n)"


def column_names(db: sqlite_utils.Database, table: str) -> list[str]:
    """A table's columns, generated ones too (``PRAGMA table_info`` leaves them out)."""
    return [str(r[1]) for r in db.execute(f"PRAGMA table_xinfo([{table}])").fetchall()]


def migrate_fact_codes(db: sqlite_utils.Database) -> None:
    """Store again the facts of an archive made when cell_id, name_key and row_label were
    stored columns, as codes they are computed from (FACT_GENERATED), in one transaction:
    every column is checked to read as before, or nothing changes (ArchiveError). Then
    the file is compacted (VACUUM), once: the old table's pages would stay free in it."""
    if not db.table("facts").exists():
        return
    old = column_names(db, "facts")
    if "cell" in old:
        return
    kept = [c for c in TABLES["facts"] if c in old and c not in FACT_GENERATED]
    codes = {
        "cell": cell_code("table_id", f"cell_id - table_id * {CELL_ID_BASE}"),
        "name_code": label_code("name_key", "entity_raw"),
        "label_code": label_code("row_label", "entity_raw"),
    }
    copied = [f"[{c}]" for c in kept] + list(codes)
    read = [f"[{c}]" for c in kept] + list(codes.values())
    compared = [c for c in TABLES["facts"] if c in old]
    differ = " OR ".join(f"n.[{c}] IS NOT o.[{c}]" for c in compared)
    conn = db.conn
    conn.execute("SAVEPOINT fact_codes")  # the DDL too: Python begins only before an INSERT
    try:
        for view in VIEWS:  # they read facts; ensure_schema makes them again
            conn.execute(f"DROP VIEW IF EXISTS {view}")
        conn.execute("ALTER TABLE facts RENAME TO facts_stored")
        conn.execute(facts_sql("facts"))
        conn.execute(
            f"INSERT INTO facts ({', '.join(copied)}) SELECT {', '.join(read)} FROM facts_stored"
        )
        changed = conn.execute(
            f"SELECT count(*) FROM facts_stored o LEFT JOIN facts n ON n.id = o.id "
            f"WHERE n.id IS NULL OR {differ}"
        ).fetchone()[0]
        if changed:
            raise ArchiveError(
                f"{changed} facts would read otherwise once stored as codes; the archive "
                "is left as it was: ingest into a new file instead, e.g. --db archive-new.db"
            )
        conn.execute("DROP TABLE facts_stored")
    except BaseException:
        conn.execute("ROLLBACK TO fact_codes")
        conn.execute("RELEASE fact_codes")
        raise
    conn.execute("RELEASE fact_codes")
    if not conn.in_transaction:  # give the old table's pages back: the file shrinks
        conn.execute("VACUUM")


def refuse_old_shape(db: sqlite_utils.Database) -> None:
    """Raise ArchiveError for an archive whose facts hold text and cells are rows."""
    if "cells" not in db.table_names():
        return
    rows = db.execute("PRAGMA database_list").fetchall()
    where = next((str(r[2]) for r in rows if r[1] == "main" and r[2]), "this archive")
    raise ArchiveError(
        f"{where} was made by an older version of bulletins (facts as text, a cells "
        "table); ingest into a new file instead, e.g. --db archive-new.db"
    )


def migrate_raw_names(db: sqlite_utils.Database) -> None:
    """Turn the raw names of an archive made before they were labels (facts.name_key and
    parent_raw as text) into label ids, in one transaction: same facts, fewer bytes."""
    facts = db.table("facts")
    if not facts.exists() or facts.columns_dict.get("name_key") is not str:
        return
    with db.conn:  # the ids and the new column types land together, or nothing does
        for view in VIEWS:  # they read facts; ensure_schema makes them again
            db.execute(f"DROP VIEW IF EXISTS {view}")
        db.execute(
            "INSERT OR IGNORE INTO labels (text) SELECT name_key FROM facts "
            "WHERE name_key IS NOT NULL UNION SELECT parent_raw FROM facts "
            "WHERE parent_raw IS NOT NULL"
        )
        for column in ("name_key", "parent_raw"):
            db.execute(
                f"UPDATE facts SET {column} = (SELECT id FROM labels WHERE text = facts.{column}) "
                f"WHERE {column} IS NOT NULL"
            )
        facts.transform(types={"name_key": int, "parent_raw": int})  # ids become integers


# A grid stored before runs: an array of cells, the first one's text at [0][4].
OLD_GRID = "json_type(grid, '$[0][4]') = 'text'"


def migrate_grids(db: sqlite_utils.Database) -> None:
    """Store again, as runs, the grids of an archive made when they were one array per
    cell, in one transaction: the `cells` view gives the same rows, in fewer bytes."""
    tables = db.table("source_tables")
    if not tables.exists() or "grid" not in tables.columns_dict:
        return
    old = db.execute(f"SELECT id, grid FROM source_tables WHERE {OLD_GRID}").fetchall()
    if not old:
        return
    with db.conn:  # every grid is converted, or none is
        db.conn.executemany(
            "UPDATE source_tables SET grid = ? WHERE id = ?",
            ((grid_json(pack_grid(json.loads(grid))), table_id) for table_id, grid in old),
        )


def migrate_checks(db: sqlite_utils.Database) -> None:
    """Move the findings of an archive whose `checks` is a table into check_rows, in one
    transaction; `checks` becomes the view of them. Lists of fact ids in compact JSON are
    stored packed, any other list as it was written."""
    if "checks" not in db.table_names():
        return
    with db.conn:  # the findings move whole, or stay
        for name, columns in (("check_terms", TABLES["check_terms"]),
                              ("check_rows", TABLES["check_rows"])):  # fmt: skip
            if not db.table(name).exists():
                db.table(name).create(columns, pk="id", foreign_keys=FOREIGN_KEYS.get(name, []))
        every = " UNION ".join(f"SELECT {t} AS text FROM checks" for t in CHECK_TERMS)
        db.execute(
            f"INSERT OR IGNORE INTO check_terms (text) SELECT text FROM ({every}) "
            "WHERE text IS NOT NULL"
        )
        terms = ", ".join(f"(SELECT id FROM check_terms WHERE text = c.{t})" for t in CHECK_TERMS)
        db.conn.executemany(
            f"INSERT INTO check_rows (id, bulletin_id, table_id, {', '.join(CHECK_TERMS)}, "
            "expected, actual, message, cells, given_cells) "
            f"SELECT c.id, c.bulletin_id, c.table_id, {terms}, c.expected, c.actual, c.message, "
            "?, ? FROM checks c WHERE c.id = ?",
            (
                (*packed_cells(cells), check_id)
                for check_id, cells in db.execute("SELECT id, cells FROM checks").fetchall()
            ),
        )
        db.execute("DROP TABLE checks")


def packed_cells(cells: str | None) -> tuple[str | None, str | None]:
    """(cells, given_cells) of check_rows for a `checks` list as stored: packed when it is
    compact JSON of fact ids (as ingest writes), else as it was."""
    try:
        ids = json.loads(cells) if cells else None
    except ValueError:
        return None, cells
    if not isinstance(ids, list) or not ids or any(type(i) is not int for i in ids):
        return None, cells
    if json.dumps(ids, separators=(",", ":")) != cells:  # not as ingest writes it
        return None, cells
    return json.dumps(pack_ids(ids), separators=(",", ":")), None


def drop_bulk_indexes(db: sqlite_utils.Database) -> None:
    """Drop the indexes a bulk load rebuilds at its end (``ensure_schema`` restores them)."""
    for table_name, indexed, _ in BULK_INDEXES:
        db.execute(f"DROP INDEX IF EXISTS idx_{table_name}_{'_'.join(indexed)}")


def build_bulk_indexes(db: sqlite_utils.Database) -> None:
    """Build the indexes a bulk load dropped."""
    for table_name, indexed, unique in BULK_INDEXES:
        db.table(table_name).create_index(indexed, unique=unique, if_not_exists=True)
