"""Bulk ingest: walk paths, skip unchanged files, extract and normalise, load, report."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from archive.load import known_hash, record_failure, replace_bulletin
from archive.names import refresh_names
from archive.schema import ensure_schema
from archive.search import ensure_search
from extract.errors import BulletinError
from extract.reader import read_document
from normalize.bulletin import normalize_document
from normalize.catalog import Catalog
from normalize.facts import Bulletin
from normalize.names import NameBook

# Files a folder walk considers bulletins; a file named on the command line is always read.
BULLETIN_SUFFIXES = {".txt", ".text", ".htm", ".html", ".pdf", ".doc", ".docx", ""}


@dataclass(frozen=True)
class Job:
    """One file to ingest: where it is, the path stored in the archive, its content hash."""

    file: Path
    path: str
    sha256: str


@dataclass
class Outcome:
    """What happened to one file."""

    path: str
    status: str  # ingested, skipped, failed
    facts: int = 0
    message: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass
class Report:
    """The result of an ingest run."""

    outcomes: list[Outcome] = field(default_factory=list)
    resolved: int = 0
    unresolved: int = 0

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def facts(self) -> int:
        return sum(o.facts for o in self.outcomes)


def walk(paths: Iterable[Path]) -> Iterator[tuple[Path, Path]]:
    """(file, root) for every bulletin file under the given files and folders, sorted."""
    for given in paths:
        if given.is_dir():
            for file in sorted(given.rglob("*")):
                hidden = any(part.startswith(".") for part in file.relative_to(given).parts)
                if file.is_file() and not hidden and file.suffix.lower() in BULLETIN_SUFFIXES:
                    yield file, given
        else:
            yield given, given.parent


def sha256_of(file: Path) -> str:
    """Content hash of a file."""
    digest = hashlib.sha256()
    with file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def process(job: Job, catalog: Catalog) -> Bulletin:
    """Extract and normalise one file (runs in worker processes)."""
    doc = read_document(job.file, job.path)
    return normalize_document(doc, catalog, job.file.name)


def _process_safely(job: Job, catalog: Catalog) -> Bulletin | BulletinError:
    try:
        return process(job, catalog)
    except BulletinError as exc:
        return exc
    except Exception as exc:
        return BulletinError(
            job.path, f"internal error ({type(exc).__name__}: {exc}); please report"
        )


def ingest(
    db: sqlite_utils.Database,
    paths: Iterable[Path],
    catalog: Catalog,
    names: NameBook,
    *,
    jobs: int = 1,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> Report:
    """Ingest files and folders into the archive; each file lands or fails on its own."""
    ensure_schema(db)
    report = Report()

    def done(outcome: Outcome) -> None:
        report.outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)

    todo: list[Job] = []
    for file, root in walk(paths):
        path = file.relative_to(root).as_posix()
        try:
            sha = sha256_of(file)
        except OSError as exc:
            record_failure(db, path, None, "read", f"cannot read: {exc.strerror}")
            done(Outcome(path, "failed", message=f"cannot read: {exc.strerror}"))
            continue
        if known_hash(db, path) == sha:
            done(Outcome(path, "skipped", message="unchanged"))
            continue
        todo.append(Job(file, path, sha))

    for job, result in zip(todo, _run(todo, catalog, jobs), strict=True):
        if isinstance(result, BulletinError):
            record_failure(db, job.path, job.sha256, result.stage, result.reason)
            done(Outcome(job.path, "failed", message=result.reason))
            continue
        replace_bulletin(db, job.path, job.sha256, result)
        done(Outcome(job.path, "ingested", len(result.facts), warnings=result.warnings))
    names_report = refresh_names(db, names)
    report.resolved, report.unresolved = names_report.resolved, names_report.unresolved
    ensure_search(db)
    return report


def _run(todo: list[Job], catalog: Catalog, jobs: int) -> Iterator[Bulletin | BulletinError]:
    if jobs <= 1 or len(todo) < 2:
        for job in todo:
            yield _process_safely(job, catalog)
        return
    workers = min(jobs, len(todo), os.cpu_count() or 1)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(_process_safely, todo, [catalog] * len(todo), chunksize=4)
