"""The whole schema, so that any change to it is a visible diff."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils

from archive.database import ArchiveError
from archive.schema import column_names, drop_bulk_indexes, ensure_schema
from normalize.catalog import Catalog
from normalize.names import NameBook
from tests.helpers import DEC, SEP, ingest_into

EXPECTED = {
    "bulletins": ["id", "path", "sha256", "format", "encoding", "period", "period_type",
                  "period_start", "period_end", "period_basis", "published", "publisher", "names_scope",
                  "is_primary", "title", "n_tables", "n_facts", "ingested_at", "source",
                  "extractor_version", "config_hash", "edition_of", "source_url"],
    "copies": ["id", "path", "sha256", "bulletin_id", "source", "seen_at"],
    "documents": ["bulletin_id", "body"],
    "archive_state": ["key", "value"],
    "publishers": ["name", "profile", "names", "updated_at", "fingerprint"],
    "source_tables": ["id", "bulletin_id", "table_no", "kind", "caption", "n_rows", "n_cols",
                      "header_rows", "stub_cols", "engine", "line_start", "line_end", "page",
                      "headers", "metrics", "grid", "quality", "review"],
    "blocks": ["id", "bulletin_id", "seq", "text", "line", "page"],
    "labels": ["id", "text"],
    "facts": ["id", "bulletin_id", "table_id", "cell_id", "table_kind", "entity_raw", "name_key", "parent_raw",
              "row_label", "row_role", "metric", "header", "value", "value_raw", "unit", "note",
              "row", "col", "line", "page", "bbox", "needs_review", "period", "period_type",
              "cell", "name_code", "label_code"],
    "entities": ["id", "publisher", "name", "kind", "parent", "valid_from", "valid_to", "successor",
                 "lineage"],
    "aliases": ["publisher", "alias", "entity_id", "how"],
    "resolutions": ["publisher", "raw", "entity_id", "method", "score", "qualifier"],
    "resolution_overrides": ["bulletin_id", "raw", "entity_id", "method", "reason"],
    "name_candidates": ["publisher", "raw", "rank", "entity_id", "score", "how"],
    "warnings": ["id", "bulletin_id", "message"],
    "check_rows": ["id", "bulletin_id", "table_id", "rule", "subject", "metric", "expected",
                   "actual", "status", "message", "cells", "given_cells"],
    "check_terms": ["id", "text"],
    "failures": ["id", "path", "sha256", "stage", "error", "at"],
}  # fmt: skip
FACTS_READABLE = [
    "bulletin", "period", "table_kind", "entity", "entity_raw", "row_role", "metric", "value",
    "value_raw", "unit", "note", "parent", "parent_raw", "table_no", "row", "col", "line", "page",
    "header", "fact_id", "table_id", "cell_id", "lineage", "publisher", "is_primary",
    "period_type", "needs_review",
]  # fmt: skip

CELLS = ["id", "table_id", "row", "col", "rowspan", "colspan", "text", "line", "page", "bbox"]


def test_whole_schema() -> None:
    db = sqlite_utils.Database(memory=True)
    ensure_schema(db)
    ensure_schema(db)  # idempotent
    assert {t: column_names(db, t) for t in db.table_names()} == EXPECTED
    xinfo = db.execute("PRAGMA table_xinfo(facts)").fetchall()
    assert [r[1] for r in xinfo if r[6] == 2] == ["cell_id", "name_key", "row_label"]  # VIRTUAL
    assert set(db.view_names()) == {
        "cells",
        "checks",
        "facts_readable",
        "unresolved_names",
        "names_resolved",
        "review",
    }
    assert [c.name for c in db["facts_readable"].columns] == FACTS_READABLE
    assert [c.name for c in db["cells"].columns] == CELLS
    assert [c.name for c in db["checks"].columns] == CHECKS


CHECKS = ["id", "bulletin_id", "table_id", "rule", "subject", "metric", "expected", "actual",
          "status", "message", "cells"]  # fmt: skip


def test_an_older_archive_gains_the_new_columns() -> None:
    db = sqlite_utils.Database(memory=True)
    db["bulletins"].create({"id": int, "path": str, "sha256": str}, pk="id")
    db["bulletins"].insert({"id": 1, "path": "a.txt", "sha256": "x"})
    ensure_schema(db)
    assert [c.name for c in db["bulletins"].columns][:4] == ["id", "path", "sha256", "format"]
    assert db.execute("SELECT path, edition_of, config_hash FROM bulletins").fetchall() == [
        ("a.txt", None, None)
    ]


def test_an_archive_with_cells_as_rows_is_refused_in_one_line(tmp_path: Path) -> None:
    db = sqlite_utils.Database(tmp_path / "old.db")
    db["cells"].create({"id": int, "table_id": int, "text": str}, pk="id")
    with pytest.raises(ArchiveError) as caught:
        ensure_schema(db)
    assert str(caught.value) == (
        f"{tmp_path / 'old.db'} was made by an older version of bulletins (facts as text, a "
        "cells table); ingest into a new file instead, e.g. --db archive-new.db"
    )


def test_indexes_a_bulk_load_dropped_come_back_on_the_next_run() -> None:
    db = sqlite_utils.Database(memory=True)
    ensure_schema(db)
    drop_bulk_indexes(db)  # a bulk load killed before its end
    assert {i.name for i in db["facts"].indexes} == set()
    ensure_schema(db)
    assert {i.name for i in db["facts"].indexes} == {
        "idx_facts_bulletin_id",
        "idx_facts_metric",
    }


def test_names_kept_per_bulletin_by_an_older_version_are_dropped_and_rebuilt() -> None:
    db = sqlite_utils.Database(memory=True)
    db["entities"].create({"id": int, "name": str}, pk="id")
    db["entities"].insert({"id": 7, "name": "区民政局"})
    db["resolutions"].create(
        {"bulletin_id": int, "raw": str, "entity_id": int}, pk=("bulletin_id", "raw")
    )
    db["resolutions"].insert({"bulletin_id": 1, "raw": "民政局", "entity_id": 7})
    db["archive_state"].create({"key": str, "value": str}, pk="key")
    db["archive_state"].insert({"key": "names", "value": "an old fingerprint"})
    ensure_schema(db)
    assert [c.name for c in db["resolutions"].columns][:2] == ["publisher", "raw"]
    assert db.execute("SELECT COUNT(*) FROM entities").fetchone() == (0,)
    assert db.execute("SELECT * FROM archive_state").fetchall() == []


def test_raw_names_kept_as_text_by_an_older_version_become_labels(
    tmp_path: Path, catalog: Catalog, names: NameBook
) -> None:
    db, _ = ingest_into(tmp_path / "a.db", [SEP, DEC], catalog, names)
    readable = "SELECT * FROM facts_readable ORDER BY fact_id"
    before = db.execute(readable).fetchall()
    # the shape of the version before: the raw names as text in facts
    stored_shape(db)
    db["facts"].transform(
        types={"name_key": str, "parent_raw": str}, drop_foreign_keys=["name_key", "parent_raw"]
    )
    for column in ("name_key", "parent_raw"):
        db.execute(
            f"UPDATE facts SET {column} = (SELECT text FROM labels WHERE id = facts.{column})"
        )
    db.conn.commit()
    names_as_text = db.execute(
        "SELECT count(*) FROM facts WHERE typeof(name_key) = 'text'"
    ).fetchone()[0]
    assert names_as_text > 0
    ensure_schema(db)
    assert column_names(db, "facts") == EXPECTED["facts"]
    assert db.execute(
        "SELECT count(*) FROM facts WHERE typeof(name_key) = 'text' OR typeof(parent_raw) = 'text'"
    ).fetchone() == (0,)
    assert db.execute(readable).fetchall() == before
    assert db.execute(
        "SELECT entity, entity_raw, value FROM facts_readable "
        "WHERE entity_raw = '区社保局' AND metric = 'accepted' AND bulletin LIKE '2020-12%'"
    ).fetchall() == [("区社会保险事务中心", "区社保局", 2586.0)]


# `facts` as the versions before codes made it: cell_id, name_key and row_label stored.
STORED_FACTS = """
CREATE TABLE facts (id INTEGER PRIMARY KEY, bulletin_id INTEGER, table_id INTEGER,
  cell_id INTEGER, table_kind INTEGER, entity_raw INTEGER, name_key INTEGER,
  parent_raw INTEGER, row_label INTEGER, row_role INTEGER, metric INTEGER, header INTEGER,
  value FLOAT, value_raw TEXT, unit INTEGER, note INTEGER, "row" INTEGER, col INTEGER,
  line INTEGER, page INTEGER, bbox TEXT, needs_review INTEGER, period INTEGER,
  period_type INTEGER)
