"""Datasette plugin (the `datasette` entry point): the archive as an analyst reads it.

- every id a link: a fact's cell opens the table as printed with that cell marked, its
  line the source lines around it, its entity the department's page, its metric the
  trend (shown with its printed label), a check's ``cells`` the facts it compares;
- pages (``pages.py``): ``/-/grid/DB/TABLE_ID`` (a table's grid with spans and header
  rows), ``/-/source/DB/BULLETIN_ID`` and ``/-/source/DB/fact/FACT_ID`` (the lines
  around a figure, or a PDF page's text), ``/-/entity/DB/NAME`` (one department, every
  metric month by month), ``/-/export/DB/QUERY.csv`` (every row of a canned query);
- charts drawn as SVG above the trend and month queries, and pickers for their fields;
- CSV with a byte-order mark, and canned-query CSV with every row (archive.downloads).

The metric vocabulary (labels, families) comes from the metrics file named in the
plugin's settings (``plugins: bulletins: metrics: FILE``), else the family's vocabulary
(normalize/data/metrics.yaml).
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any
from urllib.parse import quote, urlencode

from datasette import hookimpl
from markupsafe import Markup, escape

from archive.datasette_plugin.common import (
    MONTH_QUERY,
    PAGE_TEMPLATE,
    ROW_LINKS,
    TREND_QUERY,
    as_id,
    entity_url,
    fact_source_url,
    get_field,
    link,
    links_for,
    vocabulary_of,
)
from archive.datasette_plugin.pages import (
    entity_page,
    export_query,
    grid_page,
    no_such_page,
    source_page,
)
from archive.department import several_publishers
from archive.downloads import EXPORT_PREFIX, with_bom
from archive.printed import Links
from archive.query_charts import month_panel, trend_panel
from archive.summaries import metric_pairs
from archive.vocabulary import Vocabulary

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
        return link(entity_url(datasette, database, str(value)), value, "the department's page")
    if column == "metric":
        return _metric_cell(row, str(value), database, datasette)
    if column == "cells" and (table in (None, "checks")):
        return _fact_list(str(value), links)
    if table == "cells" and column in ("id", "table_id"):
        table_id = as_id(get_field(row, "table_id"))
        cell = as_id(get_field(row, "id"))
        return None if table_id is None else link(links.grid(table_id, cell), value)
    if table in ("facts_readable", None):
        return _readable_cell(row, value, column, database, datasette, links)
    return _stored_cell(row, value, column, table, database, datasette, links)


def _stored_cell(
    row: Any, value: Any, column: str, table: str, database: str, datasette: Any, links: Links
) -> Markup | None:
    """Ids in the archive's own tables as links (an id that is not a number stays text)."""
    if column == "table_id" and table in ("facts", "checks") and as_id(value) is not None:
        cell = as_id(get_field(row, "cell_id"))
        return link(links.grid(int(value), cell), value, "the table as printed")
    row_id = as_id(get_field(row, "id"))
    if column in ("line", "page") and table == "facts" and row_id is not None:
        url = fact_source_url(datasette, database, row_id)
        return link(url, value, "the source around this figure")
    tables_with_bulletins = ("facts", "checks", "source_tables", "blocks")
    if column == "bulletin_id" and table in tables_with_bulletins and as_id(value) is not None:
        return link(links.bulletin(int(value)), value)
    if column == "grid" and table == "source_tables" and row_id is not None:
        return link(links.grid(row_id, None), "show the grid as printed →")
    return None


def _readable_cell(
    row: Any, value: Any, column: str, database: str, datasette: Any, links: Links
) -> Markup | None:
    if column == "bulletin":
        url = datasette.urls.table(database, "bulletins") + f"?path={quote(str(value))}"
        return link(url, value)
    table_id = as_id(get_field(row, "table_id"))
    if column == "table_no" and table_id is not None:
        return link(links.grid(table_id, as_id(get_field(row, "cell_id"))), value)
    fact_id = as_id(get_field(row, "fact_id"))
    if column in ("line", "page") and fact_id is not None:
        url = fact_source_url(datasette, database, fact_id)
        return link(url, value, "the source around this figure")
    target = ROW_LINKS.get(column)
    if target is not None and as_id(get_field(row, target[1])) is not None:
        return link(datasette.urls.row(database, target[0], str(get_field(row, target[1]))), value)
    return None


def _metric_cell(row: Any, metric: str, database: str, datasette: Any) -> Markup:
    vocab = vocabulary_of(datasette)
    kind = get_field(row, "table_kind")
    label = vocab.label(metric, str(kind) if kind else None) or vocab.label(metric)
    shown = Markup(escape(metric)) + (Markup(f" <small>{escape(label)}</small>") if label else "")
    entity = get_field(row, "entity")
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
    return Markup(", ".join(link(links.fact(i), i) for i in ids))


# --- pages -------------------------------------------------------------------------------


