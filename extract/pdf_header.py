"""The header of an unruled table: labels wrapped over lines re-joined per column, header
rows from aligned tops, and group labels (事项梳理 over 已认领 … 梳理完成率) spanning the
columns of their sub-labels.

A group label is one printed over two or more labels of the line below it. How many
columns it spans is not printed; centred over its columns (as tables are set), it lies
midway between its first and last column, so the columns between the name labels are
shared out among the row's group labels so that each sits closest to the middle of its
share. When no sharing puts a label within half a column of its middle, the spans are a
guess and the table says so.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

from extract.hints import LayoutHints, fold
from extract.pdf_regions import Region
from extract.pdf_tables import Cells, cluster, nearest
from extract.pdf_text import Glyph, Line, PdfSettings, is_tight
from extract.review import REVIEW_MARK


@dataclass
class Label:
    """A header label: its glyphs, first column and span, and whether it heads a group."""

    glyphs: list[Glyph]
    col: int
    top: float
    size: float
    group: bool = False
    colspan: int = 1


@dataclass
class Header:
    """Header labels by (header row, first column), and what had to be guessed."""

    labels: dict[tuple[int, int], Label] = field(default_factory=dict)
    guesses: list[str] = field(default_factory=list)


def group_segments(region: Region, lines: Sequence[Line], settings: PdfSettings) -> set[int]:
    """Ids of the header segments printed over two or more segments of the next line."""
    out: set[int] = set()
    for line, below in itertools.pairwise(lines):
        under = region.segments_of(below, settings)
        for s in region.segments_of(line, settings):
            if sum(1 for u in under if u.x0 < s.x1 and s.x0 < u.x1) >= 2:
                out.add(id(s))
    return out


def header_labels(
    region: Region, lines: Sequence[Line], split: dict[int, Cells], settings: PdfSettings
) -> list[Label]:
    """Labels top to bottom: in each column, lines close together are one label; a group
    label stands alone (the label under it starts a new one)."""
    groups = group_segments(region, lines, settings)
    group_glyphs = {
        id(g): id(s)
        for line in lines
        for s in region.segments_of(line, settings)
        if id(s) in groups
        for g in s.glyphs
    }
    labels: list[Label] = []
    open_label: dict[int, tuple[Label, Line] | None] = {}
    for line in lines:
        for c, piece in split[id(line)].items():
            group = bool(piece.glyphs) and all(id(g) in group_glyphs for g in piece.glyphs)
            current = open_label.get(c)
            if not group and current is not None and is_tight(current[1], piece, settings):
                current[0].glyphs.extend(piece.glyphs)
                open_label[c] = (current[0], piece)
                continue
            label = Label(list(piece.glyphs), c, piece.top, piece.size, group)
            labels.append(label)
            open_label[c] = None if group else (label, piece)
    return labels


def header_grid(
    region: Region, lines: Sequence[Line], split: dict[int, Cells], edges: Sequence[float],
    settings: PdfSettings,
) -> Header:  # fmt: skip
    """Header labels by (header row, column); labels whose tops align are one row."""
    labels = header_labels(region, lines, split, settings)
    header = Header()
    if not labels:
        return header
    tops = cluster([b.top for b in labels], tolerance=min(b.size for b in labels))
    rows: dict[int, list[Label]] = {}
    for label in labels:
        rows.setdefault(nearest(tops, label.top), []).append(label)
    for r, row in sorted(rows.items()):
        header.guesses.extend(share_columns(row, edges))
        for label in row:
            header.labels[(r, label.col)] = label
    return header


def share_columns(row: list[Label], edges: Sequence[float]) -> list[str]:
    """Give each run of group labels in a header row the columns between the row's other
    labels, each label as near the middle of its share as can be; say when that is far."""
    row.sort(key=lambda label: label.col)
    guesses: list[str] = []
    n_cols = len(edges) - 1
    k = 0
    while k < len(row):
        if not row[k].group:
            k += 1
            continue
        run_end = k
        while run_end + 1 < len(row) and row[run_end + 1].group:
            run_end += 1
        run = row[k : run_end + 1]
        lo = row[k - 1].col + row[k - 1].colspan if k > 0 else 0
        hi = row[run_end + 1].col if run_end + 1 < len(row) else n_cols
        bounds, error = best_bounds([middle(label) for label in run], edges, lo, hi)
        for label, start, end in zip(run, bounds, bounds[1:], strict=False):
            label.col, label.colspan = start, end - start
        widest = max((edges[e] - edges[s]) / (e - s) for s, e in itertools.pairwise(bounds))
        if error > widest / 2:
            text = "".join(g.text for label in run for g in label.glyphs)
            guesses.append(f"{REVIEW_MARK}spans of the group headers {text} guessed")
        k = run_end + 1
    return guesses


def middle(label: Label) -> float:
    """Horizontal middle of a label."""
    return (min(g.x0 for g in label.glyphs) + max(g.x1 for g in label.glyphs)) / 2


def best_bounds(
    middles: Sequence[float], edges: Sequence[float], lo: int, hi: int
) -> tuple[list[int], float]:
    """Column bounds lo = b0 < b1 < … < bk = hi for k labels that put each label's middle
    nearest the middle of its columns (the largest miss as the error)."""
    k = len(middles)
    if hi - lo < k:
        return [*list(range(lo, lo + k)), max(hi, lo + k)], float("inf")
    # best[i][b]: (largest miss, bounds) of the first i labels ending at column bound b
    best: dict[tuple[int, int], tuple[float, list[int]]] = {(0, lo): (0.0, [lo])}
    for i, m in enumerate(middles):
        for start in range(lo, hi):
            if (i, start) not in best:
                continue
            miss, path = best[(i, start)]
            ends = [hi] if i == k - 1 else range(start + 1, hi - (k - 1 - i) + 1)
            for end in ends:
                score = max(miss, abs(m - (edges[start] + edges[end]) / 2))
                if (i + 1, end) not in best or score < best[(i + 1, end)][0]:
                    best[(i + 1, end)] = (score, [*path, end])
    miss, path = best[(k, hi)]
    return path, miss


def is_indexed(header: Header, hints: LayoutHints) -> bool:
    """True when the first column's header is a row-number header (序号)."""
    first = [g for (_, c), label in header.labels.items() if c == 0 for g in label.glyphs]
    text = "".join(g.text for g in sorted(first, key=lambda g: (g.top, g.x0)))
    return fold(text) in hints.index_headers
