"""Resolving printed department names to canonical entities, conservatively.

In order: a confirmed spelling in the names file → the same name after normalisation
(prefixes such as 西区, a qualifier in brackets, office suffixes, an inserted 和, a
stuttered character) → abbreviation evidence (the short form's characters appear in
order in the long form, aligned on the head noun: 住建局 ⊂ 住房城乡建设局) → fuzzy scores,
which only rank suggestions unless one candidate is far ahead. Nothing is applied that
could merge two distinct entities: never across head nouns (局 / 中心) or settlement kinds
(村 / 社区 / 街道), never a pair marked never-merge, never when two candidates are close.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from rapidfuzz import distance, fuzz, process

from extract.hints import fold
from normalize.names import NameBook, Resolution

PREFIXES = ("攀枝花市西区", "西区", "区")
OFFICE_SUFFIXES = (
    ("街道办事处", "街道"),
    ("办事处", ""),
    ("居民委员会", "社区"),
    ("村民委员会", "村"),
)
QUALIFIER = re.compile(r"[(\[]([^()\[\]]*)[)\]]$")
INSERTED_AND = re.compile(r"(?<=[\u3400-\u9fff])和(?=[\u3400-\u9fff])")
STUTTER = re.compile(r"(.)\1{2,}")
HEADS = ("中心", "街道", "社区", "公司", "窗口", "分局", "大队", "支队", "管理部", "办公室",
         "局", "村", "镇", "队", "处", "部", "会", "所", "站", "室", "院")  # fmt: skip
SETTLEMENTS = re.compile(r"街道|社区|村|镇")
# Fuzzy: a candidate is applied only when this good and this far ahead of the next entity.
AUTO_SCORE = 90.0
AUTO_MARGIN = 10.0
SUGGEST_SCORE = 40.0
TOP_CANDIDATES = 3


@dataclass(frozen=True)
class Key:
    """A printed name reduced for comparison, with what was taken off it."""

    key: str
    qualifier: str | None
    head: str
    settlements: tuple[str, ...]

    def compatible(self, other: Key) -> bool:
        """Same head noun and the same settlement kinds: 局 ≠ 中心, 村 ≠ 社区."""
        return self.head == other.head and self.settlements == other.settlements


def name_key(raw: str) -> Key:
    """Normalise a name: NFKC, no spaces, qualifier off, prefix off, office suffix off."""
    text = fold(raw)
    qualifier = None
    match = QUALIFIER.search(text)
    if match and match.start() > 0:
        qualifier, text = match[1], text[: match.start()]
    for prefix in PREFIXES:
        if text.startswith(prefix) and len(text) > len(prefix) + 1:
            text = text[len(prefix) :]
            break
    for suffix, replacement in OFFICE_SUFFIXES:
        if text.endswith(suffix):
            text = text[: -len(suffix)] + replacement
            break
    text = STUTTER.sub(r"\1", INSERTED_AND.sub("", text))
    head = next((h for h in HEADS if text.endswith(h)), "")
    return Key(text, qualifier, head, tuple(SETTLEMENTS.findall(text)))


def is_abbreviation(short: Key, long: Key) -> bool:
    """The short form keeps the long form's characters in order, on the same head noun."""
    if not short.head or not short.compatible(long) or len(short.key) >= len(long.key):
        return False
    body, full = short.key[: -len(short.head)], long.key[: -len(long.head)]
    if len(body) < 2 or body[0] != full[0]:
        return False
    rest = iter(full)
    return all(ch in rest for ch in body)


@dataclass(frozen=True)
class Candidate:
    """A possible entity for a raw name."""

    entity: str
    score: float
    how: str  # exact, abbreviation, fuzzy


