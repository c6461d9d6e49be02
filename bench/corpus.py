"""A generated corpus: variants of the two sample bulletins with other months and numbers."""

from __future__ import annotations

import random
import re
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1] / "corpus"
PIPE_VALUE = re.compile(r"^(\d+) \|$", re.M)
TAB_VALUE = re.compile(r"^\t(\d+)$", re.M)


def variant(text: str, rng: random.Random, year: int, month: int) -> str:
    """The same bulletin for another month: counts changed, month and year rewritten."""
    text = PIPE_VALUE.sub(lambda m: f"{_jitter(int(m[1]), rng)} |", text)
    text = TAB_VALUE.sub(lambda m: f"\t{_jitter(int(m[1]), rng)}", text)
    text = re.sub(r"(?<!\d)(9|12)月", f"{month}月", text)
    return re.sub(r"20(20|22)年", f"{year}年", text)


def _jitter(n: int, rng: random.Random) -> int:
    return max(0, n + rng.randint(-n // 10 - 1, n // 10 + 1)) if n > 40 else n


def make_corpus(folder: Path, count: int, seed: int = 1) -> list[Path]:
    """Write ``count`` bulletins into folder; return their paths."""
    rng = random.Random(seed)
    sources = sorted(SAMPLES.glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in sources]
    paths = []
    for i in range(count):
        year, month = 2019 + (i // 12) % 7, i % 12 + 1
        k = i % len(texts)
        path = folder / f"{year}-{month:02d}_{i:04d}_{sources[k].stem.split('_', 1)[1]}.txt"
        path.write_text(variant(texts[k], rng, year, month), encoding="utf-8")
        paths.append(path)
    return paths
