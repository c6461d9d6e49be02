"""Editions: one report kept as several files (text, Word, PDF, a mirror copy).

Bulletins of one publisher (NULL counts as one publisher) and one period are editions of
one report when they print the same figures: at least ``MIN_SHARED`` of the smaller one's
facts (table kind, row name, parent, row role, metric) are found in the other, and at
least ``MIN_AGREEING`` of those shared facts have the same value. Below that they are
different reports of the same month.

The primary edition of a report, the one aggregates use, is chosen by this rule:

1. richest provenance: the most facts traced to a table cell and not needing review;
2. then format preference (``FORMAT_PREFERENCE``: the formats whose text is read as
   printed first, the ones whose layout is reconstructed last);
3. then the key, alphabetically.

Every figure on which an edition differs from its primary is a finding in ``checks``
(rule ``editions_agree``) naming the cells of both files, and the primary's figure is no
longer certain: it needs review (bit ``CONTESTED`` of ``facts.needs_review``, set and
cleared here; bit 1 is extraction's).

Comparing reads little: each bulletin of a group comes as one row of strings (its facts'
keys, their label ids packed into integers, and values, joined in SQL) and is kept as
two sets of small ints, its keys and its printed figures (key and value), numbered per
group and held as the bits of two ints, so that comparing two editions is two ANDs. The
facts themselves are read only for two editions found to be one report, to write their
disagreements; one group is held at a time.
"""

from __future__ import annotations

import json
import sqlite3
from collections import deque
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import count, repeat
from typing import Any

MIN_SHARED = 0.8
MIN_AGREEING = 0.8
FORMAT_PREFERENCE = ("text", "html", "docx", "doc", "pdf")
RULE = "editions_agree"
CONTESTED = 2  # facts.needs_review bit: another edition prints another figure

FactKey = tuple[object, ...]
Fact = tuple[int, float | None, str | None, int | None, object, object]


@dataclass(frozen=True)
class Edition:
    """One bulletin as a candidate edition: what comparing needs, nothing more."""

    id: int
    path: str
    format: str
    traced: int  # facts traced to a cell, not needing review
    facts: int  # how many
    keys: int  # its facts' keys, numbered per group, as the bits of an int
    printed: int  # each key with its value, numbered per group, as bits

    def rank(self) -> tuple[int, int, str]:
        """Sort key: the primary edition first."""
        return (-self.traced, format_rank(self.format), self.path)


def format_rank(fmt: str | None) -> int:
    """Position of a format in FORMAT_PREFERENCE (text-pipe, text-tab count as text)."""
    family = (fmt or "").split("-")[0]
    return (
        FORMAT_PREFERENCE.index(family) if family in FORMAT_PREFERENCE else len(FORMAT_PREFERENCE)
    )


GROUPS = """
SELECT COALESCE(publisher, ''), period, COALESCE(period_type, ''), group_concat(id)
FROM bulletins WHERE period IS NOT NULL
GROUP BY 1, 2, 3 HAVING COUNT(*) > 1
"""
# A fact's key and value as text. The key is six label ids (table kind, row role,
# metric, period, name, parent); label ids compare as their texts do (labels.text is
# unique). They are packed into as few integers as fit below 2**63 (base :m, NULL as 0;
# ids start at 1), joined by ',' when more than one is needed. A period left out counts
# as the label '' (:blank, its id or 0). Whole values print as integers, others by
# quote(), exact for any double. char(2) separates facts.
KEY_COLUMNS = ("table_kind", "row_role", "metric", "period", "name_key", "parent_raw")
PACK_LIMIT = 1 << 63
EMPTY = "''"  # SQL of the empty text
_VALUE = (
    "CASE WHEN f.value = CAST(f.value AS INTEGER) THEN CAST(f.value AS INTEGER) "
    "ELSE quote(f.value) END"
)
_TRACED = "f.cell_id IS NOT NULL AND (f.needs_review & 1) = 0"
SIGNATURES = """
SELECT b.id, b.path, b.format, count(f.id), total({traced}),
       group_concat({key}, char(2)), group_concat({value}, char(2))
FROM bulletins b LEFT JOIN facts f ON f.bulletin_id = b.id
WHERE b.id IN (SELECT value FROM json_each(:ids))
GROUP BY b.id
"""
# One bulletin's facts in order, for groups where a bulletin prints a key twice.
ONE_BY_ONE = """
SELECT {key}, {value} FROM facts f
WHERE f.bulletin_id = :id ORDER BY f.id
"""


