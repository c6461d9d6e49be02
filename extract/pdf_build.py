"""Joined table parts → a Table: ruled ones as their rules state, unruled ones through the
text reader's row recovery with each cell's page and box kept."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from extract.document import Source, Table
from extract.explicit import SpanCell, table_from_rows
from extract.hints import LayoutHints
from extract.layout import INDEX, VALUE, RawCell, cell_kind
from extract.pdf_tables import RULED, TablePart
from extract.text import cells_to_table


def build_table(
    whole: TablePart, hints: LayoutHints, *, index: int, caption: list[str]
) -> Table | None:
    """A table from its joined parts: ruled ones as stated, unruled ones by row recovery;
    None when no row holds a value."""
    source = Source(page=whole.page, bbox=whole.bbox)
    if whole.engine == RULED:
        rows = [
            [SpanCell(c.text, c.rowspan, c.colspan, Source(page=c.page, bbox=c.bbox))
             for c in whole.row(r)]
            for r in range(whole.n_rows)
        ]  # fmt: skip
        return table_from_rows(
            rows, hints, index=index, caption=caption, engine=whole.engine, source=source
        )
    return unruled_table(whole, hints, index=index, caption=caption, source=source)


def reuse_reading(
    parts: Sequence[TablePart], whole: TablePart, *, index: int, caption: list[str]
) -> Table | None:
    """The grid an unruled table's winning reading was built into while the readings were
    compared, when these are the parts it was built from; else None."""
    built = parts[0].read_as
    if built is None or len(parts) != parts[0].read_from:
        return None
    source = Source(page=whole.page, bbox=whole.bbox)
    return replace(
        built, index=index, caption=caption + built.caption, source=source, engine=whole.engine
    )


def unruled_table(
    whole: TablePart, hints: LayoutHints, *, index: int, caption: list[str], source: Source
) -> Table | None:
    """An unruled table through the text reader's row recovery (see ``reading_order``);
    each cell's number leads back to the page and box it came from."""
    raw, sources = reading_order(whole, hints)
    table = cells_to_table(raw, hints, index=index, caption=caption)
    if table is None:
        return None
    table.cells = [replace(c, source=sources[c.source.line_start or 0]) for c in table.cells]
    table.source, table.engine = source, whole.engine
    table.warnings.extend(whole.notes)
    return table


def reading_order(whole: TablePart, hints: LayoutHints) -> tuple[list[RawCell], dict[int, Source]]:
    """The cells of an unruled table as a web page saved as text writes them: header
    labels, then each row from its first name on, with empty value cells kept in place.
    Cells are numbered (in place of line numbers); returns them and each number's source."""
    first_value = min(
        (c.col for c in whole.cells
         if c.row >= whole.header_rows and c.col > 0
         and cell_kind(c.text, hints) in (VALUE, INDEX)),
        default=1,
    )  # fmt: skip
    raw: list[RawCell] = []
    sources: dict[int, Source] = {}

    def add(text: str, page: int, bbox: tuple[float, float, float, float] | None) -> None:
        raw.append(RawCell(text, len(raw) + 1))
        sources[len(raw)] = Source(page=page, bbox=bbox)

    for r in range(whole.n_rows):
        row = {c.col: c for c in whole.row(r) if c.text}
        if not row:
            continue
        first = min(row)
        page = row[first].page
        for c in range(first, whole.n_cols):
            if c in row:
                add(row[c].text, row[c].page, row[c].bbox)
                if r < whole.header_rows:  # a group label: its span as the empty cells after it
                    for _ in range(row[c].colspan - 1):
                        add("", row[c].page, None)
            elif r >= whole.header_rows and c >= first_value:
                add("", page, None)
    return raw, sources
