"""From recovered rows to a grid with spans: header levels, row spans, column spans."""

from __future__ import annotations

from dataclasses import dataclass, field

from extract.document import Cell, Source, Table, cell_of, line_source
from extract.headers import plan_header
from extract.hints import LayoutHints, fold
from extract.layout import RawCell, RawRow, typical_width


@dataclass(slots=True)
class _Span:
    """A cell under construction: spans grow as rows are laid out."""

    text: str
    row: int
    col: int
    line: int | None
    rowspan: int = 1
    colspan: int = 1

    def freeze(self) -> Cell:
        return cell_of(
            self.text, self.row, self.col, self.rowspan, self.colspan, line_source(self.line)
        )


@dataclass
class Shape:
    """The column layout a table's rows imply."""

    n_index: int
    n_labels: int
    n_values: int
    warnings: list[str] = field(default_factory=list)

    @property
    def label_cols(self) -> int:
        return self.n_index + self.n_labels

    @property
    def width(self) -> int:
        return self.label_cols + self.n_values


def infer_shape(rows: list[RawRow]) -> Shape:
    """Row number column, how many name columns, how many value columns."""
    n_index = int(any(r.index is not None for r in rows))
    n_labels = max((len(r.labels) for r in rows), default=1)
    data = max((r.data_width() for r in rows), default=0)
    typical = typical_width(rows) - n_index - n_labels
    return Shape(n_index, n_labels, max(data, typical))


def build_table(
    header: list[RawCell],
    rows: list[RawRow],
    hints: LayoutHints,
    *,
    index: int,
    caption: list[str],
) -> Table:
    """Lay out header and body rows on one grid."""
    shape = infer_shape(rows)
    head, header_rows, guessed = layout_header(header, shape, hints)
    spans: list[_Span | Cell] = [*head, *layout_body(rows, shape, header_rows, hints)]
    cells = [s.freeze() if isinstance(s, _Span) else s for s in spans]
    width = max([shape.width] + [c.col + c.colspan for c in cells])
    lines = [c.line for c in header]
    lines += [n for c in cells if (n := c.source.line_start) is not None]
    return Table(
        index=index,
        cells=cells,
        n_rows=header_rows + len(rows),
        n_cols=width,
        header_rows=header_rows,
        stub_cols=shape.label_cols,
        caption=caption,
        source=Source(min(lines, default=None), max(lines, default=None)),
        warnings=shape.warnings,
        guessed_cols=guessed,
    )


def layout_header(
    header: list[RawCell], shape: Shape, hints: LayoutHints
) -> tuple[list[_Span], int, list[int]]:
    """Place header labels (name headers, groups, leaves) as the structure implies."""
    plan = plan_header(header, shape.label_cols, shape.n_values, hints)
    shape.warnings.extend(plan.warnings)
    spans = [_Span(p.text, p.row, p.col, p.line, p.rowspan, p.colspan) for p in plan.cells]
    return spans, plan.levels, plan.guessed


def layout_body(
    rows: list[RawRow], shape: Shape, top: int, hints: LayoutHints
) -> list[_Span | Cell]:
    """Place body rows; names missing on the left continue the cell above (row span).

    Name cells stay open (a later row may extend their span); value cells never span, so
    they are final cells at once."""
    spans: list[_Span | Cell] = []
    above: dict[int, _Span] = {}
    label_cols, n_values = shape.label_cols, shape.n_values
    for offset, row in enumerate(rows):
        r = top + offset
        current: dict[int, _Span] = {}
        if row.index is not None:
            current[0] = _Span(row.index.text, r, 0, row.index.line)
        first_label = label_cols - len(row.labels)
        for k, cell in enumerate(row.labels):
            current[first_label + k] = _Span(cell.text, r, first_label + k, cell.line)
        _cover_missing_names(row, shape, current, above, first_label, hints)
        for c, span in current.items():  # the cells that start here (not one continued)
            if span.row == r and span.col == c:
                spans.append(span)
        for j, cell in enumerate(row.values):
            if j >= n_values:
                if not cell.text.strip():
                    continue  # padding written after the last column
                shape.warnings.append(f"line {cell.line}: cell '{cell.text}' beyond the header")
            spans.append(cell_of(cell.text, r, label_cols + j, 1, 1, line_source(cell.line)))
        above = current
    return spans


def _cover_missing_names(
    row: RawRow,
    shape: Shape,
    current: dict[int, _Span],
    above: dict[int, _Span],
    first_label: int,
    hints: LayoutHints,
) -> None:
    """Fill the name columns a row leaves out, from right to left.

    A total row's name spans them (column span); otherwise the cell above continues
    (row span), except in the row-number column, which never continues.
    """
    if not row.labels:
        return
    name = current[first_label]
    is_total = fold(row.labels[0].text) in hints.total_rows
    extend_name = True
    for c in range(first_label - 1, -1, -1):
        if c in current:
            break
        cont = above.get(c)
        can_continue = cont is not None and c >= shape.n_index and not is_total
        if extend_name and not can_continue:
            name.col = c
            name.colspan += 1
            current[c] = name
            continue
        extend_name = False
        if cont is not None and can_continue:
            cont.rowspan += 1
            current[c] = cont