"""
OLD_COLUMNS = EXPECTED["facts"][:24]


def stored_shape(db: sqlite_utils.Database) -> None:
    """Turn an archive's facts back into the shape before codes (the views dropped)."""
    for view in ("facts_readable", "review", "unresolved_names", "names_resolved"):
        db.execute(f"DROP VIEW IF EXISTS {view}")
    db.execute("ALTER TABLE facts RENAME TO facts_new")
    db.execute(STORED_FACTS)
    listed = ", ".join(f'"{c}"' for c in OLD_COLUMNS)
    db.execute(f"INSERT INTO facts ({listed}) SELECT {listed} FROM facts_new")
    db.execute("DROP TABLE facts_new")
    db.conn.commit()


def test_facts_stored_whole_by_an_older_version_become_codes(
    tmp_path: Path, catalog: Catalog, names: NameBook
) -> None:
    db, _ = ingest_into(tmp_path / "a.db", [SEP, DEC], catalog, names)
    readable = "SELECT * FROM facts_readable ORDER BY fact_id"
    listed = ", ".join(f'"{c}"' for c in OLD_COLUMNS)
    before = db.execute(readable).fetchall()
    facts = db.execute(f"SELECT {listed} FROM facts ORDER BY id").fetchall()
    stored_shape(db)
    assert "cell" not in column_names(db, "facts")
    assert db.execute(f"SELECT {listed} FROM facts ORDER BY id").fetchall() == facts
    ensure_schema(db)
    assert column_names(db, "facts") == EXPECTED["facts"]
    assert db.execute(f"SELECT {listed} FROM facts ORDER BY id").fetchall() == facts
    assert db.execute(readable).fetchall() == before
    assert "facts_stored" not in db.table_names()
    assert db.execute("PRAGMA freelist_count").fetchone() == (0,)  # the file was compacted
    # 区社保局's accepted count of December 2020, read from a table: its cell id is its
    # table's id times the base plus its index; its name and row label are the raw name,
    # so both codes are NULL
    row = db.execute(
        "SELECT f.cell, f.name_code, f.label_code, f.cell_id - f.table_id * 1000000, "
        "n.text, r.text FROM facts f JOIN labels n ON n.id = f.name_key "
        "JOIN labels r ON r.id = f.row_label JOIN labels m ON m.id = f.metric "
        "JOIN labels e ON e.id = f.entity_raw JOIN bulletins b ON b.id = f.bulletin_id "
        "WHERE e.text = '区社保局' AND m.text = 'accepted' AND b.path LIKE '2020-12%'"
    ).fetchall()
    assert len(row) == 1 and row[0][1:] == (None, None, row[0][0], "区社保局", "区社保局")


def test_facts_that_would_read_otherwise_as_codes_are_left_as_they_were(
    tmp_path: Path, catalog: Catalog, names: NameBook
) -> None:
    db, _ = ingest_into(tmp_path / "a.db", [SEP], catalog, names)
    stored_shape(db)
    # a cell id without a table: no code gives it back
    db.execute("UPDATE facts SET table_id = NULL, cell_id = 77 WHERE id = 1")
    db.conn.commit()
    facts = db.execute("SELECT * FROM facts ORDER BY id").fetchall()
    with pytest.raises(ArchiveError) as caught:
        ensure_schema(db)
    assert str(caught.value) == (
        "1 facts would read otherwise once stored as codes; the archive is left as it was: "
        "ingest into a new file instead, e.g. --db archive-new.db"
    )
    assert "cell" not in column_names(db, "facts")
    assert db.execute("SELECT * FROM facts ORDER BY id").fetchall() == facts
