"""The `bulletins` command: a thin layer that parses options, calls the library, reports."""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from archive.cli_group import Group
from archive.cli_options import (
    configured,
    db_option,
    jobs_option,
    metrics_option,
    names_option,
    open_names,
    profile_option,
)
from archive.database import ArchiveError, explain, open_for_writing, writer_lock
from archive.paths import MAX_FILE_BYTES

if TYPE_CHECKING:
    from normalize.given import Given

# Seconds one file may take to be read and normalised. A scan is read by OCR at about
# 9 s a page on one core (README, Benchmark): 600 s lets a 60-page scan through on a
# busy machine, while a file that stalls its reader costs ten minutes, not the run.
TIME_LIMIT = 600

# Start-up: `bulletins --help` imports click and the few modules above. Each command
# imports what it needs (sqlite-utils, extraction, Datasette, pandas) when it runs, and
# the commands declared in other modules load when used (see archive/cli_group.py).
ELSEWHERE = {
    "init": "archive.cli_names:init_command",
    "names": "archive.cli_names:names_group",
}


@click.group(
    cls=Group, deferred=ELSEWHERE, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(package_name="bulletins")
def main() -> None:
    """An archive of government service bulletins (政务服务工作通报).

    Ingest a folder of bulletins into SQLite, then browse it in Datasette:

    \b
        bulletins ingest corpus/
        bulletins serve
    """


@main.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@db_option
@profile_option
@names_option
@metrics_option
@jobs_option
@click.option("--force", is_flag=True, help="Read every file again, even unchanged ones.")
@click.option("--prune", is_flag=True, help="Remove bulletins whose file is gone from disk.")
@click.option(
    "--max-size",
    "max_mb",
    type=click.IntRange(1, 4096),
    default=MAX_FILE_BYTES // (1024 * 1024),
    show_default=True,
    help="Refuse files larger than this many MB (a zip container: unpacked, ×4).",
)
@click.option(
    "--time-limit",
    type=click.IntRange(min=0),
    metavar="SECONDS",
    default=TIME_LIMIT,
    show_default=True,
    help="Give up on a file whose reading takes longer than this (0 = no limit): it is "
    "reported and recorded as a failure, and the other files still land.",
)
@click.option(
    "--period",
    "period_text",
    default=None,
    help="The period of files whose text does not say it: YYYY-MM, YYYY-Qn, YYYY-Hn, "
    "YYYY-MM..YYYY-MM, or YYYY (the year alone; the month still comes from the text).",
)
@click.option(
    "--manifest",
    "manifest_path",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="CSV of path,period,published,source_url stating what files do not say (paths "
    "relative to the CSV); its rows win over --period.",
)
@click.option("--quiet", "-q", is_flag=True, help="Print only failures and the summary.")
def ingest_command(
    paths: tuple[Path, ...],
    db_path: Path,
    profile_path: Path | None,
    names_path: Path | None,
    metrics_path: Path | None,
    jobs: int,
    force: bool,
    prune: bool,
    max_mb: int,
    time_limit: int,
    period_text: str | None,
    manifest_path: Path | None,
    quiet: bool,
) -> None:
    """Extract every bulletin under PATHS (files or folders) into the archive.

    Each file is stored under its path relative to the common folder of PATHS. Unchanged
    files (same content hash) are skipped; a changed file replaces its old rows; a file
    whose content is already stored under another path is recorded as a copy. Bulletins
    whose extractor or metrics file changed are re-derived. A file that cannot be read, or
    whose reading takes longer than --time-limit, is reported and recorded in the
    `failures` table; the others still land. Names are
    re-resolved from the names file on every run. Files gone from disk are listed
    (--prune removes them). Exit status 1 when any file failed.

    The publisher profile (bulletins.yaml) nearest the bulletins names the publisher,
    its names file and the words it adds to the family's vocabulary.

    \b
        bulletins ingest corpus/
        bulletins ingest 2021/ 2022/ --db xiqu.db -j 2
        bulletins ingest scans/ --manifest scans/manifest.csv
        bulletins ingest downloads/ --time-limit 60
    """
    from archive.cli_progress import reporter
    from archive.config import ConfigError, describe, remember_publisher
    from archive.ingest import ingest
    from archive.paths import KeyCollision, walk
    from archive.schema import ensure_schema
    from archive.summary import gone_lines, stop_on_sigterm, summary_line

    settled = configured(paths, profile_path, names_path, metrics_path)
    stated = stated_for(period_text, manifest_path)
    catalog, names = settled.catalog, open_names(settled.names)
    try:
        found = list(walk(paths, max_mb * 1024 * 1024))
    except KeyCollision as exc:
        raise click.ClickException(str(exc)) from None
    progress, report = reporter(len(found), quiet)
    try:
        with writer_lock(db_path), stop_on_sigterm(), progress:
            db = open_for_writing(db_path)
            ensure_schema(db)
            result = ingest(
                db, paths, catalog, names, jobs=jobs, force=force, prune_gone=prune,
                max_bytes=max_mb * 1024 * 1024, on_outcome=report, time_limit=time_limit,
                publisher=settled.profile.publisher if settled.profile else None,
                given=stated,
            )  # fmt: skip
            remember_publisher(db, settled)
    except (ArchiveError, ConfigError) as exc:
        raise click.ClickException(str(exc)) from None
    except (sqlite3.Error, OSError) as exc:
        raise click.ClickException(explain(db_path, exc)) from None
    except KeyboardInterrupt:
        click.echo(
            f"interrupted; every bulletin stored before the stop is kept in {db_path}", err=True
        )
        sys.exit(130)
    if not quiet:
        click.echo(describe(settled), err=True)
    for line in gone_lines(result, prune):
        click.echo(line, err=True)
    click.echo(summary_line(result, db_path), err=True)
    if result.count("failed"):
        sys.exit(1)


def stated_for(
    period_text: str | None, manifest_path: Path | None
) -> Callable[[Path], Given | None]:
    """What the user states about each file: its manifest row, else --period."""
    from normalize.given import Given, GivenError, parse_period, read_manifest

    try:
        default = Given(parse_period(period_text)) if period_text else None
        rows = read_manifest(manifest_path) if manifest_path else {}
    except GivenError as exc:
        raise click.ClickException(str(exc)) from None
    return lambda file: rows.get(file, default)


@main.command("inspect")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@metrics_option
@click.option("--json", "as_json_flag", is_flag=True, help="Print as JSON instead of grids.")
@click.option("--rows", default=0, show_default=True, help="Body rows to show per table (0 = all).")
def inspect_command(file: Path, metrics_path: Path | None, as_json_flag: bool, rows: int) -> None:
    """Show what extraction sees in FILE: period, sections, each table as a grid.

    Spanning cells show their span as [rows×columns]; positions they cover show ↑ or ←.

    \b
    Example:
        bulletins inspect corpus/2022-09_xiqu_zwfw.txt --rows 5
        bulletins inspect corpus/2020-12_xiqu_zwfw.txt --json > 2020-12.json
    """
    from archive.cli_browse import output_console
    from archive.inspect import as_json, render
    from extract.errors import BulletinError
    from extract.reader import read_document
    from normalize.bulletin import normalize_document

    catalog = configured((file,), None, None, metrics_path, need_names=False).catalog
    try:
        bulletin = normalize_document(read_document(file), catalog, file.name)
    except BulletinError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json_flag:
        click.echo(json.dumps(as_json(bulletin), ensure_ascii=False, indent=2))
        return
    render(bulletin, output_console(), max_rows=rows or None)


@main.command("check")
@db_option
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(["mismatch", "not_applicable", "ok"]),
    help="Show only findings with this status (repeatable). [default: mismatch]",
)
@click.option("--all", "show_all", is_flag=True, help="Show every finding, ok ones included.")
@click.option("--bulletin", default=None, help="Show only bulletins whose path contains this.")
@click.option(
    "--json", "as_json_flag", is_flag=True, help="Print the findings as a JSON list instead."
)
@click.option("--csv", "as_csv_flag", is_flag=True, help="Print the findings as CSV instead.")
@click.option(
    "--strict",
    is_flag=True,
    help="Exit with status 1 when any mismatch exists, shown or not (--status ok --strict too).",
)
def check_command(
    db_path: Path,
    statuses: tuple[str, ...],
    show_all: bool,
    bulletin: str | None,
    as_json_flag: bool,
    as_csv_flag: bool,
    strict: bool,
) -> None:
    """Print the mismatches found by the consistency checks, and a summary of all findings.

    Checks are sums, totals, headline vs table, ranges. --all (or --status) shows the
    other findings too. Each finding names its cells (fact ids) in the `checks` table of
    the archive. Exit status 0; with --strict, 1 when the archive holds any mismatch
    (of the bulletins chosen with --bulletin), whatever --status shows.

    \b
    Example:
        bulletins check --db archive.db --bulletin 2022-09 --csv > mismatches.csv
    """
    from archive.cli_browse import report_findings

    if as_json_flag and as_csv_flag:
        raise click.UsageError("choose one of --json and --csv")
    output = "json" if as_json_flag else ("csv" if as_csv_flag else "table")
    mismatches = report_findings(db_path, statuses, show_all, bulletin, output)
    if strict and mismatches:
        sys.exit(1)


