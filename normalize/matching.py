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

from rapidfuzz import distance, fuzz, process

from extract.hints import fold
from normalize.match_rules import MatchRules, family_rules
from normalize.names import NameBook, Resolution

QUALIFIER = re.compile(r"[(\[]([^()\[\]]*)[)\]]$")
INSERTED_AND = re.compile(r"(?<=[\u3400-\u9fff])和(?=[\u3400-\u9fff])")
STUTTER = re.compile(r"(.)\1{2,}")
# Fuzzy: a candidate is applied only when this good and this far ahead of the next entity.
AUTO_SCORE = 90.0
AUTO_MARGIN = 10.0
SUGGEST_SCORE = 40.0
TOP_CANDIDATES = 3


@dataclass(frozen=True)
class Key:
    """A printed name reduced for comparison, with what was taken off it.

    ``head`` is the head noun in its short form (联 for 联合会); ``bodies`` are what is left
    before it: one body, or two when a long ending also ends with a plain head
    (市场监督管理局 → 市场监督 and 市场监督管理).
    """

    key: str
    qualifier: str | None
    head: str
    settlements: tuple[str, ...]
    bodies: tuple[str, ...] = ()
    short_head: bool = False  # the name ends with a family's short form (区残联)

    def compatible(self, other: Key) -> bool:
        """Same head noun and the same settlement kinds: 局 ≠ 中心, 村 ≠ 社区."""
        return self.head == other.head and self.settlements == other.settlements


def name_key(raw: str, rules: MatchRules | None = None) -> Key:
    """Normalise a name: NFKC, no spaces, qualifier off, prefix off, office suffix off."""
    rules = rules or family_rules()
    text = fold(raw)
    qualifier = None
    match = QUALIFIER.search(text)
    if match and match.start() > 0:
        qualifier, text = match[1], text[: match.start()]
    for prefix in rules.prefixes:
        if text.startswith(prefix) and len(text) > len(prefix) + 1:
            text = text[len(prefix) :]
            break
    for suffix, replacement in rules.office_suffixes:
        if text.endswith(suffix):
            text = text[: -len(suffix)] + replacement
            break
    text = STUTTER.sub(r"\1", INSERTED_AND.sub("", text))
    head, bodies, short_head = _head(text, rules)
    settlements = settlement_kinds(text, rules)
    return Key(text, qualifier, head, settlements, bodies, short_head)


def settlement_kinds(text: str, rules: MatchRules) -> tuple[str, ...]:
    """The settlement words a name holds (镇, 村, 社区 …), not counting those inside a word
    that names no settlement (农村 in 农业农村局, 乡村 in 乡村振兴局)."""
    for word in rules.not_settlements:
        text = text.replace(word, "")
    return tuple(w for w in rules.settlements if w in text)


def _head(text: str, rules: MatchRules) -> tuple[str, tuple[str, ...], bool]:
    """(head in its short form, bodies before it, whether a family's short form ends it)."""
    for long, short in rules.suffix_families:
        if text.endswith(long):
            bodies = [text[: -len(long)]]
            plain = next((h for h in rules.heads if long.endswith(h) and h != long), None)
            if plain is not None:
                bodies.append(text[: -len(plain)])
            return short, tuple(b for b in bodies if b), False
    for _, short in rules.suffix_families:
        if short not in rules.heads and text.endswith(short) and len(text) > len(short):
            return short, (text[: -len(short)],), True
    head = next((h for h in rules.heads if text.endswith(h)), "")
    return head, ((text[: -len(head)],) if head and len(text) > len(head) else ()), False


def is_abbreviation(short: Key, long: Key) -> bool:
    """The short form keeps the long form's characters in order, on the same head noun.

    A body of one character is enough only where the short form is a family's short
    ending (区残联 for 区残疾人联合会); otherwise it takes two (区住建局).
    """
    if not short.head or not short.compatible(long) or len(short.key) >= len(long.key):
        return False
    least = 1 if short.short_head and not long.short_head else 2
    return any(
        _keeps_in_order(body, full)
        for body in short.bodies
        for full in long.bodies
        if len(body) >= least and len(body) < len(full)
    )


