"""The names tables and views: entities, aliases and resolutions kept per publisher.

A publisher's key is ``bulletins.names_scope``: the publisher of the profile a bulletin
was ingested under, else '' (the run's names file; see ``Resolver.scope_of``). Entities, aliases,
resolutions and candidates belong to one key each: the same printed 区民政局 of two
publishers is two entities. A resolution is one row per (publisher, raw name); where a
bulletin refuses it (two of its names landing on one entity by inference), a row of
``resolution_overrides`` says so for that bulletin, with the reason.

Kept free of heavy imports: the schema module reads it at start-up.
"""

from __future__ import annotations

import sqlite_utils

NAMES_TABLES: dict[str, dict[str, type]] = {
    "entities": {
        "id": int,
        "publisher": str,
        "name": str,
        "kind": str,
        "parent": str,
        "valid_from": str,
        "valid_to": str,
        "successor": str,
        "lineage": str,
    },
    "aliases": {"publisher": str, "alias": str, "entity_id": int, "how": str},
    "resolutions": {
        "publisher": str,
        "raw": str,
        "entity_id": int,
        "method": str,
        "score": float,
        "qualifier": str,
    },
    "resolution_overrides": {
        "bulletin_id": int,
        "raw": str,
        "entity_id": int,
        "method": str,
        "reason": str,
    },
    "name_candidates": {
        "publisher": str,
        "raw": str,
        "rank": int,
        "entity_id": int,
        "score": float,
        "how": str,
    },
}
NAMES_KEYS: dict[str, str | tuple[str, ...]] = {
    "aliases": ("publisher", "alias"),
    "resolutions": ("publisher", "raw"),
    "resolution_overrides": ("bulletin_id", "raw"),
    "name_candidates": ("publisher", "raw", "rank"),
}
NAMES_FOREIGN_KEYS = {
    "aliases": [("entity_id", "entities", "id")],
    "resolutions": [("entity_id", "entities", "id")],
    "resolution_overrides": [("bulletin_id", "bulletins", "id"), ("entity_id", "entities", "id")],
    "name_candidates": [("entity_id", "entities", "id")],
}
NAMES_INDEXES = [("entities", ["publisher", "name"], True)]
# Children first: each refers to entities.
NAMES_ORDER = ("name_candidates", "resolution_overrides", "resolutions", "aliases", "entities")

PUBLISHER_OF = "COALESCE({b}.names_scope, '')"


def entity_join(
    fact: str = "f", bulletin: str = "b", key: str = "f.name_key", alias: str = "e"
) -> str:
    """LEFT JOIN clauses reaching the entity of the raw name ``key`` (an SQL expression:
    the id of its label, as `facts` holds it) of fact ``fact`` in bulletin ``bulletin``:
    the bulletin's override first, else its publisher's resolution. The entity is
    ``alias``; the raw name's label, the override and the resolution are ``{alias}_k``,
    ``{alias}_o`` and ``{alias}_r`` (their ``method`` says how)."""
    k, o, r = f"{alias}_k", f"{alias}_o", f"{alias}_r"
    return (
        f"LEFT JOIN labels {k} ON {k}.id = {key} "
        f"LEFT JOIN resolution_overrides {o} "
        f"ON {o}.bulletin_id = {fact}.bulletin_id AND {o}.raw = {k}.text "
        f"LEFT JOIN resolutions {r} ON {o}.raw IS NULL "
        f"AND {r}.publisher = {PUBLISHER_OF.format(b=bulletin)} AND {r}.raw = {k}.text "
        f"LEFT JOIN entities {alias} "
        f"ON {alias}.id = CASE WHEN {o}.raw IS NULL THEN {r}.entity_id ELSE {o}.entity_id END"
    )


