"""``facts_readable`` grouped without reading the view: the cube every summary is read from.

The view joins fourteen tables to every fact; grouping it sorts every fact on seven text
columns. What the view shows of a fact, for the columns the summaries keep, depends on
few integers: its label ids (period, table kind, metric, unit, header), its printed name
(``name_key``) and a few columns of its bulletin (period, primary or not, the publisher
whose names it uses, and its own id where it has resolution overrides). So the facts are
grouped on those first, the label ids packed into as few integers as fit (a sort on one
integer column costs a fraction of one on six), and the labels, bulletins and entities
are joined to the grouped rows only, exactly as the view joins them:

- period: the fact's own period label, else its bulletin's period;
- entity: the bulletin's override of the name first, else its publisher's resolution
  (``entity_join``, the view's own clauses);
- a fact whose metric has no label is not in the view (its only inner join on labels);
  a label id that names no label reads as NULL, as the view's LEFT JOINs read it.

``summary_periods`` comes from facts and bulletins: a bulletin whose class has no
figure of a period of its own holds its own period's figures when it holds any figure
(one search by bulletin); the facts of the other bulletins are read.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from archive.names_schema import entity_join

CUBE = "summary_cube"  # temp tables, dropped by the caller
GROUPS = "summary_groups"
BULLETINS = "summary_bulletins"
CLASSES = "summary_classes"
DATED = "summary_dated"  # the classes with a figure of a period of its own
# facts' label columns the cube keeps, each with the view column it becomes
LABELLED = ("period", "table_kind", "metric", "unit", "header")
PACK_LIMIT = 1 << 62  # a packed key stays below this (SQLite integers are 64-bit)


@dataclass(frozen=True)
class Packed:
    """One integer column of the group key: its SQL expression per fact, and for each
    column packed in it, the SQL reading that column's value back from the key."""

    expression: str
    parts: dict[str, str]


def pack(columns: list[tuple[str, str, int]], key: str) -> list[Packed]:
    """Integer columns ``(name, SQL of a value in 0..base-1, base)`` packed greedily
    into as few keys as fit below PACK_LIMIT; ``key`` names the packed columns when
    read back (``key0``, ``key1``…)."""
    packs: list[list[tuple[str, str, int]]] = [[]]
    room = 1
    for name, value, base in columns:
        if packs[-1] and room * base >= PACK_LIMIT:
            packs.append([])
            room = 1
        packs[-1].append((name, value, base))
        room *= base
    out = []
    for i, members in enumerate(packs):
        expression, parts, scale = "0", {}, 1
        for name, value, base in members:
            expression = f"{expression} + ({value}) * {scale}"
            parts[name] = f"({key}{i} / {scale}) % {base}"
            scale *= base
        out.append(Packed(expression, parts))
    return out


def label_value(column: str, low: int, top: int) -> str:
    """A fact's label id as 1..top-low+1, 0 for NULL or an id no label has (the view
    reads both as NULL)."""
    return f"CASE WHEN f.{column} BETWEEN {low} AND {top} THEN f.{column} - {low - 1} ELSE 0 END"


def build_cube(conn: sqlite3.Connection) -> None:
    """Create ``temp.summary_cube``: the rows of ``facts_readable`` grouped by period,
    table_kind, metric, entity, unit, header and is_primary, with their number ``n`` and
    smallest ``fact_id`` ``first``, as the view itself grouped gives them."""
    _classify_bulletins(conn)
    low, top = (
        int(v)
        for v in conn.execute(
            "SELECT coalesce(min(id), 0), coalesce(max(id), 0) FROM labels"
        ).fetchone()
    )
    classes = int(conn.execute(f"SELECT coalesce(max(cls), 0) FROM temp.{BULLETINS}").fetchone()[0])
    columns = [("cls", "s.cls", classes + 1)]
    columns += [(c, label_value(c, low, top), top - low + 2) for c in LABELLED]
    packed = pack(columns, "key")
    keys = ", ".join(f"{p.expression} AS key{i}" for i, p in enumerate(packed))
    conn.execute(
        f"CREATE TEMP TABLE {GROUPS} AS SELECT {keys}, f.name_key AS name_key, "
        f"count(*) AS n, min(f.id) AS first FROM facts f "
        f"JOIN temp.{BULLETINS} s ON s.id = f.bulletin_id "
        f"GROUP BY {', '.join(str(i + 1) for i in range(len(packed) + 1))}"
    )
    parts = {name: sql for p in packed for name, sql in p.parts.items()}
    conn.execute(
        f"CREATE TEMP TABLE {DATED} AS SELECT DISTINCT {parts['cls']} AS cls "
        f"FROM temp.{GROUPS} WHERE {parts['period']} != 0"
    )
    unpacked = ", ".join(f"{sql} AS {name}" for name, sql in parts.items())
    label = {c: f"l_{c}" for c in LABELLED}
    joins = " ".join(
        f"{'JOIN' if c == 'metric' else 'LEFT JOIN'} labels {label[c]} "
        f"ON {label[c]}.id = g.{c} + {low - 1}"
        for c in LABELLED
    )
    conn.execute(
        f"""CREATE TEMP TABLE {CUBE} AS
        SELECT COALESCE(l_period.text, c.period) AS period, l_table_kind.text AS table_kind,
          l_metric.text AS metric, e.name AS entity, l_unit.text AS unit,
          l_header.text AS header, c.is_primary AS is_primary, sum(g.n) AS n,
          min(g.first) AS first
        FROM (SELECT {unpacked}, name_key, n, first FROM temp.{GROUPS}) g
        JOIN temp.{CLASSES} c ON c.cls = g.cls
        {entity_join("c", "c", "g.name_key", "e")}
        {joins}
        GROUP BY 1, 2, 3, 4, 5, 6, 7"""
    )


