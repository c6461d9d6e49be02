"""The quality gate: every table of every format scored from its own structure.

A table read right has a cell under every value column in each named row, one kind of
value down each column (counts, or rates), numbers only where values belong, row numbers
1…n and sums that hold. A table read wrong (columns shifted, rows merged, cells shuffled)
breaks some of these. Each test gives a share in 0..1; the table's quality is their
product, so two middling results sink a table as one bad one does. Below the threshold
every fact of the table is stored with ``needs_review``, the table says why, and the
bulletin's warnings say so. A reader that had to guess a table's structure says so in a
warning starting with ``REVIEW_MARK``; such a table is flagged whatever its score.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from extract.cells import total_names
from extract.document import Cell, Table
from extract.hints import fold, load_hints
from extract.review import REVIEW_MARK
from normalize.checks import MISMATCH, OK, Check
from normalize.facts import Bulletin, Fact, TableInfo, for_review
from normalize.values import parse_value

# Distinct value texts whose kind ``value_kind`` remembers (memory stays flat).
MEMO_SIZE = 1 << 11
SUM_RULES = frozenset(
    {"items_sum_to_subtotal", "subtotals_sum_to_total", "items_sum_to_total", "percent_in_range"}
)


@dataclass(frozen=True)
class GateSettings:
    """Where the gate stands: tables scoring below ``threshold`` are flagged."""

    threshold: float = 0.9

    def __post_init__(self) -> None:
        if not 0 < self.threshold <= 1:
            raise ValueError(f"GateSettings.threshold must be in (0, 1], got {self.threshold}")


@dataclass(frozen=True)
class Score:
    """A table's quality and the tests that lowered it (each with its share)."""

    quality: float
    reasons: tuple[str, ...]


def gate_bulletin(bulletin: Bulletin, settings: GateSettings | None = None) -> None:
    """Score every table of a bulletin (after its checks ran); flag the facts of the
    tables below the threshold and say so in the bulletin's warnings."""
    settings = settings or GateSettings()
    tables = {t.index: t for t in bulletin.document.tables}
    facts_of: dict[int | None, list[Fact]] = {}
    for fact in bulletin.facts:
        facts_of.setdefault(fact.table_index, []).append(fact)
    checks_of: dict[int | None, list[Check]] = {}
    for check in bulletin.checks:
        checks_of.setdefault(check.table_index, []).append(check)
    for k, info in enumerate(bulletin.tables):
        table = tables[info.index]
        mine = facts_of.get(info.index, [])
        checks = checks_of.get(info.index, [])
        score = score_table(table, info, mine, checks)
        guessed = [w[len(REVIEW_MARK) :] for w in table.warnings if w.startswith(REVIEW_MARK)]
        reasons = [*guessed, *score.reasons]
        flagged = score.quality < settings.threshold or bool(guessed)
        # a reason the table reader gave for some of its columns (their facts are flagged
        # already) stays, whether or not the whole table is flagged
        kept = [*([info.review] if info.review else []), *(reasons if flagged else [])]
        review = "; ".join(kept) or None
        bulletin.tables[k] = replace(info, quality=round(score.quality, 3), review=review)
        if not flagged:
            continue
        bulletin.facts = [
            for_review(f) if f.table_index == info.index else f for f in bulletin.facts
        ]
        bulletin.warnings.append(
            f"table {info.index + 1} ({info.caption or 'no caption'}): quality "
            f"{score.quality:.2f} (gate {settings.threshold}); its {len(mine)} facts are "
            f"stored for review, not as certain: {review}"
        )


def score_table(
    table: Table, info: TableInfo, facts: Sequence[Fact], checks: Sequence[Check]
) -> Score:
    """A table's quality from its structure: the product of the shares of each test."""
    named = body_names(table)  # read once for the three tests of names
    tests = {
        "rows with a cell under every value column": complete_rows(table, info, named),
        "values of the column's kind": consistent_kinds(facts),
        "name cells that are not numbers": names_not_numbers(table, named),
        "row numbers in order": row_numbers(table, info, named),
        "sums and ranges that hold": sums_hold(checks),
    }
    quality = 1.0
    reasons: list[str] = []
    for name, share in tests.items():
        if share is None:
            continue
        quality *= share
        if share < 1:
            reasons.append(f"{name} {share:.0%}")
    return Score(quality, tuple(reasons))


