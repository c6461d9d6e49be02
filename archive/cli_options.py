"""Options and configuration shared by the `bulletins` commands."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from archive.config import ConfigError, Settled, profile_for, settle
from normalize.names import NameBook, NamesError, load_names

F = TypeVar("F", bound=Callable[..., Any])


def configured(
    places: tuple[Path, ...],
    profile: Path | None,
    names: Path | None,
    metrics: Path | None,
    *,
    need_names: bool = True,
) -> Settled:
    """The profile, names file and catalog a command uses (see archive/config.py)."""
    try:
        return settle(profile_for(profile, places), names, metrics, need_names=need_names)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def profile_option(fn: F) -> F:
    return click.option(
        "--profile",
        "profile_path",
        type=click.Path(dir_okay=False, exists=True, path_type=Path),
        default=None,
        help="Publisher profile (bulletins.yaml). [default: the nearest one in or above the "
        "bulletins' folder, else ./bulletins.yaml or ./corpus/bulletins.yaml]",
    )(fn)


def db_option(fn: F) -> F:
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=Path("archive.db"),
        show_default=True,
        help="SQLite archive to read or write.",
    )(fn)


def names_option(fn: F) -> F:
    return click.option(
        "--names",
        "names_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Names YAML (canonical entities and aliases). [default: the profile's]",
    )(fn)


def metrics_option(fn: F) -> F:
    return click.option(
        "--metrics",
        "metrics_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Metric labels YAML replacing the family's vocabulary (header label → metric "
        "key). [default: the family's, extended by the profile's]",
    )(fn)


def open_names(path: Path) -> NameBook:
    try:
        return load_names(path)
    except NamesError as exc:
        raise click.ClickException(
            f"{exc}\nFix the names file, then run the command again."
        ) from None
