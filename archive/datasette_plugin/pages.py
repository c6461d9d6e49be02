"""The plugin's own pages: a table as printed, source lines, a department, full exports."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from datasette.utils import derive_named_parameters
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from archive.datasette_plugin.common import (
    PAGE_TEMPLATE,
    TREND_QUERY,
    link,
    links_for,
    vocabulary_of,
)
from archive.department import department_html, read_department, resolve_entity
from archive.downloads import csv_text
from archive.printed import around, grid_html, lines_html, read_cells, read_lines, read_table


async def _page(
    datasette: Any, request: Any, database: str, title: str, body: Markup, status: int = 200
) -> Response:
    html = await datasette.render_template(
        PAGE_TEMPLATE, {"title": title, "body": body, "database": database}, request=request
    )
    return Response.html(html, status=status)


def _database(datasette: Any, request: Any) -> tuple[str, Any] | None:
    name = request.url_vars["database"]
    return (name, datasette.databases[name]) if name in datasette.databases else None


async def grid_page(datasette: Any, request: Any) -> Response:
    """A stored table's grid as printed, the cell ``?cell=ID`` marked."""
    found = _database(datasette, request)
    if found is None:
        return Response.text("no such database", status=404)
    name, db = found
    table_id = int(request.url_vars["table_id"])
    table = await db.execute_fn(lambda conn: read_table(conn, table_id))
    if table is None:
        return await _page(datasette, request, name, "No such table", Markup(""), 404)
    cells = await db.execute_fn(lambda conn: read_cells(conn, table_id))
    cell = request.args.get("cell")
    traced = int(cell) if cell and cell.isdigit() else None
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


async def source_page(datasette: Any, request: Any) -> Response:
    """The lines of a bulletin around ``?line=N`` (or the text of ``?page=P``)."""
    found = _database(datasette, request)
    if found is None:
        return Response.text("no such database", status=404)
    name, db = found
    if "fact_id" in request.url_vars:
        fact_id = int(request.url_vars["fact_id"])
        fact = await db.execute_fn(
            lambda conn: conn.execute(
                "SELECT bulletin_id, line, page, cell_id FROM facts WHERE id = ?", [fact_id]
            ).fetchone()
        )
        bulletin_id, line, page, cell = fact if fact else (0, None, None, None)
    else:
        bulletin_id = int(request.url_vars["bulletin_id"])
        line = _int_arg(request, "line")
        page = _int_arg(request, "page")
        cell = _int_arg(request, "cell")
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
    body = intro + lines_html(around(lines, line, page), line, links, cell)
    return await _page(datasette, request, name, f"{path[0]} · {where}", body)


async def entity_page(datasette: Any, request: Any) -> Response:
    """One department: printed names, small charts, every metric month by month."""
    found = _database(datasette, request)
    if found is None:
        return Response.text("no such database", status=404)
    name, db = found
    typed = unquote(request.url_vars["name"])
    entity = await db.execute_fn(lambda conn: resolve_entity(conn, typed))
    if entity is None:
        return await _page(datasette, request, name, f"No entity {typed}", Markup(""), 404)
    dept = await db.execute_fn(lambda conn: read_department(conn, entity))
    trend = datasette.urls.query(name, TREND_QUERY)
    body = department_html(dept, vocabulary_of(datasette), links_for(datasette, name), trend)
    return await _page(datasette, request, name, entity, body)


async def export_query(datasette: Any, request: Any) -> Response:
    """Every row of a canned query as CSV, its parameters from the query string."""
    found = _database(datasette, request)
    query = request.url_vars["query"]
    canned = (datasette.metadata("queries", database=found[0]) or {}) if found else {}
    if found is None or not isinstance(canned.get(query), dict):
        return Response.text(f"no canned query {query}", status=404)
    db = found[1]
    sql = canned[query]["sql"]
    params = {p: request.args.get(p, "") for p in await derive_named_parameters(db, sql)}

    def run(conn: Any) -> tuple[list[str], list[Any]]:
        cursor = conn.execute(sql, params)
        return [d[0] for d in cursor.description], cursor.fetchall()

    columns, rows = await db.execute_fn(run)
    return Response(
        csv_text(columns, rows),
        content_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{query}.csv"'},
    )


def _int_arg(request: Any, key: str) -> int | None:
    value = request.args.get(key)
    return int(value) if value and value.isdigit() else None
