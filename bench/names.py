"""Name suggestions at archive scale: 10,000 raw names against 2,000 canonical ones."""

from __future__ import annotations

import random
import time

from extract.hints import fold
from normalize.matching import Matcher
from normalize.names import Entity, NameBook

CJK = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
HEADS = ["局", "中心", "街道", "社区便民服务中心", "村便民服务中心", "大队", "办公室"]
CANONICAL = 2000
RAW = 10000


def make_book(rng: random.Random) -> NameBook:
    """2,000 canonical entities with district-style names."""
    book = NameBook()
    while len(book.entities) < CANONICAL:
        name = "区" + "".join(rng.choices(CJK, k=rng.randint(2, 6))) + rng.choice(HEADS)
        if name not in book.entities:
            book.entities[name] = Entity(name, "department")
            book.spellings[fold(name)] = (name, "name")
    return book


def make_raws(book: NameBook, rng: random.Random) -> list[str]:
    """Variants of canonical names (prefix, typo, inserted 和) and unrelated names."""
    names = list(book.entities)
    raws: set[str] = set()
    while len(raws) < RAW:
        name = rng.choice(names)
        kind = rng.randrange(4)
        if kind == 0:
            raws.add("西" + name)
        elif kind == 1:
            i = rng.randrange(1, len(name) - 1)
            raws.add(name[:i] + rng.choice(CJK) + name[i + 1 :])
        elif kind == 2:
            raws.add(name[:2] + "和" + name[2:])
        else:
            raws.add("区" + "".join(rng.choices(CJK, k=4)) + rng.choice(HEADS))
    return sorted(raws)


def main() -> None:
    rng = random.Random(5)
    book = make_book(rng)
    raws = make_raws(book, rng)
    start = time.perf_counter()
    matcher = Matcher(book)
    resolved = matcher.resolve(raws)
    unresolved = [raw for raw, r in resolved.items() if r.entity is None]
    matcher.candidates_for(unresolved)
    seconds = time.perf_counter() - start
    applied = sum(1 for r in resolved.values() if r.entity)
    print(
        f"name suggestions: {len(set(raws)):,} raw names × {CANONICAL:,} canonical: "
        f"{seconds:.2f} s (target ≤ 2 s); {applied:,} resolved, {len(unresolved):,} with candidates"
    )


if __name__ == "__main__":
    main()
