"""Lists of fact ids (what a finding was made of) as `check_rows.cells` stores them.

A finding's facts are mostly a column of a table: ids that grow by the same step (the
facts of a row between). A list is stored as stretches ``[start, step, count, ...]``:
the first stretch's start is the id itself, a later one's its offset from that first
id, so the numbers stay short however large the archive grows. The `checks` view
writes the ids out again (see archive/schema.py).
"""

from __future__ import annotations


def pack_ids(ids: list[int]) -> list[int]:
    """``ids`` as stretches of equal steps, later starts relative to the first id."""
    out: list[int] = []
    i = 0
    while i < len(ids):
        step = ids[i + 1] - ids[i] if i + 1 < len(ids) else 0
        end = i + 1
        while end < len(ids) and ids[end] - ids[end - 1] == step:
            end += 1
        if end - i == 2 and end < len(ids):  # a pair that breaks off: its second id may
            end = i + 1  # start the next stretch
        out += [ids[i] - (ids[0] if i else 0), step if end - i > 1 else 0, end - i]
        i = end
    return out


def unpack_ids(packed: list[int]) -> list[int]:
    """The ids of ``pack_ids``'s stretches."""
    out: list[int] = []
    for k in range(0, len(packed), 3):
        start = packed[k] + (packed[0] if k else 0)
        out += [start + n * packed[k + 1] for n in range(packed[k + 2])]
    return out