def key_sql(base: int | None) -> str:
    """SQL of a fact's key: its label ids packed into integers below PACK_LIMIT (each
    id in 1..base-1, NULL as 0), as few as fit, joined by ','; base None (ids below 1):
    each id as it is."""
    if base is None:
        return " || ',' || ".join(f"ifnull(f.{c}, {_null(c, EMPTY)})" for c in KEY_COLUMNS)
    packs: list[list[str]] = [[]]
    room = 1
    for column in KEY_COLUMNS:
        if packs[-1] and room * base >= PACK_LIMIT:
            packs.append([])
            room = 1
        packs[-1].append(column)
        room *= base
    return " || ',' || ".join(f"({_packed(columns)})" for columns in packs)  # || binds first


def _packed(columns: list[str]) -> str:
    expression = ""
    for column in columns:
        value = f"ifnull(f.{column}, {_null(column, '0')})"
        expression = f"({expression}) * :m + {value}" if expression else value
    return expression


def _null(column: str, otherwise: str) -> str:
    """What a NULL of a key column reads as: a period left out is the label ''."""
    return ":blank" if column == "period" else otherwise


@dataclass(frozen=True)
class Reading:
    """How one run reads facts to compare them: the SQL, and its parameters."""

    signatures: str
    one_by_one: str
    params: dict[str, object]

    @classmethod
    def of(cls, conn: sqlite3.Connection) -> Reading:
        low, high = conn.execute("SELECT min(id), max(id) FROM labels").fetchone()
        base = int(high or 0) + 1 if int(low or 1) >= 1 else None
        parts = {"traced": _TRACED, "key": key_sql(base), "value": _VALUE}
        blank = conn.execute("SELECT id FROM labels WHERE text = ''").fetchone()
        params = {"m": base, "blank": blank[0] if blank else 0}
        return cls(SIGNATURES.format(**parts), ONE_BY_ONE.format(**parts), params)


def assign_editions(conn: sqlite3.Connection, groups: Sequence[Sequence[int]] | None = None) -> int:
    """Mark editions and primaries; store the editions' disagreements. Returns findings.

    ``groups``: the member ids of the (publisher, period, period type) groups to do again
    (their old marks and findings are cleared first); None: every group of the archive.
    Runs inside the caller's transaction.
    """
    if groups is None:
        conn.execute("UPDATE bulletins SET is_primary = 1, edition_of = NULL")
        conn.execute("DELETE FROM checks WHERE rule = ?", [RULE])
        conn.execute(
            "UPDATE facts SET needs_review = needs_review & ~? WHERE needs_review & ?",
            [CONTESTED, CONTESTED],
        )
        groups = [[int(i) for i in str(ids).split(",")] for *_, ids in conn.execute(GROUPS)]
    else:
        for members in groups:
            clear_marks(conn, members)
    reading = Reading.of(conn)
    found = 0
    for members in groups:
        if len(members) > 1:
            found += _assign_group(conn, members, reading)
    return found


def clear_marks(conn: sqlite3.Connection, members: Sequence[int]) -> None:
    """Undo what ``assign_editions`` wrote for these bulletins."""
    ids = json.dumps(list(members))
    among = "IN (SELECT value FROM json_each(?))"
    conn.execute(f"UPDATE bulletins SET is_primary = 1, edition_of = NULL WHERE id {among}", [ids])
    conn.execute(f"DELETE FROM checks WHERE rule = ? AND bulletin_id {among}", [RULE, ids])
    conn.execute(
        f"UPDATE facts SET needs_review = needs_review & ~{CONTESTED} "
        f"WHERE bulletin_id {among} AND needs_review & {CONTESTED}",
        [ids],
    )


