"""`make bench` (start-up): `bulletins --help` and an ingest with nothing to do, best of 5.

The baseline is this interpreter started with nothing to run (``python -c pass``), in
the same run. The empty ingest opens (and the first time creates) an archive, loads the
profile, the names file and the metric vocabulary, and finds no file: what every ingest
pays before its first bulletin.

The packages' bytecode is compiled first, as an installed package has it: with
PYTHONDONTWRITEBYTECODE set (as on the development machine) an editable install would
otherwise compile every module it imports at each start.
"""

from __future__ import annotations

import compileall
import sys
from dataclasses import dataclass
from pathlib import Path

from bench import run as child
from bench.run import PROFILE, Run

TIMES = 5
TARGET = 0.5  # seconds


@dataclass(frozen=True)
class Startup:
    bare: Run
    help: Run
    empty_ingest: Run


PACKAGES = ("extract", "normalize", "archive")
ROOT = Path(__file__).resolve().parents[1]


def measure(work: Path) -> Startup:
    for package in PACKAGES:
        compileall.compile_dir(ROOT / package, quiet=1)
    empty = work / "empty"
    empty.mkdir(exist_ok=True)
    db = work / "empty.db"
    ingest = child.bulletins("ingest", str(empty), "--db", str(db), "--profile", str(PROFILE), "-q")
    child.checked(child.run_child(ingest, cwd=work), "empty ingest")  # creates the archive
    return Startup(
        bare=child.best_of(TIMES, lambda: child.run_child([sys.executable, "-c", "pass"])),
        help=child.best_of(
            TIMES, lambda: child.checked(child.run_child(child.bulletins("--help")), "--help")
        ),
        empty_ingest=child.best_of(
            TIMES, lambda: child.checked(child.run_child(ingest, cwd=work), "empty ingest")
        ),
    )


def main(work: Path) -> Startup:
    """Measure and print; the result gives the ingest bench its start-up."""
    got = measure(work)
    print(f"\n== start-up, best of {TIMES} (the bare interpreter is the baseline)")
    for label, r in (
        ("python -c pass", got.bare),
        ("bulletins --help", got.help),
        ("bulletins ingest EMPTY/", got.empty_ingest),
    ):
        target = "" if r is got.bare else f" (target ≤ {TARGET} s)"
        missed = "  ← missed" if r is not got.bare and r.wall > TARGET else ""
        print(
            f"{label:24s} {r.wall:6.3f} s wall {r.cpu:6.3f} s CPU, "
            f"{r.wall - got.bare.wall:+.3f} s over the bare interpreter{target}{missed}"
        )
    return got
