"""`make bench`: ingest a generated corpus and compare with raw executemany, same run."""

from __future__ import annotations

import sqlite3
import tempfile
import time
from pathlib import Path

import sqlite_utils

from archive.ingest import ingest
from archive.schema import ensure_schema
from bench import names as bench_names
from bench import ocr as bench_ocr
from bench import pdf as bench_pdf
from bench.corpus import SAMPLES, make_corpus
from normalize.catalog import load_catalog
from normalize.names import load_names

BULLETINS = 300


def main() -> None:
    catalog = load_catalog()
    names = load_names(SAMPLES / "names.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        make_corpus(folder, BULLETINS)
        db_path = Path(tmp) / "bench.db"
        db = sqlite_utils.Database(db_path)
        db.execute("PRAGMA journal_mode=WAL")
        start = time.perf_counter()
        report = ingest(db, [folder], catalog, names)
        ours = time.perf_counter() - start
        assert report.count("failed") == 0, [o.message for o in report.outcomes if o.message]
        start = time.perf_counter()
        again = ingest(db, [folder], catalog, names)  # unchanged files: names only
        names_only = time.perf_counter() - start
        assert again.count("skipped") == BULLETINS
        rows = db.execute("SELECT * FROM facts").fetchall()
        columns = [c.name for c in db["facts"].columns]
        raw = raw_executemany(Path(tmp) / "raw.db", columns, rows)
    facts = report.facts
    print(f"bulletins ingested:        {report.count('ingested')}")
    print(f"facts:                     {facts}")
    print(f"ingest (extract+normalize+load): {ours:.3f} s = {facts / ours:,.0f} facts/s")
    print(f"baseline raw executemany:  {raw:.3f} s = {facts / raw:,.0f} rows/s")
    print(f"ratio ingest/raw throughput: {raw / ours:.3f} (1.0 = as fast as a bare insert)")
    print(
        f"names-only re-ingest:      {names_only:.3f} s = {names_only / ours:.1%} of a full "
        "ingest (target ≤ 5%)"
    )
    bench_names.main()
    bench_pdf.main()
    bench_ocr.main()


def raw_executemany(path: Path, columns: list[str], rows: list[tuple[object, ...]]) -> float:
    """Seconds to insert the same rows with sqlite3 executemany in one transaction."""
    db = sqlite_utils.Database(path)
    ensure_schema(db)
    db.execute("PRAGMA journal_mode=WAL")
    conn: sqlite3.Connection = db.conn
    quoted = ", ".join(f'"{c}"' for c in columns)
    sql = f"INSERT INTO facts ({quoted}) VALUES ({', '.join('?' * len(columns))})"
    start = time.perf_counter()
    with conn:
        conn.executemany(sql, rows)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
