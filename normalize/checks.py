"""Consistency checks: a bulletin checks itself.

Rows add up to their 小计, 小计 (or rows) to the 总计, the opening paragraph repeats the
totals of the annexes, rates lie within 0–100, counts are whole and non-negative, row
numbers run without gaps and no value cell is missing. Every check names the facts it
involves (indexes into ``Bulletin.facts``), so a finding leads back to its cells.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain, repeat
from operator import mod

from extract.hints import fold, load_hints
from normalize.catalog import Catalog
from normalize.facts import Bulletin, Fact
from normalize.tables import leaf_headers

OK, MISMATCH, NOT_APPLICABLE = "ok", "mismatch", "not_applicable"
TOLERANCE = 1e-6


@dataclass(frozen=True)
class Check:
    """One finding: a rule applied to some facts."""

    rule: str
    table_index: int | None
    subject: str
    metric: str | None
    expected: float | None
    actual: float | None
    status: str
    message: str
    facts: tuple[int, ...]


def run_checks(bulletin: Bulletin, catalog: Catalog) -> list[Check]:
    """Every check of a bulletin, tables first, then headline figures."""
    facts = list(enumerate(bulletin.facts))
    by_table: dict[int | None, list[tuple[int, Fact]]] = {}
    for i, f in facts:
        by_table.setdefault(f.table_index, []).append((i, f))
    checks: list[Check] = []
    by_metric: dict[tuple[int | None, str], list[tuple[int, Fact]]] = {}
    for info in bulletin.tables:
        mine = by_table.get(info.index, [])
        columns = _columns(mine)
        checks.extend(sum_checks(columns, info.index))
        checks.extend(range_checks(columns, info.index))
        by_metric.update(_by_metric(columns, info.index))
    checks.extend(structure_checks(bulletin))
    checks.extend(headline_checks(facts, bulletin, catalog, by_table, by_metric))
    return checks


def _equal(a: float, b: float) -> bool:
    return abs(a - b) < TOLERANCE


Columns = dict[tuple[str, int | None], list[tuple[int, Fact]]]


def _columns(facts: list[tuple[int, Fact]]) -> Columns:
    """Facts of a table by (metric, column), in row order."""
    rows = [f.row or 0 for _, f in facts]
    if rows != sorted(rows):  # a table's facts come in row order: sorted only if not
        facts = sorted(facts, key=lambda x: x[1].row or 0)
    out: Columns = {}
    for i, f in facts:
        out.setdefault((f.metric, f.col), []).append((i, f))
    return out


def _by_metric(
    columns: Columns, table: int | None
) -> dict[tuple[int | None, str], list[tuple[int, Fact]]]:
    """A table's facts by (table, metric), in the bulletin's order, from its columns."""
    of_metric: dict[str, list[list[tuple[int, Fact]]]] = {}
    for (metric, _), column in columns.items():
        of_metric.setdefault(metric, []).append(column)
    # (index, fact) pairs sort by their index alone: indexes are distinct
    return {(table, m): sorted(chain.from_iterable(cs)) for m, cs in of_metric.items()}


def sum_checks(columns: Columns, table: int) -> Iterator[Check]:
    """Items add up to each 小计; 小计 (and items outside any group) add up to the 总计,
    printed below them or, for a table's first row (全市合计 on top), above them. A part
    (其中…) is in its row's figure and is never added.

    ``columns``: the table's facts by (metric, column), in row order."""
    for (metric, _), column in columns.items():
        if column[0][1].unit != "count":
            continue
        header = column[0][1].header
        group: list[tuple[int, Fact]] = []
        outside: list[tuple[int, Fact]] = []
        subtotals: list[tuple[int, Fact]] = []
        first: tuple[int, Fact] | None = None  # a total printed above its rows (全市合计)
        for i, f in column:
            if f.row_role == "item":
                group.append((i, f))
            elif f.row_role == "subtotal":
                subject = f"{f.entity_raw} {f.row_label} · {header}"
                yield compare("items_sum_to_subtotal", table, subject, metric, (i, f), group)
                subtotals.append((i, f))
                group = []
            elif f.row_role == "total" and first is None and not (group or outside or subtotals):
                first = (i, f)
            elif f.row_role == "total":
                outside.extend(group)
                yield _total_check(table, header, metric, (i, f), subtotals, outside)
                group, outside, subtotals = [], [], []
            # a part (其中…) is inside the row above: never added to the others
        if first is not None and (subtotals or outside or group):
            yield _total_check(table, header, metric, first, subtotals, outside + group)


