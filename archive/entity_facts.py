"""The rows of ``facts_readable`` of some entities, without scanning the whole view.

The view finds a fact's entity through its printed name (``facts.name_key``): the
bulletin's override of that name, else its publisher's resolution. No index leads from
an entity to its facts, so ``WHERE entity = ?`` joins every fact to fourteen tables
before it can drop one. The printed names that can reach an entity are few: those its
resolutions and overrides name. :func:`restricted_view` is the view's own SELECT with
one more condition on ``facts`` (its name is one of those), so only those facts are
joined; the view's condition on ``entity`` still applies on top, so the rows are exactly
the view's, in the order the view gives them (the facts are read in the same order).

Only while the archive's view is the one this version creates (:func:`view_is_current`):
an archive written by another version is read through its own view.
"""

from __future__ import annotations

import re
import sqlite3

from archive.schema import FACTS_READABLE

VIEW = "facts_readable"
_HEAD = f"CREATE VIEW {VIEW} AS"
# clauses after which one more WHERE could not simply follow the view's joins
_CLOSED = re.compile(r"\b(WHERE|GROUP|HAVING|WINDOW|ORDER|LIMIT|UNION|EXCEPT|INTERSECT)\b", re.I)


def _select_of(view: str) -> str | None:
    """The SELECT of the view's declaration, if it is one a condition can be added to."""
    body = view.strip()
    if not body.startswith(_HEAD) or _CLOSED.search(body):
        return None
    return body.removeprefix(_HEAD)


VIEW_SELECT = _select_of(FACTS_READABLE)  # None: the view is read as it is


def view_is_current(conn: sqlite3.Connection) -> bool:
    """Whether the archive's ``facts_readable`` is the view this version creates (and
    whose SELECT :func:`restricted_view` can take)."""
    if VIEW_SELECT is None:
        return False
    row = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'view' AND name = ?", [VIEW]
    ).fetchone()
    return row is not None and str(row[0]).strip() == FACTS_READABLE.strip()


def printed_names_of(entities: str) -> str:
    """SELECT of the printed names (``name_key`` values: ids of their labels) that
    resolve, in some bulletin, to one of ``entities`` (a SELECT of entity ids)."""
    return (
        "SELECT id FROM labels WHERE text IN ("
        f"SELECT raw FROM resolutions WHERE entity_id IN ({entities}) "
        f"UNION SELECT raw FROM resolution_overrides WHERE entity_id IN ({entities}))"
    )


def restricted_view(entities: str) -> str:
    """A subquery with the columns of ``facts_readable``, holding every row of the view
    whose entity is one of ``entities`` (a SELECT of entity ids) and rows of other
    entities printed under the same names: filter on ``entity`` over it."""
    if VIEW_SELECT is None:
        raise ValueError(f"facts_readable is not declared as {_HEAD!r}: use the view")
    return f"({VIEW_SELECT} WHERE f.name_key IN ({printed_names_of(entities)}))"


def entities_named(parameter: str) -> str:
    """SELECT of the ids of the entities whose name is the SQL parameter ``parameter``."""
    return f"SELECT id FROM entities WHERE name = {parameter}"
