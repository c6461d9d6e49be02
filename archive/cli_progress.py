"""How `bulletins ingest` shows each file's outcome while it runs.

On a terminal: a progress bar and coloured ``error:``, ``copy:`` and ``warning:`` lines
(rich). Elsewhere (a pipe, a log file, a test): the same lines as plain text, and rich
is not imported at all (it costs ~60 ms of every start-up).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from archive.ingest import Outcome

Report = Callable[["Outcome"], None]
STYLES = {"error": "red", "copy": "cyan", "warning": "yellow"}


def outcome_lines(outcome: Outcome, quiet: bool) -> list[tuple[str, str]]:
    """(label, text) of the lines one file's outcome prints: failures always; copies and
    warnings unless quiet."""
    if outcome.status == "failed":
        return [("error", f"{outcome.path}: {outcome.message}")]
    if quiet:
        return []
    lines = [("copy", f"{outcome.path}: {outcome.message}")] if outcome.status == "copy" else []
    return lines + [("warning", f"{outcome.path}: {warning}") for warning in outcome.warnings]


def reporter(total: int, quiet: bool) -> tuple[AbstractContextManager[object], Report]:
    """The context to run the ingest in, and the function called with each outcome."""
    if not sys.stderr.isatty():

        def plain(outcome: Outcome) -> None:
            for label, text in outcome_lines(outcome, quiet):
                click.echo(f"{label}: {text}", err=True)

        return contextlib.nullcontext(), plain
    return _on_terminal(total, quiet)


def _on_terminal(total: int, quiet: bool) -> tuple[AbstractContextManager[object], Report]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
    from rich.text import Text

    err = Console(stderr=True, soft_wrap=True, highlight=False)
    progress = Progress(
        TextColumn("ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        console=err,
        disable=quiet,
        transient=True,
    )
    task = progress.add_task("", total=total)

    def shown(outcome: Outcome) -> None:
        progress.advance(task)
        progress.update(task, description=outcome.path)
        for label, text in outcome_lines(outcome, quiet):
            err.print(Text.assemble((f"{label}:", STYLES[label]), f" {text}"))

    return progress, shown