def _total_check(
    table: int,
    header: str,
    metric: str,
    total: tuple[int, Fact],
    subtotals: list[tuple[int, Fact]],
    items: list[tuple[int, Fact]],
) -> Check:
    """The 总计 against its 小计 rows and the items outside any group (or all its items)."""
    rule = "subtotals_sum_to_total" if subtotals else "items_sum_to_total"
    subject = f"{total[1].row_label} · {header}"
    return compare(rule, table, subject, metric, total, subtotals + items)


def compare(
    rule: str,
    table: int | None,
    subject: str,
    metric: str,
    expected: tuple[int, Fact],
    parts: list[tuple[int, Fact]],
) -> Check:
    """Does the expected cell equal the sum of the parts?"""
    cells = (expected[0], *(i for i, _ in parts))
    values = [f.value for _, f in parts if f.value is not None]
    if expected[1].value is None or not values:
        return Check(
            rule,
            table,
            subject,
            metric,
            expected[1].value,
            None,
            NOT_APPLICABLE,
            "no numbers to compare",
            cells,
        )
    actual = sum(values)
    status = OK if _equal(actual, expected[1].value) else MISMATCH
    blank = len(parts) - len(values)
    message = f"{len(values)} cells sum to {actual:g}" + (
        f" ({blank} without data)" if blank else ""
    )
    if status == MISMATCH:
        message += f", but {expected[1].value_raw} is printed"
    return Check(rule, table, subject, metric, expected[1].value, actual, status, message, cells)


# Each unit's range rule: (rule, lowest, highest, must be whole). Scores, days, ratios and
# signed counts are not checked; ranks and scores are never summed (only counts are).
RANGES: dict[str, tuple[str, float, float, bool]] = {
    "count": ("count_is_whole", 0.0, float("inf"), True),
    "percent": ("percent_in_range", 0.0, 100.0, False),
    "percent_change": ("percent_in_range", -100.0, float("inf"), False),
    "rank": ("rank_is_whole", 1.0, float("inf"), True),
}


def range_checks(columns: Columns, table: int) -> Iterator[Check]:
    """Rates within 0–100 (a signed change above -100%); counts whole and non-negative;
    ranks whole from 1; one check per column (facts by (metric, column), in row order)."""
    for (metric, _), column in columns.items():
        unit, header = column[0][1].unit, column[0][1].header
        if unit not in RANGES:
            continue
        numbers = [(i, f) for i, f in column if f.value is not None]
        if not numbers:
            continue
        rule, low, high, whole = RANGES[unit]
        bad: list[tuple[int, Fact]] = []
        if not _all_in_range([f.value or 0.0 for _, f in numbers], low, high, whole):
            bad = [
                (i, f)
                for i, f in numbers
                if not low <= (f.value or 0) <= high or (whole and (f.value or 0) % 1)
            ]
        cells = tuple(i for i, _ in (bad or numbers))
        message = (
            f"{len(numbers)} cells in range"
            if not bad
            else "out of range: " + ", ".join(f"{f.entity_raw} {f.value_raw}" for _, f in bad)
        )
        yield Check(
            rule, table, header, metric, None, None, MISMATCH if bad else OK, message, cells
        )


def _all_in_range(values: list[float], low: float, high: float, whole: bool) -> bool:
    """True when every value lies in [low, high] and is whole if it must be: the common
    case, decided by builtins over the whole column rather than a test per cell. A NaN
    (or inf - inf) answers False, and the caller tests each cell."""
    total = sum(values)
    if total != total or not low <= min(values) or not max(values) <= high:
        return False
    return not whole or not any(map(mod, values, repeat(1)))