def body_names(table: Table) -> list[tuple[int, list[Cell]]]:
    """Each body row that names something, with the name cells that start in it."""
    grid = table.grid()
    out = []
    for r in range(table.header_rows, table.n_rows):
        stub = [c for c in grid[r][: table.stub_cols] if c is not None and c.text.strip()]
        if stub:
            out.append((r, stub))
    return out


def complete_rows(
    table: Table, info: TableInfo, named: list[tuple[int, list[Cell]]] | None = None
) -> float | None:
    """Share of named body rows that have a cell (even an empty one) under every value
    column: a row read short or long leaves holes. ``named``: ``body_names(table)``."""
    grid = table.grid()
    columns = [c for c in range(table.stub_cols, table.n_cols) if info.metrics[c] is not None]
    rows = body_names(table) if named is None else named
    if not columns or not rows:
        return None
    full = sum(1 for r, _ in rows if all(grid[r][c] is not None for c in columns))
    return full / len(rows)


@lru_cache(maxsize=MEMO_SIZE)
def value_kind(raw: str) -> str | None:
    """``percent``, ``number`` or ``text`` for a value cell; None for no data."""
    parsed = parse_value(raw)
    if not parsed.ok:
        return "text"
    if parsed.value is None or parsed.unchanged:  # 持平 fits a change of any kind
        return None
    if parsed.percent:
        return "percent"
    return "number"


def consistent_kinds(facts: Sequence[Fact]) -> float | None:
    """Share of value cells that are numbers of their column's usual kind (a rate among
    counts, or text among numbers, is a cell from another column or no value at all);
    columns mostly of text are left out."""
    columns: dict[tuple[int | None, str | None], list[str]] = {}
    for fact in facts:
        kind = value_kind(fact.value_raw)
        if kind is not None:
            # By column and metric: a table read across (rows are measures, columns are
            # periods) holds counts and rates in one column, each on its own rows.
            columns.setdefault((fact.col, fact.metric), []).append(kind)
    cells = agree = 0
    for kinds in columns.values():
        usual, count = Counter(kinds).most_common(1)[0]
        if usual != "text":  # a column of text (处理结果, 类别) is not a value column
            cells, agree = cells + len(kinds), agree + count
    return agree / cells if cells else None


def names_not_numbers(
    table: Table, named: list[tuple[int, list[Cell]]] | None = None
) -> float | None:
    """Share of name cells (outside a row-number column) that are not numbers.
    ``named``: ``body_names(table)``."""
    index_col = 0 if is_numbered(table) else None
    rows = body_names(table) if named is None else named
    names = [c for _, cells in rows for c in cells if c.col != index_col]
    if not names:
        return None
    numbers = sum(1 for c in names if value_kind(c.text) in ("number", "percent"))
    return 1 - numbers / len(names)


def is_numbered(table: Table) -> bool:
    """True when the first column is headed by a row-number label (序号)."""
    if table.stub_cols < 2 or not table.header_rows:
        return False
    grid = table.grid()
    heads = {fold(c.text) for r in range(table.header_rows) if (c := grid[r][0]) is not None}
    return bool(heads & load_hints().index_headers)


def row_numbers(
    table: Table, info: TableInfo, named: list[tuple[int, list[Cell]]] | None = None
) -> float | None:
    """For a numbered table: the share of rows whose number is the next one (1, 2, 3…).
    A first column of ranks (it has a metric) may tie: 1, 2, 2, 4 or 1, 2, 2, 3 are in
    order. ``named``: ``body_names(table)``."""
    if not is_numbered(table):
        return None
    hints = load_hints()
    summaries = total_names(hints.total_rows) | hints.subtotal_rows
    ranks = bool(info.metrics) and info.metrics[0] is not None
    expected, good, rows = 1, 0, 0
    for _, cells in body_names(table) if named is None else named:
        first = cells[0]
        if first.col != 0 or fold(first.text) in summaries:
            continue
        rows += 1
        text = first.text.strip()
        if text == str(expected) or (
            ranks and text.isdigit() and rows > 1 and int(text) in (expected - 1, rows)
        ):
            good += 1
        if text.isdigit():
            expected = int(text) + 1
    return good / rows if rows else None


def sums_hold(checks: Sequence[Check]) -> float | None:
    """Share of the table's sum and range checks that hold (those that could be made)."""
    made = [c for c in checks if c.rule in SUM_RULES and c.status in (OK, MISMATCH)]
    if not made:
        return None
    return sum(1 for c in made if c.status == OK) / len(made)
