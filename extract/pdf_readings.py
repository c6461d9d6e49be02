"""Which reading of an unruled table is right: the one whose own arithmetic checks.

An unruled table can be read more than one way (rows anchored on the row numbers, on
every line with values, or one row per band of close lines); a wrong reading can look as
well formed as the right one (every row named, every column filled with numbers) while
its numbers are fragments of the printed ones or sums of two rows. The table itself says
which is right: its 总计 is the sum of its rows (or of its 小计, each the sum of its group),
its rows are numbered 1…n, its rates lie within 0–100. Each reading is built into a grid
and scored by those checks and by its structure; the best one wins, and the table keeps
the evidence. When the readings differ and nothing decides, the table is flagged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from extract.document import Cell, Source, Table
from extract.hints import LayoutHints, fold
from extract.pdf_build import unruled_table
from extract.pdf_stitch import stitch
from extract.pdf_tables import TablePart
from extract.review import REVIEW_MARK

NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?\s*(%?)")
TOLERANCE = 1e-6


@dataclass
class Evidence:
    """What a reading's grid says about itself: checks that hold, checks that fail, and
    structural misses (a row without a name, a hole or text under a value column, a
    number in a name column, a header that does not fit the rows)."""

    holds: list[str] = field(default_factory=list)
    fails: list[str] = field(default_factory=list)
    misses: int = 0

    def rank(self) -> tuple[int, int]:
        """Lower is better: failures and misses, then fewer checks that hold."""
        return (len(self.fails) + self.misses, -len(self.holds))

    def summary(self) -> str:
        """The evidence in a few words."""
        parts = [f"{len(self.holds)} checks hold"]
        if self.fails:
            parts.append(f"{len(self.fails)} fail (" + "; ".join(self.fails[:2]) + ")")
        if self.misses:
            parts.append(f"{self.misses} structural misses")
        return ", ".join(parts)


def number(text: str) -> float | None:
    """The number a cell prints (``100.00%`` → 100, ``6459（…）`` → 6459), else None."""
    match = NUMBER.match(fold(text))
    return float(match[0].rstrip("%").replace(",", "")) if match else None


def evaluate(table: Table | None, hints: LayoutHints) -> Evidence:
    """Check a reading's grid: totals and subtotals, row numbers, rates, structure."""
    if table is None:
        return Evidence(misses=1_000_000)
    evidence = Evidence(misses=len(table.warnings))
    grid = table.grid()
    body = range(table.header_rows, table.n_rows)
    values = value_columns(table, grid)
    roles = {r: row_role(grid[r][: table.stub_cols], hints) for r in body}
    for r in body:
        structure(grid[r], table.stub_cols, values, evidence, numbered(table, hints))
    for c in values:
        column_sums(grid, c, roles, table, evidence)
        for r in body:
            cell = grid[r][c]
            if cell is not None and cell.text.strip().endswith("%"):
                rate = number(cell.text)
                if rate is not None and not 0 <= rate <= 100:
                    evidence.fails.append(f"rate {cell.text} out of range")
    if numbered(table, hints):
        row_numbers(grid, roles, evidence)
    return evidence


def value_columns(table: Table, grid: list[list[Cell | None]]) -> list[int]:
    """Columns right of the names whose filled body cells are mostly numbers."""
    out = []
    for c in range(table.stub_cols, table.n_cols):
        texts = [
            cell.text for r in range(table.header_rows, table.n_rows)
            if (cell := grid[r][c]) is not None and cell.text.strip()
        ]  # fmt: skip
        if texts and sum(number(t) is not None for t in texts) * 2 >= len(texts):
            out.append(c)
    return out


def row_role(stub: Sequence[Cell | None], hints: LayoutHints) -> str:
    """``total``, ``subtotal`` or ``item`` from the names of a row."""
    names = {fold(c.text) for c in stub if c is not None}
    if names & hints.total_rows:
        return "total"
    if names & hints.subtotal_rows:
        return "subtotal"
    return "item"


def numbered(table: Table, hints: LayoutHints) -> bool:
    """True when the first column is headed 序号 (or another row-number label)."""
    grid = table.grid()
    heads = {fold(c.text) for r in range(table.header_rows) if (c := grid[r][0]) is not None}
    return table.stub_cols > 1 and bool(heads & hints.index_headers)


