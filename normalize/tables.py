"""Tables → facts: table kind, flattened headers → metrics, row names and roles, values."""

from __future__ import annotations

import re
from dataclasses import dataclass

from extract.cells import load_cell_words
from extract.document import Cell, Table
from extract.hints import fold, load_hints
from normalize.catalog import Catalog, Metric, label_key
from normalize.columns import column_unit, metric_for
from normalize.columns import slug as slug  # prose.py takes it from here
from normalize.facts import Fact, TableInfo, fact_of
from normalize.name_headers import load_name_headers
from normalize.ocr_repair import low_confidence
from normalize.transposed import has_current_column, transposed_facts, transposed_kind
from normalize.values import Value, clean, parse_value

OTHER = "other"
CHANGES = ("percent_change", "count_change", "point_change")  # 持平 is 0 only in these
PART_GLUE = re.compile(r"^[\s:：,，、]+")  # between 其中 and the part's name


def flat_headers(table: Table) -> list[str]:
    """One label per column: the header cells above it, top to bottom, joined by '/'."""
    grid = table.grid()
    out = []
    for c in range(table.n_cols):
        parts: list[str] = []
        for r in range(table.header_rows):
            cell = grid[r][c]
            if cell is not None and cell.text.strip() and clean(cell.text) not in parts:
                parts.append(clean(cell.text))
        out.append("/".join(parts))
    return out


def leaf_headers(table: Table) -> list[str]:
    """The lowest header label of each column."""
    grid = table.grid()
    out = []
    for c in range(table.n_cols):
        cell = grid[table.header_rows - 1][c] if table.header_rows else None
        out.append(clean(cell.text) if cell is not None else "")
    return out


def classify_table(
    table: Table,
    catalog: Catalog,
    flat_labels: list[str] | None = None,
    leaf_labels: list[str] | None = None,
) -> str:
    """The table kind whose labels its headers match best; words of the name columns'
    headers (部门, 乡镇: data/name_headers.yaml), then caption words in the caption, break
    ties, and a kind's marks (工单, 诉求 … in a header) outweigh any count of labels.

    ``flat_labels`` and ``leaf_labels``: the table's flat and leaf headers, when known."""
    leaves = (leaf_labels if leaf_labels is not None else leaf_headers(table))[table.stub_cols :]
    caption = fold(" ".join(table.caption))
    flat = flat_labels if flat_labels is not None else flat_headers(table)
    headers = fold(" ".join(flat))
    names = fold(" ".join(flat[: table.stub_cols]))  # 部门, 乡镇: what the rows are
    rows_are = load_name_headers()
    best, best_score = OTHER, 0.0
    for name, kind in catalog.kinds.items():
        hits = sum(_weight(metric_for(catalog, name, label)) for label in leaves)
        in_headers = any(w in headers for w in kind.marks)
        in_caption = any(w in caption for w in kind.marks)
        if not hits and not in_headers and not in_caption:
            continue
        score = hits + (0.5 if any(w in caption for w in kind.caption_words) else 0.0)
        # what the rows are (部门 or 乡镇 over the names) outweighs the caption, which may
        # be a town's title over its departments, but not a label
        score += 0.75 if any(w in names for w in rows_are.get(name, ())) else 0.0
        # A mark in a header settles the kind; one in the caption (which may be the
        # bulletin's title) weighs more than a caption word, less than two labels.
        score += 1000 if in_headers else 1.5 if in_caption else 0.0
        if score > best_score:
            best, best_score = name, score
    return best


def _weight(metric: Metric | None) -> float:
    """How much a known label tells a table's kind: a score, rank or change little (any
    kind of table may have one), a count or rate fully."""
    if metric is None:
        return 0.0
    return 1.0 if metric.unit in ("count", "percent") else 0.25


