"""Crashes, signals and readers: kill -9 leaves whole bulletins, SIGTERM ends cleanly,
workers die with their parent, and `serve` answers while an ingest writes."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest

from archive.names_schema import entity_join
from bench.corpus import make_corpus
from tests.helpers import DEC

POLL = 0.02  # seconds between looks at a running process
WAIT_TRIES = 3000  # × POLL: a bounded wait for a process to reach a state


def bulletins_command() -> list[str]:
    script = Path(sys.executable).with_name("bulletins")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from archive.cli import main; main()"]


def monthly_bulletins(folder: Path, count: int) -> None:
    """``count`` copies of the 2020-12 sample for consecutive months from 2001-01 on."""
    folder.mkdir()
    text = DEC.read_text(encoding="utf-8")
    for i in range(count):
        year, month = 2001 + i // 12, i % 12 + 1
        published = (year, month + 1) if month < 12 else (year + 1, 1)
        body = re.sub(r"(?<!\d)12月", f"{month}月", text).replace(
            "2021年1月13日", f"{published[0]}年{published[1]}月13日"
        )
        (folder / f"{year}-{month:02d}.txt").write_text(body, encoding="utf-8")


def stored_count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return int(conn.execute("SELECT count(*) FROM bulletins").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def wait_for(condition, what: str) -> None:  # type: ignore[no-untyped-def]
    for _ in range(WAIT_TRIES):
        if condition():
            return
        time.sleep(POLL)
    pytest.fail(f"timed out waiting for {what}")


def start_ingest(folder: Path, db: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*bulletins_command(), "ingest", str(folder), "--db", str(db), "--quiet", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )


def assert_consistent(db: Path) -> None:
    """Integrity, foreign keys, whole bulletins, a resolution for every name."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        torn = conn.execute(
            "SELECT path FROM bulletins b "
            "WHERE n_facts != (SELECT count(*) FROM facts f WHERE f.bulletin_id = b.id)"
        ).fetchall()
        assert torn == []
        unresolved = conn.execute(
            "SELECT count(*) FROM facts f JOIN bulletins b ON b.id = f.bulletin_id "
            "JOIN labels k ON k.id = f.name_key WHERE NOT EXISTS (SELECT 1 FROM resolutions r "
            "WHERE r.publisher = COALESCE(b.publisher, '') AND r.raw = k.text)"
        ).fetchone()
        assert unresolved == (0,)
        resolved = conn.execute(
            "SELECT count(*) FROM facts f JOIN bulletins b ON b.id = f.bulletin_id "
            f"{entity_join('f', 'b', 'f.name_key', 'e')} WHERE e.id IS NOT NULL"
        ).fetchone()[0]
        facts = conn.execute("SELECT count(*) FROM facts WHERE name_key IS NOT NULL").fetchone()
        assert resolved == facts[0]  # the shipped names file resolves every sample name
    finally:
        conn.close()


