"""The plugin's own pages: a table as printed, source lines, a department, full exports.

Every page takes the database as Datasette spells it in URLs (tilde-encoded route) and
its ids as text: an id that is not a whole number, or is past SQLite's integer range,
gets a one-line answer instead of a server error.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import unquote, urlencode

from datasette.utils import derive_named_parameters, tilde_decode
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from archive.datasette_plugin.common import (
    PAGE_TEMPLATE,
    SQLITE_MAX_INT,
    TREND_QUERY,
    as_id,
    link,
    links_for,
    vocabulary_of,
)
from archive.department import (
    department_html,
    entity_publishers,
    read_department,
    resolve_entity,
)
from archive.downloads import export_stream
from archive.printed import (
    around,
    grid_html,
    in_source_order,
    lines_html,
    read_cells,
    read_lines,
    read_table,
)

Page = Callable[[Any, Any, str, Any], Awaitable[Any]]


def url_name(part: str) -> str:
    """A name from a URL path as Datasette reads it (the raw, percent-encoded path):
    percent-decoded, then tilde-decoded as Datasette encodes names with dots or Chinese."""
    return str(tilde_decode(unquote(part)))


def served_database(datasette: Any, route: str) -> tuple[str, Any] | None:
    """(name, database) for the database part of a URL, as Datasette encodes it."""
    try:
        db = datasette.get_database(route=url_name(route))
    except KeyError:
        return None
    return str(db.name), db


def on_database(page: Page) -> Callable[[Any, Any], Awaitable[Any]]:
    """A page handler given the served database, or a 404 line naming the missing one."""

    async def handler(datasette: Any, request: Any) -> Any:
        found = served_database(datasette, request.url_vars["database"])
        if found is None:
            return Response.text(f"no database {url_name(request.url_vars['database'])}", 404)
        return await page(datasette, request, *found)

    return handler


async def _page(
    datasette: Any, request: Any, database: str, title: str, body: Markup, status: int = 200
) -> Response:
    html = await datasette.render_template(
        PAGE_TEMPLATE, {"title": title, "body": body, "database": database}, request=request
    )
    return Response.html(html, status=status)


def _not_an_id(what: str, text: str) -> Response:
    return Response.text(
        f"{what} must be a whole number from 0 to {SQLITE_MAX_INT}, not {text!r}", status=400
    )


@on_database
async def grid_page(datasette: Any, request: Any, name: str, db: Any) -> Response:
    """A stored table's grid as printed, the cell ``?cell=ID`` marked."""
    table_id = as_id(request.url_vars["table_id"])
    if table_id is None:
        return _not_an_id("a table id", request.url_vars["table_id"])
    table = await db.execute_fn(lambda conn: read_table(conn, table_id))
    if table is None:
        return await _page(datasette, request, name, "No such table", Markup(""), 404)
    cells = await db.execute_fn(lambda conn: read_cells(conn, table_id))
    traced = as_id(request.args.get("cell"))
    links = links_for(datasette, name)
    intro = Markup(
        f"<p>Table {table.table_no} ({escape(table.kind)}) of "
        f"{link(links.bulletin(table.bulletin_id), table.bulletin)}, "
        f"{table.n_rows} rows × {table.n_cols} columns, {table.header_rows} header rows"
        + (f", line {table.line}" if table.line else "")
        + (f", page {table.page}" if table.page else "")
        + f". {link(links.source(table.bulletin_id, table.line, table.page), 'Source lines')}"
        + f" · {link(datasette.urls.row(name, 'source_tables', str(table.id)), 'stored row')}"
        + "</p>"
    )
    body = intro + grid_html(table, cells, traced, links)
    return await _page(datasette, request, name, table.caption or f"Table {table.id}", body)


