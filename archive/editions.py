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
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field

MIN_SHARED = 0.8
MIN_AGREEING = 0.8
FORMAT_PREFERENCE = ("text", "html", "docx", "doc", "pdf")
RULE = "editions_agree"
CONTESTED = 2  # facts.needs_review bit: another edition prints another figure

FactKey = tuple[object, ...]


@dataclass
class Edition:
    """One bulletin as a candidate edition."""

    id: int
    path: str
    format: str
    traced: int = 0  # facts traced to a cell, not needing review
    facts: dict[FactKey, tuple[int, float | None, str | None, int | None, object, object]] = field(
        default_factory=dict
    )  # key → (fact id, value, value_raw, table_no, row, col)
    _keys: frozenset[object] | None = None
    _printed: frozenset[object] | None = None

    @property
    def keys(self) -> frozenset[object]:
        """The keys of its facts (numbered by ``index_facts`` when compared in a group)."""
        if self._keys is None:
            self._keys = frozenset(self.facts)
        return self._keys

    @property
    def printed(self) -> frozenset[object]:
        """Each fact's key with its value, to count agreeing figures by set intersection
        (values parsed from printed decimals: the same text gives the same float)."""
        if self._printed is None:
            self._printed = frozenset((k, v[1]) for k, v in self.facts.items())
        return self._printed

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
FACTS = """
SELECT f.bulletin_id, f.id, lk.text, lnk.text, lpr.text, lr.text, lm.text,
       COALESCE(lp.text, ''), f.value,
       COALESCE(f.value_raw, CAST(CAST(f.value AS INTEGER) AS TEXT)), t.table_no, f."row", f.col,
       f.cell_id IS NOT NULL AND (f.needs_review & 1) = 0
FROM facts f LEFT JOIN source_tables t ON t.id = f.table_id
LEFT JOIN labels lk ON lk.id = f.table_kind
LEFT JOIN labels lnk ON lnk.id = f.name_key
LEFT JOIN labels lpr ON lpr.id = f.parent_raw
LEFT JOIN labels lr ON lr.id = f.row_role
LEFT JOIN labels lm ON lm.id = f.metric
LEFT JOIN labels lp ON lp.id = f.period
WHERE f.bulletin_id IN (SELECT value FROM json_each(?))
ORDER BY f.id
"""


def assign_editions(conn: sqlite3.Connection) -> int:
    """Mark editions and primaries; store the editions' disagreements. Returns findings.

    Runs inside the caller's transaction.
    """
    conn.execute("UPDATE bulletins SET is_primary = 1, edition_of = NULL")
    conn.execute("DELETE FROM checks WHERE rule = ?", [RULE])
    conn.execute(
        "UPDATE facts SET needs_review = needs_review & ~? WHERE needs_review & ?",
        [CONTESTED, CONTESTED],
    )
    found = 0
    for *_, ids in conn.execute(GROUPS).fetchall():
        editions = _load(conn, [int(i) for i in str(ids).split(",")])
        for report in _cluster(editions):
            primary, others = report[0], report[1:]
            for other in others:
                conn.execute(
                    "UPDATE bulletins SET is_primary = 0, edition_of = ? WHERE id = ?",
                    [primary.id, other.id],
                )
                rows = list(_disagreements(primary, other, conn))
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


def _load(conn: sqlite3.Connection, ids: list[int]) -> list[Edition]:
    meta = conn.execute(
        "SELECT id, path, format FROM bulletins WHERE id IN (SELECT value FROM json_each(?))",
        [json.dumps(ids)],
    ).fetchall()
    editions = {int(i): Edition(int(i), str(p), str(f or "")) for i, p, f in meta}
    for row in conn.execute(FACTS, [json.dumps(ids)]):
        edition = editions[int(row[0])]
        key: FactKey = tuple(row[2:8])
        n = 0
        while (*key, n) in edition.facts:  # the same name twice in one table
            n += 1
        edition.facts[(*key, n)] = (int(row[1]), row[8], row[9], row[10], row[11], row[12])
        edition.traced += int(row[13] or 0)
    index_facts(list(editions.values()))
    return sorted(editions.values(), key=Edition.rank)


def index_facts(editions: list[Edition]) -> None:
    """Give each distinct fact key, and each key with its value, a small number shared by
    the editions compared together, so comparing two editions intersects sets of ints."""
    keys: dict[FactKey, int] = {}
    printed: dict[tuple[FactKey, float | None], int] = {}
    for e in editions:
        e._keys = frozenset(keys.setdefault(k, len(keys)) for k in e.facts)
        e._printed = frozenset(
            printed.setdefault((k, v[1]), len(printed)) for k, v in e.facts.items()
        )


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
    shared = len(a.keys & b.keys)
    if shared < MIN_SHARED * min(len(a.facts), len(b.facts)):
        return False
    agreeing = len(a.printed & b.printed)  # shared keys printed with the same value
    return agreeing >= MIN_AGREEING * shared


def _same_value(x: float | None, y: float | None) -> bool:
    if x is None or y is None:
        return x is y
    return abs(x - y) < 1e-9


def _disagreements(
    primary: Edition, other: Edition, conn: sqlite3.Connection
) -> Iterable[tuple[object, ...]]:
    for key in sorted(primary.facts.keys() & other.facts.keys(), key=repr):
        p, o = primary.facts[key], other.facts[key]
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


def _where(fact: tuple[int, float | None, str | None, int | None, object, object]) -> str:
    if fact[3] is None:
        return "(headline)"
    return f"table {fact[3]} row {fact[4]} col {fact[5]}"
