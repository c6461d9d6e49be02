"""`make bench` (OCR): seconds per page and numbers right, per engine, on the scan fixtures.

Each scan fixture is read once per installed engine (RapidOCR; Tesseract when its binary
is on PATH) and normalised; its table facts are laid beside the golden facts of the sample
it was drawn from (same table kinds, same order) to count the numbers read right, and
those wrong but flagged (``needs_review``). Prints one line per file and engine and a
total per engine. ``python -m bench.ocr rapidocr`` runs one engine.
"""

from __future__ import annotations

import csv
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from extract.errors import BulletinError
from extract.ocr_engine import RAPIDOCR, TESSERACT
from extract.scan import ScanSettings, read_scan
from normalize.bulletin import normalize_document
from normalize.catalog import load_catalog

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "scan"
GOLDEN = ROOT / "tests" / "golden"
TWO_ANNEXES = {"hall_windows", "town_centers"}


@dataclass
class Score:
    pages: int = 0
    seconds: float = 0.0
    numbers: int = 0
    right: int = 0
    flagged_wrong: int = 0

    def add(self, other: Score) -> None:
        for name in ("pages", "seconds", "numbers", "right", "flagged_wrong"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def line(self) -> str:
        wrong = self.numbers - self.right
        return (
            f"{self.pages} pages, {self.seconds / max(self.pages, 1):6.1f} s/page, "
            f"{self.right}/{self.numbers} numbers right, {self.flagged_wrong}/{wrong} wrong flagged"
        )


def golden(sample: str) -> list[tuple[str, str, str]]:
    """(kind, metric, value) of the sample's table facts, in source order."""
    with (GOLDEN / f"{sample}_xiqu_zwfw.facts.csv").open(encoding="utf-8") as handle:
        rows = csv.DictReader(handle)
        return [
            (r["table_kind"], r["metric"], r["value"])
            for r in rows
            if r["table_kind"] != "headline"
        ]


def shown_kinds(name: str) -> set[str]:
    """The table kinds a fixture's pages show (the photo is 2022-09's first page only)."""
    return {"hall_windows"} if name.startswith("2020-12") or "photo" in name else TWO_ANNEXES


def measure(path: Path, engine: str) -> Score:
    """Read one scan with one engine; count its numbers against the golden facts."""
    catalog = load_catalog()
    want = [g for g in golden(path.name[:7]) if g[0] in shown_kinds(path.name)]
    score = Score(numbers=len(want))
    start = time.perf_counter()
    try:
        doc = read_scan(
            path, path.name, is_pdf=path.suffix == ".pdf", settings=ScanSettings(engine)
        )
    except BulletinError as exc:
        print(f"    {exc}")
        return score
    score.seconds = time.perf_counter() - start
    score.pages = max((c.source.page or 1) for t in doc.tables for c in t.cells)
    bulletin = normalize_document(doc, catalog, path.name)
    facts = [f for f in bulletin.facts if f.table_index is not None]
    for fact, (kind, metric, value) in zip(facts, want, strict=False):
        expected = float(value) if value else None
        if (fact.table_kind, fact.metric, fact.value) == (kind, metric, expected):
            score.right += 1
        elif fact.needs_review:
            score.flagged_wrong += 1
    return score


def engines() -> list[str]:
    found = [RAPIDOCR]
    if shutil.which("tesseract"):
        found.append(TESSERACT)
    return found


def main(only: list[str] | None = None) -> None:
    print("OCR (scan fixtures; numbers compared with the golden facts):")
    for engine in only or engines():
        total = Score()
        for path in sorted(FIXTURES.glob("20*.*")):
            score = measure(path, engine)
            total.add(score)
            print(f"  {engine:9} {path.name:26} {score.line()}")
        print(f"  {engine:9} {'all':26} {total.line()}")


if __name__ == "__main__":
    main(sys.argv[1:] or None)
