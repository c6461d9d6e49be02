"""Records side by side and rows cut off: from recovered rows to one table or several.

Sites print records side by side under a repeated header (each record a row) or two
breakdowns side by side with their own name headers (one table each); an archived copy
can stop inside a table (the partial last row is not stored).
"""

from __future__ import annotations

from extract.cells import total_names
from extract.document import Table
from extract.grid import build_table
from extract.hints import LayoutHints, fold
from extract.layout import RawCell, RawRow, typical_width

# A last row of text alone longer than this is a note under the table, not a cut-off row.
NOTE_CHARS = 20


def records_to_tables(
    header: list[RawCell],
    rows: list[RawRow],
    hints: LayoutHints,
    *,
    index: int,
    caption: list[str],
    at_end: bool,
) -> list[Table]:
    """One table, or one per breakdown when records side by side have their own headers."""
    cut = drop_cut_row(rows, hints) if at_end else None
    records = split_records(header)
    if len(records) == 1 or same_labels(records):
        table = build_table(records[0], rows, hints, index=index, caption=caption)
        if cut:
            table.warnings.append(cut)
        return [table]
    per_record = deal_rows(rows, len(records))
    out: list[Table] = []
    for head, mine in zip(records, per_record, strict=True):
        if mine:
            out.append(build_table(head, mine, hints, index=index + len(out), caption=caption))
    if cut and out:
        out[-1].warnings.append(cut)
    return out


def drop_cut_row(rows: list[RawRow], hints: LayoutHints) -> str | None:
    """The text stops inside the table: a last row shorter than the others is cut off.
    Its cells are dropped (not stored as facts); the message says so."""
    if len(rows) < 2:
        return None
    last = rows[-1]
    names = [fold(c.text) for c in last.labels]
    if any(n in total_names(hints.total_rows) | hints.subtotal_rows for n in names):
        return None
    if len(last) >= typical_width(rows[:-1]):
        return None
    note = (
        not any(c.text.strip() for c in last.values)
        and sum(len(c.text) for c in last.labels) > NOTE_CHARS
    )
    if note:
        return None  # a line of text under the table (注: …), not a row of values
    rows.pop()
    where = (last.labels or last.values or [RawCell("", 0)])[0]
    label = " ".join(c.text for c in last.labels) or "?"
    return (
        f"the text ends inside the table: the last row ('{label}', line {where.line}) "
        "is cut off and its cells are not stored"
    )


def split_records(header: list[RawCell]) -> list[list[RawCell]]:
    """Records side by side repeat their value headers (the name header may differ):
    the header of each record, or the whole header when nothing repeats."""
    labels = [c for c in header if c.text]
    texts = [fold(c.text) for c in labels]
    n = len(labels)
    for k in range(n // 2, 1, -1):
        if n % k:
            continue
        size = n // k
        if size < 2:
            continue
        parts = [texts[i * size : (i + 1) * size] for i in range(k)]
        if all(p[1:] == parts[0][1:] for p in parts):
            return [labels[i * size : (i + 1) * size] for i in range(k)]
    return [header]


def same_labels(records: list[list[RawCell]]) -> bool:
    first = [fold(c.text) for c in records[0]]
    return all([fold(c.text) for c in r] == first for r in records)


def deal_rows(rows: list[RawRow], k: int) -> list[list[RawRow]]:
    """Rows of records side by side, one list per record: by place on the line when rows
    share lines, else in turn."""
    out: list[list[RawRow]] = [[] for _ in range(k)]
    by_line: dict[int, list[RawRow]] = {}
    for row in rows:
        first = row.index or (row.labels or row.values)[0]
        by_line.setdefault(first.line, []).append(row)
    if any(len(group) > 1 for group in by_line.values()):
        for group in by_line.values():
            for position, row in enumerate(group[:k]):
                out[position].append(row)
        return out
    for n, row in enumerate(rows):
        out[n % k].append(row)
    return out
