"""`bulletins export`: the tidy facts and the lookup tables as CSV or Parquet files.

Columns keep the types the archive declares: integers stay integers even where some
are missing (pandas' nullable Int64), so a CSV shows ``12``, not ``12.0``, and Parquet
stores int64 with nulls. CSV is UTF-8 with a byte-order mark: without it spreadsheet
programs guess a local code page and show Chinese as mojibake.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import sqlite_utils

from archive import give_sqlite_utils_pandas

give_sqlite_utils_pandas()  # see archive/__init__.py

# facts_readable first: one row per printed number; then what its columns refer to.
EXPORTS = (
    "facts_readable",
    "bulletins",
    "entities",
    "aliases",
    "resolutions",
    "source_tables",
    "checks",
    "warnings",
    "failures",
)
FORMATS = ("csv", "parquet")
CSV_ENCODING = "utf-8-sig"


class ExportError(Exception):
    """The export cannot be written; the message says what to do."""


@dataclass(frozen=True)
class Written:
    """One file written."""

    table: str
    path: Path
    rows: int


def pandas_dtype(declared: str) -> str:
    """The nullable pandas dtype for an SQLite declared column type (SQLite's affinity rules)."""
    declared = declared.upper()
    if "INT" in declared:
        return "Int64"
    if any(word in declared for word in ("REAL", "FLOA", "DOUB")):
        return "Float64"
    if any(word in declared for word in ("CHAR", "CLOB", "TEXT")):
        return "string"
    return "object"


def frame(db: sqlite_utils.Database, table: str) -> pd.DataFrame:
    """A table or view of the archive as a DataFrame with its declared column types."""
    columns = db[table].columns
    if not columns:
        raise ExportError(f"{table} is not in the archive; run `bulletins ingest corpus/` first")
    quoted = ", ".join(f'"{c.name}"' for c in columns)
    rows = db.execute(f'SELECT {quoted} FROM "{table}"').fetchall()
    df = pd.DataFrame.from_records(rows, columns=[c.name for c in columns])
    return df.astype({c.name: pandas_dtype(c.type or stored_type(df[c.name])) for c in columns})


def stored_type(values: pd.Series) -> str:
    """A declared type for a view column computed by an expression, from the values stored."""
    kinds = {type(v) for v in values if v is not None}
    if kinds == {str}:
        return "TEXT"
    if kinds == {int}:
        return "INTEGER"
    if kinds and kinds <= {int, float}:
        return "REAL"
    return ""


def write_frame(df: pd.DataFrame, path: Path, fmt: str) -> None:
    """Write one DataFrame; the file appears whole or not at all."""
    partial = path.with_name(path.name + ".partial")
    if fmt == "csv":
        df.to_csv(partial, index=False, encoding=CSV_ENCODING, lineterminator="\n")
    else:
        df.to_parquet(partial, index=False, engine="pyarrow")
    os.replace(partial, path)


def export(db: sqlite_utils.Database, out: Path, fmt: str = "csv") -> list[Written]:
    """Write facts_readable and the lookup tables into folder ``out``, one file each."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot create {out}: {exc.strerror}") from None
    written = []
    for table in EXPORTS:
        df = frame(db, table)
        path = out / f"{table}.{fmt}"
        write_frame(df, path, fmt)
        written.append(Written(table, path, len(df)))
    return written
