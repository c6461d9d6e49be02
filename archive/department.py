"""One page per department: every metric month by month, small charts, its printed names.

Only certain figures of primary editions are shown (``is_primary = 1``,
``needs_review = 0``), as on the trend; facts_readable has the rest. Like the trend, the
page follows the entity's lineage: a renamed or merged entity and its successors are
one department, and the page names the entities it joins.

In an archive of several publishers, entities belong to one (``entities.publisher``,
read only where the column exists): a name two publishers use is two departments, and
the page of one shows only the figures of its publisher's bulletins.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from archive.charts import Series, axis_months, is_month, sparkline
from archive.entity_facts import restricted_view, view_is_current
from archive.metadata import trend_url
from archive.printed import Links, exact_number
from archive.vocabulary import Vocabulary

CERTAIN = "coalesce(is_primary, 1) = 1 AND coalesce(needs_review, 0) = 0"


@dataclass(frozen=True)
class PrintedName:
    """A spelling of the entity and the periods it was printed in."""

    raw: str
    first: str | None  # None: printed only in facts without a period
    last: str | None
    facts: int


@dataclass
class Department:
    """What the archive holds for one entity."""

    name: str
    kind: str | None
    parent: str | None
    names: list[PrintedName]
    periods: list[str]
    lineage: list[str] = field(default_factory=list)  # the entities followed, first seen first
    # (table kind, metric) → period → (value, fact id)
    values: dict[tuple[str, str], dict[str, tuple[float | None, int]]] = field(default_factory=dict)
    publisher: str | None = None  # in an archive of several publishers


def has_entity_publishers(conn: sqlite3.Connection) -> bool:
    """Whether entities belong to publishers in this archive (its ``publisher`` column)."""
    return any(r[1] == "publisher" for r in conn.execute("PRAGMA table_info(entities)"))


def several_publishers(conn: sqlite3.Connection) -> bool:
    """Whether the entities of this archive belong to more than one publisher."""
    if not has_entity_publishers(conn):
        return False
    row = conn.execute("SELECT count(DISTINCT publisher) FROM entities").fetchone()
    return bool(row and row[0] > 1)


def entity_publishers(conn: sqlite3.Connection, text: str) -> list[str]:
    """The publishers with an entity of this name or alias (empty where entities have no
    publisher), in name order."""
    if not has_entity_publishers(conn):
        return []
    wanted = "".join(text.split())
    rows = conn.execute(
        "SELECT publisher FROM entities WHERE name = ? AND publisher IS NOT NULL UNION "
        "SELECT e.publisher FROM aliases a JOIN entities e ON e.id = a.entity_id "
        "WHERE a.alias = ? AND e.publisher IS NOT NULL ORDER BY 1",
        [wanted, wanted],
    ).fetchall()
    return [str(p) for (p,) in rows]


def resolve_entity(conn: sqlite3.Connection, text: str, publisher: str | None = None) -> str | None:
    """The canonical name for a name or alias as typed (spaces ignored), of
    ``publisher``'s entities when one is given and entities have publishers."""
    wanted = "".join(text.split())
    mine, args = _of_publisher(conn, "e", publisher)
    row = conn.execute(
        f"SELECT e.name FROM entities e WHERE e.name = ?{mine} UNION ALL "
        "SELECT e.name FROM aliases a JOIN entities e ON e.id = a.entity_id "
        f"WHERE a.alias = ?{mine}",
        [wanted, *args, wanted, *args],
    ).fetchone()
    return str(row[0]) if row else None


def _of_publisher(
    conn: sqlite3.Connection, alias: str, publisher: str | None
) -> tuple[str, list[str]]:
    """A condition keeping one publisher's entities, or none."""
    if publisher is None or not has_entity_publishers(conn):
        return "", []
    return f" AND {alias}.publisher = ?", [publisher]


def read_department(
    conn: sqlite3.Connection, name: str, publisher: str | None = None
) -> Department:
    """Every certain primary fact of ``name`` and of the entities in its lineage (the
    entities it was renamed or merged into, and those renamed or merged into it), by
    metric and period; with ``publisher``, only its entity and its bulletins' facts."""
    mine, args = _of_publisher(conn, "e", publisher)
    entity = conn.execute(
        f"SELECT kind, parent, coalesce(lineage, name) FROM entities e WHERE name = ?{mine}",
        [name, *args],
    ).fetchone()
    lineage = entity[2] if entity else name
    followed = f"(entity = :name OR coalesce(lineage, entity) = :lineage) AND {CERTAIN}"
    params = {"name": name, "lineage": lineage}
    if args:
        followed += " AND publisher = :publisher"
        params["publisher"] = args[0]
    # one pass over the facts printed under the names of the entities followed
    rows = conn.execute(
        "SELECT period, table_kind, metric, value, fact_id, entity_raw, entity "
        f"FROM {_followed_facts(conn)} WHERE {followed} "
        "ORDER BY period, table_kind, metric, row_role = 'item' DESC, fact_id",
        params,
    ).fetchall()
    dept = Department(
        name,
        entity[0] if entity else None,
        entity[1] if entity else None,
        _printed_names(rows),
        sorted({str(r[0]) for r in rows}),
        [str(e) for e, _ in _first_seen((r[6], r[0]) for r in rows if r[6] is not None)],
        publisher=publisher if args else None,
    )
    for period, kind, metric, value, fact_id, _, _ in rows:
        dept.values.setdefault((kind, metric), {}).setdefault(period, (value, fact_id))
    return dept


