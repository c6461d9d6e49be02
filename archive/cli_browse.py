"""The bodies of `bulletins check` and `bulletins serve`: reading and browsing an archive.

`archive.cli` declares the options and calls these; each failure becomes one line
(a ``click.ClickException``) naming the file and what to do.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import click
import sqlite_utils
from rich.console import Console

from archive.check import (
    findings,
    findings_csv,
    findings_json,
    findings_summary,
    render_findings,
)
from archive.database import ArchiveError, open_existing
from normalize.catalog import CatalogError

PIPE_WIDTH = 240


def output_console() -> Console:
    """A console for stdout; piped output is not folded to 80 columns."""
    console = Console(highlight=False)
    if not console.is_terminal:
        console = Console(highlight=False, width=int(os.environ.get("COLUMNS", PIPE_WIDTH)))
    return console


def open_archive(db_path: Path) -> sqlite_utils.Database:
    """An existing archive, or a one-line error saying how to make one."""
    try:
        return open_existing(db_path)
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from None


def report_findings(
    db_path: Path,
    statuses: tuple[str, ...],
    show_all: bool,
    bulletin: str | None,
    output: str,
) -> int:
    """Print the findings asked for (``output``: table, json or csv) and a summary of
    all; the number of mismatches among every finding of the archive (whatever is shown),
    which is what ``--strict`` exits on."""
    every = findings(open_archive(db_path), (), bulletin)
    wanted = () if show_all else (statuses or ("mismatch",))
    found = [f for f in every if not wanted or f.status in wanted]
    if output == "json":
        click.echo(json.dumps(findings_json(found), ensure_ascii=False, indent=2))
    elif output == "csv":
        click.echo(findings_csv(found), nl=False)
    else:
        render_findings(found, output_console())
    if not show_all and not statuses and len(found) < len(every):
        click.echo(f"{len(every) - len(found)} other findings hidden; --all shows them", err=True)
    click.echo(findings_summary(every), err=True)
    return sum(1 for f in every if f.status == "mismatch")


def serve_archive(
    db_path: Path,
    metrics_path: Path | None,
    port: int,
    host: str,
    open_browser: bool,
    settings: tuple[tuple[str, str], ...],
    metadata_path: Path | None,
) -> None:
    """Check everything `serve` was given, then serve until interrupted."""
    # imported here: Datasette takes a moment to import, and only `serve` needs it
    from archive.metadata import MetadataError
    from archive.serve import (
        ServeError,
        build_datasette,
        parse_settings,
        port_in_use,
        read_metadata_file,
        run,
        search_missing,
        site_url,
    )

    try:
        typed_settings = parse_settings(settings)
        extra = read_metadata_file(metadata_path) if metadata_path else None
        if port_in_use(host, port):
            raise ServeError(f"port {port} is in use; choose another with --port")
        datasette = build_datasette(
            db_path,
            settings=typed_settings,
            extra_metadata=extra,
            metrics_path=metrics_path,
        )
        if search_missing(db_path):
            click.echo(
                "note: no search index; run `bulletins ingest corpus/` again to build it",
                err=True,
            )
    except (ServeError, MetadataError, CatalogError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Serving {db_path} read-only at {site_url(host, port)} (Ctrl+C stops)", err=True)
    run(datasette, port, host, open_browser)