def table_facts(
    table: Table, catalog: Catalog, warnings: list[str], period_type: str = "month"
) -> tuple[TableInfo, list[Fact]]:
    """Every value cell of a table as a fact; ``period_type``: the bulletin's (month,
    quarter …), whose words alone head a column of its own figure (本月 in a month)."""
    headers, leaves = flat_headers(table), leaf_headers(table)
    kind = classify_table(table, catalog, headers, leaves)
    where = f"table {table.index + 1} ({' '.join(table.caption) or 'no caption'})"
    index_col = _index_column(table, leaves)
    rows = _named_rows(table, index_col) if has_current_column(table, leaves) else []
    across = transposed_kind(table, catalog, leaves, rows) if rows else None
    if across is not None:  # rows are measures, columns periods (项目 | 本月 | 上月 | 环比)
        metrics, read = transposed_facts(
            table, across, catalog, leaves, rows, warnings, where, period_type
        )
        return TableInfo(table.index, across, " ".join(table.caption), headers, metrics), read
    # A leading rank column (排名 first) numbers the rows by rank: its numbers are facts.
    ranks = index_col is not None and column_unit(leaves[index_col], [], catalog) == "rank"
    lead = (index_col,) if ranks and index_col is not None else ()
    columns = column_meanings(table, kind, catalog, warnings, where, headers, leaves, lead)
    facts: list[Fact] = []
    grid = table.grid()
    scope = catalog.kinds[kind].scope if kind in catalog.kinds else None
    value_cols = [
        (c, metric, headers[c], columns.units[c], c in columns.review)
        for c in (*lead, *range(table.stub_cols, table.n_cols))
        if (metric := columns.metrics[c]) is not None
    ]
    parent_of_parts: str | None = None  # the row a 其中 row is part of
    indented = indented_parts(table, index_col, catalog)
    for r in range(table.header_rows, table.n_rows):
        line = grid[r]
        names = _row_names(line[: table.stub_cols], index_col)
        if not names:
            warnings.append(f"{where}: row {r + 1} has no name; its values are skipped")
            continue
        role, entity, parent = _row_identity(names, catalog)
        if r in indented:  # indented under the row above, as its 其中 rows are
            role = "part"
        if role == "part":
            parent = parent_of_parts
        else:
            parent_of_parts = entity
        name_key = scope if role == "total" and scope else entity
        row_label = clean(names[-1].text)
        row_note = "; ".join(
            clean(_cell_text(line[c])) for c in columns.notes if _cell_text(line[c])
        )
        # the loop below runs once per value cell: what is the same along the row is
        # worked out above, and a cell without a note of its own takes the row's at once
        only_row_note = row_note or None  # _join_notes(None, row_note)
        for c, metric, header, unit, guessed in value_cols:
            cell = line[c]
            if cell is None or cell.row != r or cell.col != c:
                continue
            text = cell.text
            value = parse_value(text)
            doubt = guessed
            if value.unchanged and unit not in CHANGES:  # 持平 outside a change column
                value = Value(None, False, None, ok=False)
            if not value.ok:  # kept as printed, with no value, and flagged
                warnings.append(f"{where}: line {cell.source.line_start}: '{text}' is not a number")
                doubt = True
            elif value.unit is not None and not _fits(value.unit, unit):
                warnings.append(
                    f"{where}: line {cell.source.line_start}: '{text}' prints a unit of "
                    f"{value.unit} in a column of {unit}"
                )
                doubt = True
            source = cell.source
            facts.append(
                fact_of(
                    table.index,
                    kind,
                    entity,
                    name_key,
                    parent,
                    row_label,
                    role,
                    metric,
                    header,
                    value.value,
                    text.strip(),  # value_raw
                    unit,
                    _join_notes(value.note, row_note) if value.note else only_row_note,
                    r,
                    c,
                    source.line_start,
                    source.page,
                    source.bbox,
                    # needs_review; only an OCR'd cell has a confidence
                    doubt or (cell.confidence is not None and low_confidence(cell)),
                    None,  # period: the bulletin's
                    None,  # period_type
                )
            )
    review = None
    if columns.review:
        review = "header guessed for " + ", ".join(headers[c] for c in sorted(columns.review))
    info = TableInfo(
        table.index, kind, " ".join(table.caption), headers, columns.metrics, review=review
    )
    return info, facts


def _fits(printed: str, unit: str) -> bool:
    """A unit printed in a cell (件: count) agrees with its column's (a count or its change)."""
    return unit in (printed, f"{printed}_change") or (printed, unit) == ("points", "point_change")


def _join_notes(cell_note: str | None, row_note: str) -> str | None:
    """A cell's own note, then its row's notes column, joined by '; ' (None: neither)."""
    if cell_note and row_note:
        return f"{cell_note}; {row_note}"
    return cell_note or row_note or None


@dataclass
class Columns:
    """What each column of a table means: metric key, unit, whether it needs review."""

    metrics: list[str | None]
    units: list[str]
    notes: list[int]
    review: set[int]


def column_meanings(
    table: Table,
    kind: str,
    catalog: Catalog,
    warnings: list[str],
    where: str,
    flat_labels: list[str] | None = None,
    leaf_labels: list[str] | None = None,
    lead: tuple[int, ...] = (),
) -> Columns:
    """Metric and unit per value column (and the ``lead`` columns among the names: a
    leading rank column); notes columns; columns whose meaning is a guess.

    A leaf label printed under several groups (热线/已办结, 网络留言/已办结) means the
    metric under that group. A column whose group the reader guessed needs review unless
    its leaf label alone names the metric; so does a column without a header.
    """
    headers = flat_labels if flat_labels is not None else flat_headers(table)
    leaves = leaf_labels if leaf_labels is not None else leaf_headers(table)
    groups = _group_labels(headers)
    repeated = {label_key(x) for x in leaves if x and leaves.count(x) > 1}
    out = Columns([None] * table.n_cols, ["count"] * table.n_cols, [], set())
    grid = table.grid()
    for c in (*lead, *range(table.stub_cols, table.n_cols)):
        if label_key(leaves[c]) in catalog.note_columns:
            out.notes.append(c)
            continue
        leaf = leaves[c]
        if fold(leaf) in catalog.totals and groups[c]:
            leaf = groups[c]  # 案件总数/合计: the total of the group is the group's measure
        known = metric_for(catalog, kind, leaf) if kind != OTHER else None
        if known is None:
            out.metrics[c] = slug(headers[c])
            if kind != OTHER:
                warnings.append(
                    f"{where}: unknown header '{headers[c]}' kept as '{out.metrics[c]}'"
                )
        else:
            out.metrics[c] = known.key
            if label_key(leaf) in repeated and groups[c]:
                out.metrics[c] = f"{slug(groups[c])}_{known.key}"
        if known is not None:
            out.units[c] = known.unit
        else:
            cells = [
                (cell.text, parse_value(cell.text))
                for r in range(table.header_rows, table.n_rows)
                if (cell := grid[r][c]) is not None and (cell.row, cell.col) == (r, c)
            ]
            out.units[c] = column_unit(headers[c], cells, catalog)
        certain = known is not None and label_key(leaf) not in repeated
        if not headers[c] or (c in table.guessed_cols and not certain):
            out.review.add(c)
    return out