def _assign_group(conn: sqlite3.Connection, members: Sequence[int], reading: Reading) -> int:
    found = 0
    for report in _cluster(load_editions(conn, members, reading)):
        primary, others = report[0], report[1:]
        primary_facts = facts_of(conn, primary.id)
        for other in others:
            conn.execute(
                "UPDATE bulletins SET is_primary = 0, edition_of = ? WHERE id = ?",
                [primary.id, other.id],
            )
            rows = list(
                _disagreements(primary, primary_facts, other, facts_of(conn, other.id), conn)
            )
            contested = [(json.loads(str(row[-1]))[0],) for row in rows]
            conn.executemany(
                f"UPDATE facts SET needs_review = needs_review | {CONTESTED} WHERE id = ?",
                contested,
            )
            conn.executemany(
                "INSERT INTO checks (bulletin_id, table_id, rule, subject, metric, "
                "expected, actual, status, message, cells) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 'mismatch', ?, ?)",
                rows,
            )
            found += len(rows)
    return found


def load_editions(
    conn: sqlite3.Connection, members: Sequence[int], reading: Reading
) -> list[Edition]:
    """The bulletins of one group as editions, ranked (the primary first). Each is read
    as one row of joined keys and values; when one of them cannot be read so (it
    prints a key twice), the whole group is read again one fact at a time, so that all
    its keys are compared alike."""
    try:
        editions = _editions(conn, members, reading, _split)
    except _Unsplittable:
        editions = _editions(conn, members, reading, partial(_one_by_one, conn, reading))
    return sorted(editions, key=Edition.rank)


class _Unsplittable(Exception):
    """A bulletin's joined keys cannot be split back into one key per fact."""


Facts = tuple[Sequence[Hashable], Sequence[str]]  # keys, values as text


def _editions(
    conn: sqlite3.Connection,
    members: Sequence[int],
    reading: Reading,
    facts_of_row: Callable[[tuple[Any, ...]], Facts],
) -> list[Edition]:
    keys: dict[Hashable, int] = {}
    printed: dict[tuple[int, str], int] = {}
    fresh_key, fresh_figure = count(), count()
    editions = []
    rows = conn.execute(reading.signatures, {**reading.params, "ids": json.dumps(list(members))})
    for row in rows:
        fact_keys, values = facts_of_row(row)
        numbered = list(map(keys.setdefault, fact_keys, fresh_key))
        own = bits(numbered)
        if own.bit_count() != len(numbered):
            raise _Unsplittable  # the bulletin prints a key twice
        figures = map(printed.setdefault, zip(numbered, values, strict=True), fresh_figure)
        bid, path, fmt, traced = int(row[0]), str(row[1]), str(row[2] or ""), int(row[4])
        editions.append(Edition(bid, path, fmt, traced, len(numbered), own, bits(figures)))
    return editions


def bits(numbers: Iterable[int]) -> int:
    """A set of small non-negative ints as the bits of one int (built in C: a byte per
    number, then read as a binary numeral)."""
    present = list(numbers)
    if not present:
        return 0
    field = bytearray(max(present) + 1)
    deque(map(field.__setitem__, present, repeat(1)), maxlen=0)
    return int(field.translate(_BINARY)[::-1], 2)


_BINARY = bytes.maketrans(b"\x00\x01", b"01")


def _split(row: tuple[Any, ...]) -> Facts:
    """Keys and values of a bulletin's facts from its joined row."""
    n, keys, values = int(row[3]), row[5], row[6]
    if not n:
        return [], []
    fact_keys, fact_values = keys.split("\x02"), values.split("\x02")
    if len(fact_keys) != n or len(fact_values) != n:
        raise _Unsplittable
    return fact_keys, fact_values


