"""Reading the consistency findings stored at ingest, mismatches first."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, fields
from typing import Any

import sqlite_utils
from rich.console import Console
from rich.table import Table as RichTable

from archive.printed import exact_number

STATUS_ORDER = {"mismatch": 0, "not_applicable": 1, "ok": 2}
STATUS_STYLE = {"mismatch": "red", "not_applicable": "yellow", "ok": "green"}


@dataclass(frozen=True)
class Finding:
    """One stored check, with the bulletin it belongs to."""

    bulletin: str
    period: str | None
    table_no: int | None
    rule: str
    subject: str
    status: str
    expected: float | None
    actual: float | None
    message: str


def findings(
    db: sqlite_utils.Database, statuses: tuple[str, ...] = (), bulletin: str | None = None
) -> list[Finding]:
    """Stored checks, mismatches first, then by bulletin and table."""
    rows = db.execute(
        "SELECT b.path, b.period, t.table_no, c.rule, c.subject, c.status, c.expected, "
        "c.actual, c.message FROM checks c JOIN bulletins b ON b.id = c.bulletin_id "
        "LEFT JOIN source_tables t ON t.id = c.table_id"
    ).fetchall()
    out = [Finding(*row) for row in rows]
    if statuses:
        out = [f for f in out if f.status in statuses]
    if bulletin:
        out = [f for f in out if bulletin in f.bulletin]
    return sorted(out, key=lambda f: (STATUS_ORDER.get(f.status, 9), f.bulletin, f.table_no or 0))


def render_findings(found: list[Finding], console: Console) -> None:
    """A table of findings."""
    table = RichTable(show_lines=False)
    for name in ("status", "bulletin", "table", "rule", "subject", "expected", "actual", "message"):
        table.add_column(name, overflow="fold")
    for f in found:
        table.add_row(
            f"[{STATUS_STYLE.get(f.status, '')}]{f.status}[/]",
            f.bulletin,
            str(f.table_no) if f.table_no else "headline",
            f.rule,
            f.subject,
            exact_number(f.expected),
            exact_number(f.actual),
            f.message,
        )
    console.print(table)


def findings_json(found: list[Finding]) -> list[dict[str, Any]]:
    """Findings as plain mappings, for ``--json``."""
    return [asdict(f) for f in found]


def findings_csv(found: list[Finding]) -> str:
    """Findings as CSV text with a header row, for ``--csv``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([f.name for f in fields(Finding)])
    writer.writerows([_cell(v) for v in asdict(f).values()] for f in found)
    return out.getvalue()


def findings_summary(every: list[Finding]) -> str:
    """How many findings of each status there are."""
    counts = {s: sum(1 for f in every if f.status == s) for s in STATUS_ORDER}
    return ", ".join(f"{n} {s}" for s, n in counts.items())


def _cell(value: object) -> str:
    if value is None or isinstance(value, float):
        return exact_number(value)
    return str(value)
