"""A generated corpus: variants of the two sample bulletins with other months and numbers.

Each sample is cut once into a template: the text between the counts of its tables
(a count alone on a line before ``|`` in the pipe-delimited sample, after a tab in the
tab-indented one), with its month (9月 or 12月) and year (2020年 or 2022年) marked.
A variant fills the template: every count above 40 moves by up to a tenth (plus one)
either way, small counts stay, and the month and year are the variant's.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1] / "corpus"
PIPE_VALUE = re.compile(r"^(\d+) \|$", re.M)
TAB_VALUE = re.compile(r"^\t(\d+)$", re.M)
MONTH = re.compile(r"(?<!\d)(?:9|12)(?=月)")
YEAR = re.compile(r"20(?:20|22)(?=年)")
MONTH_MARK, YEAR_MARK = "\x00M", "\x00Y"
STEADY = 40  # counts up to this stay as printed


@dataclass(frozen=True)
class Template:
    """A sample bulletin with its counts cut out and its month and year marked."""

    stem: str  # the sample's name after its date, e.g. xiqu_zwfw
    pieces: tuple[str, ...]  # the text around the counts: one more than the counts
    counts: tuple[int, ...]


def template(text: str, stem: str) -> Template:
    """Cut ``text`` at every table count; mark its month and year."""
    spans = [m.span(1) for m in PIPE_VALUE.finditer(text)]
    spans += [m.span(1) for m in TAB_VALUE.finditer(text)]  # a sample has one kind or the other
    if spans != sorted(spans):
        raise ValueError(f"{stem}: counts of both layouts interleave; cannot make a template")
    pieces, counts, at = [], [], 0
    for start, end in spans:
        pieces.append(_marked(text[at:start]))
        counts.append(int(text[start:end]))
        at = end
    pieces.append(_marked(text[at:]))
    return Template(stem, tuple(pieces), tuple(counts))


def _marked(text: str) -> str:
    return YEAR.sub(YEAR_MARK, MONTH.sub(MONTH_MARK, text))


def fill(sample: Template, rng: random.Random, year: int, month: int) -> str:
    """The bulletin of another month: counts jittered, month and year rewritten."""
    parts = [sample.pieces[0]]
    for count, piece in zip(sample.counts, sample.pieces[1:], strict=True):
        parts.append(str(jitter(count, rng)))
        parts.append(piece)
    return "".join(parts).replace(MONTH_MARK, str(month)).replace(YEAR_MARK, str(year))


def jitter(count: int, rng: random.Random) -> int:
    """``count`` moved by about a tenth (plus one) either way, never below 0."""
    if count <= STEADY:
        return count
    return max(0, count + rng.randint(-count // 10 - 1, count // 10 + 1))


def variant(text: str, rng: random.Random, year: int, month: int) -> str:
    """One bulletin for another month (a template used once)."""
    return fill(template(text, ""), rng, year, month)


def templates() -> list[Template]:
    """The samples of ``corpus/`` (``YYYY-MM_name.txt``), by file name."""
    return [
        template(p.read_text(encoding="utf-8"), p.stem.split("_", 1)[1])
        for p in sorted(SAMPLES.glob("*.txt"))
    ]


def make_corpus(folder: Path, count: int, seed: int = 1) -> list[Path]:
    """Write ``count`` bulletins into folder (the samples in turn, month after month,
    years 2019–2025 over and over); return their paths."""
    rng = random.Random(seed)
    samples = templates()
    paths = []
    for i in range(count):
        year, month = 2019 + (i // 12) % 7, i % 12 + 1
        sample = samples[i % len(samples)]
        path = folder / f"{year}-{month:02d}_{i:04d}_{sample.stem}.txt"
        path.write_text(fill(sample, rng, year, month), encoding="utf-8")
        paths.append(path)
    return paths
