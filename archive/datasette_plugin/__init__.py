"""Datasette plugin (loaded through the `datasette` entry point): provenance as links.

In `facts_readable` a fact's position columns become links a user follows to the
stored cell, table, fact row and bulletin, instead of ids to copy by hand.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from datasette import hookimpl
from markupsafe import Markup, escape

# column of facts_readable → (table the link opens, column of the row holding its id)
LINKS = {
    "fact_id": ("facts", "fact_id"),
    "cell_id": ("cells", "cell_id"),
    "table_no": ("source_tables", "table_id"),
    "line": ("cells", "cell_id"),
}


@hookimpl  # type: ignore[untyped-decorator]
def render_cell(
    row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any
) -> Markup | None:
    """Links from a fact to its stored cell, table, fact row and bulletin."""
    if table != "facts_readable" or value is None:
        return None
    if column == "bulletin":
        url = datasette.urls.table(database, "bulletins") + f"?path={quote(str(value))}"
        return Markup(f'<a href="{escape(url)}">{escape(value)}</a>')
    target = LINKS.get(column)
    if target is None:
        return None
    key = _get(row, target[1])
    if key is None:
        return None
    url = datasette.urls.row(database, target[0], str(key))
    return Markup(f'<a href="{escape(url)}">{escape(value)}</a>')


def _get(row: Any, key: str) -> Any:
    try:
        return row[key]
    except (KeyError, IndexError):
        return None
