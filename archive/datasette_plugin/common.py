"""What the plugin's hooks and pages share: names, the vocabulary, URL makers."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from datasette.utils import tilde_encode
from markupsafe import Markup, escape

from archive.printed import Links
from archive.vocabulary import Vocabulary, load_vocabulary
from normalize.catalog import CatalogError

PLUGIN = "bulletins"
TREND_QUERY = "trend"
MONTH_QUERY = "month"
PAGE_TEMPLATE = "bulletins_page.html"
SQLITE_MAX_INT = 2**63 - 1
DIGITS = re.compile(r"[0-9]{1,19}")
# column of facts_readable → (table the link opens, column of the row holding its id)
ROW_LINKS = {
    "fact_id": ("facts", "fact_id"),
    "cell_id": ("cells", "cell_id"),
    "table_id": ("source_tables", "table_id"),
}


@lru_cache(maxsize=4)
def _vocabulary(path: str | None) -> Vocabulary:
    try:
        return load_vocabulary(Path(path) if path else None)
    except CatalogError:  # `bulletins serve` reports it; plain Datasette shows bare keys
        return Vocabulary({}, {})


def vocabulary_of(datasette: Any) -> Vocabulary:
    """The vocabulary named in the plugin settings, loaded once."""
    config = datasette.plugin_config(PLUGIN) or {}
    return _vocabulary(config.get("metrics"))


def links_for(datasette: Any, database: str) -> Links:
    """URL makers for one served database."""
    db = database_segment(datasette, database)
    return Links(
        fact=lambda fact_id: datasette.urls.row(database, "facts", str(fact_id)),
        grid=lambda table_id, cell_id: datasette.urls.path(
            f"/-/grid/{db}/{table_id}" + (f"?cell={cell_id}#cell-{cell_id}" if cell_id else "")
        ),
        bulletin=lambda bulletin_id: datasette.urls.row(database, "bulletins", str(bulletin_id)),
        source=lambda bulletin_id, line, page: datasette.urls.path(
            f"/-/source/{db}/{bulletin_id}?"
            + urlencode({k: v for k, v in (("line", line), ("page", page)) if v is not None})
            + (f"#line-{line}" if line is not None else "")
        ),
    )


def database_segment(datasette: Any, database: str) -> str:
    """The database as the plugin's page URLs spell it: its route, tilde-encoded."""
    return str(tilde_encode(datasette.get_database(database).route))


def entity_url(datasette: Any, database: str, name: str) -> str:
    segment = database_segment(datasette, database)
    return str(datasette.urls.path(f"/-/entity/{segment}/{tilde_encode(name)}"))


def fact_source_url(datasette: Any, database: str, fact_id: int) -> str:
    segment = database_segment(datasette, database)
    return str(datasette.urls.path(f"/-/source/{segment}/fact/{fact_id}"))


def as_id(value: Any) -> int | None:
    """A row id (stored, or written in a URL) as an int, or None when it is not a whole
    number SQLite can hold: custom SQL can put text in an id column, a URL anything."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value)
    if not DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if number <= SQLITE_MAX_INT else None


def link(url: str, text: Any, title: str = "") -> Markup:
    hint = f' title="{escape(title)}"' if title else ""
    return Markup(f'<a href="{escape(url)}"{hint}>{escape(text)}</a>')


def get_field(row: Any, key: str) -> Any:
    try:
        return row[key]
    except (KeyError, IndexError):
        return None
