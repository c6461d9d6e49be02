"""Bulk ingest: walk paths, plan what changed, extract and normalise, load, report.

Every file lands or fails on its own: bulletins are written in batches, one transaction
per batch and a savepoint per bulletin (its names resolved in the same transaction).
Worker processes send back compact rows, not the bulletin; a bulk load of new files
builds the secondary indexes and the full-text index once, at its end. A file whose
content is already stored under another key is recorded as a copy, not stored twice.
A bulletin is re-derived when what produced its facts changed: re-read when the extractor
changed (or with ``force``), normalised again from its stored document when only the
configuration changed. After the files, editions and the checks across bulletins are
recomputed. Reading and normalising one file may be given a time limit: a file that
takes longer (a crafted PDF that sends its parser in circles) fails alone.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

import sqlite_utils

from archive.batch import Batch
from archive.crossbulletin import (
    refresh_cross_checks,
    refresh_cross_checks_if_configured_otherwise,
)
from archive.documents import load_document
from archive.load import (
    Origin,
    Stored,
    delete_bulletin,
    now,
    record_failure,
    stored,
)
from archive.names import Resolver, name_counts, names_stale, refresh_names, update_candidates
from archive.paths import BULLETIN_SUFFIXES, MAX_FILE_BYTES, Found, Refused, walk
from archive.prune import Gone, gone_files, prune
from archive.rows import BulletinRows, bulletin_rows
from archive.schema import build_bulk_indexes, drop_bulk_indexes, ensure_schema
from archive.search import drop_search_triggers, ensure_search
from archive.summaries import refresh_summaries
from archive.versions import config_hash, extractor_version
from archive.workers import Overdue, TimeUp, run_jobs, time_limited
from extract.document import Document
from extract.errors import BulletinError
from extract.reader import read_document
from normalize.bulletin import normalize_document
from normalize.catalog import Catalog
from normalize.facts import Bulletin
from normalize.given import Given
from normalize.names import NameBook

__all__ = ["BULLETIN_SUFFIXES", "Job", "Outcome", "Report", "ingest", "process", "walk"]


@dataclass(frozen=True)
class Job:
    """One bulletin to (re)derive: read its file, or normalise the stored document of
    bulletin ``rederive`` again (the file is read only when no document is stored)."""

    file: Path
    path: str
    sha256: str
    rederive: int | None = None
    given: Given | None = None  # what the user states about the file (manifest, --period)


@dataclass
class Outcome:
    """What happened to one file."""

    path: str
    status: str  # ingested, rederived, copy, skipped, failed
    facts: int = 0
    message: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass
class Report:
    """The result of an ingest run."""

    outcomes: list[Outcome] = field(default_factory=list)
    resolved: int = 0
    unresolved: int = 0
    gone: list[Gone] = field(default_factory=list)
    pruned: int = 0

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def facts(self) -> int:
        return sum(o.facts for o in self.outcomes)


@dataclass(frozen=True)
class Plan:
    """What a run will do with the files it found."""

    jobs: list[Job]
    copies: list[tuple[Found, str, str]]  # file, sha256, key of the stored original
    done: list[Outcome]  # skipped and refused files


def sha256_of(file: Path) -> str:
    """Content hash of a regular file (a FIFO swapped in after the walk cannot block it)."""
    digest = hashlib.sha256()
    with os.fdopen(os.open(file, os.O_RDONLY | os.O_NONBLOCK), "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def process(job: Job, catalog: Catalog) -> Bulletin:
    """Extract and normalise one file (runs in worker processes)."""
    return normalize_given(read_document(job.file, job.path), catalog, job)


def normalize_given(doc: Document, catalog: Catalog, job: Job) -> Bulletin:
    """Normalise a document with what the user states about its file."""
    given = job.given or Given()
    bulletin = normalize_document(doc, catalog, Path(job.path).name, given.period, given.published)
    bulletin.source_url = given.source_url
    return bulletin


def process_safely(job: Job, catalog: Catalog, limit: float = 0.0) -> BulletinRows | BulletinError:
    """``process`` as rows to store, with any error turned into a BulletinError naming
    the file; one that takes longer than ``limit`` seconds (0: no limit) is given up."""
    try:
        with time_limited(limit):
            return bulletin_rows(process(job, catalog))
    except TimeUp:
        return BulletinError(job.path, took_too_long(limit))
    except BulletinError as exc:
        return exc
    except MemoryError:
        return BulletinError(job.path, "out of memory while reading it")
    except Exception as exc:
        return BulletinError(
            job.path, f"internal error ({type(exc).__name__}: {exc}); please report"
        )


def _overdue(job: Job, limit: float) -> BulletinRows | BulletinError:
    """The result of a file whose worker did not stop at the time limit and was ended."""
    return BulletinError(job.path, took_too_long(limit))


def took_too_long(limit: float) -> str:
    """Why a file that ran past the time limit failed."""
    return (
        f"reading took longer than {limit:g} s (the limit of --time-limit); if the file "
        "is sound, ingest it again with a larger --time-limit (0 = no limit)"
    )


def ingest(
    db: sqlite_utils.Database,
    paths: Iterable[Path],
    catalog: Catalog,
    names: NameBook,
    *,
    jobs: int = 1,
    force: bool = False,
    prune_gone: bool = False,
    max_bytes: int = MAX_FILE_BYTES,
    publisher: str | None = None,
    given: Callable[[Path], Given | None] | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    time_limit: float = 0.0,
) -> Report:
    """Ingest files and folders into the archive; each file lands or fails on its own.

    Raises paths.KeyCollision before writing anything when two files would share a key.
    ``publisher`` (a profile's) is recorded for every bulletin stored, over the issuer the
    text names. ``given(file)`` says what the user states about a file (its period,
    publication date, source address); a file it states something new for is re-derived.
    ``time_limit``: seconds one file may take to be read and normalised (0: no limit);
    a file that takes longer fails with stage "extract" and the rest goes on.
    """
    found = list(walk(paths, max_bytes))
    db.conn.execute("PRAGMA foreign_keys=ON")
    ensure_schema(db)
    report = Report()

    def done(outcome: Outcome) -> None:
        report.outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)

    renamed = names_stale(db, names, publisher)
    if renamed:
        refresh_names(db, names, publisher)
    resolver = Resolver(db.conn, names, publisher)
    origin = _Origins(extractor_version(), config_hash(catalog), publisher)
    plan = plan_run(db, found, origin, force, given or (lambda _: None))
    bulk = is_bulk(db, plan.jobs)
    if bulk:
        drop_bulk_indexes(db)
        drop_search_triggers(db)
    file_jobs = [j for j in plan.jobs if j.rederive is None]
    work = partial(process_safely, limit=time_limit)
    overdue = Overdue(time_limit, partial(_overdue, limit=time_limit)) if time_limit > 0 else None
    results = zip(file_jobs, run_jobs(file_jobs, catalog, jobs, work, overdue), strict=True)
    with Batch(db.conn, resolver) as batch:
        for outcome in plan.done:
            if outcome.status == "failed":
                batch.fail(outcome.path, None, "read", outcome.message, partial(done, outcome))
            else:
                done(outcome)
        for job, result in _with_rederived(db, plan.jobs, results, catalog, time_limit):
            _store(batch, job, result, origin, done)
    if bulk:
        build_bulk_indexes(db)
    for item, sha, original in plan.copies:
        done(record_copy(db, item, sha, original))
    report.gone = gone_files(db)
    if prune_gone and report.gone:
        report.pruned = prune(db, report.gone)
    changed = report.pruned > 0 or any(
        o.status in ("ingested", "rederived", "copy") for o in report.outcomes
    )
    if changed:
        update_candidates(db, names, publisher)
    report.resolved, report.unresolved = _counts(db)
    if changed or renamed:
        refresh_cross_checks(db.conn, only_changed=True)
    else:
        refresh_cross_checks_if_configured_otherwise(db.conn)
    ensure_search(db)
    refresh_summaries(db.conn)
    return report


BULK_MIN = 100  # new bulletins from which a run builds its indexes at its end
# ... when they are also this share of the bulletins stored before: indexes kept live cost
# about 0.67x more per row written, while building them again costs about 0.26x per row
# of the whole archive, so rebuilding pays only when the new rows are a large share.
BULK_SHARE = 0.65


def is_bulk(db: sqlite_utils.Database, jobs: list[Job]) -> bool:
    """Whether a run only adds bulletins, many of them and many against what is stored:
    then the indexes are dropped while it writes (no stored bulletin is replaced, so no
    delete needs them) and built once at its end."""
    if len(jobs) < BULK_MIN or any(j.rederive is not None for j in jobs):
        return False
    keys = {j.path for j in jobs}
    stored = [path for (path,) in db.execute("SELECT path FROM bulletins")]
    return len(jobs) >= BULK_SHARE * len(stored) and not any(path in keys for path in stored)


def _counts(db: sqlite_utils.Database) -> tuple[int, int]:
    counts = name_counts(db)
    return counts.resolved, counts.unresolved


@dataclass(frozen=True)
class _Origins:
    extractor: str
    config: str
    publisher: str | None = None

    def of(self, job: Job) -> Origin:
        config = self.config_with(job.given)
        return Origin(job.sha256, os.path.abspath(job.file), self.extractor, config)

    def config_with(self, given: Given | None) -> str:
        """The configuration hash of a file, with what the user states about it: a new
        statement re-derives the file as a new metrics file would."""
        if given is None:
            return self.config
        digest = hashlib.sha256(f"{self.config}|{given!r}".encode()).hexdigest()
        return digest[:16]


def plan_run(db: sqlite_utils.Database, found: list[Found | Refused], origin: _Origins,
             force: bool, given: Callable[[Path], Given | None]) -> Plan:  # fmt: skip
    """Decide for each file: skip, read, re-derive, record as a copy, or refuse."""
    known = stored(db)
    copies = dict(db.execute("SELECT path, sha256 FROM copies").fetchall())
    hashed: list[tuple[Found, str]] = []
    done: list[Outcome] = []
    for item in found:
        if isinstance(item, Refused):
            done.append(Outcome(item.key, "failed", message=item.reason))
            continue
        try:
            hashed.append((item, sha256_of(item.file)))
        except OSError as exc:
            done.append(Outcome(item.key, "failed", message=f"cannot read: {exc.strerror}"))
    # content each key will hold after this run, to find the original of a copy
    holder: dict[str, str] = {s.sha256: k for k, s in sorted(known.items(), reverse=True)}
    changing = {item.key for item, sha in hashed if item.key in known
                and known[item.key].sha256 != sha}  # fmt: skip
    holder = {sha: key for sha, key in holder.items() if key not in changing}
    jobs: list[Job] = []
    copy_of: list[tuple[Found, str, str]] = []
    for item, sha in hashed:
        previous = known.get(item.key)
        stated = given(item.file.resolve())
        if previous is not None and previous.sha256 == sha:
            jobs_or_skip = _unchanged(item, sha, previous, origin, force, stated)
            if isinstance(jobs_or_skip, Job):
                jobs.append(jobs_or_skip)
            else:
                done.append(jobs_or_skip)
            continue
        original = holder.get(sha)
        if original is not None and original != item.key:
            if copies.get(item.key) == sha:
                done.append(Outcome(item.key, "skipped", message=f"same content as {original}"))
            else:
                copy_of.append((item, sha, original))
            continue
        holder[sha] = item.key
        jobs.append(Job(item.file, item.key, sha, given=stated))
    return Plan(jobs, copy_of, done)


def _unchanged(item: Found, sha: str, previous: Stored, origin: _Origins,
               force: bool, stated: Given | None) -> Job | Outcome:  # fmt: skip
    if force or previous.extractor_version != origin.extractor:
        return Job(item.file, item.key, sha, given=stated)
    if previous.config_hash != origin.config_with(stated):
        return Job(item.file, item.key, sha, previous.bulletin_id, stated)
    return Outcome(item.key, "skipped", message="unchanged")


def _with_rederived(
    db: sqlite_utils.Database,
    jobs: list[Job],
    results: Iterator[tuple[Job, BulletinRows | BulletinError]],
    catalog: Catalog,
    limit: float = 0.0,
) -> Iterator[tuple[Job, BulletinRows | BulletinError]]:
    """Results of file jobs as they come, then the re-derived ones (no file read)."""
    yield from results
    for job in jobs:
        if job.rederive is not None:
            yield job, rederive(db, job, catalog, limit)


def rederive(
    db: sqlite_utils.Database, job: Job, catalog: Catalog, limit: float = 0.0
) -> BulletinRows | BulletinError:
    """Normalise a bulletin's stored document again (the configuration changed), within
    the time limit of reading a file."""
    doc = load_document(db.conn, job.rederive or 0)
    if doc is None:  # stored by an older version: read the file
        return process_safely(job, catalog, limit)
    try:
        with time_limited(limit):
            return bulletin_rows(normalize_given(doc, catalog, job))
    except TimeUp:
        return BulletinError(job.path, took_too_long(limit))
    except BulletinError as exc:
        return exc


def _store(batch: Batch, job: Job, result: BulletinRows | BulletinError,
           origin: _Origins, done: Callable[[Outcome], None]) -> None:  # fmt: skip
    if isinstance(result, BulletinError):
        failed = Outcome(job.path, "failed", message=result.reason)
        batch.fail(job.path, job.sha256, result.stage, result.reason, partial(done, failed))
        return
    if origin.publisher is not None:
        result = replace(result, publisher=origin.publisher)
    status = "ingested" if job.rederive is None else "rederived"
    stored = Outcome(job.path, status, result.n_facts, warnings=result.warnings)
    error = batch.store(job.path, origin.of(job), result, partial(done, stored))
    if error is not None:
        failed = Outcome(job.path, "failed", message=error)
        batch.fail(job.path, job.sha256, "store", error, partial(done, failed))


def record_copy(db: sqlite_utils.Database, item: Found, sha: str, original: str) -> Outcome:
    """Record a file as a copy of a stored bulletin with the same content."""
    conn = db.conn
    row = conn.execute("SELECT id FROM bulletins WHERE path = ? AND sha256 = ?",
                       [original, sha]).fetchone()  # fmt: skip
    if row is None:  # the original failed in this run
        message = f"same content as {original}, which could not be stored"
        record_failure(db, item.key, sha, "read", message)
        return Outcome(item.key, "failed", message=message)
    with conn:
        delete_bulletin(conn, item.key)  # the key held other content before
        conn.execute("DELETE FROM copies WHERE path = ?", [item.key])
        conn.execute("DELETE FROM failures WHERE path = ?", [item.key])
        conn.execute(
            "INSERT INTO copies (path, sha256, bulletin_id, source, seen_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [item.key, sha, row[0], os.path.abspath(item.file), now()],
        )
    return Outcome(item.key, "copy", message=f"same content as {original}")