@on_database
async def source_page(datasette: Any, request: Any, name: str, db: Any) -> Response:
    """The lines of a bulletin around ``?line=N`` (or the text of ``?page=P``)."""
    if "fact_id" in request.url_vars:
        fact_id = as_id(request.url_vars["fact_id"])
        if fact_id is None:
            return _not_an_id("a fact id", request.url_vars["fact_id"])
        fact = await db.execute_fn(
            lambda conn: conn.execute(
                "SELECT bulletin_id, line, page, cell_id FROM facts WHERE id = ?", [fact_id]
            ).fetchone()
        )
        if fact is None:
            return await _page(datasette, request, name, f"No fact {fact_id}", Markup(""), 404)
        bulletin_id, line, page, cell = fact
    else:
        parsed = as_id(request.url_vars["bulletin_id"])
        if parsed is None:
            return _not_an_id("a bulletin id", request.url_vars["bulletin_id"])
        bulletin_id = parsed
        line, page, cell = (as_id(request.args.get(k)) for k in ("line", "page", "cell"))
    path = await db.execute_fn(
        lambda conn: conn.execute(
            "SELECT path FROM bulletins WHERE id = ?", [bulletin_id]
        ).fetchone()
    )
    if path is None:
        return await _page(datasette, request, name, "No such bulletin", Markup(""), 404)
    lines = await db.execute_fn(lambda conn: read_lines(conn, bulletin_id))
    links = links_for(datasette, name)
    where = f"line {line}" if line is not None else (f"page {page}" if page else "all lines")
    intro = Markup(f"<p>{link(links.bulletin(bulletin_id), path[0])}, {where}.</p>")
    if not in_source_order(lines):
        intro += Markup(
            '<p class="bulletins-order">This format stores no line numbers: the prose is '
            "shown in reading order, then each table row by row, page by page; where prose "
            "and tables of one page interleaved in the source is not stored.</p>"
        )
    body = intro + lines_html(around(lines, line, page), line, links, cell)
    return await _page(datasette, request, name, f"{path[0]} · {where}", body)


@on_database
async def entity_page(datasette: Any, request: Any, name: str, db: Any) -> Response:
    """One department: printed names, small charts, every metric month by month."""
    typed = url_name(request.url_vars["name"])
    publisher = request.args.get("publisher") or None
    if publisher is None:  # a name two publishers use: say whose
        publishers = await db.execute_fn(lambda conn: entity_publishers(conn, typed))
        if len(publishers) > 1:
            return await _page(
                datasette, request, name, typed, _whose(typed, publishers, request.path)
            )
    entity = await db.execute_fn(lambda conn: resolve_entity(conn, typed, publisher))
    if entity is None:
        return await _page(datasette, request, name, f"No entity {typed}", Markup(""), 404)
    dept = await db.execute_fn(lambda conn: read_department(conn, entity, publisher))
    trend = datasette.urls.query(name, TREND_QUERY)
    body = department_html(dept, vocabulary_of(datasette), links_for(datasette, name), trend)
    return await _page(datasette, request, name, entity, body)


def _whose(typed: str, publishers: list[str], path: str) -> Markup:
    """Links to the page of each publisher's entity of one name."""
    items = "".join(
        f"<li>{link(path + '?' + urlencode({'publisher': p}), p)}</li>" for p in publishers
    )
    return Markup(
        f"<p>{escape(typed)} names an entity of {len(publishers)} publishers; "
        f"each is its own department:</p><ul>{items}</ul>"
    )


@on_database
async def export_query(datasette: Any, request: Any, name: str, db: Any) -> Any:
    """Every row of a canned query as CSV, streamed, its parameters from the query string."""
    query = url_name(request.url_vars["query"])
    canned = datasette.metadata("queries", database=name) or {}
    if not isinstance(canned.get(query), dict):
        return Response.text(f"no canned query {query}", status=404)
    for action, resource in (
        ("view-instance", None),
        ("view-database", name),
        ("view-query", (name, query)),
    ):
        if not await datasette.permission_allowed(request.actor, action, resource, default=True):
            return Response.text(f"not allowed to run the query {query}", status=403)
    sql = canned[query]["sql"]
    params = {p: request.args.get(p, "") for p in await derive_named_parameters(db, sql)}

    def connect() -> Any:  # as Datasette prepares its own connections (plugin functions)
        conn = db.connect()
        datasette._prepare_connection(conn, name)
        return conn

    return export_stream(connect, sql, params, f"{query}.csv")


PAGE_PATHS = {
    "grid": "/-/grid/DATABASE/TABLE_ID",
    "source": "/-/source/DATABASE/BULLETIN_ID or /-/source/DATABASE/fact/FACT_ID",
    "entity": "/-/entity/DATABASE/NAME",
    "export": "/-/export/DATABASE/QUERY.csv",
}


async def no_such_page(datasette: Any, request: Any) -> Response:
    """A path under one of the plugin's pages that is none of them."""
    page = request.url_vars["page"]
    return Response.text(
        f"no such page {request.path}; the {page} pages are {PAGE_PATHS[page]}", status=404
    )