def structure_checks(bulletin: Bulletin) -> Iterator[Check]:
    """Row numbers without gaps; every name row has a cell under every value column."""
    index_headers = load_hints().index_headers
    for table, info in zip(bulletin.document.tables, bulletin.tables, strict=True):
        grid = table.grid()
        body = range(table.header_rows, table.n_rows)
        if table.stub_cols > 1 and fold(leaf_headers(table)[0]) in index_headers:
            numbers = sorted(
                int(cell.text)
                for r in body
                if (cell := grid[r][0])
                and cell.col == 0
                and cell.colspan == 1
                and cell.text.strip().isdigit()
            )
            if info.metrics[0] is not None:  # ranks printed first (排名): ties allowed
                status, message, missing = _ranks_in_order(numbers)
            else:
                status, message, missing = _numbered_in_order(numbers)
            yield Check(
                "row_numbers_complete",
                table.index,
                info.caption or "table",
                None,
                float(len(numbers) + len(missing)),
                float(len(numbers)),
                status,
                message,
                (),
            )
        holes = [
            f"row {r + 1} under '{info.headers[c]}'"
            for r in body
            if any(cell is not None for cell in grid[r][: table.stub_cols])
            for c in range(table.stub_cols, table.n_cols)
            if info.metrics[c] is not None and grid[r][c] is None
        ]
        yield Check(
            "cells_present",
            table.index,
            info.caption or "table",
            None,
            None,
            None,
            MISMATCH if holes else OK,
            ("no cell at " + "; ".join(holes)) if holes else "every row has every column",
            (),
        )


def _numbered_in_order(numbers: list[int]) -> tuple[str, str, list[int]]:
    """Row numbers (sorted) 1…n without gaps or repeats: status, message, the missing."""
    missing = sorted(set(range(1, (numbers[-1] if numbers else 0) + 1)) - set(numbers))
    repeated = sorted(n for n, k in Counter(numbers).items() if k > 1)
    message = f"rows numbered 1–{numbers[-1] if numbers else 0}"
    if missing:
        message += "; missing " + ", ".join(map(str, missing))
    if repeated:
        message += "; repeated " + ", ".join(map(str, repeated))
    return (MISMATCH if missing or repeated else OK), message, missing


def _ranks_in_order(numbers: list[int]) -> tuple[str, str, list[int]]:
    """Ranks (sorted) as a ranking prints them: the k-th row ranks k, or ties the row
    before (1, 2, 2, 4), or after a tie ranks one more than the row before (dense ranks:
    1, 2, 2, 3): status, message, the ranks out of place."""
    wrong = [
        n
        for k, n in enumerate(numbers)
        if n != k + 1
        and not (k and n == numbers[k - 1])
        and not (k and n == numbers[k - 1] + 1 and _tied_before(numbers, k))
    ]
    tied = sorted(n for n, k in Counter(numbers).items() if k > 1)
    message = f"ranks 1–{numbers[-1] if numbers else 0}"
    if tied:
        message += "; tied " + ", ".join(map(str, tied))
    if wrong:
        message += "; out of place " + ", ".join(map(str, wrong))
    return (MISMATCH if wrong else OK), message, wrong


def _tied_before(numbers: list[int], k: int) -> bool:
    """Some rank before the k-th ties the one before it."""
    return any(numbers[j] == numbers[j - 1] for j in range(1, k))


def headline_checks(
    facts: list[tuple[int, Fact]],
    bulletin: Bulletin,
    catalog: Catalog,
    by_table: dict[int | None, list[tuple[int, Fact]]],
    by_metric: dict[tuple[int | None, str], list[tuple[int, Fact]]],
) -> Iterator[Check]:
    """Each headline figure against the matching table: its 总计, else its column sum.

    ``by_table``: the (index, fact) pairs of each table, in the bulletin's order;
    ``by_metric``: those of each (table, metric)."""
    headlines = [(i, h) for i, h in facts if h.table_kind == "headline"]
    if not headlines:
        return
    scopes = {
        info.index: catalog.kinds[info.kind].scope
        for info in bulletin.tables
        if info.kind in catalog.kinds
    }
    for i, h in headlines:
        subject = f"{h.entity_raw} {h.header}"
        if h.period is not None:  # 1-9月累计… beside a monthly table: nothing to compare
            why = f"a figure of {h.period}, not of the bulletin's period"
            yield _headline_check(h, None, subject, None, NOT_APPLICABLE, why, (i,))
            continue
        column = _matching_column(by_metric, h, scopes, catalog)
        if h.unit != "count" or column is None or h.value is None:
            why = "a rate is not summed" if h.unit != "count" else "no table column to compare with"
            yield _headline_check(h, None, subject, None, NOT_APPLICABLE, why, (i,))
            continue
        table, _, cells = column
        totals = [(j, f) for j, f in cells if f.row_role == "total"]
        if totals:
            yield _headline_vs_total(i, h, totals[0], by_table[table], table, subject)
        else:
            yield _headline_vs_sum(
                i, h, [(j, f) for j, f in cells if f.row_role == "item"], table, subject
            )


