"""Header words over a table's name columns that say what its rows are, by table kind
(data/name_headers.yaml): 部门 departments (hall_windows), 乡镇 towns (town_centers)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from extract.hints import fold
from normalize.catalog import KEY_RE
from normalize.yamlload import load_yaml

NAME_HEADERS_FILE = Path(__file__).parent / "data" / "name_headers.yaml"


class NameHeadersError(ValueError):
    """The name headers file is malformed."""


@lru_cache(maxsize=2)
def load_name_headers(path: Path = NAME_HEADERS_FILE) -> dict[str, tuple[str, ...]]:
    """Table kind → folded header words; checked: kinds are keys, words non-empty text."""
    data: Any = load_yaml(path)
    if not isinstance(data, dict):
        raise NameHeadersError(f"{path}: expected a mapping of table kinds to words")
    out: dict[str, tuple[str, ...]] = {}
    for kind, words in data.items():
        if not isinstance(kind, str) or not KEY_RE.match(kind):
            raise NameHeadersError(f"{path}: '{kind}' is not a lower_snake_case table kind")
        if not isinstance(words, list) or not words:
            raise NameHeadersError(f"{path}: '{kind}' needs a list of words")
        if not all(isinstance(w, str) and w.strip() for w in words):
            raise NameHeadersError(f"{path}: '{kind}': every word must be non-empty text")
        out[kind] = tuple(fold(w) for w in words)
    return out


def unknown_kinds(headers: dict[str, tuple[str, ...]], kinds: set[str]) -> list[str]:
    """Kinds named in the file that the catalog does not know."""
    return sorted(set(headers) - kinds)
