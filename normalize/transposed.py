"""Tables whose rows are measures and whose columns are periods or changes:

    | 项目   | 本月  | 上月  | 环比   |
    | 来电量 | 35210 | 33100 | 6.37%  |
    | 接通率 | 96.12% | 95.80% | 0.32% |

Such a table is read across: each row's label is the metric (来电量 → calls), the scope of
its kind is the entity (a figure of the whole hotline, row_role ``total``). The column of
the bulletin's own period (本月, 当月 in a monthly bulletin: ``current_period_headers`` of
extract/data/cells.yaml, by period type) gives the metric itself, flagged when two columns
claim it; a change column headed by a bare change word (同比, 环比增减) gives
``<metric>_change_yoy`` or ``_change_mom``, one whose header names something more (累计同比)
the same flagged, one that names no basis (增减) ``<metric>_change`` flagged; any other
column (上月, 累计, 本年 in a monthly bulletin) reports another period and is kept as
``<metric>_<column>``, flagged for review.

A table is read this way only when a column is headed by a word of this period, no value
column's header names a measure, and most row labels do (two at least).
"""

from __future__ import annotations

from extract.cells import load_cell_words, own_period_headers
from extract.document import Table
from extract.hints import fold
from normalize.catalog import Catalog
from normalize.columns import column_unit, metric_for, slug
from normalize.facts import Fact, fact_of
from normalize.values import clean, parse_value

# Share of row labels that must name a measure of the kind.
MIN_SHARE = 0.6
CHANGE_UNITS = ("percent_change", "count_change", "point_change")


def has_current_column(table: Table, leaves: list[str]) -> bool:
    """A value column headed by a word of the bulletin's own period (本月, 当月)."""
    current = load_cell_words().current_headers
    return any(fold(h) in current for h in leaves[table.stub_cols :])


def transposed_kind(
    table: Table, catalog: Catalog, leaves: list[str], rows: list[tuple[int, str]]
) -> str | None:
    """The kind whose measures the row labels name, when the table is read across."""
    values = leaves[table.stub_cols :]
    if not has_current_column(table, leaves) or len(rows) < 2:
        return None
    best, hits = None, 0
    for kind in catalog.kinds:
        if any(_names_a_measure(catalog, kind, h) for h in values):
            continue
        found = sum(1 for _, label in rows if metric_for(catalog, kind, label) is not None)
        if found > hits:
            best, hits = kind, found
    return best if hits >= 2 and hits >= MIN_SHARE * len(rows) else None


def _names_a_measure(catalog: Catalog, kind: str, header: str) -> bool:
    metric = metric_for(catalog, kind, header)
    return metric is not None and metric.unit not in (*CHANGE_UNITS, "rank", "score")


def transposed_facts(
    table: Table,
    kind: str,
    catalog: Catalog,
    leaves: list[str],
    rows: list[tuple[int, str]],
    warnings: list[str],
    where: str,
    period_type: str = "month",
) -> tuple[list[str | None], list[Fact]]:
    """Every value cell as a fact of the row's measure; the metric key of each column
    (its header's slug: a column holds several measures). ``period_type``: the bulletin's
    (month, quarter …), whose words alone head its own column."""
    own = own_period_headers(period_type)
    shared = sum(1 for h in leaves[table.stub_cols :] if fold(h) in own) > 1
    scope = catalog.kinds[kind].scope
    grid = table.grid()
    columns: list[str | None] = [None] * table.stub_cols + [
        slug(h) for h in leaves[table.stub_cols :]
    ]
    facts: list[Fact] = []
    for r, label in rows:
        known = metric_for(catalog, kind, label, period_type)
        base = known.key if known is not None else slug(label)
        if known is None:
            warnings.append(f"{where}: unknown measure '{label}' kept as '{base}'")
        for c in range(table.stub_cols, table.n_cols):
            cell = grid[r][c]
            if cell is None or (cell.row, cell.col) != (r, c):
                continue
            header = leaves[c]
            value = parse_value(cell.text)
            unit = column_unit(header, [(cell.text, value)], catalog)
            doubt = known is None or not value.ok
            number = value.value
            if value.unchanged and unit not in CHANGE_UNITS:  # 持平 is 0 only as a change
                number, doubt = None, True
            if fold(header) in own:  # two such columns: which one is the period's?
                metric, unit = base, known.unit if known is not None else unit
                doubt = doubt or shared
            elif unit in CHANGE_UNITS:
                basis = _basis(catalog, header)
                metric = f"{base}_change_{basis}" if basis else f"{base}_change"
                doubt = (
                    doubt or basis is None or not _bare_change(header, basis_word(catalog, header))
                )
            else:  # another period's figure (上月, 累计): not this bulletin's
                metric, doubt = f"{base}_{slug(header)}", True
                unit = known.unit if known is not None else unit
            facts.append(
                fact_of(
                    table.index,
                    kind,
                    scope,
                    scope,
                    None,
                    label,
                    "total",
                    metric,
                    f"{label}/{clean(header)}",
                    number,
                    cell.text.strip(),
                    unit,
                    value.note,
                    r,
                    c,
                    cell.source.line_start,
                    cell.source.page,
                    cell.source.bbox,
                    doubt,
                    None,
                    None,
                )
            )
    return columns, facts


def basis_word(catalog: Catalog, header: str) -> str | None:
    """The longest change word (同比, 较上月) a change column's header prints, if any."""
    folded = fold(header)
    words = sorted(catalog.prose.change_basis, key=len, reverse=True)
    return next((w for w in words if fold(w) in folded), None)


def _basis(catalog: Catalog, header: str) -> str | None:
    """yoy or mom: the change word of a change column's header; None when none says."""
    word = basis_word(catalog, header)
    return catalog.prose.change_basis[word] if word is not None else None


def _bare_change(header: str, word: str | None) -> bool:
    """A header that is its change word and words of change alone (同比, 同比增减(%)), no
    other period's (累计同比, 本年同比)."""
    rest = fold(header)
    for w in ((fold(word),) if word else ()) + load_cell_words().change_words:
        rest = rest.replace(w, "")
    return not rest.strip("()（）/、:：")
