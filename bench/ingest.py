"""`make bench` (ingest): the real `bulletins ingest` on a generated corpus, in a child process.

For each ``--jobs`` (1, 2 and the default, one per core) the corpus of ``BULLETINS``
bulletins and its first tenth are ingested into new archives. Measured against a bare
``executemany`` of the same ``facts_readable`` rows (bench/baseline.py) in the same run:
facts per second, wall and CPU, and their ratio; peak RSS at both sizes; then, on the
archive of the default ``--jobs``, bytes per fact by table, a re-ingest that changes
nothing and one after a names-only change.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from archive.cli_options import cores
from bench import baseline
from bench import run as child
from bench.corpus import make_corpus
from bench.run import PROFILE, Run

NAMES = PROFILE.parent / "names.yaml"
HARMLESS = "{name: 区基准测试局, kind: department}"  # printed by no bulletin


@dataclass
class Archive:
    """The generated corpus and the archives built from it, in one work folder."""

    work: Path
    bulletins: int
    folders: dict[int, Path] = field(default_factory=dict)

    def corpus(self, count: int) -> Path:
        if count not in self.folders:
            folder = self.work / f"corpus-{count}"
            folder.mkdir()
            make_corpus(folder, count)
            self.folders[count] = folder
        return self.folders[count]

    def db(self, jobs: int, count: int) -> Path:
        return self.work / f"j{jobs}-{count}" / "archive.db"


@dataclass(frozen=True)
class Ingested:
    jobs: int
    bulletins: int
    facts: int
    run: Run


def ingest_fresh(archive: Archive, jobs: int, count: int) -> Ingested:
    """Ingest ``count`` bulletins into a new archive with ``--jobs jobs``."""
    db = archive.db(jobs, count)
    if db.parent.exists():
        shutil.rmtree(db.parent)
    db.parent.mkdir()
    done = child.ingest(archive.corpus(count), db, jobs)
    facts = baseline.count(db, "SELECT COUNT(*) FROM facts_readable")
    return Ingested(jobs, count, facts, done)


def names_copy(folder: Path) -> Path:
    """A copy of the sample names file with one more entity that no bulletin prints."""
    lines = NAMES.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.rstrip() == "entities:")
    lines.insert(at + 1, f"  - {HARMLESS}\n")
    path = folder / "names.yaml"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def jobs_to_run() -> list[int]:
    return sorted({1, 2, cores()})


def main(archive: Archive, startup: Run | None) -> Path:
    """Run and print the ingest figures; return the archive of the default ``--jobs``."""
    big, small = archive.bulletins, max(1, archive.bulletins // 10)
    default = cores()
    archive.corpus(big), archive.corpus(small)
    print(
        f"\n== ingest: {big:,} generated bulletins, {small:,} for memory; "
        f"default --jobs auto = {default} (cores this process may use)"
    )
    results: list[Ingested] = []
    raw: baseline.Insert | None = None
    for jobs in jobs_to_run():
        results.append(ingest_fresh(archive, jobs, small))
        results.append(ingest_fresh(archive, jobs, big))
        if raw is None:
            raw = baseline.raw_insert(archive.db(jobs, big), archive.work / "raw.db")
            (archive.work / "raw.db").unlink()
        if jobs != default:
            shutil.rmtree(archive.db(jobs, big).parent)
        shutil.rmtree(archive.db(jobs, small).parent)
    assert raw is not None
    print_throughput(results, raw, default)
    db = archive.db(default, big)
    first = next(r for r in results if r.jobs == default and r.bulletins == big)
    print_size(db, first.facts)
    print_reingest(archive, db, default, first, startup)
    return db


def print_throughput(results: list[Ingested], raw: baseline.Insert, default: int) -> None:
    print(
        f"baseline: bare executemany of the {raw.rows:,} facts_readable rows, one transaction: "
        f"{raw.wall:.2f} s wall, {raw.cpu:.2f} s CPU = {raw.rows / raw.wall:,.0f} rows/s"
    )
    print(
        f"{'--jobs':>6} {'bulletins':>9} {'facts':>9} {'wall s':>7} {'CPU s':>7} "
        f"{'facts/s wall':>12} {'facts/s CPU':>11} {'÷raw wall':>9} {'÷raw CPU':>8} "
        f"{'peak RSS MiB':>12}"
    )
    for r in results:
        share = r.facts / raw.rows  # the raw insert of this run's share of the rows
        print(
            f"{r.jobs:>6} {r.bulletins:>9,} {r.facts:>9,} {r.run.wall:>7.1f} {r.run.cpu:>7.1f} "
            f"{r.facts / r.run.wall:>12,.0f} {r.facts / r.run.cpu:>11,.0f} "
            f"{r.run.wall / (raw.wall * share):>9.1f} {r.run.cpu / (raw.cpu * share):>8.1f} "
            f"{r.run.peak_rss_mib:>12,.0f}"
        )
    for jobs in sorted({r.jobs for r in results}):
        small, big = sorted((r for r in results if r.jobs == jobs), key=lambda r: r.bulletins)
        growth = big.run.peak_rss_mib / small.run.peak_rss_mib
        print(
            f"peak RSS --jobs {jobs}: {big.bulletins:,} bulletins {growth:.2f}× "
            f"{small.bulletins:,} (target ≤ 1.2×){flag(round(growth, 2) <= 1.2)}"
        )
    most = max(r.bulletins for r in results)
    best = next(r for r in results if r.jobs == default and r.bulletins == most)
    rate, ratio = best.facts / best.run.wall, best.run.wall / raw.wall
    print(
        f"default --jobs {default} at {best.bulletins:,}: {rate:,.0f} facts/s wall "
        f"(target ≥ 100,000){flag(rate >= 100_000)}; ingest ÷ raw insert {ratio:.2f}× "
        f"(target ≤ 1.4×){flag(round(ratio, 2) <= 1.4)}"
    )


def print_size(db: Path, facts: int) -> None:
    size = baseline.file_bytes(db)
    per_fact = size / facts
    print(
        f"size: {size / 2**20:,.1f} MiB for {facts:,} facts = {per_fact:.0f} bytes/fact "
        f"(target ≤ 60){flag(per_fact <= 60)}; by table and index (dbstat):"
    )
    tables = baseline.table_bytes(db)
    shown = [(name, b) for name, b in tables.items() if b / facts >= 1]
    for name, b in shown:
        print(f"    {name:40s} {b / facts:7.1f} B/fact {b / 2**20:9.1f} MiB")
    rest = sum(tables.values()) - sum(b for _, b in shown)
    print(f"    {'(' + str(len(tables) - len(shown)) + ' others)':40s} {rest / facts:7.1f} B/fact")


def print_reingest(
    archive: Archive, db: Path, jobs: int, first: Ingested, startup: Run | None
) -> None:
    folder = archive.corpus(first.bulletins)
    again = child.ingest(folder, db, jobs)
    print(
        f"no-op re-ingest (same files): {again.wall:.2f} s wall, {again.cpu:.2f} s CPU "
        f"= {again.wall / first.run.wall:.1%} of the first ingest (wall)"
    )
    if startup is not None:
        wall, cpu = again.wall - startup.wall, again.cpu - startup.cpu
        print(
            f"    beyond start-up (an ingest of an empty folder): {wall:.2f} s wall, "
            f"{cpu:.2f} s CPU (target ≤ 1 s){flag(wall <= 1.0)}"
        )
    names = names_copy(archive.work)
    changed = child.ingest(folder, db, jobs, "--names", str(names))
    print(
        f"names-only change (one entity added): {changed.wall:.2f} s wall, "
        f"{changed.cpu:.2f} s CPU = {changed.wall / first.run.wall:.1%} of the first ingest "
        f"(wall; CPU {changed.cpu / first.run.cpu:.1%})"
    )


def flag(ok: bool) -> str:
    return "" if ok else "  ← missed"


def built(archive: Archive) -> Path:
    """An archive of the whole corpus with the default ``--jobs`` (for the pages alone)."""
    done = ingest_fresh(archive, cores(), archive.bulletins)
    print(f"\n(archive for the pages: {done.facts:,} facts in {done.run.wall:.0f} s)")
    return archive.db(cores(), archive.bulletins)
