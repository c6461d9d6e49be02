"""The source as it was printed: a table's grid with its spans, the lines around a figure.

Each function reads the archive through a plain sqlite3 connection (Datasette runs them
in its thread) and returns HTML ready for a page; links are built by the caller's
``Links``, so nothing here knows Datasette's URLs.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup, escape

CONTEXT_LINES = 12  # lines shown either side of a figure in a text bulletin


@dataclass(frozen=True)
class Links:
    """URL makers for the pages and rows a printed source links to."""

    fact: Callable[[int], str]
    grid: Callable[[int, int | None], str]  # table id, cell id to highlight
    bulletin: Callable[[int], str]
    source: Callable[[int, int | None, int | None], str]  # bulletin id, line, page


@dataclass(frozen=True)
class SourceTable:
    """A stored table and where it was printed."""

    id: int
    bulletin_id: int
    bulletin: str
    table_no: int
    kind: str
    caption: str
    n_rows: int
    n_cols: int
    header_rows: int
    line: int | None
    page: int | None


@dataclass(frozen=True)
class GridCell:
    """One stored cell at its origin, with the fact read from it, if any."""

    id: int
    row: int
    col: int
    rowspan: int
    colspan: int
    text: str
    fact_id: int | None


@dataclass(frozen=True)
class Line:
    """A line (or a table row, in a paged format) of a bulletin, as stored."""

    line: int | None
    page: int | None
    text: str
    cells: tuple[int, ...] = ()  # the table cells printed on it
    table_id: int | None = None


def read_table(conn: sqlite3.Connection, table_id: int) -> SourceTable | None:
    """The stored table ``table_id`` with its bulletin's path."""
    row = conn.execute(
        "SELECT t.id, t.bulletin_id, b.path, t.table_no, t.kind, t.caption, t.n_rows, "
        "t.n_cols, t.header_rows, t.line_start, t.page FROM source_tables t "
        "JOIN bulletins b ON b.id = t.bulletin_id WHERE t.id = ?",
        [table_id],
    ).fetchone()
    if row is None:
        return None
    return SourceTable(
        id=row[0],
        bulletin_id=row[1],
        bulletin=row[2],
        table_no=row[3],
        kind=row[4] or "",
        caption=row[5] or "",
        n_rows=row[6] or 0,
        n_cols=row[7] or 0,
        header_rows=row[8] or 0,
        line=row[9],
        page=row[10],
    )


def read_cells(conn: sqlite3.Connection, table_id: int) -> list[GridCell]:
    """The cells of a table in reading order, each with the first fact read from it."""
    rows = conn.execute(
        'SELECT c.id, c."row", c.col, c.rowspan, c.colspan, c.text '
        'FROM cells c WHERE c.table_id = ? ORDER BY c."row", c.col',
        [table_id],
    ).fetchall()
    first_fact = dict(
        conn.execute(
            "SELECT f.cell_id, min(f.id) FROM facts f "
            "WHERE f.bulletin_id = (SELECT bulletin_id FROM source_tables WHERE id = ?) "
            "AND f.table_id = ? AND f.cell_id IS NOT NULL GROUP BY f.cell_id",
            [table_id, table_id],
        ).fetchall()
    )
    return [
        GridCell(r[0], r[1], r[2], r[3] or 1, r[4] or 1, r[5] or "", first_fact.get(r[0]))
        for r in rows
    ]


def grid_html(
    table: SourceTable, cells: list[GridCell], traced: int | None, links: Links
) -> Markup:
    """The grid as an HTML table: spans kept, header rows as <th>, the traced cell marked."""
    by_row: dict[int, list[GridCell]] = {}
    for cell in cells:
        by_row.setdefault(cell.row, []).append(cell)
    n_rows = max([table.n_rows, *(c.row + c.rowspan for c in cells)])
    out = [f'<table class="bulletins-grid" data-columns="{table.n_cols}">']
    for r in range(n_rows):
        tag = "th" if r < table.header_rows else "td"
        out.append(f'<tr data-row="{r}">')
        out += [_cell_html(tag, cell, traced, links) for cell in by_row.get(r, [])]
        out.append("</tr>")
    out.append("</table>")
    return Markup("".join(out))


