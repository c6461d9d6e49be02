"""`bulletins serve`: Datasette on the archive, read-only, with the project's metadata.

The archive is opened read-only, not immutable: it may be served while `bulletins ingest`
writes to it, and each page sees every bulletin committed so far (SQLite's WAL readers).
Besides the metadata and canned queries (``archive/metadata.yaml``), two small hooks
are registered while serving: in any result with an ``entity`` and a ``metric`` column,
the metric links to that entity's trend drawn as a chart (datasette-vega reads the
chart from the link's fragment), and the trend query's form keeps that fragment when
submitted, so typing a department and a metric draws the chart at once.
"""

from __future__ import annotations

import asyncio
import re
import socket
import sqlite3
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlite_utils
from datasette import hookimpl
from datasette.app import Datasette
from datasette.plugins import pm
from markupsafe import Markup, escape

from archive.metadata import (
    METADATA_FILE,
    TREND_QUERY,
    datasette_metadata,
    load_metadata,
    trend_url,
)
from archive.search import has_search

PLUGIN_NAME = "bulletins-serve"
HOST = "127.0.0.1"
PORT = 8001
SETTINGS = {
    "facet_time_limit_ms": 1000,  # facets over facts_readable, a view without indexes
    "sql_time_limit_ms": 3000,  # a 1–2 character search scans the prose
    "suggest_facets": False,  # the defaults are set; suggesting scans every column of a view
}
# Keep a chart fragment (#g.…) on the query form, so submitting it draws the chart.
KEEP_FRAGMENT_JS = """
if (location.hash.indexOf('#g.') === 0) {
  document.querySelectorAll('form.sql').forEach(function (form) {
    form.action = form.action.split('#')[0] + location.hash;
  });
}
"""


class ServeError(Exception):
    """The archive cannot be served; the message says what to do."""


def open_readonly(db_path: Path) -> sqlite_utils.Database:
    """The archive, read-only, after checking it is one."""
    if not db_path.exists():
        raise ServeError(f"{db_path} not found; run `bulletins ingest corpus/` first")
    try:
        conn = sqlite3.connect(f"file:{quote(db_path.resolve().as_posix())}?mode=ro", uri=True)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        raise ServeError(f"{db_path} cannot be read as an archive ({exc})") from None
    db = sqlite_utils.Database(conn)
    if not db.table("bulletins").exists():
        raise ServeError(f"{db_path} is not a bulletins archive; run `bulletins ingest` on it")
    return db


def build_datasette(db_path: Path, metadata_path: Path = METADATA_FILE) -> Datasette:
    """A Datasette instance serving the archive read-only, with metadata and hooks."""
    db = open_readonly(db_path)
    try:
        meta = load_metadata(metadata_path)
        name = db_path.stem
        metadata = datasette_metadata(meta, db, name)
    finally:
        db.close()
    # read-only but not immutable: WAL readers see each bulletin an ingest commits, and
    # never a half-written one
    ds = Datasette(files=[str(db_path)], metadata=metadata, settings=SETTINGS, cors=False)
    served = [n for n in ds.databases if not n.startswith("_")]  # not _internal
    if served != [name]:  # Datasette names a database after its file's stem
        raise ServeError(f"unexpected database names {served} for {db_path}")
    if pm.get_plugin(PLUGIN_NAME) is None:
        pm.register(sys.modules[__name__], name=PLUGIN_NAME)
    return ds


def search_missing(db_path: Path) -> bool:
    """Whether the archive lacks its full-text index (made by an older `ingest`)."""
    db = open_readonly(db_path)
    try:
        return not has_search(db)
    finally:
        db.close()


def port_in_use(host: str, port: int) -> bool:
    """Whether something already listens on host:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # as uvicorn binds: a port left in TIME_WAIT by a stopped server is free
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def run(ds: Datasette, port: int = PORT, host: str = HOST) -> None:
    """Serve a Datasette instance until interrupted (what `datasette serve` does)."""
    import uvicorn

    asyncio.run(ds.invoke_startup())
    quiet_error_pages()
    app = read_only_methods(ds.app())
    uvicorn.run(app, host=host, port=port, log_level="warning", lifespan="on")


ASGIApp = Callable[[dict[str, Any], Any, Any], Awaitable[None]]
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def read_only_methods(app: ASGIApp) -> ASGIApp:
    """Answer any request that would write (POST, PUT, DELETE…) with 405, before Datasette."""

    async def guarded(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") == "http" and scope.get("method", "GET") not in READ_METHODS:
            body = b"405 Method Not Allowed: the archive is served read-only\n"
            await send({"type": "http.response.start", "status": 405, "headers": [
                (b"allow", b"GET, HEAD, OPTIONS"), (b"content-type", b"text/plain"),
                (b"content-length", str(len(body)).encode())]})  # fmt: skip
            await send({"type": "http.response.body", "body": body})
            return
        await app(scope, receive, send)

    return guarded


def quiet_error_pages() -> None:
    """Datasette prints a full traceback (with locals) for every rejected query; stop that.

    Each rejection is logged in one line by the ``handle_exception`` hook below instead.
    """
    import datasette.handle_exception as default_handler

    default_handler.rich = None


def rejection_line(method: str, path: str, query: str, exception: BaseException) -> str:
    """One log line for a request Datasette refused."""
    status = getattr(exception, "status", 500)
    message = re.sub(r"<[^>]+>", "", str(getattr(exception, "message", exception)))
    message = " ".join(message.split())[:200]
    target = f"{path}?{query}" if query else path
    return f"rejected {method} {target[:300]}: {status} {message}"


# --- hooks, registered by build_datasette --------------------------------------------


@hookimpl  # type: ignore[untyped-decorator]
def render_cell(row: Any, value: Any, column: str, database: str, datasette: Any) -> Markup | None:
    """A metric next to an entity links to that entity's trend, drawn as a chart."""
    if column != "metric" or not value:
        return None
    entity = _get(row, "entity")
    query = (datasette.metadata("queries", database=database) or {}).get(TREND_QUERY)
    if not entity or not isinstance(query, dict):
        return None
    url = datasette.urls.query(database, TREND_QUERY) + trend_url(
        str(entity), str(value), query.get("fragment")
    )
    title = f"{entity}: {value}, month by month"
    return Markup(f'<a href="{escape(url)}" title="{escape(title)}">{escape(value)}</a>')


@hookimpl  # type: ignore[untyped-decorator]
def extra_body_script(template: str) -> str | None:
    """On a query page, keep a chart fragment when the parameters form is submitted."""
    return KEEP_FRAGMENT_JS if template.startswith("query") else None


@hookimpl(tryfirst=True)  # type: ignore[untyped-decorator]
def handle_exception(request: Any, exception: BaseException) -> None:
    """Log a refused request in one line (Datasette still renders the error page)."""
    if getattr(exception, "status", 500) == 404:
        return
    query = request.scope.get("query_string", b"").decode("utf-8", "replace")
    print(rejection_line(request.method, request.path, query, exception), file=sys.stderr)


def _get(row: Any, key: str) -> Any:
    try:
        return row[key]
    except (KeyError, IndexError):
        return None