def _headline_check(
    h: Fact,
    table: int | None,
    subject: str,
    actual: float | None,
    status: str,
    message: str,
    cells: tuple[int, ...],
) -> Check:
    return Check(
        "headline_matches_table", table, subject, h.metric, h.value, actual, status, message, cells
    )


def _matching_column(
    by_column: dict[tuple[int | None, str], list[tuple[int, Fact]]],
    h: Fact,
    scopes: dict[int, str],
    catalog: Catalog,
) -> tuple[int, str, list[tuple[int, Fact]]] | None:
    """The first table column a headline figure compares with: facts by (table, metric)."""
    for metric in catalog.headline_columns.get(h.metric, (h.metric,)):
        for table, scope in scopes.items():
            if scope != h.name_key:
                continue
            cells = by_column.get((table, metric))
            if cells:
                return table, metric, cells
    return None


def _headline_vs_total(
    i: int,
    h: Fact,
    total: tuple[int, Fact],
    table_facts: list[tuple[int, Fact]],  # the facts of that table
    table: int,
    subject: str,
) -> Check:
    j, t = total
    where = f"table {table + 1} 总计 under '{t.header}'"
    if t.value is not None and h.value is not None and _equal(t.value, h.value):
        return _headline_check(
            h, table, subject, t.value, OK, f"{h.value_raw} equals {where}", (i, j)
        )
    same_row = [(k, f) for k, f in table_facts if f.row == t.row and k != j]
    twins = [
        (k, f)
        for k, f in same_row
        if f.value is not None and h.value is not None and _equal(f.value, h.value)
    ]
    message = f"{h.value_raw} is printed, but {where} is {t.value_raw}"
    if twins:
        message += "; " + ", ".join(f"'{f.header}' holds {f.value_raw}" for _, f in twins)
    cells = (i, j, *(k for k, _ in twins))
    return _headline_check(h, table, subject, t.value, MISMATCH, message, cells)


def _headline_vs_sum(
    i: int, h: Fact, items: list[tuple[int, Fact]], table: int, subject: str
) -> Check:
    """No 总计 row: compare with the column sum, then without rows whose values carry a note."""
    header = items[0][1].header if items else "?"
    numbers = [(j, f) for j, f in items if f.value is not None]
    total = sum(f.value or 0 for _, f in numbers)
    where = f"the sum of table {table + 1} under '{header}'"
    if h.value is not None and _equal(total, h.value):
        return _headline_check(
            h,
            table,
            subject,
            total,
            OK,
            f"{h.value_raw} equals {where}",
            (i, *(j for j, _ in numbers)),
        )
    noted = [(j, f) for j, f in numbers if f.note]
    kept = [(j, f) for j, f in numbers if not f.note]
    without = sum(f.value or 0 for _, f in kept)
    if noted and h.value is not None and _equal(without, h.value):
        names = ", ".join(f"{f.entity_raw} ({f.note})" for _, f in noted)
        return _headline_check(
            h,
            table,
            subject,
            without,
            OK,
            f"{h.value_raw} equals {where} without {names}",
            (i, *(j for j, _ in kept)),
        )
    return _headline_check(
        h,
        table,
        subject,
        total,
        MISMATCH,
        f"{h.value_raw} is printed, but {where} is {total:g}",
        (i, *(j for j, _ in numbers)),
    )
