"""Options and configuration shared by the `bulletins` commands."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:  # imported by the commands that use them: `bulletins --help` stays light
    from archive.config import Settled
    from normalize.names import NameBook

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
    from archive.config import ConfigError, profile_for, settle

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
    """The names file, or a one-line error saying what to fix."""
    from normalize.names import NamesError, load_names

    try:
        return load_names(path)
    except NamesError as exc:
        raise click.ClickException(
            f"{exc}\nFix the names file, then run the command again."
        ) from None


def cores() -> int:
    """The cores this process may run on (its CPU affinity where the system has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class Jobs(click.ParamType):  # type: ignore[type-arg,unused-ignore]  # generic from click 8.2
    """A number of processes, or ``auto``: one per core this process may use."""

    name = "N|auto"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            count = value
        elif str(value).strip().lower() == "auto":
            return cores()
        else:
            try:
                count = int(str(value).strip())
            except ValueError:
                self.fail(f"{value!r} is neither a number of processes nor 'auto'", param, ctx)
        if count < 1:
            self.fail(f"{count} processes: give 1 or more, or 'auto'", param, ctx)
        return count


def jobs_option(fn: F) -> F:
    return click.option(
        "--jobs",
        "-j",
        type=Jobs(),
        metavar="N|auto",
        default="auto",
        show_default=True,
        help=f"Processes that read files at once: auto = one per core this process may use "
        f"({cores()} here); 1 reads every file in this process.",
    )(fn)
