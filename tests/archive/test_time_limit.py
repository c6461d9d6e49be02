"""A file whose reading runs past --time-limit fails alone, in the ingest process and in
worker processes; the time limit leaves the signal handlers and timers as it found them;
SIGTERM still stops a run whose reader is stalled."""

from __future__ import annotations

import contextlib
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

import archive.ingest
import archive.workers
from archive.cli import main
from archive.ingest import Job, process_safely
from archive.workers import TimeUp, time_limited
from extract.document import Document
from extract.errors import BulletinError
from extract.reader import read_document
from normalize.catalog import Catalog
from tests.helpers import DEC, ROOT

SPIN_SECONDS = 5.0  # a stalled reader gives up by itself after this: a broken limit fails


def spin() -> None:
    """Loop in pure Python, as a parser going in circles on a crafted file does."""
    deadline = time.monotonic() + SPIN_SECONDS
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):  # a reader's catch-all must not swallow it
            sum(range(1000))


@pytest.fixture
def slow_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading any file named slow.txt stalls (the workers fork with this reader)."""

    def read(path: Path, display: str | None = None) -> Document:
        if path.name == "slow.txt":
            spin()
        return read_document(path, display)

    monkeypatch.setattr(archive.ingest, "read_document", read)


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.usefixtures("slow_reader")
def test_a_file_past_the_time_limit_fails_alone(tmp_path: Path, jobs: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(DEC, folder / "good.txt")
    (folder / "slow.txt").write_text(DEC.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    db_path = tmp_path / "a.db"
    started = time.monotonic()
    result = CliRunner().invoke(
        main, ["ingest", str(folder), "--db", str(db_path), "--time-limit", "1", "--jobs", jobs]
    )
    assert time.monotonic() - started < SPIN_SECONDS
    assert result.exit_code == 1, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        "error: slow.txt: reading took longer than 1 s (the limit of --time-limit); if the "
        "file is sound, ingest it again with a larger --time-limit (0 = no limit)"
    ]
    assert "Traceback" not in result.output
    assert result.stderr.splitlines()[-1].startswith("1 ingested, 0 unchanged, 1 failed; 90 facts")
    db = sqlite_utils.Database(db_path)
    failures = db.execute("SELECT path, stage FROM failures").fetchall()
    assert failures == [("slow.txt", "extract")]
    assert db.execute("SELECT path, n_facts FROM bulletins").fetchall() == [("good.txt", 90)]


def test_the_time_limit_is_shown_in_the_help_with_its_default() -> None:
    result = CliRunner().invoke(main, ["ingest", "--help"], terminal_width=200)
    assert "--time-limit SECONDS" in result.output
    assert "[default: 600; x>=0]" in result.output
    assert "bulletins ingest downloads/ --time-limit 60" in result.output


def test_the_limit_puts_back_the_handler_and_the_timer_it_found() -> None:
    def earlier(signum: int, frame: object) -> None:
        raise AssertionError("the earlier timer must not fire during the test")

    previous = signal.signal(signal.SIGALRM, earlier)
    try:
        signal.setitimer(signal.ITIMER_REAL, 30)
        with time_limited(5):
            assert signal.getsignal(signal.SIGALRM) is not earlier
        assert signal.getsignal(signal.SIGALRM) is earlier
        left = signal.getitimer(signal.ITIMER_REAL)[0]
        assert 29 < left <= 30
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_a_fast_block_is_not_interrupted_and_no_limit_means_none() -> None:
    with time_limited(0):
        assert signal.getitimer(signal.ITIMER_REAL)[0] == 0
    with time_limited(0.2):
        pass
    time.sleep(0.3)  # the timer was disarmed: nothing fires after the block
    with pytest.raises(TimeUp), time_limited(0.2):
        spin()


def test_ctrl_c_during_a_limited_file_still_stops_the_run(
    monkeypatch: pytest.MonkeyPatch, catalog: Catalog
) -> None:
    def interrupted(path: Path, display: str | None = None) -> Document:
        raise KeyboardInterrupt

    monkeypatch.setattr(archive.ingest, "read_document", interrupted)
    job = Job(DEC, "dec.txt", "0")
    with pytest.raises(KeyboardInterrupt):
        process_safely(job, catalog, 5)
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0


def test_a_file_within_the_limit_lands(catalog: Catalog) -> None:
    result = process_safely(Job(DEC, "dec.txt", "0"), catalog, 60)
    assert not isinstance(result, BulletinError)
    assert result.n_facts == 90


@pytest.fixture
def deaf_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading stuck.txt blocks SIGALRM and waits, as code inside a C extension that never
    returns to the interpreter: the worker's own time limit cannot stop it."""

    def read(path: Path, display: str | None = None) -> Document:
        if path.name == "stuck.txt":
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            time.sleep(SPIN_SECONDS)
        return read_document(path, display)

    monkeypatch.setattr(archive.ingest, "read_document", read)
    monkeypatch.setattr(archive.workers, "OVERDUE_GRACE", 0.5)


@pytest.mark.usefixtures("deaf_reader")
def test_a_worker_that_cannot_be_interrupted_is_ended_and_the_rest_lands(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    text = DEC.read_text(encoding="utf-8")
    for i, name in enumerate(["a.txt", "stuck.txt", "x.txt", "y.txt", "z.txt"]):
        (folder / name).write_text(text + "\n" * i, encoding="utf-8")
    db_path = tmp_path / "a.db"
    started = time.monotonic()
    result = CliRunner().invoke(
        main, ["ingest", str(folder), "--db", str(db_path), "--time-limit", "1", "--jobs", "2"]
    )
    assert time.monotonic() - started < SPIN_SECONDS
    assert result.exit_code == 1, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        "error: stuck.txt: reading took longer than 1 s (the limit of --time-limit); if the "
        "file is sound, ingest it again with a larger --time-limit (0 = no limit)"
    ]
    db = sqlite_utils.Database(db_path)
    assert db.execute("SELECT path, stage FROM failures").fetchall() == [("stuck.txt", "extract")]
    stored = db.execute("SELECT path, n_facts FROM bulletins ORDER BY path").fetchall()
    assert stored == [("a.txt", 90), ("x.txt", 90), ("y.txt", 90), ("z.txt", 90)]


STALLED_RUN = """
import sys, time
from pathlib import Path

import archive.ingest
import archive.workers
from archive.cli import main


def read(path, display=None):
    Path(sys.argv[1]).touch()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        pass
    raise SystemExit("the stalled reader was never stopped")


archive.ingest.read_document = read
main(sys.argv[2:])
"""


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_sigterm_stops_a_run_stalled_in_a_reader_at_once(tmp_path: Path, jobs: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.txt", "b.txt"):
        (folder / name).write_text(f"{name}\n", encoding="utf-8")
    reading, db = tmp_path / "reading", tmp_path / "a.db"
    args = ["ingest", str(folder), "--db", str(db), "--time-limit", "0", "--jobs", jobs]
    proc = subprocess.Popen(
        [sys.executable, "-c", STALLED_RUN, str(reading), *args],
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 30
        while not reading.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert reading.exists() and proc.poll() is None, "the run never reached the reader"
        stopped = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
        assert time.monotonic() - stopped < 5
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1] == (
        f"interrupted; every bulletin stored before the stop is kept in {db}"
    )
    assert "Traceback" not in err