def _group_labels(headers: list[str]) -> list[str]:
    """The header label right above each column's leaf ('' when none), from flat headers."""
    return [(h.split("/")[-2] if h.count("/") else "") for h in headers]


def _cell_text(cell: Cell | None) -> str:
    return cell.text.strip() if cell is not None else ""


def _index_column(table: Table, leaves: list[str]) -> int | None:
    """Column 0 when it holds row numbers (序号) rather than names."""
    if table.stub_cols < 2:
        return None
    return 0 if fold(leaves[0]) in load_hints().index_headers else None


def _named_rows(table: Table, index_col: int | None) -> list[tuple[int, str]]:
    """Each body row that has a name, with its last name as printed (cleaned)."""
    grid = table.grid()
    out = []
    for r in range(table.header_rows, table.n_rows):
        names = _row_names(grid[r][: table.stub_cols], index_col)
        if names:
            out.append((r, clean(names[-1].text)))
    return out


def _row_names(stub: list[Cell | None], index_col: int | None) -> list[Cell]:
    """The distinct name cells of a row, left to right (a spanning cell counts once)."""
    names: list[Cell] = []
    for c, cell in enumerate(stub):
        if cell is None or c == index_col or not cell.text.strip() or cell in names:
            continue
        if index_col is not None and cell.col == index_col and cell.colspan == 1:
            continue
        names.append(cell)
    return names


def _row_identity(names: list[Cell], catalog: Catalog) -> tuple[str, str, str | None]:
    """(row_role, entity_raw, parent_raw) from a row's names.

    A subtotal row describes the group it closes (the town of a 小计), so that group is its
    entity; an item's parent is the name to its left (a centre's town). A row named 其中…
    is a part of the row above it (the caller names that row its parent).
    """
    label = clean(names[-1].text)
    folded = fold(label)
    outer = clean(names[-2].text) if len(names) > 1 else None
    if folded in catalog.totals or folded in load_cell_words().scope_totals:  # 全市 alone
        return "total", label, None
    if folded in catalog.subtotals:
        return "subtotal", outer or label, None
    part = _part_name(label)
    if part is not None:
        return "part", part, outer
    if outer is not None and _part_name(outer + label) == label:  # 其中 in a cell of its own
        return "part", label, None
    return "item", label, outer


def indented_parts(table: Table, index_col: int | None, catalog: Catalog) -> set[int]:
    """Body rows whose name is indented (full-width spaces before it, kept by the text
    readers) under a row whose name is not: parts of that row, as 其中 rows are. Only when
    that is unambiguous: one depth of indentation, the first named row flush, and neither
    an indented row nor the flush row above one a total or subtotal (items indented under
    合计 are its items); otherwise none (the rows stay items)."""
    grid = table.grid()
    depths: dict[int, int] = {}
    labels: dict[int, str] = {}
    for r in range(table.header_rows, table.n_rows):
        names = _row_names(grid[r][: table.stub_cols], index_col)
        if names:
            text = names[-1].text
            lead = text[: len(text) - len(text.lstrip())]
            depths[r] = sum(2 if ch == "\u3000" else 1 for ch in lead)
            labels[r] = fold(text)
    deep = {r for r, depth in depths.items() if depth}
    if not deep or len({depths[r] for r in deep}) > 1 or min(depths) in deep:
        return set()
    summaries = catalog.totals | catalog.subtotals | load_cell_words().scope_totals
    flush = ""
    for r in depths:
        if r not in deep:
            flush = labels[r]
        elif labels[r] in summaries or flush in summaries:
            return set()
    return deep


def _part_name(label: str) -> str | None:
    """The name of a part of the row above (其中：网上来信 → 网上来信), else None."""
    for prefix in load_cell_words().part_prefixes:
        if label.startswith(prefix):
            name = PART_GLUE.sub("", label[len(prefix) :])
            return name or None
    return None
