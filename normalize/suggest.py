"""Writing suggestions into the names file without disturbing what a person wrote there.

The file is edited round-trip (ruamel.yaml): comments, order, quoting and flow style of
every existing entry stay as they were. Each unresolved name becomes one entry under
``suggestions:``; the user accepts it by writing the entity's name after ``accept:``.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from extract.hints import fold
from normalize.names import NEW, read_yaml

HELP = (
    "Names the archive could not resolve, with where they were seen and the best\n"
    "candidates. To accept one, write the entity's name after `accept:` (or `new` to make\n"
    "it a new entity named as `propose:` says, with the spellings under `also:`) and run\n"
    "`bulletins ingest` again (no bulletin is read again). Leave it empty to decide later.\n"
    "`bulletins names fold` moves accepted suggestions into the entities above."
)


@dataclass(frozen=True)
class Suggestion:
    """An unresolved raw name to put before a person.

    ``also`` holds other unresolved spellings of what looks like the same unit (a cluster);
    ``propose`` the name a new entity would get (`accept: new`), ``kind`` its kind.
    """

    raw: str
    bulletins: int
    facts: int
    first_seen_in: str
    candidates: list[str]
    also: tuple[str, ...] = ()
    propose: str | None = None
    kind: str | None = None


def cluster(suggestions: list[Suggestion], same: Callable[[str, str], bool]) -> list[Suggestion]:
    """Group spellings of one unit into one suggestion, most seen first.

    ``same(a, b)`` says two raw names are spellings of one unit (the same name after
    normalisation, or one an abbreviation of the other). A group is proposed as a new
    entity under its longest spelling (区残疾人联合会 rather than 区残联).
    """
    groups: list[list[Suggestion]] = []
    for s in suggestions:
        home = next((g for g in groups if any(same(s.raw, t.raw) for t in g)), None)
        if home is None:
            groups.append([s])
        else:
            home.append(s)
    out = []
    for group in groups:
        head = group[0]
        longest = max(group, key=lambda t: (len(t.raw), -group.index(t))).raw
        also = tuple(t.raw for t in group[1:])
        out.append(
            replace(
                head,
                bulletins=sum(t.bulletins for t in group),
                facts=sum(t.facts for t in group),
                also=also,
                propose=longest if (also or not head.candidates) else None,
                kind=guess_kind(longest) if (also or not head.candidates) else None,
            )
        )
    return out


def guess_kind(name: str) -> str:
    """The kind a new entity most likely has, from how its name ends."""
    folded = fold(name)
    if "便民服务" in folded:
        return "centre"
    if folded.endswith(("镇", "街道", "乡")):
        return "town"
    return "department"


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
            if s.also:
                item["also"] = _flow(list(s.also))
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
    if s.also:
        entry["also"] = _flow(list(s.also))
    if s.propose:
        entry["propose"] = s.propose
        entry["kind"] = s.kind
    return entry


def _seen(s: Suggestion) -> CommentedMap:
    seen = CommentedMap(bulletins=s.bulletins, facts=s.facts, first=s.first_seen_in)
    seen.fa.set_flow_style()
    return seen


def _candidates(s: Suggestion) -> Any:
    return _flow(s.candidates)


def _flow(items: list[str]) -> Any:
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def fold_accepted(path: Path) -> tuple[int, int]:
    """Move every accepted suggestion into the entities: its spellings become aliases of
    the entity it names, or a new entity's entry; return (aliases added, entities created).

    The file is edited round-trip; suggestions nobody accepted stay where they are.
    """
    data = read_yaml(path)
    items = data.get("suggestions")
    entities = data.get("entities")
    if not isinstance(items, CommentedSeq) or not isinstance(entities, CommentedSeq):
        return 0, 0
    by_name = {str(e.get("name")): e for e in entities if isinstance(e, dict)}
    aliases = created = 0
    for i in reversed(range(len(items))):
        item = items[i]
        if not isinstance(item, dict) or item.get("accept") in (None, ""):
            continue
        accept = str(item["accept"])
        proposed = str(item.get("propose") or item["raw"])
        name = proposed if accept == NEW else accept
        spellings = [str(item["raw"]), *(str(a) for a in item.get("also") or [])]
        entry = by_name.get(name)
        if entry is None:
            entry = CommentedMap(name=name, kind=str(item.get("kind") or "other"))
            entry.fa.set_flow_style()
            entities.append(entry)
            by_name[name] = entry
            created += 1
        known = {fold(name), *(fold(str(a)) for a in entry.get("aliases") or [])}
        new = [s for s in dict.fromkeys(spellings) if fold(s) not in known]
        if new:
            if "aliases" not in entry:
                entry["aliases"] = _flow([])
            entry["aliases"].extend(new)
            aliases += len(new)
        del items[i]
    buffer = io.StringIO()
    yaml_writer().dump(data, buffer)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return aliases, created
