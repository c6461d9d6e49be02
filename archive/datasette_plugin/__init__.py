"""Datasette plugin (the `datasette` entry point): the archive as an analyst reads it.

- every id a link: a fact's cell opens the table as printed with that cell marked, its
  line the source lines around it, its entity the department's page, its metric the
  trend (shown with its printed label), a check's ``cells`` the facts it compares;
- pages: ``/-/grid/DB/TABLE_ID`` (a table's grid with spans and header rows),
  ``/-/source/DB/BULLETIN_ID`` (the lines around a figure, or a PDF page's text),
  ``/-/entity/DB/NAME`` (one department, every metric month by month);
- charts drawn as SVG above the trend and month queries, and pickers for their fields;
- CSV with a byte-order mark, and canned-query CSV with every row (archive.downloads).

The metric vocabulary (labels, families) comes from the metrics file named in the
plugin's settings (``plugins: bulletins: metrics: FILE``), else corpus/metrics.yaml.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlencode

from datasette import hookimpl
from datasette.utils import derive_named_parameters
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from archive.department import department_html, read_department, resolve_entity
from archive.downloads import EXPORT_PREFIX, csv_text, with_bom
from archive.printed import Links, around, grid_html, lines_html, read_cells, read_lines, read_table
from archive.query_charts import month_panel, trend_panel
from archive.vocabulary import Vocabulary, load_vocabulary
from normalize.catalog import CatalogError

PLUGIN = "bulletins"
TREND_QUERY = "trend"
MONTH_QUERY = "month"
PAGE_TEMPLATE = "bulletins_page.html"
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
    db = quote(database)
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


def entity_url(datasette: Any, database: str, name: str) -> str:
    return str(datasette.urls.path(f"/-/entity/{quote(database)}/{quote(name, safe='')}"))


def _link(url: str, text: Any, title: str = "") -> Markup:
    hint = f' title="{escape(title)}"' if title else ""
    return Markup(f'<a href="{escape(url)}"{hint}>{escape(text)}</a>')


def _get(row: Any, key: str) -> Any:
    try:
        return row[key]
    except (KeyError, IndexError):
        return None


# --- links in every table and query ------------------------------------------------------


@hookimpl  # type: ignore[untyped-decorator]
def render_cell(
    row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any
) -> Markup | None:
    """Ids as links to the source as printed; metrics with their printed labels."""
    if value is None or value == "":
        return None
    links = links_for(datasette, database)
    if column in ("entity", "parent") or (column == "name" and table == "entities"):
        return _link(entity_url(datasette, database, str(value)), value, "the department's page")
    if column == "metric":
        return _metric_cell(row, str(value), database, datasette)
    if column == "cells" and (table in (None, "checks")):
        return _fact_list(str(value), links)
    if table == "cells" and column in ("id", "table_id"):
        cell = _get(row, "id")
        return _link(links.grid(int(_get(row, "table_id")), cell), value, "the cell as printed")
    if table in ("facts_readable", None):
        return _readable_cell(row, value, column, database, datasette, links)
    if column == "table_id" and table in ("facts", "checks"):
        cell = _get(row, "cell_id")
        return _link(links.grid(int(value), cell), value, "the table as printed")
    if column in ("line", "page") and table == "facts" and _get(row, "id") is not None:
        fact_source = f"/-/source/{quote(database)}/fact/{_get(row, 'id')}"
        return _link(datasette.urls.path(fact_source), value, "the source around this figure")
    if column == "bulletin_id" and table in ("facts", "checks", "source_tables", "blocks"):
        return _link(links.bulletin(int(value)), value)
    if column == "grid" and table == "source_tables":
        table_id = _get(row, "id")
        return _link(links.grid(int(table_id), None), "show the grid as printed →")
    return None


def _readable_cell(
    row: Any, value: Any, column: str, database: str, datasette: Any, links: Links
) -> Markup | None:
    if column == "bulletin":
        url = datasette.urls.table(database, "bulletins") + f"?path={quote(str(value))}"
        return _link(url, value)
    if column == "table_no" and _get(row, "table_id") is not None:
        return _link(links.grid(int(_get(row, "table_id")), _get(row, "cell_id")), value)
    if column in ("line", "page") and _get(row, "fact_id") is not None:
        fact_source = f"/-/source/{quote(database)}/fact/{_get(row, 'fact_id')}"
        return _link(datasette.urls.path(fact_source), value, "the source around this figure")
    target = ROW_LINKS.get(column)
    if target is not None and _get(row, target[1]) is not None:
        return _link(datasette.urls.row(database, target[0], str(_get(row, target[1]))), value)
    return None


def _metric_cell(row: Any, metric: str, database: str, datasette: Any) -> Markup:
    vocab = vocabulary_of(datasette)
    kind = _get(row, "table_kind")
    label = vocab.label(metric, str(kind) if kind else None) or vocab.label(metric)
    shown = Markup(escape(metric)) + (Markup(f" <small>{escape(label)}</small>") if label else "")
    entity = _get(row, "entity")
    if not entity:
        return shown
    url = (
        datasette.urls.query(database, TREND_QUERY)
        + "?"
        + urlencode({"entity": entity, "metric": metric})
    )
    return Markup(f'<a href="{escape(url)}" title="{escape(entity)}: month by month">{shown}</a>')


def _fact_list(value: str, links: Links) -> Markup | None:
    try:
        ids = json.loads(value)
    except ValueError:
        return None
    if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
        return None
    return Markup(", ".join(_link(links.fact(i), i) for i in ids))


# --- pages -------------------------------------------------------------------------------


@hookimpl  # type: ignore[untyped-decorator]
def register_routes() -> list[tuple[str, Any]]:
    return [
        (r"^/-/grid/(?P<database>[^/]+)/(?P<table_id>[0-9]+)$", grid_page),
        (r"^/-/source/(?P<database>[^/]+)/(?P<bulletin_id>[0-9]+)$", source_page),
        (r"^/-/source/(?P<database>[^/]+)/fact/(?P<fact_id>[0-9]+)$", source_page),
        (r"^/-/entity/(?P<database>[^/]+)/(?P<name>[^/]+)$", entity_page),
        (rf"^{EXPORT_PREFIX}(?P<database>[^/]+)/(?P<query>[^/]+)\.csv$", export_query),
    ]


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
        f"{_link(links.bulletin(table.bulletin_id), table.bulletin)}, "
        f"{table.n_rows} rows × {table.n_cols} columns, {table.header_rows} header rows"
        + (f", line {table.line}" if table.line else "")
        + (f", page {table.page}" if table.page else "")
        + f". {_link(links.source(table.bulletin_id, table.line, table.page), 'Source lines')}"
        + f" · {_link(datasette.urls.row(name, 'source_tables', str(table.id)), 'stored row')}"
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
    intro = Markup(f"<p>{_link(links.bulletin(bulletin_id), path[0])}, {where}.</p>")
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


# --- query pages: charts and pickers -----------------------------------------------------


@hookimpl  # type: ignore[untyped-decorator]
def extra_template_vars(template: str, database: str | None, datasette: Any) -> dict[str, Any]:
    """``bulletins_panel``: the chart and pickers a query page shows above its form."""
    if not template.startswith("query") or database is None:
        return {}

    async def bulletins_panel(
        canned: str | None,
        columns: list[str],
        rows: list[Any],
        params: dict[str, str],
        truncated: bool = False,
    ) -> Markup:
        vocab = vocabulary_of(datasette)
        if canned == TREND_QUERY:
            chart = trend_panel(columns or [], rows or [], params or {}, vocab)
        elif canned == MONTH_QUERY:
            chart = month_panel(columns or [], rows or [], params or {}, vocab)
        else:
            return Markup("")
        if truncated and chart:
            chart += Markup(
                f'<p class="bulletins-truncated">The chart shows the first {len(rows)} rows, '
                "as the page does; the CSV link has every row.</p>"
            )
        return chart + await _pickers(datasette, database, vocab)

    return {"bulletins_panel": bulletins_panel}


async def _pickers(datasette: Any, database: str, vocab: Vocabulary) -> Markup:
    db = datasette.databases[database]
    entities = await db.execute(
        "SELECT e.name, (SELECT group_concat(a.alias, ' / ') FROM aliases a "
        "WHERE a.entity_id = e.id AND a.alias != e.name) FROM entities e ORDER BY e.name"
    )
    metrics = await db.execute("SELECT DISTINCT table_kind, metric FROM facts ORDER BY 1, 2")
    entity_options = [(str(n), f"{n} {aliases or ''}".strip()) for n, aliases in entities.rows]
    metric_options = [
        (f.name, f"{f.label} — family: " + ", ".join(m for _, m in f.members))
        for f in vocab.families.values()
    ]
    metric_options += [
        (str(metric), f"{vocab.label(str(metric), str(kind)) or ''} ({kind})".strip())
        for kind, metric in metrics.rows
    ]
    periods = await db.execute("SELECT DISTINCT period FROM bulletins ORDER BY period DESC")
    period_options = [(str(p), str(p)) for (p,) in periods.rows if p]
    return (
        _datalist("bulletins-entities", entity_options)
        + _datalist("bulletins-metrics", metric_options)
        + _datalist("bulletins-periods", period_options)
    )


def _datalist(list_id: str, options: list[tuple[str, str]]) -> Markup:
    items = "".join(f'<option value="{escape(v)}" label="{escape(lbl)}">' for v, lbl in options)
    return Markup(f'<datalist id="{list_id}">{items}</datalist>')


PICKER_JS = """
var pickers = {
  entity: 'bulletins-entities', metric: 'bulletins-metrics', period: 'bulletins-periods'
};
Object.keys(pickers).forEach(function (name) {
  var list = document.getElementById(pickers[name]);
  document.querySelectorAll('form.sql input[name=' + name + ']').forEach(function (input) {
    if (list) { input.setAttribute('list', list.id); input.setAttribute('autocomplete', 'off'); }
  });
});
document.querySelectorAll('svg.bulletins-chart, .traced').forEach(function (el) {
  var box = el.getBoundingClientRect();
  el.setAttribute('data-drawn', Math.round(box.width) + 'x' + Math.round(box.height));
  el.setAttribute('data-background', getComputedStyle(el).backgroundColor);
});
var traced = document.querySelector('.traced');
if (traced) { traced.scrollIntoView({block: 'center'}); }
"""


@hookimpl  # type: ignore[untyped-decorator]
def extra_body_script(template: str) -> str | None:
    """Pickers on the query forms; charts and the traced cell record how they were laid out."""
    return PICKER_JS if template.startswith("query") or template == PAGE_TEMPLATE else None


@hookimpl  # type: ignore[untyped-decorator]
def asgi_wrapper(datasette: Any) -> Any:
    def is_canned(database: str, name: str) -> bool:
        return isinstance((datasette.metadata("queries", database=database) or {}).get(name), dict)

    return lambda app: with_bom(app, is_canned)