@hookimpl  # type: ignore[untyped-decorator]
def register_routes() -> list[tuple[str, Any]]:
    return [
        (r"^/-/grid/(?P<database>[^/]+)/(?P<table_id>[^/]+)$", grid_page),
        (r"^/-/source/(?P<database>[^/]+)/fact/(?P<fact_id>[^/]+)$", source_page),
        (r"^/-/source/(?P<database>[^/]+)/(?P<bulletin_id>[^/]+)$", source_page),
        (r"^/-/entity/(?P<database>[^/]+)/(?P<name>[^/]+)$", entity_page),
        (rf"^{EXPORT_PREFIX}(?P<database>[^/]+)/(?P<query>[^/]+)\.csv$", export_query),
        # anything else under the plugin's paths: a line, not Datasette's 404 handler
        (r"^/-/(?P<page>grid|source|entity|export)(?:/.*)?$", no_such_page),
    ]


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
        if canned not in (TREND_QUERY, MONTH_QUERY):
            return Markup("")
        publishers = await _publishers_of_bulletins(datasette.databases[database])
        draw = trend_panel if canned == TREND_QUERY else month_panel
        chart = draw(columns or [], rows or [], params or {}, vocab, publishers)
        if truncated and chart:
            chart += Markup(
                f'<p class="bulletins-truncated">The chart shows the first {len(rows)} rows, '
                "as the page does; the CSV link has every row.</p>"
            )
        return chart + await _pickers(datasette, database, vocab)

    return {"bulletins_panel": bulletins_panel}


async def _publishers_of_bulletins(db: Any) -> dict[str, str] | None:
    """Each bulletin's publisher, in an archive whose entities belong to several."""
    if not await db.execute_fn(several_publishers):
        return None
    rows = await db.execute("SELECT path, publisher FROM bulletins WHERE publisher IS NOT NULL")
    return {str(path): str(publisher) for path, publisher in rows.rows}


async def _pickers(datasette: Any, database: str, vocab: Vocabulary) -> Markup:
    db = datasette.databases[database]
    several = await db.execute_fn(several_publishers)
    whose = "e.publisher" if several else "NULL"
    entities = await db.execute(
        f"SELECT e.name, {whose}, (SELECT group_concat(a.alias, ' / ') FROM aliases a "
        "WHERE a.entity_id = e.id AND a.alias != e.name) FROM entities e ORDER BY e.name, 2"
    )
    pairs = await db.execute_fn(metric_pairs)
    if pairs is None:  # no fresh summaries: the stored facts
        found = await db.execute(
            "SELECT DISTINCT lk.text, lm.text FROM facts f JOIN labels lk ON lk.id = f.table_kind "
            "JOIN labels lm ON lm.id = f.metric ORDER BY 1, 2"
        )
        pairs = [(str(k), str(m)) for k, m in found.rows]
    entity_options = [
        (str(n), " ".join(str(x) for x in (n, publisher and f"· {publisher}", aliases) if x))
        for n, publisher, aliases in entities.rows
    ]
    metric_options = [
        (f.name, f"{f.label} — family: " + ", ".join(m for _, m in f.members))
        for f in vocab.families.values()
    ]
    metric_options += [
        (str(metric), f"{vocab.label(str(metric), str(kind)) or ''} ({kind})".strip())
        for kind, metric in pairs
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


# the printed label beside each metric key of a `metric` facet (no hook labels facets)
FACET_LABELS_JS = """
var metricLabels = %s;
document.querySelectorAll('.facet-info[data-column=metric] li > a:first-child')
  .forEach(function (a) {
    var label = metricLabels[a.textContent.trim()];
    if (label) {
      var small = document.createElement('small');
      small.textContent = ' ' + label;
      a.appendChild(small);
    }
  });
"""


@hookimpl  # type: ignore[untyped-decorator]
def extra_body_script(template: str, datasette: Any) -> str | None:
    """Pickers on the query forms; charts and the traced cell record how they were laid out;
    printed labels beside the metric keys of a facet."""
    if template.startswith("query") or template == PAGE_TEMPLATE:
        return PICKER_JS
    if template.startswith("table"):
        labels = json.dumps(metric_labels(vocabulary_of(datasette))).replace("</", "<\\/")
        return FACET_LABELS_JS % labels
    return None


def metric_labels(vocab: Vocabulary) -> dict[str, str]:
    """Each metric key with its first printed label (of the first table kind that has it)."""
    out: dict[str, str] = {}
    for (_, metric), labels in vocab.labels.items():
        if labels:
            out.setdefault(metric, labels[0])
    return out


@hookimpl  # type: ignore[untyped-decorator]
def asgi_wrapper(datasette: Any) -> Any:
    def is_canned(database: str, name: str) -> bool:
        return isinstance((datasette.metadata("queries", database=database) or {}).get(name), dict)

    def can_stream() -> bool:
        return bool(datasette.setting("allow_csv_stream"))

    return lambda app: with_bom(app, is_canned, can_stream)


# --- refused requests: one log line each ----------------------------------------------------


def rejection_line(method: str, path: str, query: str, exception: BaseException) -> str:
    """One log line for a request Datasette refused."""
    status = getattr(exception, "status", 500)
    message = re.sub(r"<[^>]+>", "", str(getattr(exception, "message", exception)))
    message = " ".join(message.split())[:200]
    target = f"{path}?{query}" if query else path
    return f"rejected {method} {target[:300]}: {status} {message}"


@hookimpl(tryfirst=True)  # type: ignore[untyped-decorator]
def handle_exception(request: Any, exception: BaseException) -> None:
    """Log a refused request in one line (Datasette still renders the error page)."""
    if getattr(exception, "status", 500) == 404:
        return
    query = request.scope.get("query_string", b"").decode("utf-8", "replace")
    print(rejection_line(request.method, request.path, query, exception), file=sys.stderr)