def first_word(short: Key, long: Key) -> bool:
    """The short name's body is where the long one's begins (教育 of 教育体育): a part of
    the long name, not a short form of the whole."""
    return short.compatible(long) and any(
        full.startswith(body) and len(body) < len(full)
        for body in short.bodies
        for full in long.bodies
        if len(body) >= 2
    )


def _keeps_in_order(body: str, full: str) -> bool:
    """The body's characters appear in order in the full form, from its first word to its
    last: an abbreviation takes a character of each word (住建 ⊂ 住房城乡建设), so its last
    character falls in the second half; 林业 is a part of 林业草原, not a short form of it.
    """
    if body[0] != full[0]:
        return False
    if len(body) == 1:
        return True  # a family's short ending names the rest (残 + 联 for 残疾人联合会)
    pos = 0
    for ch in body[:-1]:
        pos = full.find(ch, pos) + 1
        if pos == 0:
            return False
    return full.find(body[-1], max(pos, len(full) // 2)) >= 0


@dataclass(frozen=True)
class Candidate:
    """A possible entity for a raw name."""

    entity: str
    score: float
    how: str  # exact, abbreviation, fuzzy
    spelling: str = ""  # the reduced spelling of the entity that scored best


class Matcher:
    """Resolves raw names against a names file; build once, use for many names."""

    def __init__(self, book: NameBook, rules: MatchRules | None = None) -> None:
        self.book = book
        self.rules = (rules or family_rules()).with_prefixes(book.prefixes)
        self._keys: dict[str, Key] = {}
        self.spellings: list[tuple[str, Key]] = []  # (entity, key of one of its spellings)
        for entity in book.entities.values():
            for spelling in (entity.name, *entity.aliases):
                self.spellings.append((entity.name, self.key(spelling)))
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

    def key(self, raw: str) -> Key:
        """A name reduced with this matcher's rules and the names file's prefixes."""
        found = self._keys.get(raw)
        if found is None:
            found = self._keys[raw] = name_key(raw, self.rules)
        return found

    def same_unit(self, a: str, b: str) -> bool:
        """Two printed names look like spellings of one unit: the same after normalisation,
        or one an abbreviation of the other (used to cluster unresolved names)."""
        ka, kb = self.key(a), self.key(b)
        return ka.key == kb.key or is_abbreviation(ka, kb) or is_abbreviation(kb, ka)

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
        key = self.key(raw)
        exact = {e for e in self.by_key.get(key.key, set()) if not self.forbidden(raw, e)}
        if len(exact) == 1:
            return Resolution(raw, exact.pop(), "exact", 1.0)
        if exact:
            return None  # two entities share the normalised name: a person decides
        # Either way round: a short form printed (区住建局) for a long one in the names file,
        # or a long form printed (区医疗保障局) for a short one (区医保局).
        near = self.by_head.get((key.head, key.key[:1]), [])
        hits = {
            e
            for e, k in near
            if (is_abbreviation(key, k) or is_abbreviation(k, key)) and not self.forbidden(raw, e)
        }
        if len(hits) != 1:
            return None  # none, or two candidates: a person decides
        entity = hits.pop()
        if any(first_word(key, k) or first_word(k, key) for e, k in near if e == entity):
            return None  # 区教育局 names a part of 区教育和体育局: only suggested
        return Resolution(raw, entity, "abbreviation", 0.95)

    def fuzzy(self, raws: list[str]) -> list[list[Candidate]]:
        """Ranked candidates per raw name.

        The rank is the mean of three rapidfuzz scorers: Indel ratio (edits), Jaro-Winkler
        (shared beginnings) and the longest common subsequence (abbreviations keep the
        long form's characters in order). Applying a candidate also needs the plain ratio.
        """
        if not raws or not self.keys:
            return [[] for _ in raws]
        import numpy as np  # here: most runs never rank candidates, and numpy costs start-up

        queries = [self.key(r) for r in raws]
        texts = [q.key for q in queries]
        ratio = process.cdist(texts, self.keys, scorer=fuzz.ratio, workers=-1, dtype=np.float32)
        others = (distance.JaroWinkler.normalized_similarity, distance.LCSseq.normalized_similarity)
        scores = ratio.copy()
        for scorer in others:
            scores += 100 * process.cdist(
                texts, self.keys, scorer=scorer, workers=-1, dtype=np.float32
            )
        scores /= 3.0
        # The best columns of every row at once, best first; a spelling under SUGGEST_SCORE
        # on the mean cannot reach it (the score used is the mean or less), so it is dropped
        # before the per-candidate work in Python.
        top = min(8 * TOP_CANDIDATES, len(self.keys) - 1)
        nearest = np.argpartition(-scores, top, axis=1)[:, : top + 1]
        order = np.argsort(-np.take_along_axis(scores, nearest, axis=1), axis=1)
        nearest = np.take_along_axis(nearest, order, axis=1)
        out = []
        for i, (raw, query) in enumerate(zip(raws, queries, strict=True)):
            best: dict[str, tuple[float, Key]] = {}  # entity: (score, its best spelling)
            columns = nearest[i]
            means, ratios = scores[i, columns].tolist(), ratio[i, columns].tolist()
            for j, mean, edits in zip(columns.tolist(), means, ratios, strict=True):
                if mean < SUGGEST_SCORE:
                    continue
                entity, key = self.spellings[j]
                score = min(mean, edits) if query.compatible(key) else mean / 2
                if score < SUGGEST_SCORE or self.forbidden(raw, entity):
                    continue
                if entity not in best or best[entity][0] < score:
                    best[entity] = (round(score, 1), key)
            ranked = sorted(best.items(), key=lambda item: -item[1][0])[:TOP_CANDIDATES]
            out.append([_candidate(entity, score, query, key) for entity, (score, key) in ranked])
        return out

    def _apply_fuzzy(self, raw: str, ranked: list[Candidate]) -> Resolution:
        if not ranked:
            return Resolution(raw, None, "unresolved", 0.0)
        top = ranked[0]
        runner_up = ranked[1].score if len(ranked) > 1 else 0.0
        if (
            top.score >= AUTO_SCORE
            and top.score - runner_up >= AUTO_MARGIN
            and stems_alike(self.key(raw).key, top.spelling, self.rules.place_marks)
        ):
            return Resolution(raw, top.entity, "fuzzy", top.score / 100)
        return Resolution(raw, None, "unresolved", top.score / 100)


def _candidate(entity: str, score: float, query: Key, key: Key) -> Candidate:
    """A ranked candidate; ``how`` says whether one name keeps the other's characters."""
    abbreviated = is_abbreviation(query, key) or is_abbreviation(key, query)
    return Candidate(entity, score, "abbreviation" if abbreviated else "fuzzy", key.key)


def stems_alike(a: str, b: str, place_marks: tuple[str, ...] = ()) -> bool:
    """The parts of two names that tell them apart are alike too, not only the whole.

    Unit names share long generic endings (社区便民服务中心), so 路北… and 路南… score 90 on
    the whole. A typo changes, adds or drops one character after the name has begun
    (住房城多建设 for 住房城乡建设); a different unit differs at its start (路北 / 路南,
    小宝鼎 / 宝鼎), or in a place name (…东区管理部 / …西区管理部: the character before a
    place mark such as 区 or 县).
    """
    end = 0
    while end < min(len(a), len(b)) and a[-1 - end] == b[-1 - end]:
        end += 1
    if end and a[len(a) - end].startswith(place_marks):
        return False  # 东区 / 西区: another place, not a typo
    a, b = a[: len(a) - end], b[: len(b) - end]
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    return start >= 2 and len(a) - start <= 1 and len(b) - start <= 1


# Resolutions a person stated in the names file: never withdrawn by inference.
STATED = ("name", "alias", "accepted")


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
            if clash and r.method not in STATED:
                others = sorted(set(by_entity[str(r.entity)]) - {raw})
                why = f"the same bulletin also prints {'、'.join(others)} for {r.entity}"
                r = Resolution(raw, None, "conflict", r.score, why)
            out[(bulletin, raw)] = r
    return out
