"""What `bulletins ingest` prints at the end of a run, and how it stops on SIGTERM."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from archive.ingest import Report


def summary_line(result: Report, db_path: Path) -> str:
    """The one-line summary of an ingest run."""
    parts = [f"{result.count('ingested')} ingested"]
    if result.count("rederived"):
        parts.append(f"{result.count('rederived')} re-derived")
    copies = [o for o in result.outcomes if o.status == "copy"]
    if len(copies) == 1:
        parts.append(f"1 copy ({copies[0].message})")
    elif copies:
        parts.append(f"{len(copies)} copies (same content as bulletins already stored)")
    parts.append(f"{result.count('skipped')} unchanged")
    parts.append(f"{result.count('failed')} failed")
    return (
        ", ".join(parts) + f"; {result.facts} facts; "
        f"names: {result.resolved} resolved, {result.unresolved} unresolved → {db_path}"
    )


def gone_lines(result: Report, pruned: bool) -> list[str]:
    """What the summary says about files gone from disk."""
    if not result.gone:
        return []
    head = (
        f"{result.pruned} gone from disk, removed from the archive:"
        if pruned
        else f"{len(result.gone)} gone from disk (still in the archive; --prune removes them):"
    )
    return [head] + [f"  {g.path} ({g.source})" for g in result.gone]


@contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """SIGTERM ends the run like Ctrl+C: the bulletin being stored is rolled back."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
