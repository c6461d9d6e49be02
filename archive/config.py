"""Which configuration a command uses: the publisher profile, its names registry and the
vocabulary.

The profile is found next to the bulletins (in their folder or any folder above), next
to the archive, or in the current folder (``bulletins.yaml``, or ``corpus/bulletins.yaml``
as this project lays it out) — never inside the installed package. The vocabulary is
the family's, shipped with the package, extended by the profile's own file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from normalize.catalog import FAMILY_VOCABULARY, Catalog, CatalogError, load_catalog
from normalize.profile import PROFILE_NAME, Profile, ProfileError, find_profile, load_profile

NO_NAMES = (
    "no names file: pass --names FILE, or write a profile with `bulletins init FOLDER` "
    "(a commented bulletins.yaml and an empty names registry) in the bulletins' folder"
)


class ConfigError(Exception):
    """The configuration cannot be settled; the message says what to do."""


@dataclass(frozen=True)
class Settled:
    """The profile (if any), the names file and the catalog a command runs with."""

    profile: Profile | None
    names: Path
    catalog: Catalog


def profile_for(explicit: Path | None, places: Iterable[Path]) -> Profile | None:
    """The profile given, else the one nearest the first place that has one, else the
    current folder's; ConfigError when the places belong to different profiles."""
    try:
        if explicit is not None:
            return load_profile(explicit)
        found = {p for p in (find_profile(place) for place in places) if p is not None}
        if len(found) > 1:
            listed = ", ".join(sorted(map(str, found)))
            raise ConfigError(
                f"these bulletins belong to different profiles ({listed}); ingest each "
                "publisher's folder on its own, or name one with --profile"
            )
        if not found:
            here = [Path(PROFILE_NAME), Path("corpus") / PROFILE_NAME]
            found = {p for p in here if p.is_file()}
        return load_profile(sorted(found)[0]) if found else None
    except ProfileError as exc:
        raise ConfigError(str(exc)) from None


def settle(
    profile: Profile | None, names: Path | None, metrics: Path | None, *, need_names: bool = True
) -> Settled:
    """The names file and catalog: those given, else the profile's, else the family's
    vocabulary (names have no default: a new district starts with `bulletins init`)."""
    names_path = names or (profile.names if profile is not None else None)
    if names_path is None:
        if need_names:
            raise ConfigError(NO_NAMES)
        names_path = Path()
    extends = [profile.metrics] if profile is not None and profile.metrics else []
    try:
        catalog = load_catalog(metrics or FAMILY_VOCABULARY, extends)
    except CatalogError as exc:
        raise ConfigError(str(exc)) from None
    return Settled(profile, names_path, catalog)


def describe(settled: Settled) -> str:
    """One line saying which profile and names file a command used."""
    who = (
        f"profile {settled.profile.path} ({settled.profile.publisher})"
        if settled.profile is not None
        else "no profile"
    )
    return f"{who}; names {settled.names}"


def remember_publisher(db: sqlite_utils.Database, settled: Settled) -> None:
    """Record the publisher of the run (and its profile and names file); an archive
    holds any number of publishers, each resolved against its own names file."""
    profile = settled.profile
    with db.conn:
        db.conn.execute(
            "INSERT OR REPLACE INTO archive_state (key, value) VALUES ('publisher', ?)",
            [profile.publisher if profile is not None else ""],
        )
        if profile is not None:
            db.conn.execute(
                "INSERT INTO publishers (name, profile, names, updated_at) "
                "VALUES (?, ?, ?, datetime('now')) ON CONFLICT (name) DO UPDATE SET "
                "profile = excluded.profile, names = excluded.names, "
                "updated_at = excluded.updated_at",
                [profile.publisher, str(profile.path.resolve()), str(settled.names.resolve())],
            )


def archive_names_file(db: sqlite_utils.Database) -> Path | None:
    """The names file the archive's bulletins were last ingested with, if it still exists."""
    if not db.table("publishers").exists() or not db.table("archive_state").exists():
        return None
    row = db.execute(
        "SELECT p.names FROM publishers p JOIN archive_state s "
        "ON s.key = 'publisher' AND s.value = p.name"
    ).fetchone()
    return Path(row[0]) if row and Path(row[0]).is_file() else None
