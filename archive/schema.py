"""The archive's shape, declared in one place: tables, indexes, views.

``ensure_schema`` runs before every load; it creates what is missing and replaces the
views, so a database made by an older version gains new views on its next ingest.
"""

from __future__ import annotations

import sqlite_utils

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
    "cells": {
        "id": int,
        "table_id": int,
        "row": int,
        "col": int,
        "rowspan": int,
        "colspan": int,
        "text": str,
        "line": int,
        "page": int,
        "bbox": str,
    },
    "facts": {
        "id": int,
        "bulletin_id": int,
        "table_id": int,
        "cell_id": int,
        "table_kind": str,
        "entity_raw": str,
        "name_key": str,
        "parent_raw": str,
        "row_label": str,
        "row_role": str,
        "metric": str,
        "header": str,
        "value": float,
        "value_raw": str,
        "unit": str,
        "note": str,
        "row": int,
        "col": int,
        "line": int,
        "page": int,
        "bbox": str,
        "needs_review": int,
        "period": str,
        "period_type": str,
    },
    "warnings": {"id": int, "bulletin_id": int, "message": str},
    "checks": {
        "id": int,
        "bulletin_id": int,
        "table_id": int,
        "rule": str,
        "subject": str,
        "metric": str,
        "expected": float,
        "actual": float,
        "status": str,
        "message": str,
        "cells": str,
    },
    "failures": {"id": int, "path": str, "sha256": str, "stage": str, "error": str, "at": str},
    **NAMES_TABLES,
}

PRIMARY_KEYS: dict[str, str | tuple[str, ...]] = {
    "documents": "bulletin_id",
    "archive_state": "key",
    "publishers": "name",
    **NAMES_KEYS,
}
FOREIGN_KEYS = {
    "source_tables": [("bulletin_id", "bulletins", "id")],
    "blocks": [("bulletin_id", "bulletins", "id")],
    "cells": [("table_id", "source_tables", "id")],
    "facts": [
        ("bulletin_id", "bulletins", "id"),
        ("table_id", "source_tables", "id"),
        ("cell_id", "cells", "id"),
    ],
    "warnings": [("bulletin_id", "bulletins", "id")],
    "copies": [("bulletin_id", "bulletins", "id")],
    "documents": [("bulletin_id", "bulletins", "id")],
    "checks": [("bulletin_id", "bulletins", "id"), ("table_id", "source_tables", "id")],
    **NAMES_FOREIGN_KEYS,
}
INDEXES = [
    ("bulletins", ["path"], True),
    ("bulletins", ["sha256"], False),
    ("copies", ["path"], True),
    ("facts", ["bulletin_id"], False),
    ("facts", ["name_key"], False),
    ("facts", ["metric", "table_kind"], False),
    ("cells", ["table_id"], False),
    ("blocks", ["bulletin_id"], False),
    ("source_tables", ["bulletin_id"], False),
    ("failures", ["path"], False),
    ("checks", ["bulletin_id"], False),
    *NAMES_INDEXES,
]

FACTS_READABLE = f"""
CREATE VIEW facts_readable AS
SELECT
  b.path AS bulletin,
  COALESCE(f.period, b.period) AS period,
  f.table_kind AS table_kind,
  e.name AS entity,
  f.entity_raw AS entity_raw,
  f.row_role AS row_role,
  f.metric AS metric,
  f.value AS value,
  f.value_raw AS value_raw,
  f.unit AS unit,
  f.note AS note,
  pe.name AS parent,
  f.parent_raw AS parent_raw,
  t.table_no AS table_no,
  f."row" AS "row",
  f.col AS col,
  f.line AS line,
  f.page AS page,
  f.header AS header,
  f.id AS fact_id,
  f.table_id AS table_id,
  f.cell_id AS cell_id,
  e.lineage AS lineage,
  b.publisher AS publisher,
  b.is_primary AS is_primary,
  COALESCE(f.period_type, b.period_type) AS period_type,
  CASE WHEN f.needs_review != 0 THEN 1 ELSE 0 END AS needs_review
FROM facts f
JOIN bulletins b ON b.id = f.bulletin_id
LEFT JOIN source_tables t ON t.id = f.table_id
{entity_join("f", "b", "f.name_key", "e")}
{entity_join("f", "b", "f.parent_raw", "pe")}
"""

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
    "facts_readable": FACTS_READABLE,
    "review": REVIEW,
    **NAMES_VIEWS,
}


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create missing tables, columns and indexes; (re)create the views."""
    migrate_names(db)
    for name, columns in TABLES.items():
        table = db.table(name)
        if not table.exists():
            table.create(
                columns,
                pk=PRIMARY_KEYS.get(name, "id"),
                foreign_keys=FOREIGN_KEYS.get(name, []),
            )
            continue
        present = set(table.columns_dict)
        for column, kind in columns.items():
            if column not in present:  # an archive made by an older version
                table.add_column(column, kind)
    for table_name, indexed, unique in INDEXES:
        db.table(table_name).create_index(indexed, unique=unique, if_not_exists=True)
    for view, sql in VIEWS.items():
        db.execute(f"DROP VIEW IF EXISTS {view}")
        db.execute(sql)
