"""`make bench`: every figure of issue #13 against a baseline measured in the same run.

    python -m bench                  all parts: 30 minutes on 2 cores at load average 10
                                     (ingest 17, OCR 8, PDF 4); about a third of it alone
    python -m bench startup pages    only these parts (or BENCH="startup pages")
    BENCH_BULLETINS=300 python -m bench ingest    a smaller corpus (default 2,000)

Parts, in the order they run: startup, ingest, pages (Datasette, on the ingest part's
archive, or on one built for it), names, pdf, ocr.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from bench import ingest as bench_ingest
from bench import startup as bench_startup

PARTS = ("startup", "ingest", "pages", "names", "pdf", "ocr")
BULLETINS = 2000
PAGE_TARGET = 0.5  # seconds

LEGEND = """\
How to read the figures (each beside its baseline from this same run, and its target):
  wall s, CPU s   seconds of the `bulletins` child process, wall clock and CPU (CPU counts
                  its worker processes too); the machine is shared: when wall is noisy, read CPU
  facts/s         facts_readable rows stored per second of the whole ingest (reading,
                  extraction, normalisation, storing); target ≥ 100,000 wall, default --jobs
  ÷raw            ingest time ÷ the time a bare executemany needs to insert the same rows
                  (1.0 = as fast as a bare insert); target ≤ 1.4
  peak RSS        largest resident memory of one process of the run; the larger corpus
                  against its first tenth shows whether memory grows with it; target ≤ 1.2×
  bytes/fact      archive file ÷ facts; per table and index from SQLite's dbstat; target ≤ 60
  no-op           the same files again: seconds beyond start-up (target ≤ 1 s), % of the first
  names-only      the same files, one entity added to a copy of the names file: % of the first
  start-up        best of 5, over the bare interpreter; target ≤ 0.5 s wall
  pages           Datasette pages and canned queries (bench/pages.py); target ≤ 0.5 s each
  "← missed" marks a target not met."""


def chosen(argv: list[str]) -> list[str]:
    """The parts named on the command line or in $BENCH, in running order; all by default."""
    named = argv or os.environ.get("BENCH", "").replace(",", " ").split()
    unknown = [p for p in named if p not in PARTS]
    if unknown:
        raise SystemExit(f"bench: unknown part {', '.join(unknown)}; choose from {' '.join(PARTS)}")
    return [p for p in PARTS if p in named] if named else list(PARTS)


def bulletin_count() -> int:
    text = os.environ.get("BENCH_BULLETINS", str(BULLETINS))
    if not text.isdigit() or int(text) < 10:
        raise SystemExit(f"bench: BENCH_BULLETINS={text!r}: give a whole number, 10 or more")
    return int(text)


def main(argv: list[str]) -> None:
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # seen as it runs
    parts = chosen(argv)
    count = bulletin_count() if {"ingest", "pages"} & set(parts) else BULLETINS
    print(LEGEND)
    print(f"parts: {' '.join(parts)}; {machine()}")
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bulletins-bench-") as tmp:
        work = Path(tmp)
        archive = bench_ingest.Archive(work, count)
        startup = None
        db = None
        for part in parts:
            start = time.perf_counter()
            if part == "startup":
                startup = bench_startup.main(work).empty_ingest
            elif part == "ingest":
                db = bench_ingest.main(archive, startup)
            elif part == "pages":
                time_pages(db if db is not None else bench_ingest.built(archive))
            else:
                run_other(part)
            print(f"({part}: {time.perf_counter() - start:.0f} s)")
    print(f"\nbench: {time.perf_counter() - began:.0f} s in all; {machine()}")


def machine() -> str:
    """Cores and load: how shared the machine was while measured."""
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{os.cpu_count()} cores, load average {load} (1, 5, 15 min)"


def time_pages(db: Path) -> None:
    """The Datasette timings of the `datasette` part's bench/pages.py, when it exists:
    ``time_pages(db)`` gives (page, wall s, server CPU s) rows, printed with its
    ``render`` when it has one."""
    print(f"\n== Datasette pages on {db.name} (bench/pages.py; target ≤ {PAGE_TARGET} s each)")
    try:
        from bench import pages  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        print("bench/pages.py is missing: no page timings")
        return
    try:
        timings = pages.time_pages(db)
    except Exception as exc:  # a page that failed: the other parts still run
        print(f"pages: {type(exc).__name__}: {exc}")
        return
    render = getattr(pages, "render", None)
    print(render(timings) if callable(render) else "\n".join(map(str, timings)))
    slow = [row for row in timings if isinstance(row, tuple) and _over(row)]
    print(
        f"{len(slow)} of {len(timings)} pages over {PAGE_TARGET} s wall"
        + (f": {', '.join(str(row[0]) for row in slow)}  ← missed" if slow else "")
    )


def _over(row: tuple[object, ...]) -> bool:
    return len(row) > 1 and isinstance(row[1], float) and row[1] > PAGE_TARGET


def run_other(part: str) -> None:
    """The names, pdf and ocr benches (imported here: they load their own libraries)."""
    print(f"\n== {part}")
    if part == "names":
        from bench import names

        names.main()
    elif part == "pdf":
        from bench import pdf

        pdf.main()
    else:
        from bench import ocr

        ocr.main()


if __name__ == "__main__":
    main(sys.argv[1:])
