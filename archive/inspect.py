"""`bulletins inspect`: what extraction sees in one file, for a person or as JSON."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table as RichTable

from extract.document import Cell, Table
from normalize.facts import Bulletin
from normalize.headline import SECTION


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


def render(bulletin: Bulletin, console: Console, max_rows: int | None = None) -> None:
    """Print period, sections and every table as a grid."""
    doc, period = bulletin.document, bulletin.period
    console.print(f"[bold]{doc.path}[/bold]  format={doc.format}  encoding={doc.encoding}")
    console.print(
        f"period: {period.label or 'unknown'} (basis: {period.basis}"
        + (f", published {period.published}" if period.published else "")
        + ")"
    )
    if bulletin.title:
        console.print(f"title: {bulletin.title}")
    sections = [b.text for b in doc.blocks if SECTION.match(b.text) or b.text.startswith("一")]
    if sections:
        console.print("sections: " + " | ".join(s[:30] for s in sections))
    headline = [f for f in bulletin.facts if f.table_kind == "headline"]
    if headline:
        console.print(
            "headline: " + ", ".join(f"{f.name_key}.{f.metric}={f.value_raw}" for f in headline)
        )
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
        "period_basis": bulletin.period.basis,
        "published": bulletin.period.published,
        "title": bulletin.title,
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
