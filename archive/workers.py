"""Worker processes for extraction: they die with the parent and leave signals to it.

Each worker ignores SIGINT (Ctrl+C reaches the whole process group; the parent decides
how to stop), asks the kernel to kill it when the parent dies (Linux), and also checks
every half second that its parent is still there (other systems, or a parent that died
before the request took effect). On any interruption the parent terminates the pool.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from multiprocessing.pool import AsyncResult
from typing import Any, TypeVar

J = TypeVar("J")
C = TypeVar("C")
R = TypeVar("R")

PR_SET_PDEATHSIG = 1
PARENT_POLL_SECONDS = 0.5
AHEAD = 2  # jobs in flight per worker


def run_jobs(jobs: list[J], context: C, workers: int, work: Callable[[J, C], R]) -> Iterator[R]:
    """``work(job, context)`` for each job, in order; in worker processes when asked.

    The context (the metric catalog) goes to each worker once, not with every job. At
    most AHEAD jobs per worker are submitted before their results are taken, so memory
    stays flat however many jobs there are, even when the caller is slower than the pool.
    """
    if workers <= 1 or len(jobs) < 2:
        for job in jobs:
            yield work(job, context)
        return
    count = min(workers, len(jobs), os.cpu_count() or 1)
    pool = multiprocessing.get_context("fork").Pool(
        count, initializer=_worker_started, initargs=(os.getpid(), work, context)
    )
    finished = False
    try:
        pending: deque[AsyncResult[R]] = deque()
        for job in jobs:
            if len(pending) >= AHEAD * count:
                yield pending.popleft().get()
            pending.append(pool.apply_async(_work_one, (job,)))
        while pending:
            yield pending.popleft().get()
        finished = True
    finally:  # also when interrupted, or when the caller stops early
        if finished:
            pool.close()
        else:
            pool.terminate()  # a worker writes nothing to the archive: nothing is lost
        pool.join()


_TASK: dict[str, Any] = {}


def _work_one(job: Any) -> Any:
    return _TASK["work"](job, _TASK["context"])


def _worker_started(parent: int, work: Callable[..., Any], context: Any) -> None:
    _TASK.update(work=work, context=context)
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