def _cell_html(tag: str, cell: GridCell, traced: int | None, links: Links) -> str:
    attrs = [f'id="cell-{cell.id}"', f'data-col="{cell.col}"']
    if cell.rowspan > 1:
        attrs.append(f'rowspan="{cell.rowspan}"')
    if cell.colspan > 1:
        attrs.append(f'colspan="{cell.colspan}"')
    if cell.id == traced:
        attrs.append('class="traced"')
    text: str = escape(cell.text)
    if cell.fact_id is not None:
        url = escape(links.fact(cell.fact_id))
        text = f'<a href="{url}" title="fact {cell.fact_id}">{text}</a>'
    return f"<{tag} {' '.join(attrs)}>{text}</{tag}>"


def read_lines(conn: sqlite3.Connection, bulletin_id: int) -> list[Line]:
    """Every stored line of a bulletin: prose blocks and table cells, in source order.

    In a format without line numbers (Word, PDF, HTML) a table row becomes one line,
    its cells joined by ``|``, ordered by page.
    """
    blocks = conn.execute(
        "SELECT line, page, text FROM blocks WHERE bulletin_id = ? ORDER BY seq", [bulletin_id]
    ).fetchall()
    cells = conn.execute(
        'SELECT c.line, c.page, c.text, c.id, c.table_id, c."row" FROM cells c '
        "JOIN source_tables t ON t.id = c.table_id WHERE t.bulletin_id = ? "
        'ORDER BY t.table_no, c."row", c.col',
        [bulletin_id],
    ).fetchall()
    lines = [Line(b[0], b[1], b[2] or "") for b in blocks]
    if all(c[0] is not None for c in cells) and all(b[0] is not None for b in blocks):
        lines += [Line(c[0], c[1], c[2] or "", (c[3],), c[4]) for c in cells]
        return sorted(lines, key=lambda x: x.line or 0)
    rows: dict[tuple[int, int], list[Line]] = {}
    for c in cells:
        rows.setdefault((c[4], c[5]), []).append(Line(None, c[1], c[2] or "", (c[3],), c[4]))
    lines += [
        Line(
            None,
            group[0].page,
            " | ".join(x.text for x in group),
            tuple(i for x in group for i in x.cells),
            group[0].table_id,
        )
        for group in rows.values()
    ]
    return sorted(lines, key=lambda x: x.page or 0)


def in_source_order(lines: list[Line]) -> bool:
    """Whether every line has its number, so prose and table rows are in printed order
    (a format without line numbers gives prose, then table rows, page by page)."""
    return all(x.line is not None for x in lines)


def around(lines: list[Line], line: int | None, page: int | None) -> list[Line]:
    """The lines near ``line`` (text formats), else those of ``page``, else all."""
    if line is not None:
        return [x for x in lines if x.line is not None and abs(x.line - line) <= CONTEXT_LINES]
    if page is not None:
        return [x for x in lines if x.page == page]
    return lines


def lines_html(
    lines: list[Line], marked: int | None, links: Links, cell: int | None = None
) -> Markup:
    """Numbered source lines, the marked line (or the one holding ``cell``) highlighted;
    a table's line links to its grid."""
    out = ['<table class="bulletins-lines">']
    for x in lines:
        where = str(x.line) if x.line is not None else (f"p.{x.page}" if x.page else "")
        traced = (x.line is not None and x.line == marked) or (cell is not None and cell in x.cells)
        attrs = (' class="traced"' if traced else "") + (
            f' id="line-{x.line}"' if x.line is not None else ""
        )
        text: str = escape(x.text)
        if x.table_id is not None:
            first = cell if cell in x.cells else (x.cells[0] if x.cells else None)
            text = f'<a href="{escape(links.grid(x.table_id, first))}">{text}</a>'
        out.append(f"<tr{attrs}><th>{where}</th><td>{text}</td></tr>")
    out.append("</table>")
    return Markup("".join(out))


def exact_number(value: float | None) -> str:
    """A stored number as it was printed: integers without a decimal point, others in
    full (``repr``), never rounded to six digits."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
