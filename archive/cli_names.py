"""`bulletins init` and `bulletins names …`: start a district, and keep its names file."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from archive.cli_browse import open_archive
from archive.cli_options import configured, db_option, names_option, open_names
from archive.config import archive_names_file
from archive.names import name_counts, publishers_of, refresh_names
from archive.names_review import accept_conflicts, publishers_using, raw_names, unresolved_names
from archive.schema import ensure_schema
from extract.hints import fold
from normalize.matching import Matcher
from normalize.names import NamesError, check_names, read_yaml
from normalize.profile import ProfileError, write_template
from normalize.suggest import Suggestion, add_suggestions, cluster, fold_accepted


@click.command("init")
@click.argument("folder", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--publisher",
    default="（发布单位名称）",
    help="Who publishes the bulletins (the name stored as `publisher`).",
)
def init_command(folder: Path, publisher: str) -> None:
    """Start a new district: write a commented profile (bulletins.yaml) and an empty
    names registry (names.yaml) in FOLDER (default: here). Nothing is overwritten.

    \b
    Example:
        bulletins init bulletins/ --publisher 某市东区行政审批局
        bulletins ingest bulletins/
        bulletins names suggest --names bulletins/names.yaml
    """
    try:
        written = write_template(folder, publisher)
    except ProfileError as exc:
        raise click.ClickException(str(exc)) from None
    for path in written:
        click.echo(f"wrote {path}", err=True)
    click.echo(
        f"Put the bulletins in {folder} (or below it), edit {written[0].name} if needed, then:"
        f" bulletins ingest {folder}",
        err=True,
    )


@click.group("names")
def names_group() -> None:
    """Resolve department names: suggest mappings for unresolved names, check the file.

    Edit corpus/names.yaml by hand; `bulletins ingest` re-resolves names on every run
    without reading any bulletin again.
    """


@names_group.command("suggest")
@db_option
@names_option
def names_suggest_command(db_path: Path, names_path: Path | None) -> None:
    """Add every unresolved name to the names file, with where it was seen and candidates.

    Each becomes an entry under `suggestions:`; accept one by writing the entity's name
    after `accept:`. Comments, order and formatting of the file are kept.

    \b
    Example:
        bulletins names suggest --db archive.db --names corpus/names.yaml
    """
    db = open_archive(db_path)
    path = names_path or archive_names_file(db)
    if path is None:
        path = configured((db_path.resolve().parent,), None, None, None).names
    ensure_schema(db)
    book = open_names(path)
    # the publishers whose profile uses this names file; else those no profile claims
    publishers = publishers_using(db, path) or publishers_of(db, None)
    if not publishers and db.execute("SELECT COUNT(*) FROM bulletins").fetchone()[0]:
        held = ", ".join(r[0] for r in db.execute("SELECT name, names FROM publishers"))
        raise click.ClickException(
            f"no bulletin in {db_path} resolves its names with {path} (its publishers: "
            f"{held}, each with the names file of its profile); pass that file with --names"
        )
    for publisher in publishers:
        refresh_names(db, book, publisher)
    report = name_counts(db, publishers)
    pending = unresolved_names(db, publishers)
    suggestions = cluster(
        [Suggestion(u.raw, u.bulletins, u.facts, u.first_seen_in, u.candidates) for u in pending],
        Matcher(book).same_unit,
    )
    printed = set(map(fold, raw_names(db, publishers)))
    added, updated = add_suggestions(path, suggestions, printed - {fold(u.raw) for u in pending})
    click.echo(
        f"{report.resolved} names resolved, {report.unresolved} unresolved; "
        f"{added} suggestions added, {updated} updated in {path}",
        err=True,
    )


@names_group.command("fold")
@names_option
def names_fold_command(names_path: Path | None) -> None:
    """Move accepted suggestions into the entities, so the suggestion list does not only grow.

    Each accepted spelling becomes an alias of the entity it names; `accept: new` becomes
    a new entity entry. The file is checked first and edited in place, comments kept.

    \b
    Example:
        bulletins names fold --names corpus/names.yaml
    """
    path = configured((), None, names_path, None).names
    open_names(path)  # refuse a file with problems before changing it
    aliases, created = fold_accepted(path)
    click.echo(f"{aliases} aliases added, {created} entities created in {path}", err=True)


@names_group.command("check")
@names_option
@db_option
def names_check_command(names_path: Path | None, db_path: Path) -> None:
    """Validate the names file: syntax, aliases under two entities, unknown keys, dates,
    never-merge pairs that are merged. Prints each problem with its line; exit 1 on any.

    With an archive (--db, when it exists), also notes each `accept:` that stands
    although a bulletin prints another name of the same entity (an accept wins over the
    rule that a bulletin lists a department once): both names and the bulletins.

    \b
    Example:
        bulletins names check --names corpus/names.yaml
    """
    path = configured((), None, names_path, None).names
    try:
        book, problems = check_names(read_yaml(path))
    except NamesError as exc:
        book, problems = None, exc.problems
    for problem in problems:
        click.echo(f"{path}: {problem}", err=True)
    if problems:
        sys.exit(1)
    if book is not None and db_path.is_file():
        db = open_archive(db_path)
        if db.table("resolutions").exists():
            publishers = publishers_using(db, path) or publishers_of(db, None)
            for conflict in accept_conflicts(db, book, publishers):
                click.echo(f"{path}: {conflict.notice()}", err=True)
    click.echo(f"{path}: ok", err=True)