def children_of(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        text = (task / "children").read_text() if (task / "children").exists() else ""
        found |= {int(c) for c in text.split()}
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus") / "in"
    folder.mkdir()
    make_corpus(folder, 60)
    return folder


def test_kill_9_mid_run_leaves_a_consistent_archive(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    proc = start_ingest(corpus, db)
    try:
        wait_for(lambda: stored_count(db) >= 5 or proc.poll() is not None, "5 bulletins")
        assert proc.poll() is None, "the run ended before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    stopped_at = stored_count(db)
    assert 5 <= stopped_at < 60
    assert_consistent(db)
    again = start_ingest(corpus, db)
    _, err = again.communicate(timeout=600)
    assert again.returncode == 0, err
    assert re.search(rf"{60 - stopped_at} ingested, {stopped_at} unchanged, 0 failed", err), err
    assert_consistent(db)


def test_sigterm_ends_the_run_cleanly_and_the_workers_with_it(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    proc = start_ingest(corpus, db, "--jobs", "2")
    try:
        wait_for(lambda: stored_count(db) >= 3 or proc.poll() is not None, "3 bulletins")
        assert proc.poll() is None, "the run ended before it could be stopped"
        workers = children_of(proc.pid)
        assert len(workers) == 2
        os.kill(proc.pid, signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=60)
    assert proc.returncode == 130
    assert err.strip().splitlines()[-1] == (
        f"interrupted; every bulletin stored before the stop is kept in {db}"
    )
    assert "Traceback" not in err
    wait_for(lambda: not any(alive(w) for w in workers), "the workers to end")
    assert_consistent(db)


def test_workers_die_with_a_killed_parent(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    proc = start_ingest(corpus, db, "--jobs", "2")
    try:
        wait_for(lambda: len(children_of(proc.pid)) == 2 or proc.poll() is not None, "workers")
        assert proc.poll() is None, "the run ended before it could be killed"
        workers = children_of(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    wait_for(lambda: not any(alive(w) for w in workers), "the workers to die")


# --- serving while ingesting -------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def request(url: str, method: str = "GET") -> tuple[int, str]:
    assert url.startswith("http://127.0.0.1:"), url
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=30) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


COUNT_SQL = (
    "select count(*) as bulletins, "
    "coalesce(sum(n_facts != (select count(*) from facts f where f.bulletin_id = b.id)), 0) "
    "as torn from bulletins b"
)


@pytest.fixture()
def served(tmp_path: Path):  # type: ignore[no-untyped-def]
    """An archive of one bulletin served by `bulletins serve`; yields (db, base URL, log)."""
    db = tmp_path / "a.db"
    first = subprocess.run(
        [*bulletins_command(), "ingest", str(DEC), "--db", str(db)], capture_output=True
    )
    assert first.returncode == 0, first.stderr
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [*bulletins_command(), "serve", "--db", str(db), "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    base = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        if server.poll() is not None:
            pytest.fail(f"server exited: {log.read_text()}")
        try:
            return request(f"{base}/-/versions.json")[0] == 200
        except OSError:
            return False

    try:
        wait_for(ready, "the server")
        yield db, base, log
    finally:
        if server.poll() is None:
            os.kill(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


def test_serve_answers_every_poll_while_150_bulletins_are_ingested(
    served: tuple[Path, str, Path], tmp_path: Path
) -> None:
    db, base, _ = served
    folder = tmp_path / "monthly"
    monthly_bulletins(folder, 150)
    url = f"{base}/a.json?" + urlencode({"sql": COUNT_SQL, "_shape": "array"})
    polls: list[tuple[int, int, int]] = []
    errors: list[str] = []  # what the server said when it did not answer 200
    proc = start_ingest(folder, db)
    try:
        while proc.poll() is None:
            status, body = request(url)
            row = json.loads(body)[0] if status == 200 else {"bulletins": -1, "torn": -1}
            if status != 200:
                errors.append(body[:300])
            polls.append((status, row["bulletins"], row["torn"]))
            request(f"{base}/a/facts_readable.json?_size=5&is_primary=1")
    finally:
        _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    assert polls, "the ingest ended before the first poll"
    assert {p[0] for p in polls} == {200}, errors
    assert {p[2] for p in polls} == {0}  # never a half-written bulletin
    counts = [p[1] for p in polls]
    assert counts == sorted(counts) and counts[0] >= 1 and counts[-1] <= 151
    assert len(set(counts)) >= 3  # bulletins showed up while the ingest ran, no restart
    status, body = request(url)
    assert (status, json.loads(body)) == (200, [{"bulletins": 151, "torn": 0}])
    status, body = request(f"{base}/a.json?" + urlencode({"sql": "select count(*) as n "
                           "from facts_readable where is_primary = 1", "_shape": "array"}))  # fmt: skip
    assert json.loads(body) == [{"n": 151 * 90}]


def test_a_rejected_query_is_one_log_line_and_a_post_is_405(
    served: tuple[Path, str, Path],
) -> None:
    _, base, log = served
    status, _ = request(f"{base}/a.json?" + urlencode({"sql": "update bulletins set path = 1"}))
    assert status == 400
    status, body = request(f"{base}/a/bulletins", method="POST")
    assert (status, body) == (405, "405 Method Not Allowed: the archive is served read-only\n")
    status, _ = request(f"{base}/a/facts_readable.json?_size=1")
    assert status == 200
    lines = log.read_text(encoding="utf-8").splitlines()
    assert lines[1:] == [
        "rejected GET /a.json?sql=update+bulletins+set+path+%3D+1: 400 Statement must be a SELECT"
    ]
