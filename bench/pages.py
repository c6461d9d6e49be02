"""Page timings through a real `bulletins serve`: the facts_readable page and its facets,
each canned query, and the plugin's pages, each with the server's CPU time.

    python -m bench.pages ARCHIVE.db

starts Datasette on a free port of 127.0.0.1, fetches each page once (after one warm-up
request that loads the server's caches), and prints page, wall seconds, server CPU
seconds (read from /proc; blank where /proc is missing) and what Datasette said about
facets that timed out. The archive is only read.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO
from urllib.parse import quote, urlencode

READY_TRIES = 600  # × 0.1 s: a bounded wait for the server to answer
STOP_WAIT = 10  # seconds for the server to exit after SIGTERM
FETCH_TIMEOUT = 120  # seconds for one page
VIEW = "facts_readable"

Timing = tuple[str, float, float]


class PageError(Exception):
    """A page did not answer 200; the message names it."""


def time_pages(db_path: Path) -> list[Timing]:
    """(page, wall seconds, server CPU seconds) for every page of a served archive; the
    CPU is NaN where the server's /proc entry cannot be read. A page that did not answer
    200, or whose facets timed out, says so after its name."""
    with served(db_path) as (base, pid):
        fetch(f"{base}/-/versions.json")
        return [timed(page, base + url, pid) for page, url in page_urls(db_path, base)]


def page_urls(db_path: Path, base: str) -> list[tuple[str, str]]:
    """(name, path) of each page to time, the values picked from the archive."""
    db = "/" + quote(db_path.stem)
    facets, queries = served_metadata(base, db_path.stem)
    picks = sample_values(db_path)
    pages = [(VIEW, f"{db}/{VIEW}")]
    for column in facets:
        value = picks.get(column)
        if value is not None:  # the page a click on the facet's first value opens
            pages.append((f"{VIEW}?{column}=", f"{db}/{VIEW}?{urlencode({column: value})}"))
    for query in queries:
        pages.append((f"query {query}", f"{db}/{query}"))
        params = query_params(query, picks)
        if params:
            pages.append(
                (f"query {query} ({', '.join(params)})", f"{db}/{query}?{urlencode(params)}")
            )
    entity = picks.get("entity")
    if entity is not None:
        pages.append(("entity page", f"/-/entity{db}/{quote(str(entity))}"))
    if picks.get("table_id") is not None:
        pages.append(("grid page", f"/-/grid{db}/{picks['table_id']}"))
    if picks.get("fact_id") is not None:
        pages.append(("source page (fact)", f"/-/source{db}/fact/{picks['fact_id']}"))
    return pages


def query_params(query: str, picks: dict[str, object]) -> dict[str, str]:
    """Values for the canned queries that take some."""
    if query == "trend" and picks.get("entity") and picks.get("metric"):
        return {"entity": str(picks["entity"]), "metric": str(picks["metric"])}
    if query == "month" and picks.get("period"):
        return {"period": str(picks["period"]), "metric": str(picks.get("metric") or "")}
    if query == "search":
        return {"q": "疫情防控"}
    return {}


def served_metadata(base: str, database: str) -> tuple[list[str], list[str]]:
    """The view's default facets and the canned queries, as the server states them."""
    meta = json.loads(fetch(f"{base}/-/metadata.json")[1])
    tables = meta["databases"][database].get("tables", {})
    facets = [
        f if isinstance(f, str) else next(iter(f.values()))
        for f in tables.get(VIEW, {}).get("facets", [])
    ]
    return [str(f) for f in facets], list(meta["databases"][database].get("queries", {}))


def sample_values(db_path: Path) -> dict[str, object]:
    """A value for each filter: the latest month, a department with facts in it, the
    metric printed most, one table, one fact (cheap lookups, not a scan of the view)."""
    conn = sqlite3.connect(f"file:{quote(db_path.resolve().as_posix())}?mode=ro", uri=True)
    try:
        one = lambda sql: (conn.execute(sql).fetchone() or (None,))[0]  # noqa: E731
        return {
            "period": one("SELECT max(period) FROM bulletins"),
            "table_kind": one("SELECT kind FROM source_tables ORDER BY id LIMIT 1"),
            "metric": one(
                "SELECT l.text FROM facts f JOIN labels l ON l.id = f.metric ORDER BY f.id LIMIT 1"
            ),
            "entity": one(
                "SELECT name FROM entities WHERE kind = 'department' ORDER BY id LIMIT 1"
            ),
            "table_id": one("SELECT id FROM source_tables ORDER BY id DESC LIMIT 1"),
            "fact_id": one("SELECT max(id) FROM facts"),
        }
    finally:
        conn.close()


TIMED_OUT = re.compile(r"These facets timed out: ([^<]*)")


def timed(page: str, url: str, pid: int) -> Timing:
    """Wall and server CPU seconds of one GET, the page named with what went wrong."""
    cpu = server_cpu(pid)
    start = time.perf_counter()
    status, body = fetch(url)
    wall = time.perf_counter() - start
    used = server_cpu(pid) - cpu
    if status != 200:
        page += f" [HTTP {status}]"
    late = TIMED_OUT.search(body)
    if late:
        page += f" [facets timed out: {' '.join(late.group(1).split())}]"
    return page, wall, used


def server_cpu(pid: int) -> float:
    """User + system CPU seconds of a process so far, from /proc (NaN without it)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def fetch(url: str) -> tuple[int, str]:
    """Status and body of a GET (HTTP errors included)."""
    try:
        with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bulletins_command() -> list[str]:
    """The installed console script, or the same entry point through this Python."""
    script = Path(sys.executable).with_name("bulletins")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from archive.cli import main; main()"]


@contextmanager
def served(db_path: Path, *options: str, log_path: Path | None = None) -> Iterator[tuple[str, int]]:
    """`bulletins serve DB OPTIONS` on a free port; yields (base URL, pid); always stopped
    by its pid. Its output goes to ``log_path`` (kept) or a temporary file; the reason a
    server that never answers gives (PageError) includes it."""
    port = free_port()
    with log_path.open("w+b") if log_path else tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [*bulletins_command(), "serve", "--db", str(db_path), "--port", str(port), *options],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_ready(base, proc, log)
            yield base, proc.pid
        finally:
            stop(proc)


def wait_until_ready(base: str, proc: subprocess.Popen[bytes], log: IO[bytes]) -> None:
    """Poll the server until it answers, a bounded number of times."""
    for _ in range(READY_TRIES):
        if proc.poll() is not None:
            raise PageError(f"`bulletins serve` exited with {proc.returncode}: {_read(log)}")
        try:
            if fetch(f"{base}/-/versions.json")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise PageError(f"`bulletins serve` did not answer: {_read(log)}")


def _read(log: IO[bytes]) -> str:
    log.flush()
    log.seek(0)
    return log.read().decode("utf-8", "replace")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=STOP_WAIT)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=STOP_WAIT)


def render(timings: list[Timing]) -> str:
    """The timings as a table."""
    width = max(len(p) for p, _, _ in timings)
    lines = [f"{'page':<{width}}  wall s  server CPU s"]
    lines += [f"{p:<{width}}  {w:6.3f}  {c:6.3f}" for p, w, c in timings]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m bench.pages ARCHIVE.db", file=sys.stderr)
        return 2
    db_path = Path(argv[0])
    if not db_path.is_file():
        print(f"{db_path}: no such archive", file=sys.stderr)
        return 2
    try:
        print(render(time_pages(db_path)))
    except PageError as exc:
        print(f"{db_path}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
