"""One YAML loader for every configuration file, with limits on size and alias expansion.

A configuration file is small; a file over ``MAX_YAML_BYTES`` is refused before it is
parsed. Aliases are allowed, but a document whose aliases would expand past
``MAX_YAML_NODES`` nodes (a "billion laughs" file) is refused after one pass over its
events, before anything is built from it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    ScalarEvent,
)

MAX_YAML_BYTES = 4 * 1024 * 1024
MAX_YAML_NODES = 1_000_000


class YamlError(ValueError):
    """A YAML file cannot be read, is not valid YAML, or is over a limit."""

    def __init__(self, path: Path, problem: str, line: int | None = None) -> None:
        where = f"line {line}: " if line is not None else ""
        super().__init__(f"{path}: {where}{problem}")
        self.path, self.problem, self.line = path, problem, line


def load_yaml(path: Path, typ: str = "safe") -> Any:
    """Parse a YAML file (``typ`` "rt" keeps comments and order) within the limits."""
    text = read_text(path)
    try:
        if "&" in text:  # without an anchor there is no alias to expand
            check_expansion(text, path)
        return YAML(typ=typ).load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise YamlError(path, f"not valid YAML: {getattr(exc, 'problem', exc)}", line) from None


def read_text(path: Path) -> str:
    """A YAML file's text, refused before reading when over MAX_YAML_BYTES."""
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise YamlError(path, f"too large ({size:,} bytes; the limit is {MAX_YAML_BYTES:,})")
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise YamlError(path, f"cannot read: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise YamlError(path, f"not UTF-8 (byte {exc.start})") from None


def check_expansion(text: str, path: Path) -> None:
    """Refuse a document whose aliases expand past MAX_YAML_NODES nodes."""
    anchored: dict[str, int] = {}  # anchor → nodes its value expands to
    open_: list[tuple[str | None, int]] = []  # collections being read: (anchor, nodes)
    total = 0
    for event in YAML(typ="safe").parse(text):
        if isinstance(event, CollectionStartEvent):
            open_.append((event.anchor, 1))
            continue
        if isinstance(event, ScalarEvent):
            nodes = 1
            if event.anchor:
                anchored[event.anchor] = 1
        elif isinstance(event, AliasEvent):
            nodes = anchored.get(str(event.anchor), 1)
        elif isinstance(event, CollectionEndEvent):
            anchor, nodes = open_.pop()
            if anchor:
                anchored[anchor] = nodes
        else:
            continue
        if open_:
            anchor, count = open_[-1]
            open_[-1] = (anchor, count + nodes)
        else:
            total += nodes
        if nodes > MAX_YAML_NODES or total > MAX_YAML_NODES:
            raise YamlError(
                path, f"aliases expand past {MAX_YAML_NODES:,} nodes; refused (a YAML bomb?)"
            )