def _followed_facts(conn: sqlite3.Connection) -> str:
    """What read_department reads: the view's rows of the entities named ``:name`` or
    of lineage ``:lineage`` (and others printed under their names), else the view."""
    if not view_is_current(conn):
        return "facts_readable"
    entities = "SELECT id FROM entities WHERE name = :name OR coalesce(lineage, name) = :lineage"
    return f"{restricted_view(entities)} AS facts_readable"


Period = str | None


def _first_seen(pairs: Iterable[tuple[Any, Period]]) -> list[tuple[Any, list[Period]]]:
    """Each key with its periods, ordered as SQL orders ``GROUP BY key ORDER BY
    min(period), key``: by first period, then key, an empty one first."""
    found: dict[Any, list[Period]] = {}
    for key, period in pairs:
        found.setdefault(key, []).append(period)

    def order(item: tuple[Any, list[Period]]) -> tuple[bool, str, bool, str]:
        key, periods = item
        first = min((p for p in periods if p is not None), default=None)
        return first is not None, first or "", key is not None, str(key or "")

    return sorted(found.items(), key=order)


def _printed_names(rows: list[Any]) -> list[PrintedName]:
    """Each printed name (``entity_raw``, column 5) with its first and last period and facts."""
    out = []
    for raw, periods in _first_seen((r[5], r[0]) for r in rows):
        known = [p for p in periods if p is not None]
        first, last = (min(known), max(known)) if known else (None, None)
        out.append(PrintedName(raw, first, last, len(periods)))
    return out


def department_html(dept: Department, vocab: Vocabulary, links: Links, trend: str) -> Markup:
    """The names table, one small chart per metric, and the month × metric table."""
    parts = [_names_html(dept)]
    months = axis_months([Series("", {p: None for p in dept.periods})])
    charts = []
    for (kind, metric), by_period in dept.values.items():
        title = _metric_title(kind, metric, vocab)
        series = Series(title, {p: v for p, (v, _) in by_period.items() if is_month(p)})
        chart = sparkline(series, months, f"{dept.name}: {title}") if months else ""
        link = escape(trend + trend_url(dept.name, metric))
        charts.append(
            f'<figure class="bulletins-spark"><figcaption><a href="{link}">{escape(title)}'
            f"</a></figcaption>{chart}</figure>"
        )
    parts.append(f'<div class="bulletins-sparks">{"".join(charts)}</div>')
    parts.append(_table_html(dept, vocab, links))
    return Markup("".join(parts))


def _names_html(dept: Department) -> str:
    rows = "".join(
        f"<tr><td>{escape(n.raw)}</td><td>{escape(n.first)}</td><td>{escape(n.last)}</td>"
        f"<td>{n.facts}</td></tr>"
        for n in dept.names
    )
    about = " · ".join(escape(x) for x in (dept.publisher, dept.kind, dept.parent) if x)
    others = [e for e in dept.lineage if e != dept.name]
    lineage = (
        '<p class="bulletins-lineage">Follows the lineage, as the trend does: '
        + " → ".join(escape(e) for e in dept.lineage)
        + " are shown as one department.</p>"
        if others
        else ""
    )
    return (
        f"<p>{about}</p>{lineage}<h2>Printed as 原文名称</h2>"
        '<table class="bulletins-names"><tr><th>name as printed</th><th>first</th>'
        f"<th>last</th><th>facts</th></tr>{rows}</table><h2>Month by month 逐月</h2>"
    )


def _table_html(dept: Department, vocab: Vocabulary, links: Links) -> str:
    keys = list(dept.values)
    head = "".join(f"<th>{escape(_metric_title(k, m, vocab))}</th>" for k, m in keys)
    body = []
    for period in dept.periods:
        cells = []
        for key in keys:
            found = dept.values[key].get(period)
            if found is None:
                cells.append("<td></td>")
                continue
            value, fact_id = found
            shown = exact_number(value)
            cells.append(f'<td><a href="{escape(links.fact(fact_id))}">{shown or "–"}</a></td>')
        body.append(f"<tr><th>{escape(period)}</th>{''.join(cells)}</tr>")
    return (
        '<div class="table-wrapper"><table class="bulletins-months rows-and-columns">'
        f"<tr><th>period</th>{head}</tr>{''.join(body)}</table></div>"
    )


def _metric_title(kind: str, metric: str, vocab: Vocabulary) -> str:
    label = vocab.label(metric, kind)
    return f"{kind} · {metric}" + (f" {label}" if label else "")