def _one_by_one(conn: sqlite3.Connection, reading: Reading, row: tuple[Any, ...]) -> Facts:
    """Keys and values in fact order; the n-th repeat of a key ends in n."""
    keys: list[Hashable] = []
    values: list[str] = []
    seen: dict[object, int] = {}
    for key, value in conn.execute(reading.one_by_one, {**reading.params, "id": int(row[0])}):
        n = seen.get(key, 0)
        seen[key] = n + 1
        keys.append((key, n))
        values.append(str(value))
    return keys, values


def _cluster(editions: list[Edition]) -> list[list[Edition]]:
    """Reports of two or more editions, each led by its primary (editions come ranked)."""
    reports: list[list[Edition]] = []
    for edition in editions:
        for report in reports:
            if same_report(report[0], edition):
                report.append(edition)
                break
        else:
            reports.append([edition])
    return [r for r in reports if len(r) > 1]


def same_report(a: Edition, b: Edition) -> bool:
    """Whether two bulletins print the same figures (see the module's docstring)."""
    if not a.facts or not b.facts:
        return False
    agreeing = (a.printed & b.printed).bit_count()  # shared keys printed with the same value
    smaller = min(a.facts, b.facts)
    if agreeing < MIN_SHARED * MIN_AGREEING * smaller * (1 - 1e-9):
        return False  # agreeing >= MIN_AGREEING * shared >= MIN_AGREEING * MIN_SHARED * smaller
    shared = (a.keys & b.keys).bit_count()
    if shared < MIN_SHARED * smaller:
        return False
    return agreeing >= MIN_AGREEING * shared


FACTS = """
SELECT f.id, lk.text, ln.text, lpr.text, lr.text, lm.text, COALESCE(lp.text, ''),
       f.value, COALESCE(f.value_raw, CAST(CAST(f.value AS INTEGER) AS TEXT)), t.table_no,
       f."row", f.col
FROM facts f LEFT JOIN source_tables t ON t.id = f.table_id
LEFT JOIN labels lk ON lk.id = f.table_kind
LEFT JOIN labels ln ON ln.id = f.name_key
LEFT JOIN labels lpr ON lpr.id = f.parent_raw
LEFT JOIN labels lr ON lr.id = f.row_role
LEFT JOIN labels lm ON lm.id = f.metric
LEFT JOIN labels lp ON lp.id = f.period
WHERE f.bulletin_id = ?
ORDER BY f.id
"""


def facts_of(conn: sqlite3.Connection, bulletin_id: int) -> dict[FactKey, Fact]:
    """One edition's facts by key (table kind, name, parent, row role, metric, period, and
    which repeat of that key in the bulletin): fact id, value, value as printed, cell."""
    facts: dict[FactKey, Fact] = {}
    for row in conn.execute(FACTS, [bulletin_id]):
        key: FactKey = tuple(row[1:7])
        n = 0
        while (*key, n) in facts:  # the same name twice in one table
            n += 1
        facts[(*key, n)] = (int(row[0]), row[7], row[8], row[9], row[10], row[11])
    return facts


def _same_value(x: float | None, y: float | None) -> bool:
    if x is None or y is None:
        return x is y
    return abs(x - y) < 1e-9


def _disagreements(
    primary: Edition,
    primary_facts: dict[FactKey, Fact],
    other: Edition,
    other_facts: dict[FactKey, Fact],
    conn: sqlite3.Connection,
) -> Iterable[tuple[object, ...]]:
    for key in sorted(primary_facts.keys() & other_facts.keys(), key=repr):
        p, o = primary_facts[key], other_facts[key]
        if _same_value(p[1], o[1]):
            continue
        table_id = conn.execute("SELECT table_id FROM facts WHERE id = ?", [o[0]]).fetchone()[0]
        subject = str(key[1] or key[4] or "")
        message = (
            f"{other.path} {_where(o)} prints {o[2]!r}, "
            f"the primary edition {primary.path} {_where(p)} prints {p[2]!r}"
        )
        yield (other.id, table_id, RULE, subject, key[4], p[1], o[1], message,
               json.dumps([p[0], o[0]]))  # fmt: skip


def _where(fact: Fact) -> str:
    if fact[3] is None:
        return "(headline)"
    return f"table {fact[3]} row {fact[4]} col {fact[5]}"
