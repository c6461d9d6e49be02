"""`bulletins inspect`: what extraction sees in one file, for a person or as JSON."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table as RichTable

from extract.document import Cell, Table
from normalize.facts import Bulletin, Fact
from normalize.headline import SECTION

FIGURE_COLUMNS = ("scope", "role", "metric", "label", "value", "unit", "period", "type", "review")


def grid_labels(table: Table) -> list[list[str]]:
    """Each grid position as text: a cell's text with its span, or an arrow to the cell."""
    out = []
    for r, row in enumerate(table.grid()):
        labels = []
        for c, cell in enumerate(row):
            labels.append(_position_label(cell, r, c))
        out.append(labels)
    return out


def _position_label(cell: Cell | None, r: int, c: int) -> str:
    if cell is None:
        return "·"
    if (cell.row, cell.col) != (r, c):
        return "↑" if cell.col == c else "←"
    span = f" [{cell.rowspan}×{cell.colspan}]" if cell.rowspan > 1 or cell.colspan > 1 else ""
    return cell.text + span


def sections_of(bulletin: Bulletin) -> list[str]:
    """The top-level section headings (一、… 二、…) in reading order."""
    blocks = bulletin.document.blocks
    return [b.text for b in blocks if SECTION.match(b.text) or b.text.startswith("一")]


def prose_figures(bulletin: Bulletin) -> list[Fact]:
    """The facts read from the prose (table_kind headline), in reading order."""
    return [f for f in bulletin.facts if f.table_kind == "headline"]


def figure_row(fact: Fact, bulletin: Bulletin) -> list[str]:
    """One prose figure as the text view shows it (FIGURE_COLUMNS)."""
    scope = (
        fact.entity_raw
        if fact.entity_raw == fact.name_key
        else f"{fact.entity_raw}→{fact.name_key}"
    )
    period = fact.period or bulletin.period.label or "?"
    kind = fact.period_type or (bulletin.period.type if bulletin.period.label else "?")
    note = f" ({fact.note})" if fact.note else ""
    if fact.unit.endswith("_change") and fact.value is not None:
        note += f" = {fact.value:+g}"
    return [
        scope,
        fact.row_role,
        fact.metric,
        fact.header,
        fact.value_raw + note,
        fact.unit,
        period,
        kind,
        "review" if fact.needs_review else "",
    ]


def render(bulletin: Bulletin, console: Console, max_rows: int | None = None) -> None:
    """Print period, metadata, sections, prose figures and every table as a grid."""
    doc, period = bulletin.document, bulletin.period
    console.print(f"[bold]{doc.path}[/bold]  format={doc.format}  encoding={doc.encoding}")
    console.print(
        f"period: {period.label or 'unknown'} (basis: {period.basis}"
        + (f", published {period.published}" if period.published else "")
        + f") type: {period.type}"
        + (f", {period.start}..{period.end}" if period.label else "")
    )
    if bulletin.title:
        console.print(f"title: {bulletin.title}")
    if bulletin.publisher:
        console.print(f"publisher: {bulletin.publisher}")
    sections = sections_of(bulletin)
    if sections:
        console.print("sections: " + " | ".join(s[:30] for s in sections))
    figures = prose_figures(bulletin)
    if figures:
        grid = RichTable(title=f"prose figures: {len(figures)}", title_justify="left")
        for name in FIGURE_COLUMNS:
            grid.add_column(name, overflow="fold")
        for fact in figures:
            grid.add_row(*figure_row(fact, bulletin))
        console.print(grid)
    for table, info in zip(doc.tables, bulletin.tables, strict=True):
        console.print(_table_panel(table, info.kind, max_rows))
    for warning in bulletin.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}")


def _table_panel(table: Table, kind: str, max_rows: int | None) -> Panel:
    grid = RichTable(show_header=False, show_lines=False, box=None, pad_edge=False)
    for _ in range(table.n_cols):
        grid.add_column(overflow="fold")
    labels = grid_labels(table)
    shown = labels if max_rows is None else labels[: table.header_rows + max_rows]
    for r, row in enumerate(shown):
        style = "bold" if r < table.header_rows else None
        grid.add_row(*row, style=style)
    more = len(labels) - len(shown)
    title = (
        f"table {table.index + 1}: {kind}, {table.n_rows} rows × {table.n_cols} columns, "
        f"{table.header_rows} header row(s), {table.stub_cols} name column(s), "
        f"{table.source.describe()}"
    )
    parts: list[Any] = [" ".join(table.caption), grid]
    if more > 0:
        parts.append(f"… {more} more rows (use --rows 0 to show all)")
    return Panel(Group(*parts), title=title, title_align="left", expand=False)


def as_json(bulletin: Bulletin) -> dict[str, Any]:
    """The same information as plain data."""
    doc = bulletin.document
    return {
        "path": doc.path,
        "format": doc.format,
        "encoding": doc.encoding,
        "period": bulletin.period.label,
        "period_type": bulletin.period.type if bulletin.period.label else None,
        "period_start": bulletin.period.start,
        "period_end": bulletin.period.end,
        "period_basis": bulletin.period.basis,
        "published": bulletin.period.published,
        "publisher": bulletin.publisher,
        "title": bulletin.title,
        "sections": sections_of(bulletin),
        "figures": [figure_json(f, bulletin) for f in prose_figures(bulletin)],
        "tables": [
            {
                "table_no": t.index + 1,
                "kind": info.kind,
                "caption": t.caption,
                "n_rows": t.n_rows,
                "n_cols": t.n_cols,
                "header_rows": t.header_rows,
                "stub_cols": t.stub_cols,
                "headers": info.headers,
                "metrics": info.metrics,
                "quality": info.quality,
                "review": info.review,
                "cells": [
                    {
                        "text": c.text,
                        "row": c.row,
                        "col": c.col,
                        "rowspan": c.rowspan,
                        "colspan": c.colspan,
                        "line": c.source.line_start,
                    }
                    for c in t.cells
                ],
            }
            for t, info in zip(doc.tables, bulletin.tables, strict=True)
        ],
        "warnings": bulletin.warnings,
    }


def figure_json(fact: Fact, bulletin: Bulletin) -> dict[str, Any]:
    """One prose figure as plain data, its period filled from the bulletin's."""
    own = fact.period is not None
    return {
        "entity_raw": fact.entity_raw,
        "scope": fact.name_key,
        "row_role": fact.row_role,
        "metric": fact.metric,
        "header": fact.header,
        "value": fact.value,
        "value_raw": fact.value_raw,
        "unit": fact.unit,
        "note": fact.note,
        "period": fact.period if own else bulletin.period.label,
        "period_type": fact.period_type if own else bulletin.period.type,
        "own_period": own,
        "needs_review": fact.needs_review,
        "line": fact.line,
        "page": fact.page,
    }
