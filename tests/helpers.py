"""Paths of the samples and small helpers shared by the tests."""

from __future__ import annotations

import csv
from pathlib import Path

import sqlite_utils

from archive.ingest import Report, ingest
from extract.document import Table
from extract.hints import load_hints
from extract.text import parse_text
from normalize.catalog import Catalog
from normalize.names import NameBook

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
METRICS = ROOT / "normalize" / "data" / "metrics.yaml"  # the family's vocabulary
GOLDEN = Path(__file__).parent / "golden"
SEP = CORPUS / "2022-09_xiqu_zwfw.txt"  # web page saved as text, pipe-delimited
DEC = CORPUS / "2020-12_xiqu_zwfw.txt"  # office document saved as text, tab-indented
FACT_KEY = (
    "table_kind",
    "entity_raw",
    "parent_raw",
    "row_role",
    "metric",
    "value",
    "value_raw",
    "unit",
    "note",
)


def ingest_into(
    db_path: Path, paths: list[Path], catalog: Catalog, names: NameBook
) -> tuple[sqlite_utils.Database, Report]:
    """Ingest files into a database file."""
    db = sqlite_utils.Database(db_path)
    return db, ingest(db, paths, catalog, names)


def tables_of(text: str) -> list[Table]:
    """Parse text (already decoded) and return its tables."""
    return parse_text(text, "test.txt", "utf-8", load_hints()).tables


def golden_rows(name: str) -> list[tuple[object, ...]]:
    """The golden facts of a sample, as tuples in FACT_KEY order (value as float or None)."""
    with (GOLDEN / f"{name}.facts.csv").open(encoding="utf-8") as handle:
        return [fact_tuple(row) for row in csv.DictReader(handle)]


def fact_tuple(row: dict[str, object]) -> tuple[object, ...]:
    """A fact row (CSV or database) in a comparable form: '' and None alike, floats rounded."""
    out: list[object] = []
    for key in FACT_KEY:
        value = row.get(key)
        if value in ("", None):
            out.append(None)
        elif key == "value":
            out.append(round(float(str(value)), 6))
        else:
            out.append(str(value))
    return tuple(out)


def body_row_lines(table: Table) -> list[tuple[int, int]]:
    """(first line, last line) of each body row of a parsed text table, 1-based, inclusive."""
    starts = []
    for r in range(table.header_rows, table.n_rows):
        lines = [c.source.line_start for c in table.cells if c.row == r and c.source.line_start]
        starts.append(min(lines))
    ends = [s - 1 for s in starts[1:]] + [table.source.line_end or starts[-1]]
    return list(zip(starts, ends, strict=True))
