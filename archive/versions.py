"""What produced a bulletin's facts: the extractor's version and the configuration's hash.

Both are stored per bulletin. When the extractor changed, the next ingest reads the file
again; when only the configuration (the metrics vocabulary) changed, it normalises the
stored document again without reading the file.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import extract
from normalize.catalog import Catalog


@cache
def extractor_version() -> str:
    """The package version and a hash of the extractor's code and data files."""
    try:
        release = version("bulletins")
    except PackageNotFoundError:
        release = "0"
    root = Path(extract.__file__).parent
    digest = hashlib.sha256()
    for file in sorted(root.rglob("*")):
        if file.is_file() and file.suffix in (".py", ".yaml", ".yml", ".json", ".txt"):
            digest.update(file.relative_to(root).as_posix().encode("utf-8") + b"\0")
            digest.update(file.read_bytes() + b"\0")
    return f"{release}+{digest.hexdigest()[:12]}"


def config_hash(catalog: Catalog) -> str:
    """A hash of the configuration facts are normalised with (the metrics files)."""
    digest = hashlib.sha256()
    try:
        for source in (catalog.path, *catalog.extends):
            digest.update(Path(source).read_bytes())
    except OSError:  # a catalog built in memory: its contents, in a stable order
        digest.update(repr(sorted(map(repr, vars(catalog).items()))).encode("utf-8"))
    return digest.hexdigest()[:16]
