"""`make bench` (PDF): our PDF reader against bare pdfplumber on the same pages, same run.

For every PDF fixture of a sample bulletin, time ``extract.pdf.read_pdf`` (prose, ruled
and unruled tables, spans, pages joined) and a bare ``pdfplumber`` pass that calls
``page.extract_tables()`` on every page; each is timed ``ROUNDS`` times, alternating, and
the best time counts. Prints seconds per page of both and their ratio (target ≤ 1.25)
for every file, and for ruled and unruled fixtures apart and together. Unruled tables
are read every way that gives a different grid and the arithmetic chooses; that work is
part of "ours".
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pdfplumber

from extract.pdf import read_pdf

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "pdf"
ROUNDS = 3
TARGET = 1.25


def bare_pdfplumber(path: Path) -> int:
    """pdfplumber's own table extraction on every page; returns the page count."""
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_tables()
        return len(pdf.pages)


def best_of(run: Callable[[], object], rounds: int = ROUNDS) -> float:
    """The shortest of ``rounds`` timings of ``run``, in seconds."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def sample_pdfs() -> list[Path]:
    """The PDF fixtures that hold a whole sample bulletin (not the broken ones), and the
    unruled tables whose reading their totals decide."""
    samples = [p for p in FIXTURES.glob("20*.pdf") if "tounicode" not in p.name]
    return sorted([*samples, *FIXTURES.glob("total_decides_*.pdf")])


Row = tuple[str, int, float, float]  # name, pages, bare, ours


def measure(files: list[Path]) -> list[Row]:
    """Best-of timings of bare pdfplumber and of our reader on each file."""
    for path in files:  # warm up: imports, font caches
        read_pdf(path)
    rows: list[Row] = []
    for path in files:
        pages = bare_pdfplumber(path)
        bare = best_of(partial(bare_pdfplumber, path))
        ours = best_of(partial(read_pdf, path))
        rows.append((path.name, pages, bare, ours))
    return rows


def is_ruled(name: str) -> bool:
    """True for the fixtures whose tables have rules."""
    return "unruled" not in name and not name.startswith("total_decides")


def main() -> None:
    """Print per-page seconds of our PDF path and of bare pdfplumber, and their ratio."""
    rows = measure(sample_pdfs())
    print(
        f"{'PDF fixture':36s} {'pages':>5s} {'bare s/page':>11s} {'ours s/page':>11s} {'ratio':>6s}"
    )
    for name, pages, bare, ours in rows:
        print(f"{name:36s} {pages:5d} {bare / pages:11.4f} {ours / pages:11.4f} {ours / bare:6.2f}")
    for label, chosen in (
        ("ruled", [r for r in rows if is_ruled(r[0])]),
        ("unruled", [r for r in rows if not is_ruled(r[0])]),
        ("all", rows),
    ):
        pages = sum(r[1] for r in chosen)
        bare, ours = sum(r[2] for r in chosen), sum(r[3] for r in chosen)
        print(
            f"PDF {label + ':':8s} {pages:3d} pages, bare pdfplumber {bare / pages:.4f} s/page, "
            f"ours {ours / pages:.4f} s/page, ratio {ours / bare:.2f} (target ≤ {TARGET})"
        )


if __name__ == "__main__":
    main()