# Where each open name is printed: every bulletin of its publisher for an unresolved
# resolution, the overriding bulletin for a refused one. Facts hold raw names as label
# ids: the open names' ids are looked up once, then facts are scanned for them.
OPEN_NAMES = """
WITH unresolved AS (SELECT publisher, raw, method FROM resolutions WHERE entity_id IS NULL),
keys AS (SELECT id FROM labels WHERE text IN (SELECT raw FROM unresolved)),
printed AS (
  SELECT x.bulletin_id AS bulletin_id, l.text AS raw, x.n AS n
  FROM (SELECT bulletin_id, name_key AS k, COUNT(*) AS n FROM facts
        WHERE name_key IN (SELECT id FROM keys) GROUP BY bulletin_id, name_key
        UNION ALL
        SELECT bulletin_id, parent_raw, COUNT(*) FROM facts
        WHERE parent_raw IN (SELECT id FROM keys) GROUP BY bulletin_id, parent_raw) x
  JOIN labels l ON l.id = x.k
),
open AS (
  SELECT u.publisher AS publisher, u.raw AS raw, u.method AS method, NULL AS reason,
         p.bulletin_id AS bulletin_id, SUM(p.n) AS n
  FROM printed p
  JOIN bulletins b ON b.id = p.bulletin_id
  JOIN unresolved u ON u.publisher = COALESCE(b.names_scope, '') AND u.raw = p.raw
  GROUP BY u.publisher, u.raw, p.bulletin_id
  UNION ALL
  SELECT COALESCE(b.names_scope, ''), o.raw, o.method, o.reason, o.bulletin_id,
         (SELECT COUNT(*) FROM facts f, labels l WHERE l.text = o.raw
          AND f.bulletin_id = o.bulletin_id AND (f.name_key = l.id OR f.parent_raw = l.id))
  FROM resolution_overrides o JOIN bulletins b ON b.id = o.bulletin_id
  WHERE o.entity_id IS NULL
)
"""

UNRESOLVED_NAMES = f"""
CREATE VIEW unresolved_names AS
{OPEN_NAMES}
SELECT o.raw AS name, MIN(o.method) AS method, SUM(o.n) AS facts,
       COUNT(DISTINCT o.bulletin_id) AS bulletins, MIN(b.path) AS first_seen_in,
       (SELECT group_concat(e.name || ' (' || c.score || ', ' || c.how || ')', '; ')
        FROM name_candidates c JOIN entities e ON e.id = c.entity_id
        WHERE c.publisher = o.publisher AND c.raw = o.raw ORDER BY c.rank) AS candidates,
       o.publisher AS publisher, MIN(o.reason) AS reason
FROM open o
JOIN bulletins b ON b.id = o.bulletin_id
GROUP BY o.publisher, o.raw
"""

# How many bulletins print each name: one pass over facts, grouped.
NAMES_RESOLVED = """
CREATE VIEW names_resolved AS
WITH printed AS (
  SELECT COALESCE(b.names_scope, '') AS publisher, l.text AS raw,
         COUNT(DISTINCT x.bulletin_id) AS bulletins
  FROM (SELECT DISTINCT bulletin_id, name_key AS k FROM facts WHERE name_key IS NOT NULL
        UNION SELECT DISTINCT bulletin_id, parent_raw FROM facts WHERE parent_raw IS NOT NULL) x
  JOIN labels l ON l.id = x.k
  JOIN bulletins b ON b.id = x.bulletin_id
  GROUP BY 1, 2
),
stated AS (
  SELECT r.publisher AS publisher, r.raw AS raw, r.entity_id AS entity_id, r.method AS method,
         r.score AS score, r.qualifier AS qualifier, NULL AS bulletin_id
  FROM resolutions r
  UNION ALL
  SELECT COALESCE(b.names_scope, ''), o.raw, o.entity_id, o.method, NULL, NULL, o.bulletin_id
  FROM resolution_overrides o JOIN bulletins b ON b.id = o.bulletin_id
)
SELECT s.raw AS raw, e.name AS entity, e.kind AS kind, s.method AS method, MAX(s.score) AS score,
       MAX(s.qualifier) AS qualifier,
       CASE WHEN MAX(s.bulletin_id) IS NOT NULL THEN COUNT(DISTINCT s.bulletin_id)
       ELSE MAX(p.bulletins) END AS bulletins,
       (SELECT group_concat(a.alias, '; ') FROM aliases a WHERE a.entity_id = e.id) AS aliases,
       s.publisher AS publisher
FROM stated s
LEFT JOIN entities e ON e.id = s.entity_id
LEFT JOIN printed p ON p.publisher = s.publisher AND p.raw = s.raw
GROUP BY s.publisher, s.raw, e.name, s.method
"""

NAMES_VIEWS = {"unresolved_names": UNRESOLVED_NAMES, "names_resolved": NAMES_RESOLVED}


def migrate_names(db: sqlite_utils.Database) -> None:
    """Drop names tables an older version kept per bulletin or for one publisher; they
    are rebuilt from the names file on the next ingest (nothing else refers to them)."""
    resolutions = db.table("resolutions")
    if not resolutions.exists() or "publisher" in resolutions.columns_dict:
        return
    for name in NAMES_ORDER:
        db.execute(f"DROP TABLE IF EXISTS [{name}]")
    if db.table("archive_state").exists():
        db.execute("DELETE FROM archive_state WHERE key = 'names'")
    if db.table("publishers").exists() and "fingerprint" in db.table("publishers").columns_dict:
        db.execute("UPDATE publishers SET fingerprint = NULL")
