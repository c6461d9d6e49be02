"""A digest of everything an ingest stores, to show a change of the load path kept it.

Ingests the samples, fixtures of each format read without OCR and a generated corpus,
with ``-j 1`` and ``-j 2``, through the CLI (of the ``archive`` that PYTHONPATH names,
else the installed one), then digests every row of every table and view (rows in id
order, views sorted) but the times, and each column of every table apart (a column
added to a table leaves the others' digests as they were). It reads the archive with
``sqlite3`` only, nothing of the project, so it cannot share a bug with what it checks.

    python bench/oracle.py CORPUS OUT.json [BASE.json]
    PYTHONPATH=/other/checkout python bench/oracle.py CORPUS BASE.json

With BASE, it exits 1 when any digest differs from BASE's and names the tables.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = [
    "corpus",
    "tests/fixtures/family",
    "tests/fixtures/sources",
    "tests/fixtures/pdf/2020-12_docx_ruled.pdf",
    "tests/fixtures/pdf/2022-09_unruled.pdf",
]
TIME_COLUMNS = {"ingested_at", "seen_at", "updated_at", "at"}
TIME_TEXT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")
# State whose values hash or embed the bulletins' times: the keys are kept, not the values.
TIMED_STATE = re.compile(r"^(editions|cumulative|fingerprint)")
# FTS5 shadow tables hold segments whose layout depends on how the index was built; the
# index's content is digested through the virtual table and a query instead.
SKIPPED = re.compile(r"^blocks_fts_(data|idx|docsize|config)$|^sqlite_")


def ingest(db: Path, paths: list[str], jobs: int) -> None:
    """One ingest run; a failed file is fine (it is recorded), a crash is not."""
    args = [sys.executable, "-c", "from archive.cli import main; main()", "ingest"]
    args += ["--db", str(db), "-j", str(jobs), "--profile", str(ROOT / "corpus" / "bulletins.yaml")]
    # run outside the checkout: `python -c` puts the working folder first on the path
    args += [str(ROOT / p) for p in paths]
    done = subprocess.run(args, cwd=db.parent, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"ingest crashed: {done.stderr[-2000:]}")


def digest_db(db: Path) -> dict[str, str]:
    """A digest per table and view, times left out."""
    conn = sqlite3.connect(db)
    names = conn.execute(
        "SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name"
    ).fetchall()
    out: dict[str, str] = {}
    for name, kind in names:
        if SKIPPED.match(name):
            continue
        cur = conn.execute(f'SELECT * FROM "{name}"')
        columns = [d[0] for d in cur.description]
        rows = [_without_times(name, columns, r) for r in cur.fetchall()]
        if kind == "view" or "id" not in columns:
            rows.sort(key=repr)
        else:
            at = columns.index("id")
            rows.sort(key=lambda r: int(str(r[at])))
        out[name] = f"{len(rows)}:" + hashlib.sha256(repr(rows).encode()).hexdigest()[:16]
        if kind == "table":  # and each column, so a column added shows which ones kept
            for i, column in enumerate(columns):
                values = repr([r[i] for r in rows]).encode()
                out[f"{name}.{column}"] = hashlib.sha256(values).hexdigest()[:16]
    hits = conn.execute(
        "SELECT rowid FROM blocks_fts WHERE blocks_fts MATCH '\"办件量\"' ORDER BY rowid"
    ).fetchall()
    out["search 办件量"] = f"{len(hits)}:" + hashlib.sha256(repr(hits).encode()).hexdigest()[:16]
    return out


def _without_times(table: str, columns: list[str], row: tuple[object, ...]) -> tuple[object, ...]:
    values = list(row)
    for i, column in enumerate(columns):
        if column in TIME_COLUMNS:
            values[i] = None
    if table in ("archive_state", "summary_state") and (
        TIME_TEXT.match(str(values[-1])) or TIMED_STATE.match(str(values[0]))
    ):
        values[-1] = None
    return tuple(values)


def run(corpus: Path) -> dict[str, dict[str, str]]:
    """Per run: the samples then the corpus (a bulk load) then the samples again (no-op);
    and the first half of the corpus, then all of it (a load with live indexes)."""
    out: dict[str, dict[str, str]] = {}
    files = sorted(corpus.iterdir())
    # a fixed folder: `source` holds the files' paths
    half = Path(tempfile.gettempdir()) / f"bulletins-oracle-{corpus.name}-half"
    if not half.exists():
        half.mkdir()
        for f in files[: len(files) // 2]:
            shutil.copy(f, half / f.name)
    tmp = Path(tempfile.mkdtemp(prefix="bulletins-oracle-"))
    which = [sys.executable, "-c", "import archive; print(archive.__file__)"]
    print("archive:", subprocess.run(which, cwd=tmp, capture_output=True, text=True).stdout.strip())
    for jobs in (1, 2):
        db = tmp / f"a{jobs}.db"
        ingest(db, SAMPLES, jobs)
        ingest(db, [str(corpus)], jobs)
        ingest(db, SAMPLES, jobs)
        out[f"samples+corpus j{jobs}"] = digest_db(db)
        db = tmp / f"b{jobs}.db"
        ingest(db, [str(half)], jobs)
        ingest(db, [str(corpus)], jobs)
        out[f"half+corpus j{jobs}"] = digest_db(db)
    shutil.rmtree(tmp)
    return out


def main() -> None:
    corpus, target = Path(sys.argv[1]), Path(sys.argv[2])
    result = run(corpus)
    target.write_text(json.dumps(result, ensure_ascii=False, indent=1))
    if len(sys.argv) > 3:
        base = json.loads(Path(sys.argv[3]).read_text())
        differ = [
            f"{run_name}: {table}"
            for run_name, tables in {**base, **result}.items()
            for table in set(base.get(run_name, {})) | set(result.get(run_name, {}))
            if base.get(run_name, {}).get(table) != result.get(run_name, {}).get(table)
        ]
        print("\n".join(differ) or "identical")
        sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
