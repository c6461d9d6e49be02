"""The charts above the trend and month queries, drawn from the rows the page shows.

Drawn on the server from the query's own rows, so the chart is there however the page
was reached: a link, the form, the back button.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup, escape

from archive.charts import Series, bar_chart, is_month, line_chart
from archive.vocabulary import Vocabulary

MAX_BARS = 80


def trend_panel(
    columns: Sequence[str],
    rows: Sequence[Any],
    params: Mapping[str, str],
    vocab: Vocabulary,
    publishers: Mapping[str, str] | None = None,
) -> Markup:
    """A line chart of the trend rows, one line per entity, table kind and row role;
    with ``publishers`` (bulletin → publisher, in an archive of several), one line per
    publisher's entity."""
    records = [dict(zip(columns, row, strict=False)) for row in rows]
    note = _family_note(records, params, vocab)
    series: dict[tuple[str, ...], Series] = {}
    for r in records:
        if not is_month(str(r.get("period") or "")):
            continue
        followed = r.get("family") or r.get("metric") or ""
        key = (
            _entity_of(r, publishers),
            str(r["table_kind"]),
            str(followed),
            str(r.get("row_role") or ""),
        )
        name = " · ".join(k for k in key if k and k != "item")
        series.setdefault(key, Series(name)).values.setdefault(str(r["period"]), r.get("value"))
    if not series:
        return Markup(f'<div class="bulletins-panel">{note}</div>') if note else Markup("")
    title = f"{params.get('entity', '')} · {params.get('metric', '')}, month by month"
    chart = line_chart(list(series.values()), title)
    return Markup(f'<div class="bulletins-panel">{note}{chart}</div>')


def _entity_of(record: Mapping[str, Any], publishers: Mapping[str, str] | None) -> str:
    """The entity of a row as a chart names it: with its publisher in an archive of several."""
    entity = str(record.get("entity") or record.get("entity_raw"))
    publisher = (publishers or {}).get(str(record.get("bulletin")))
    return f"{entity} ({publisher})" if publisher else entity


def month_panel(
    columns: Sequence[str],
    rows: Sequence[Any],
    params: Mapping[str, str],
    vocab: Vocabulary,
    publishers: Mapping[str, str] | None = None,
) -> Markup:
    """Bars of every department's value, when one metric of one unit is asked for; with
    ``publishers`` (bulletin → publisher), each bar's entity names its publisher."""
    records = [dict(zip(columns, row, strict=False)) for row in rows]
    metric = (params.get("metric") or "").strip()
    units = {r.get("unit") for r in records}
    if not metric or len(units) != 1:
        return Markup("")
    items = [
        (_entity_of(r, publishers), float(r["value"]))
        for r in records
        if r.get("value") is not None
    ]
    if not items:
        return Markup("")
    family = vocab.family_named(metric)
    label = family.label if family else (vocab.label(metric) or "")
    title = f"{params.get('period', '')} · {metric} {label}".strip()
    chart = bar_chart(items[:MAX_BARS], title)
    note = (
        f'<p class="bulletins-cut">The chart draws the first {MAX_BARS} of the {len(items)} '
        "rows with a value, in the order below; the rows list them all.</p>"
        if len(items) > MAX_BARS
        else ""
    )
    return Markup(f'<div class="bulletins-panel">{chart}{note}</div>')


def _family_note(
    records: list[dict[str, Any]], params: Mapping[str, str], vocab: Vocabulary
) -> str:
    followed = vocab.family_named(params.get("metric") or "")
    if followed is not None:
        members = ", ".join(
            f"{kind} · {metric} {vocab.label(metric, kind) or ''}".strip()
            for kind, metric in followed.members
        )
        note = f" {escape(followed.note)}" if followed.note else ""
        return (
            f'<p class="bulletins-family">Following the family <b>{escape(followed.name)}</b> '
            f"({escape(followed.label)}): {escape(members)} as one series; where one "
            f"table prints two of them, the one listed first is kept.{note}</p>"
        )
    kinds = {str(r.get("table_kind")) for r in records}
    metric = (params.get("metric") or "").strip()
    for kind in sorted(kinds):
        family = vocab.family_of(kind, metric)
        if family is not None:
            link = "?" + urlencode({"entity": params.get("entity", ""), "metric": family.name})
            return (
                f'<p class="bulletins-family">{escape(metric)} is one of the family '
                f'<a href="{escape(link)}">{escape(family.name)}</a> ({escape(family.label)}); '
                "follow the family to see it across layouts.</p>"
            )
    return ""