@main.command("serve")
@db_option
@metrics_option
@click.option(
    "--port",
    "-p",
    type=click.IntRange(1, 65535),
    default=8001,
    show_default=True,
    help="Port to listen on.",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; 0.0.0.0 serves the whole network.",
)
@click.option("--open", "-o", "open_browser", is_flag=True, help="Open the site in a browser.")
@click.option(
    "--setting",
    "settings",
    type=(str, str),
    multiple=True,
    metavar="NAME VALUE",
    help="A Datasette setting, e.g. --setting max_returned_rows 5000 (repeatable).",
)
@click.option(
    "--metadata",
    "metadata_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Datasette metadata (JSON or YAML) laid over the project's.",
)
def serve_command(
    db_path: Path,
    metrics_path: Path | None,
    port: int,
    host: str,
    open_browser: bool,
    settings: tuple[tuple[str, str], ...],
    metadata_path: Path | None,
) -> None:
    """Browse the archive in Datasette at http://HOST:PORT/, read-only.

    With Chinese labels beside every column, default facets, canned queries (trend,
    month, search, failed_checks, bulletins_overview, unresolved, metrics), charts drawn
    on the trend and month queries, a page per department, tables shown as printed, and
    CSV downloads that open right in Excel. Stop with Ctrl+C.

    \b
    Example:
        bulletins serve --db archive.db --port 8002 -o --setting max_returned_rows 5000
    """
    from archive.cli_browse import serve_archive

    serve_archive(db_path, metrics_path, port, host, open_browser, settings, metadata_path)


@main.command("export")
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "parquet"]),
    default="csv",
    show_default=True,
    help="csv (UTF-8 with BOM, opens right in spreadsheets) or parquet.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("export"),
    show_default=True,
    help="Folder to write into; created if missing, files in it replaced.",
)
def export_command(db_path: Path, fmt: str, out_dir: Path) -> None:
    """Write the tidy facts (facts_readable) and the lookup tables, one file each.

    Also bulletins, entities, aliases, resolutions, source_tables, checks, warnings and
    failures, as OUT/TABLE.csv or OUT/TABLE.parquet, with the archive's column types.

    \b
    Example:
        bulletins export --db archive.db --format parquet --out export/
    """
    from archive.cli_browse import open_archive
    from archive.export import ExportError, export  # pandas and pyarrow load slowly

    db = open_archive(db_path)
    try:
        written = export(db, out_dir, fmt)
    except ExportError as exc:
        raise click.ClickException(str(exc)) from None
    for item in written:
        click.echo(f"{item.path}: {item.rows} rows", err=True)
