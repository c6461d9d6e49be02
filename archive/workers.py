"""Worker processes for extraction: they die with the parent and leave signals to it.

Each worker ignores SIGINT (Ctrl+C reaches the whole process group; the parent decides
how to stop), asks the kernel to kill it when the parent dies (Linux), and also checks
every half second that its parent is still there (other systems, or a parent that died
before the request took effect). On any interruption the parent terminates the pool.

A job may run under a time limit (``time_limited``): a real-time timer whose SIGALRM
raises TimeUp in the thread running the job, in the ingest process or in a worker alike
(a pool worker runs its jobs in its main thread). Pure Python code and the ``re`` module
are interrupted; a C extension that never returns to the interpreter is not: in the
ingest process it runs on, while the pool of workers is ended and started again for the
jobs after it (``Overdue``).
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
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.pool import AsyncResult
from types import FrameType
from typing import Any, Generic, TypeVar

J = TypeVar("J")
C = TypeVar("C")
R = TypeVar("R")

PR_SET_PDEATHSIG = 1
PARENT_POLL_SECONDS = 0.5
AHEAD = 2  # jobs in flight per worker
OVERDUE_GRACE = 30.0  # seconds past a job's time limit before its pool is ended


@dataclass(frozen=True)
class Overdue(Generic[J, R]):
    """What stands for the result of a job still running ``seconds`` + OVERDUE_GRACE after
    it came first in line: its worker did not stop it (its own time limit could not
    interrupt it), so the pool is ended and started again for the jobs after it."""

    seconds: float
    result: Callable[[J], R]


def run_jobs(
    jobs: list[J],
    context: C,
    workers: int,
    work: Callable[[J, C], R],
    overdue: Overdue[J, R] | None = None,
) -> Iterator[R]:
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
    todo = deque(jobs)
    while todo:
        yield from _in_a_pool(todo, context, count, work, overdue)


def _in_a_pool(
    todo: deque[J],
    context: C,
    count: int,
    work: Callable[[J, C], R],
    overdue: Overdue[J, R] | None,
) -> Iterator[R]:
    """Results of the jobs taken from ``todo`` in one pool, until none is left or one is
    overdue (the jobs after it are put back in ``todo``, in order)."""
    pool = multiprocessing.get_context("fork").Pool(
        count, initializer=_worker_started, initargs=(os.getpid(), work, context)
    )
    timeout = None if overdue is None else overdue.seconds + OVERDUE_GRACE
    finished = False
    stuck: list[J] = []
    try:
        pending: deque[tuple[J, AsyncResult[R]]] = deque()
        while todo or pending:
            while todo and len(pending) < AHEAD * count:
                job = todo.popleft()
                pending.append((job, pool.apply_async(_work_one, (job,))))
            job, result = pending[0]
            try:
                value = result.get(timeout)
            except multiprocessing.TimeoutError:
                stuck.append(job)
                todo.extendleft(reversed([later for later, _ in list(pending)[1:]]))
                break
            pending.popleft()
            yield value
        finished = not stuck
    finally:  # also when interrupted, or when the caller stops early
        if finished:
            pool.close()
        else:
            pool.terminate()  # a worker writes nothing to the archive: nothing is lost
        pool.join()
    if stuck and overdue is not None:
        yield overdue.result(stuck[0])


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


class TimeUp(BaseException):
    """A job ran past its time limit. Not an Exception, so that a reader's own
    ``except Exception`` cannot swallow it; like KeyboardInterrupt, it ends the job."""


@contextmanager
def time_limited(seconds: float) -> Iterator[None]:
    """Raise TimeUp in this thread if the block runs longer than ``seconds`` (0: no limit).

    The SIGALRM handler and the timer there were before are put back afterwards (the
    timer with what was left of it). Only the main thread receives signals: elsewhere,
    and on a system without setitimer, the block runs without a limit.
    """
    if (
        seconds <= 0
        or not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return

    def expired(signum: int, frame: FrameType | None) -> None:
        raise TimeUp(seconds)

    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, expired)
    before, interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if before > 0:  # someone else's timer: it goes on with what was left of it
            left = max(before - (time.monotonic() - started), 1e-3)
            signal.setitimer(signal.ITIMER_REAL, left, interval)
