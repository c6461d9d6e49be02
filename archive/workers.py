"""Worker processes for extraction: they die with the parent and leave signals to it.

Each worker ignores SIGINT (Ctrl+C reaches the whole process group; the parent decides
how to stop), asks the kernel to kill it when the parent dies (Linux), and also checks
every half second that its parent is still there (other systems, or a parent that died
before the request took effect). On any interruption the parent cancels what is queued
and terminates the workers.
"""

from __future__ import annotations

import ctypes
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

J = TypeVar("J")
C = TypeVar("C")
R = TypeVar("R")

PR_SET_PDEATHSIG = 1
PARENT_POLL_SECONDS = 0.5


def run_jobs(jobs: list[J], context: C, workers: int, work: Callable[[J, C], R]) -> Iterator[R]:
    """``work(job, context)`` for each job, in order; in worker processes when asked."""
    if workers <= 1 or len(jobs) < 2:
        for job in jobs:
            yield work(job, context)
        return
    count = min(workers, len(jobs), os.cpu_count() or 1)
    pool = ProcessPoolExecutor(
        max_workers=count, initializer=_worker_started, initargs=(os.getpid(),)
    )
    try:
        yield from pool.map(work, jobs, [context] * len(jobs), chunksize=1)
    finally:  # also when the caller stops early (the generator is closed)
        stop_pool(pool)


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Cancel queued work and end the workers now (a worker writes nothing to the archive)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)


def _worker_started(parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        libc = ctypes.CDLL(None)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)