class Matcher:
    """Resolves raw names against a names file; build once, use for many names."""

    def __init__(self, book: NameBook) -> None:
        self.book = book
        self.spellings: list[tuple[str, Key]] = []  # (entity, key of one of its spellings)
        for entity in book.entities.values():
            for spelling in (entity.name, *entity.aliases):
                self.spellings.append((entity.name, name_key(spelling)))
        self.by_key: dict[str, set[str]] = {}
        # Abbreviation candidates share the head noun and the first character.
        self.by_head: dict[tuple[str, str], list[tuple[str, Key]]] = {}
        for entity_name, key in self.spellings:
            self.by_key.setdefault(key.key, set()).add(entity_name)
            self.by_head.setdefault((key.head, key.key[:1]), []).append((entity_name, key))
        self.keys = [key.key for _, key in self.spellings]
        self.candidates: dict[str, list[Candidate]] = {}
        self.folded: dict[str, set[str]] = {}
        for spelling, (entity_name, _) in book.spellings.items():
            self.folded.setdefault(entity_name, set()).add(spelling)

    def forbidden(self, raw: str, entity: str) -> bool:
        """True when the names file says this raw name and this entity never merge."""
        if not self.book.never_merge:
            return False
        names = self.folded.get(entity, set())
        folded = fold(raw)
        for a, b in self.book.never_merge:
            if (folded == a and b in names) or (folded == b and a in names):
                return True
        return False

    def resolve(self, raws: Iterable[str]) -> dict[str, Resolution]:
        """Resolve each distinct raw name; the fuzzy stage runs once for all of them.

        The ranked candidates of every name that reached the fuzzy stage stay in
        ``self.candidates`` for suggestions.
        """
        out: dict[str, Resolution] = {}
        pending: list[str] = []
        for raw in dict.fromkeys(raws):
            found = self.book.resolve(raw)
            if found.entity is None:
                found = self._exact_or_abbreviation(raw) or found
            if found.entity is None:
                pending.append(raw)
            out[raw] = found
        for raw, ranked in zip(pending, self.fuzzy(pending), strict=True):
            self.candidates[raw] = ranked
            out[raw] = self._apply_fuzzy(raw, ranked)
        return out

    def candidates_for(self, raws: list[str]) -> list[list[Candidate]]:
        """Ranked candidates of each raw name, computed once."""
        missing = [raw for raw in raws if raw not in self.candidates]
        for raw, ranked in zip(missing, self.fuzzy(missing), strict=True):
            self.candidates[raw] = ranked
        return [self.candidates[raw] for raw in raws]

    def _exact_or_abbreviation(self, raw: str) -> Resolution | None:
        key = name_key(raw)
        exact = {e for e in self.by_key.get(key.key, set()) if not self.forbidden(raw, e)}
        if len(exact) == 1:
            return Resolution(raw, exact.pop(), "exact", 1.0)
        if exact:
            return None  # two entities share the normalised name: a person decides
        near = self.by_head.get((key.head, key.key[:1]), [])
        longer = {e for e, k in near if is_abbreviation(key, k) and not self.forbidden(raw, e)}
        if len(longer) == 1:
            return Resolution(raw, longer.pop(), "abbreviation", 0.95)
        return None

    def fuzzy(self, raws: list[str]) -> list[list[Candidate]]:
        """Ranked candidates per raw name.

        The rank is the mean of three rapidfuzz scorers: Indel ratio (edits), Jaro-Winkler
        (shared beginnings) and the longest common subsequence (abbreviations keep the
        long form's characters in order). Applying a candidate also needs the plain ratio.
        """
        if not raws or not self.keys:
            return [[] for _ in raws]
        queries = [name_key(r) for r in raws]
        texts = [q.key for q in queries]
        ratio = process.cdist(texts, self.keys, scorer=fuzz.ratio, workers=-1, dtype=np.float32)
        others = (distance.JaroWinkler.normalized_similarity, distance.LCSseq.normalized_similarity)
        scores = ratio.copy()
        for scorer in others:
            scores += 100 * process.cdist(
                texts, self.keys, scorer=scorer, workers=-1, dtype=np.float32
            )
        scores /= 3.0
        out = []
        for i, (raw, query) in enumerate(zip(raws, queries, strict=True)):
            best: dict[str, Candidate] = {}
            top = min(8 * TOP_CANDIDATES, len(self.keys) - 1)
            best_j = np.argpartition(-scores[i], top)[: top + 1]
            for j in best_j[np.argsort(-scores[i][best_j])]:
                entity, key = self.spellings[j]
                score = float(
                    min(scores[i][j], ratio[i][j]) if query.compatible(key) else scores[i][j] / 2
                )
                if score < SUGGEST_SCORE or self.forbidden(raw, entity):
                    continue
                if entity not in best or best[entity].score < score:
                    how = "abbreviation" if is_abbreviation(query, key) else "fuzzy"
                    best[entity] = Candidate(entity, round(score, 1), how)
            out.append(sorted(best.values(), key=lambda c: -c.score)[:TOP_CANDIDATES])
        return out

    def _apply_fuzzy(self, raw: str, ranked: list[Candidate]) -> Resolution:
        if not ranked:
            return Resolution(raw, None, "unresolved", 0.0)
        top = ranked[0]
        runner_up = ranked[1].score if len(ranked) > 1 else 0.0
        if top.score >= AUTO_SCORE and top.score - runner_up >= AUTO_MARGIN:
            return Resolution(raw, top.entity, "fuzzy", top.score / 100)
        return Resolution(raw, None, "unresolved", top.score / 100)


def one_name_per_entity(
    seen: dict[str, set[str]], resolved: dict[str, Resolution]
) -> dict[tuple[str, str], Resolution]:
    """Per bulletin, two different raw names never land on one entity by inference.

    ``seen`` maps a bulletin to the raw names it prints. A bulletin lists a department
    once, so when two of its names resolve to the same entity and the names file did not
    say so, the inferred resolutions are withdrawn (method ``conflict``).
    """
    out: dict[tuple[str, str], Resolution] = {}
    for bulletin, raws in seen.items():
        by_entity: dict[str, list[str]] = {}
        for raw in raws:
            entity = resolved[raw].entity
            if entity is not None:
                by_entity.setdefault(entity, []).append(raw)
        for raw in raws:
            r = resolved[raw]
            clash = r.entity is not None and len(by_entity[r.entity]) > 1
            if clash and r.method not in ("name", "alias"):
                r = Resolution(raw, None, "conflict", r.score)
            out[(bulletin, raw)] = r
    return out