def structure(
    row: list[Cell | None], stub_cols: int, values: list[int], evidence: Evidence, indexed: bool
) -> None:
    """Count a row's structural misses."""
    names = [c for c in row[:stub_cols] if c is not None and c.text.strip()]
    if not names:
        evidence.misses += 1
    for k, cell in enumerate(row[:stub_cols]):
        if cell is not None and not (indexed and k == 0) and number(cell.text) is not None:
            evidence.misses += 1
    for c in values:
        cell = row[c]
        if cell is None or (cell.text.strip() and number(cell.text) is None):
            text = fold(cell.text) if cell is not None else ""
            if text not in ("-", "—", "/", "无", "暂无", "暂无数据"):
                evidence.misses += 1


def column_sums(
    grid: list[list[Cell | None]], c: int, roles: dict[int, str], table: Table, evidence: Evidence
) -> None:
    """Items add up to each 小计, 小计 (and items outside groups) to the 总计, in column c."""
    group: list[float] = []
    outside: list[float] = []
    subtotals: list[float] = []
    header = column_label(table, c)
    for r, role in roles.items():
        cell = grid[r][c]
        if cell is None or (cell.row, cell.col) != (r, c) or cell.text.strip().endswith("%"):
            continue
        value = number(cell.text)
        if value is None:
            continue
        if role == "item":
            group.append(value)
            continue
        parts = group if role == "subtotal" else subtotals + outside + group
        if parts:
            what = f"{'小计' if role == 'subtotal' else '总计'} under {header}"
            if abs(sum(parts) - value) < TOLERANCE:
                evidence.holds.append(what)
            else:
                evidence.fails.append(f"{what}: rows sum to {sum(parts):g}, {cell.text} printed")
        if role == "subtotal":
            subtotals.append(value)
        else:
            outside, subtotals = [], []
        group = []


def column_label(table: Table, c: int) -> str:
    """The lowest header label of a column."""
    grid = table.grid()
    cell = grid[table.header_rows - 1][c] if table.header_rows else None
    return cell.text if cell is not None and cell.text else f"column {c + 1}"


def row_numbers(grid: list[list[Cell | None]], roles: dict[int, str], evidence: Evidence) -> None:
    """Rows numbered 1…n in order holds; a number out of order fails."""
    expected, wrong = 1, 0
    for r, role in roles.items():
        cell = grid[r][0]
        if role != "item" or cell is None or cell.row != r:
            continue
        if cell.text.strip() != str(expected):
            evidence.fails.append(f"row number {cell.text or '(none)'} where {expected} is due")
            wrong += 1
        n = number(cell.text)
        expected = int(n) + 1 if n is not None and n.is_integer() else expected + 1
    if expected > 2 and not wrong:
        evidence.holds.append(f"rows numbered 1–{expected - 1}")


def choose_reading(
    readings: dict[str, list[TablePart]], hints: LayoutHints
) -> tuple[str, list[TablePart]]:
    """The reading (by name, in order of preference) whose grid checks best; its first part
    carries the choice and the evidence in its notes (a review mark when nothing decides)."""
    scored = []
    tables: dict[str, Table | None] = {}
    for order, (name, parts) in enumerate(readings.items()):
        table = unruled_table(stitch(parts, hints), hints, index=0, caption=[], source=Source())
        evidence = evaluate(table, hints)
        scored.append((evidence.rank(), order, name, evidence))
        tables[name] = table
    scored.sort(key=lambda item: (item[0], item[1]))
    best_rank, _, name, best = scored[0]
    others = "; ".join(f"{n}: {e.summary()}" for _, _, n, e in scored[1:])
    note = f"reading {name} chosen: {best.summary()}; " + (
        f"rejected {others}" if others else "every other reading gives the same grid"
    )
    if len(scored) > 1 and best_rank == scored[1][0]:
        note = f"{REVIEW_MARK}readings differ and no total, subtotal or row number decides ({note})"
    parts = readings[name]
    parts[0].notes.append(note)
    built = tables[name]
    if built is not None:
        built.warnings.append(note)
        parts[0].read_as, parts[0].read_from = built, len(parts)
    return name, parts