def _classify_bulletins(conn: sqlite3.Connection) -> None:
    """Bulletins that give their facts the same period, primary flag and entities share
    a class: the same period, is_primary and publisher of names, and no resolution
    override (a bulletin with overrides is a class of its own)."""
    conn.execute(
        f"""CREATE TEMP TABLE {BULLETINS} (id INTEGER PRIMARY KEY, own INTEGER,
        cls INTEGER NOT NULL)"""
    )
    own = "CASE WHEN id IN (SELECT bulletin_id FROM resolution_overrides) THEN id END"
    conn.execute(
        f"INSERT INTO {BULLETINS} (id, own, cls) SELECT id, {own}, dense_rank() OVER "
        f"(ORDER BY {own}, COALESCE(names_scope, ''), period, is_primary) FROM bulletins"
    )
    conn.execute(
        f"""CREATE TEMP TABLE {CLASSES} (cls INTEGER PRIMARY KEY, bulletin_id INTEGER,
        names_scope TEXT, period TEXT, is_primary INTEGER)"""
    )
    conn.execute(  # the members of a class agree on every column kept
        f"INSERT INTO {CLASSES} SELECT s.cls, min(s.own), min(COALESCE(b.names_scope, '')), "
        f"min(b.period), min(b.is_primary) FROM temp.{BULLETINS} s "
        "JOIN bulletins b ON b.id = s.id GROUP BY s.cls"
    )


def period_rows_sql(conn: sqlite3.Connection) -> str:
    """SELECT of the distinct (period, bulletin) pairs of ``facts_readable`` whose period
    is not NULL, from facts and bulletins; after ``build_cube``. A fact is in the view
    when its metric has a label. A bulletin of a class whose facts have no period of
    their own holds its own period's figures if one of its facts is in the view (a
    search by bulletin); the facts of the others are read."""
    low, top, count = conn.execute(
        "SELECT coalesce(min(id), 0), coalesce(max(id), -1), count(*) FROM labels"
    ).fetchone()
    labelled = (  # without gaps in label ids, a range says so without a join ('+': the
        # planner scans facts rather than searching the metric index)
        f"+f.metric BETWEEN {int(low)} AND {int(top)}"
        if int(count) == int(top) - int(low) + 1
        else "f.metric IN (SELECT id FROM labels)"
    )
    dated = f"(SELECT s.id FROM temp.{BULLETINS} s JOIN temp.{DATED} d ON d.cls = s.cls)"
    return f"""SELECT DISTINCT COALESCE(lp.text, b.period) AS period, b.path AS bulletin
        FROM (SELECT DISTINCT f.bulletin_id AS bulletin_id, f.period AS period FROM facts f
              WHERE f.bulletin_id IN {dated} AND {labelled}
              UNION ALL
              SELECT b.id, NULL FROM bulletins b WHERE b.id NOT IN {dated}
              AND EXISTS (SELECT 1 FROM facts f WHERE f.bulletin_id = b.id AND {labelled})) x
        JOIN bulletins b ON b.id = x.bulletin_id
        LEFT JOIN labels lp ON lp.id = x.period
        WHERE COALESCE(lp.text, b.period) IS NOT NULL"""


def drop_cube(conn: sqlite3.Connection) -> None:
    """Drop the temp tables of ``build_cube``."""
    for table in (CUBE, GROUPS, DATED, CLASSES, BULLETINS):
        conn.execute(f"DROP TABLE IF EXISTS temp.{table}")
