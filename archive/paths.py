"""Which files an ingest reads, and the key each one is stored under.

A file in a named folder is keyed by its path relative to that folder; when several
folders are named, each key starts with its folder's name, so ``ingest 2021/ 2022/`` stores
``2021/01.txt`` and ``2022/01.txt`` — the same keys as ingesting their parent folder. A file
named on its own is keyed by its name. Two different files can never share a key: a
collision is an error raised before anything is written. Anything that is not a regular
file (FIFOs, devices, sockets, symlink loops), names that are not valid UTF-8 and files
over the size limit are refused with one line each, before a byte of them is read.
"""

from __future__ import annotations

import os
import stat
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

# Files a folder walk considers bulletins; a file named on the command line is always read.
BULLETIN_SUFFIXES = frozenset(
    {".txt", ".text", ".htm", ".html", ".pdf", ".doc", ".docx", ""}
    | {".png", ".jpg", ".jpeg", ".tif", ".tiff"}  # scans, read by OCR
)
# Largest file read (bytes); a monthly bulletin is well under 10 MB, even as a PDF.
MAX_FILE_BYTES = 64 * 1024 * 1024
# Largest total unpacked size of a zip container (DOCX), as a multiple of MAX_FILE_BYTES.
MAX_UNPACKED_RATIO = 4
ZIP_MAGIC = b"PK\x03\x04"


class KeyCollision(ValueError):
    """Two different files would be stored under one key."""


@dataclass(frozen=True)
class Found:
    """A file a walk found: where it is and the key it is stored under."""

    file: Path
    key: str


@dataclass(frozen=True)
class Refused:
    """A path a walk will not read, and why (one line)."""

    key: str
    reason: str


def folder_name(folder: Path) -> str:
    """The name a folder is known by in keys (``.`` and ``..`` become the real name)."""
    return Path(os.path.abspath(folder)).name or "root"


def walk(paths: Iterable[Path], max_bytes: int = MAX_FILE_BYTES) -> Iterator[Found | Refused]:
    """Every bulletin file under the given files and folders, sorted per folder, each once.

    Raises KeyCollision (before anything is yielded) when two different files would share
    a key.
    """
    given = list(paths)
    several = sum(1 for p in given if p.is_dir()) > 1
    items: list[Found | Refused] = []
    for path in given:
        if path.is_dir():
            prefix = folder_name(path) + "/" if several else ""
            items.extend(_walk_folder(path, prefix, max_bytes))
        else:
            items.append(_check(path, path.name, max_bytes, named=True))
    return iter(_unique(items))


def _walk_folder(given: Path, prefix: str, max_bytes: int) -> Iterator[Found | Refused]:
    for folder, dirs, files in os.walk(given):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            file = Path(folder) / name
            if name.startswith(".") or file.suffix.lower() not in BULLETIN_SUFFIXES:
                continue
            key = prefix + file.relative_to(given).as_posix()
            yield _check(file, key, max_bytes, named=False)


def _check(file: Path, key: str, max_bytes: int, *, named: bool) -> Found | Refused:
    try:
        key.encode("utf-8")
    except UnicodeEncodeError:
        shown = key.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        return Refused(shown, "the file name is not valid UTF-8; rename the file")
    reason = refusal(file, max_bytes)
    if reason is not None:
        if not named and reason == "not a regular file":
            reason = "not a regular file (a FIFO, device, socket or broken link); skipped"
        return Refused(key, reason)
    return Found(file, key)


def refusal(file: Path, max_bytes: int = MAX_FILE_BYTES) -> str | None:
    """Why a path cannot be read as a bulletin, or None when it can."""
    try:
        info = file.stat()
    except OSError as exc:
        return f"cannot read: {exc.strerror}"
    if stat.S_ISDIR(info.st_mode):
        return "a folder, not a file"
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file"
    if info.st_size > max_bytes:
        return f"too large ({info.st_size:,} bytes; the limit is {max_bytes:,}, see --max-size)"
    return _zip_refusal(file, max_bytes)


def _zip_refusal(file: Path, max_bytes: int) -> str | None:
    """A zip container (DOCX) whose members would unpack past the limit is refused."""
    try:
        with file.open("rb") as handle:
            if handle.read(4) != ZIP_MAGIC:
                return None
        with zipfile.ZipFile(file) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (OSError, zipfile.BadZipFile):
        return None  # the reader says what is wrong with it
    limit = max_bytes * MAX_UNPACKED_RATIO
    if unpacked > limit:
        return f"unpacks to {unpacked:,} bytes; the limit is {limit:,}"
    return None


def _unique(items: list[Found | Refused]) -> list[Found | Refused]:
    """Each file once; two different files under one key raise KeyCollision."""
    seen: dict[str, Found | Refused] = {}
    out: list[Found | Refused] = []
    for item in items:
        earlier = seen.get(item.key)
        if earlier is None:
            seen[item.key] = item
            out.append(item)
        elif not _same_file(earlier, item):
            raise KeyCollision(
                f"{_shown(earlier)} and {_shown(item)} would both be stored as {item.key}; "
                "name the folder that holds both instead"
            )
    return out


def _same_file(a: Found | Refused, b: Found | Refused) -> bool:
    if isinstance(a, Found) and isinstance(b, Found):
        try:
            return os.path.samefile(a.file, b.file)
        except OSError:
            return False
    return isinstance(a, Refused) and isinstance(b, Refused)


def _shown(item: Found | Refused) -> str:
    return str(item.file) if isinstance(item, Found) else item.key
