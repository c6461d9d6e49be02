"""Writing suggestions into the names file without disturbing what a person wrote there.

The file is edited round-trip (ruamel.yaml): comments, order, quoting and flow style of
every existing entry stay as they were. Each unresolved name becomes one entry under
``suggestions:``; the user accepts it by writing the entity's name after ``accept:``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from extract.hints import fold
from normalize.names import read_yaml

HELP = (
    "Names the archive could not resolve, with where they were seen and the best\n"
    "candidates. To accept one, write the entity's name after `accept:` and run\n"
    "`bulletins ingest` again (no bulletin is read again). Leave it empty to decide later."
)


@dataclass(frozen=True)
class Suggestion:
    """An unresolved raw name to put before a person."""

    raw: str
    bulletins: int
    facts: int
    first_seen_in: str
    candidates: list[str]


def yaml_writer() -> YAML:
    """A round-trip YAML writer that keeps long lines and the file's indentation."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def add_suggestions(
    path: Path, suggestions: list[Suggestion], resolved: set[str]
) -> tuple[int, int]:
    """Merge suggestions into the names file; return (added, updated).

    An existing suggestion keeps its `accept:`; its `seen` and `candidates` are refreshed.
    One nobody accepted whose name now resolves another way is dropped.
    """
    data = read_yaml(path)
    items = data.get("suggestions")
    if not isinstance(items, CommentedSeq):
        items = CommentedSeq()
        data["suggestions"] = items
        data.yaml_set_comment_before_after_key("suggestions", before="\n" + HELP)
    by_raw = {fold(str(item.get("raw"))): item for item in items if isinstance(item, dict)}
    for i in reversed(range(len(items))):
        item = items[i]
        if (
            isinstance(item, dict)
            and not item.get("accept")
            and fold(str(item.get("raw"))) in resolved
        ):
            del items[i]
    added = updated = 0
    for s in suggestions:
        item = by_raw.get(fold(s.raw))
        if item is None:
            items.append(_entry(s))
            added += 1
        else:
            item["seen"] = _seen(s)
            item["candidates"] = _candidates(s)
            updated += 1
    buffer = io.StringIO()
    yaml_writer().dump(data, buffer)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return added, updated


def _entry(s: Suggestion) -> CommentedMap:
    entry = CommentedMap()
    entry["raw"] = s.raw
    entry["accept"] = None
    entry["seen"] = _seen(s)
    entry["candidates"] = _candidates(s)
    return entry


def _seen(s: Suggestion) -> CommentedMap:
    seen = CommentedMap(bulletins=s.bulletins, facts=s.facts, first=s.first_seen_in)
    seen.fa.set_flow_style()
    return seen


def _candidates(s: Suggestion) -> Any:
    seq = CommentedSeq(s.candidates)
    seq.fa.set_flow_style()
    return seq
