"""Header rows of a text table, inferred from where its labels and values sit.

Text loses the spans of a header. What is left to read them from: how many value columns
the body rows hold, which header labels share a line (a row written on one line), empty
cells written after a group label, sub-headers that repeat under each group, and words a
group label shares with its members (事项梳理 over 梳理完成率). A span that none of these
fix is a guess: the columns it decides are reported, so their facts can be flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extract.hints import LayoutHints, fold
from extract.layout import RawCell

MEASURE_END = re.compile(r"(率|数|量|总量|总数)$")


@dataclass(frozen=True)
class Placed:
    """A header cell at its grid position (columns counted from the table's left edge)."""

    text: str
    row: int
    col: int
    rowspan: int
    colspan: int
    line: int | None


@dataclass
class HeaderPlan:
    """Header cells on the grid, how many rows they take, and what was guessed."""

    cells: list[Placed]
    levels: int
    guessed: list[int] = field(default_factory=list)  # grid columns whose group is a guess
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Node:
    cell: RawCell
    children: list[_Node] = field(default_factory=list)
    tall: bool = False  # a leaf written in an upper row, spanning down to the bottom

    def width(self) -> int:
        return sum(c.width() for c in self.children) if self.children else 1


@dataclass(frozen=True)
class Split:
    """How many children each group takes, and which children's group is a guess."""

    counts: list[int]
    guessed: list[int]  # child positions
    why: str = ""


def plan_header(
    header: list[RawCell], label_cols: int, n_values: int, hints: LayoutHints
) -> HeaderPlan:
    """Place the labels of a header over ``label_cols`` name and ``n_values`` value columns."""
    labels = [c for c in header if c.text.strip()]
    if len(labels) <= label_cols + n_values:
        return _one_level(labels, label_cols, n_values)
    names, upper = labels[:label_cols], labels[label_cols:]
    by_line = _rows_by_line(upper)
    measures = _measures(upper)
    best: tuple[tuple[int, int, int], list[list[RawCell]], _Fit] | None = None
    rivals: list[_Fit] = []
    for rows in [by_line] if by_line else candidate_rows(upper, n_values):
        fit = _tree(rows, n_values, header, hints, measures)
        if fit is None:
            continue
        score = (_oddity(fit[0], hints), len(fit[1]), len(rows))
        if best is None or score < best[0]:
            best, rivals = (score, rows, fit), []
        elif score == best[0]:
            rivals.append(fit)
    if best is None:
        return _one_level(labels, label_cols, n_values)
    _, rows, (roots, guessed, warnings) = best
    differ = _differing_columns(roots, [r[0] for r in rivals])
    if differ:
        guessed = sorted(set(guessed) | set(differ))
        warnings = [
            *warnings,
            "header rows read two ways equally well; the header of columns "
            + ", ".join(" / ".join(_paths(roots)[c]) for c in differ)
            + " is a guess",
        ]
    levels = len(rows)
    cells = [_name_cell(c, i, len(names), label_cols, levels) for i, c in enumerate(names)]
    col = label_cols
    for node in roots:
        col = _place(node, 0, col, levels, cells)
    return HeaderPlan(cells, levels, [label_cols + g for g in guessed], warnings)


def candidate_rows(upper: list[RawCell], n_values: int) -> list[list[list[RawCell]]]:
    """Ways to cut labels written without row breaks into two or three header rows."""
    n = len(upper)
    out = []
    for a in range(1, n):
        if 2 <= n - a <= n_values:
            out.append([upper[:a], upper[a:]])
    for a in range(1, n):
        for b in range(a + 1, n):
            if 2 <= n - b <= n_values:
                out.append([upper[:a], upper[a:b], upper[b:]])
    return out


def _oddity(roots: list[_Node], hints: LayoutHints) -> int:
    """How unlike a header a reading is: a total word (合计) as a group, a group over one
    label that is not its 合计, a measure (…数, …率) as a group over anything but its 合计."""
    totals = hints.total_rows | hints.subtotal_rows
    score = 0
    stack = list(roots)
    while stack:
        node = stack.pop()
        if not node.children:
            continue
        stack.extend(node.children)
        folded = fold(node.cell.text)
        has_total = any(fold(c.cell.text) in totals for c in node.children)
        score += 2 * (folded in totals)
        score += len(node.children) == 1 and not has_total
        score += bool(MEASURE_END.search(folded)) and not has_total
    return score


def _paths(roots: list[_Node]) -> list[tuple[str, ...]]:
    """The header labels over each value column, top to bottom."""
    out: list[tuple[str, ...]] = []

    def walk(node: _Node, above: tuple[str, ...]) -> None:
        here = (*above, node.cell.text)
        if not node.children:
            out.append(here)
        for child in node.children:
            walk(child, here)

    for root in roots:
        walk(root, ())
    return out


def _differing_columns(roots: list[_Node], rivals: list[list[_Node]]) -> list[int]:
    """Value columns whose header another equally good reading puts otherwise."""
    mine = _paths(roots)
    out: set[int] = set()
    for other in rivals:
        theirs = _paths(other)
        out.update(c for c, path in enumerate(mine) if c >= len(theirs) or theirs[c] != path)
    return sorted(out)


def _name_cell(cell: RawCell, i: int, n: int, label_cols: int, levels: int) -> Placed:
    colspan = 1 if i < n - 1 else label_cols - i
    return Placed(cell.text, 0, i, levels, colspan, cell.line)


def _one_level(labels: list[RawCell], label_cols: int, n_values: int) -> HeaderPlan:
    """One header row: name headers, then one label per value column (from the right)."""
    n_leaf = min(n_values, max(len(labels) - 1, 0))
    leaves = labels[len(labels) - n_leaf :] if n_leaf else []
    names = labels[: len(labels) - n_leaf][:label_cols]
    cells = [_name_cell(c, i, len(names), label_cols, 1) for i, c in enumerate(names)]
    cells += [Placed(c.text, 0, label_cols + j, 1, 1, c.line) for j, c in enumerate(leaves)]
    plan = HeaderPlan(cells, 1)
    if n_leaf < n_values:
        plan.warnings.append(
            f"header names {n_leaf} value columns but rows hold {n_values}; the rest have no header"
        )
    return plan


def _rows_by_line(upper: list[RawCell]) -> list[list[RawCell]] | None:
    """Header rows as written, when rows are written one to a line."""
    rows: list[list[RawCell]] = []
    for cell in upper:
        if rows and rows[-1][-1].line == cell.line:
            rows[-1].append(cell)
        else:
            rows.append([cell])
    if len(rows) < 2 or all(len(r) == 1 for r in rows):
        return None
    return rows


_Fit = tuple[list[_Node], list[int], list[str]]


def _tree(
    rows: list[list[RawCell]],
    n_values: int,
    header: list[RawCell],
    hints: LayoutHints,
    measures: list[tuple[int, RawCell]],
) -> _Fit | None:
    """Each upper label is a group over the row below or a tall leaf; None when no fit.

    ``rows``: the header's upper labels in order, cut into rows; ``measures``: those that
    read as a measure, with their positions (see ``_measures``)."""
    n_tall = n_values - len(rows[-1])
    upper = [c for row in rows[:-1] for c in row]
    tall = _pick_tall(len(upper), n_tall, measures)
    if tall is None:
        return None
    nodes = [[_Node(c, tall=c in tall) for c in row] for row in rows]
    guessed_children: list[list[int]] = [[] for _ in rows]
    warnings: list[str] = []
    for r in range(len(rows) - 1, 0, -1):
        groups = [n for n in nodes[r - 1] if not n.tall]
        if not groups:
            return None
        split = split_children(groups, nodes[r], header if r == len(rows) - 1 else [])
        if split is None:
            return None
        at = 0
        for group, count in zip(groups, split.counts, strict=True):
            group.children = nodes[r][at : at + count]
            at += count
        guessed_children[r] = split.guessed
        if split.guessed:
            names = ", ".join(g.cell.text for g in groups)
            doubt = ", ".join(nodes[r][p].cell.text for p in split.guessed)
            warnings.append(
                f"spans of group headers {names} {split.why}; "
                f"the group of columns {doubt} is a guess"
            )
    roots = nodes[0]
    if sum(n.width() for n in roots) != n_values:
        return None
    guessed = _guessed_columns(roots, nodes, guessed_children)
    return roots, guessed, warnings


def _measures(upper: list[RawCell]) -> list[tuple[int, RawCell]]:
    """The upper labels that read as a measure (…率, …数), with their positions: found once
    per header, for the many ways ``plan_header`` tries to cut it into rows."""
    return [(p, c) for p, c in enumerate(upper) if MEASURE_END.search(fold(c.text))]


def _pick_tall(
    n_upper: int, n_tall: int, measures: list[tuple[int, RawCell]]
) -> set[RawCell] | None:
    """Upper labels that are value columns themselves: those that read as a measure, among
    the first ``n_upper`` upper labels (the rows above the last)."""
    if n_tall < 0:
        return None
    if n_tall == 0:
        return set()
    if len(measures) < n_tall or measures[n_tall - 1][0] >= n_upper:
        return None
    return {c for _, c in measures[:n_tall]}


def _guessed_columns(
    roots: list[_Node], nodes: list[list[_Node]], guessed_children: list[list[int]]
) -> list[int]:
    """Value columns (0-based) under a child whose group was guessed."""
    starts: dict[int, int] = {}
    col = 0

    def walk(node: _Node) -> None:
        nonlocal col
        starts[id(node)] = col
        if not node.children:
            col += 1
        for child in node.children:
            walk(child)

    for root in roots:
        walk(root)
    out: set[int] = set()
    for r, positions in enumerate(guessed_children):
        for p in positions:
            node = nodes[r][p]
            out.update(range(starts.get(id(node), 0), starts.get(id(node), 0) + node.width()))
    return sorted(out)


def _place(node: _Node, row: int, col: int, levels: int, out: list[Placed]) -> int:
    """Put a node and its children on the grid; returns the next free column."""
    rowspan = levels - row if node.tall or (not node.children and row < levels - 1) else 1
    out.append(Placed(node.cell.text, row, col, rowspan, node.width(), node.cell.line))
    if not node.children:
        return col + 1
    for child in node.children:
        col = _place(child, row + 1, col, levels, out)
    return col


def split_children(
    groups: list[_Node], children: list[_Node], header: list[RawCell]
) -> Split | None:
    """How many of ``children`` each group spans, in order of trust.

    Empty cells written after each group label (the file shows the span); sub-headers that
    repeat, one copy per group; words a group label shares with its members (事项梳理 over
    梳理完成率);
    else an even split, every child's group a guess.
    """
    n, k = len(children), len(groups)
    if n < k:
        return None
    if k == 1:
        return Split([n], [])
    shown = _widths_from_padding([g.cell for g in groups], header)
    if shown and sum(shown) == n:
        return Split(shown, [])
    repeated = _repeated(groups, children)
    if repeated is not None:
        return Split(repeated, [])
    return _anchored(groups, children)


def _widths_from_padding(groups: list[RawCell], header: list[RawCell]) -> list[int]:
    if any(g not in header for g in groups):
        return []
    positions = [header.index(g) for g in groups]
    widths = []
    for k, pos in enumerate(positions):
        end = positions[k + 1] if k + 1 < len(positions) else len(header)
        pads = 0
        for cell in header[pos + 1 : end]:
            if cell.text.strip():
                break
            pads += 1
        widths.append(1 + pads)
    return widths if any(w > 1 for w in widths[:-1]) else []


def _repeated(groups: list[_Node], children: list[_Node]) -> list[int] | None:
    """Children ending in r ≥ 2 copies of one run: the last r groups take one copy each,
    and a single group left before them takes what precedes the copies."""
    texts = [fold(c.cell.text) for c in children]
    n, k = len(texts), len(groups)
    for copies in range(k, 1, -1):
        for size in range(n // copies, 0, -1):
            tail = texts[n - copies * size :]
            if tail != tail[:size] * copies:
                continue
            rest = n - copies * size
            if copies == k and rest == 0:
                return [size] * k
            if copies == k - 1 and rest > 0:
                return [rest] + [size] * copies
    return None


def _anchored(groups: list[_Node], children: list[_Node]) -> Split:
    """Group i holds the children that share a two-character word with its label.

    A boundary lies after group i's last such child and at or before the next group's
    first; where that leaves room, the boundary is put next to the anchor and the
    children in between are guessed. Without any anchor, an even split, all guessed.
    """
    n, k = len(children), len(groups)
    anchors = [
        [j for j, c in enumerate(children) if _shares_word(g.cell.text, c.cell.text)]
        for g in groups
    ]
    if not any(anchors):
        base, extra = divmod(n, k)
        counts = [base + (1 if i < extra else 0) for i in range(k)]
        return Split(counts, list(range(n)), "guessed (even split): nothing in the file shows them")
    bounds = [0]
    guessed: set[int] = set()
    for i in range(k - 1):
        low = max([bounds[-1] + 1] + [j + 1 for j in anchors[i]])
        later = [j - (g - i - 1) for g in range(i + 1, k) for j in anchors[g][:1]]
        high = min([n - (k - 1 - i), *later])
        high = max(high, low)
        guessed.update(range(low, high))
        bounds.append(low if anchors[i] or not anchors[i + 1] else high)
    bounds.append(n)
    counts = [bounds[i + 1] - bounds[i] for i in range(k)]
    if any(c < 1 for c in counts):
        base, extra = divmod(n, k)
        counts = [base + (1 if i < extra else 0) for i in range(k)]
        return Split(counts, list(range(n)), "guessed (even split): shared words contradict")
    why = "placed next to the members that share a word with them"
    return Split(counts, sorted(guessed), why)


def _shares_word(group: str, child: str) -> bool:
    g, c = fold(group), fold(child)
    return any(g[i : i + 2] in c for i in range(len(g) - 1))
