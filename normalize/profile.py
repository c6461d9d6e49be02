"""Publisher profiles: who publishes a folder's bulletins, and the files that teach the
tool its names and words.

A profile is one YAML file named ``bulletins.yaml``, in the folder of the bulletins or
any folder above it (the nearest one wins), or given with ``--profile``. Its paths are
relative to the profile itself. It is loaded once and checked with line numbers.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

PROFILE_NAME = "bulletins.yaml"
PROFILE_KEYS = {"publisher", "short_names", "names", "metrics", "shared_with"}
# A profile larger than this is not a profile (and is not read whole).
MAX_PROFILE_BYTES = 256 * 1024


class ProfileError(ValueError):
    """The profile file has problems; each one names its line."""


@dataclass(frozen=True)
class Profile:
    """One publisher: its names, the names registry and the vocabulary it adds."""

    publisher: str
    short_names: tuple[str, ...]
    names: Path
    metrics: Path | None
    path: Path
    shared_with: tuple[str, ...] = ()

    def printed_names(self) -> tuple[str, ...]:
        """Every name the publisher signs with, longest first (for detection in text)."""
        return tuple(sorted({self.publisher, *self.short_names}, key=len, reverse=True))


def load_profile(path: Path) -> Profile:
    """Load and check a profile; ProfileError lists every problem with its line."""
    try:
        if path.stat().st_size > MAX_PROFILE_BYTES:
            raise ProfileError(f"{path}: larger than {MAX_PROFILE_BYTES // 1024} KiB")
        data: Any = YAML(typ="rt").load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProfileError(f"{path}: cannot read: {exc.strerror}") from None
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise ProfileError(f"{path}: {where}not valid YAML") from None
    if not isinstance(data, dict):
        raise ProfileError(f"{path}: expected a mapping with keys {sorted(PROFILE_KEYS)}")
    problems = [
        f"{_line(data, k)}: unknown key '{k}'; allowed: {sorted(PROFILE_KEYS)}"
        for k in data
        if k not in PROFILE_KEYS
    ]
    publisher = data.get("publisher")
    if not isinstance(publisher, str) or not publisher.strip():
        problems.append("'publisher' must name who publishes the bulletins")
        publisher = ""
    short = data.get("short_names") or []
    if not isinstance(short, list) or not all(isinstance(s, str) and s for s in short):
        problems.append(f"{_line(data, 'short_names')}: 'short_names' must be a list of names")
        short = []
    shared = data.get("shared_with") or []
    if not isinstance(shared, list) or not all(isinstance(s, str) and s for s in shared):
        problems.append(f"{_line(data, 'shared_with')}: 'shared_with' must list publishers")
        shared = []
    names = _file(data, "names", path, problems, required=True)
    metrics = _file(data, "metrics", path, problems, required=False)
    if problems:
        raise ProfileError(f"{path}: " + "; ".join(problems))
    assert names is not None
    return Profile(
        publisher=publisher.strip(),
        short_names=tuple(s.strip() for s in short),
        names=names,
        metrics=metrics,
        path=path,
        shared_with=tuple(shared),
    )


def _file(
    data: Any, key: str, profile: Path, problems: list[str], *, required: bool
) -> Path | None:
    value = data.get(key)
    if value is None:
        if required:
            problems.append(f"'{key}' must name a file (relative to the profile)")
        return None
    target = (profile.parent / str(value)).resolve()
    if not target.is_file():
        problems.append(f"{_line(data, key)}: {key} file '{value}' not found at {target}")
    return target


def _line(data: Any, key: str) -> str:
    try:
        return f"line {data.lc.key(key)[0] + 1}"
    except (AttributeError, KeyError, TypeError):
        return "?"


def find_profile(start: Path) -> Path | None:
    """The nearest ``bulletins.yaml`` in a folder (or a file's folder) or any folder above."""
    folder = start if start.is_dir() else start.parent
    for candidate in (folder.resolve(), *folder.resolve().parents):
        found = candidate / PROFILE_NAME
        if found.is_file():
            return found
    return None


SPACES = re.compile(r"\s+")


def detect(texts: Iterable[str], profiles: Iterable[Profile]) -> Profile | None:
    """The one profile whose publisher the text names (issuer line, metadata block,
    signature); None when none or several do."""
    body = SPACES.sub("", unicodedata.normalize("NFKC", "\n".join(texts)))
    hits = [p for p in profiles if any(_norm(n) in body for n in p.printed_names())]
    return hits[0] if len(hits) == 1 else None


def _norm(text: str) -> str:
    return SPACES.sub("", unicodedata.normalize("NFKC", text))


TEMPLATE = """\
# A publisher profile: who publishes the bulletins in this folder (and every folder
# below it), and the files that teach `bulletins` this publisher's names and words.
# Paths are relative to this file. Check it with `bulletins names check`.
#
# publisher:   the name stored as `publisher` in the archive; names resolve within it,
#              so 区民政局 of two publishers stay two entities.
# short_names: other names the issuer signs with (title line, 发布机构, signature);
#              a bulletin naming exactly one profile's publisher is assigned to it.
# names:       the names registry (canonical departments, towns, centres and aliases).
# metrics:     (optional) header labels and table kinds this publisher adds to the
#              family's vocabulary, in the format of the shipped metrics file.
# shared_with: (optional) publishers whose entities this one shares (city-level units
#              that sit in several districts' halls; list those units under `shared:`
#              in the names file).
publisher: {publisher}
short_names: []
names: names.yaml
"""

NAMES_TEMPLATE = """\
# The names registry of {publisher}: canonical departments, towns and service centres,
# and the other names bulletins print for them. Start empty: run `bulletins ingest`, then
# `bulletins names suggest` writes every name it met under `suggestions:`, grouped where
# spellings look like one unit; write `accept: new` (or an entity's name) and ingest again.
#
# prefixes: how this publisher names its own region before a department
#   (e.g. [某某市东区, 东区] so that 东区发展改革局 is 区发展改革局).
# shared: (optional) entities that are no one district's own (city-level units in
#   several districts' halls, e.g. [市公交公司]): every names file that lists one under
#   `shared:` refers to one entity, so two districts in one archive meet on it.
prefixes: []
entities: []
"""


def write_template(folder: Path, publisher: str) -> list[Path]:
    """Write a commented profile and an empty names registry; never overwrite a file."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        folder / PROFILE_NAME: TEMPLATE.format(publisher=publisher),
        folder / "names.yaml": NAMES_TEMPLATE.format(publisher=publisher),
    }
    existing = [p for p in files if p.exists()]
    if existing:
        raise ProfileError(f"{existing[0]} exists already; nothing was written")
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    return list(files)
