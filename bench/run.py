"""Running the real `bulletins` command in a child process and reading what it cost.

The machine is shared, so each run reports CPU time as well as wall time. Both CPU and
peak memory come from the kernel's accounting of that one child (``os.wait4``): CPU is
the child's user + system time plus that of the worker processes it waited for; peak
RSS is the largest resident set of any one of those processes (the kernel keeps the
maximum, not the sum). ``getrusage(RUSAGE_CHILDREN)`` would not do: its maximum only
grows over the benchmark's whole life. Output goes to a file, error output is kept.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROFILE = ROOT / "corpus" / "bulletins.yaml"


@dataclass(frozen=True)
class Run:
    """What one child process cost."""

    wall: float  # seconds
    cpu: float  # seconds, user + system, the child and the workers it waited for
    peak_rss_mib: float  # the largest resident set of one process of the run
    status: int
    stderr: str


def bulletins(*args: str) -> list[str]:
    """The command line of the installed `bulletins` command (beside this interpreter)."""
    script = Path(sys.executable).with_name("bulletins")
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-c", "from archive.cli import main; main()", *args]


# Started by the benchmark, this small program starts the measured command and reports
# what the kernel counted for it. The kernel counts into a program's peak RSS the memory of
# the process that started it (the pages a fork shares, up to its exec): started straight
# from the benchmark, every command would weigh at least what the benchmark weighs.
LAUNCHER = """
import json, os, sys, time
argv, cwd, report = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.chdir(cwd)
        os.execvp(argv[0], argv)
    except OSError as exc:
        print(f"cannot run {argv[0]}: {exc}", file=sys.stderr)
    os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
with open(report, "w") as out:
    json.dump([wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss,
               os.waitstatus_to_exitcode(status)], out)
"""


def run_child(argv: Sequence[str], cwd: Path | None = None) -> Run:
    """Run ``argv`` to its end (through ``LAUNCHER``); its wall time, CPU time, peak RSS."""
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        report, err_path = Path(tmp) / "report.json", Path(tmp) / "stderr"
        with open(err_path, "wb") as err:
            subprocess.run(
                [sys.executable, "-c", LAUNCHER, json.dumps(list(argv)), str(cwd or Path.cwd()),
                 str(report)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err, check=True,
            )  # fmt: skip
        wall, cpu, maxrss_kib, status = json.loads(report.read_text())
        stderr = err_path.read_text(encoding="utf-8", errors="replace")
    return Run(wall, cpu, maxrss_kib / 1024, status, stderr)


def checked(run: Run, what: str) -> Run:
    """The run, or SystemExit with its error output when it failed."""
    if run.status != 0:
        raise SystemExit(f"bench: {what} failed (exit {run.status}):\n{run.stderr[-2000:]}")
    return run


def best_of(times: int, once: Callable[[], Run]) -> Run:
    """The fastest of ``times`` runs by CPU time, with the smallest wall time seen."""
    runs = [once() for _ in range(times)]
    best = min(runs, key=lambda r: r.cpu)
    return Run(min(r.wall for r in runs), best.cpu, best.peak_rss_mib, best.status, best.stderr)


def ingest(folder: Path, db: Path, jobs: int | str, *extra: str) -> Run:
    """`bulletins ingest FOLDER --db DB --jobs N -q` under the sample profile."""
    argv = bulletins(
        "ingest", str(folder), "--db", str(db), "--jobs", str(jobs), "--profile", str(PROFILE)
    )
    return checked(run_child([*argv, "-q", *extra], cwd=db.parent), f"ingest {folder}")
