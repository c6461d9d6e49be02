"""OCR'd tables checked by the bulletin's own sums; their headers snapped to the vocabulary.

A misread digit is a wrong number that looks right; the bulletins carry their own check
(rows sum to 小计 and 总计, the headline repeats the total). Nothing here changes a
stored number: a fact keeps the value the OCR read, and gets ``needs_review`` when

- its cell's OCR score is below ``review_confidence`` (``normalize/data/ocr.yaml``; see
  ``low_confidence``, the hook ``normalize.tables`` calls), or
- it takes part in a sum that does not hold. When exactly one of the cells of that sum,
  read with one known confusion (6↔8, 1↔7, 0↔8, 5↔6, 3↔8, a digit read twice or one of a
  printed pair read once),
  makes the sum hold, that reading is written beside the value (``note``:
  ``OCR 候选: 1234``; ``Cell.alternative`` in the document).

Header cells that the OCR read one character off a known label (部内, 部門 → 部门) are
snapped to that label before the headers are mapped, with a table warning saying so.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from extract.document import Cell, Document, Table
from extract.hints import fold, load_hints
from normalize.catalog import Catalog, label_key
from normalize.facts import Bulletin, Fact

REVIEW_FILE = Path(__file__).parent / "data" / "ocr.yaml"
OCR_ENGINE_PREFIX = "ocr:"
# As the checks compare (normalize.checks imports the tables module, which imports this one).
TOLERANCE = 1e-6
MISMATCH = "mismatch"
CANDIDATE_NOTE = "OCR 候选: "
# A headline that disagrees with its table is often the publisher's own slip (a figure
# quoted from the next column): flagged only when one misread digit explains it.
HEADLINE_RULES = frozenset({"headline_matches_table"})
CHECK_NOTE = "OCR: 核对不符"
# A table laid out from where its text sits (no rules): its structure is guessed.
UNRULED = ":unruled"
GUESSED_NOTE = "OCR: 无框线表格，行列为推断"


class OcrReviewError(ValueError):
    """The OCR review file is malformed."""


@dataclass(frozen=True)
class OcrReview:
    """When an OCR'd number is flagged, and which digits engines confuse."""

    review_confidence: float
    confusions: dict[str, str]


@lru_cache(maxsize=2)
def load_review(path: Path = REVIEW_FILE) -> OcrReview:
    """Load and check the OCR review settings."""
    data: Any = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or set(data) != {"review_confidence", "confusions"}:
        raise OcrReviewError(f"{path}: expected the keys review_confidence and confusions")
    level = data["review_confidence"]
    if not isinstance(level, (int, float)) or not 0 < level <= 1:
        raise OcrReviewError(f"{path}: review_confidence must be a number in (0, 1]")
    confusions: dict[str, str] = {}
    for digit, others in (data["confusions"] or {}).items():
        ok = isinstance(others, list) and all(str(o).isdigit() and len(str(o)) == 1 for o in others)
        if not (len(str(digit)) == 1 and str(digit).isdigit() and ok):
            raise OcrReviewError(f"{path}: confusions: '{digit}' must map to a list of digits")
        confusions[str(digit)] = "".join(str(o) for o in others)
    return OcrReview(float(level), confusions)


def is_ocr(table: Table) -> bool:
    return table.engine.startswith(OCR_ENGINE_PREFIX)


def low_confidence(cell: Cell) -> bool:
    """Whether an OCR'd cell scored too low to be stored as certain."""
    return cell.confidence is not None and cell.confidence < load_review().review_confidence


# --- headers -------------------------------------------------------------------------------


def vocabulary(catalog: Catalog) -> frozenset[str]:
    """Every header label the project knows, folded: metric labels, name and index headers."""
    hints = load_hints()
    words = {label for labels in catalog.labels.values() for label in labels}
    return frozenset(words | hints.header_words | hints.index_headers | catalog.note_columns)


def snap(text: str, words: frozenset[str]) -> str | None:
    """``text`` with its label replaced by the one known label that differs from it in
    exactly one character (a unit in brackets kept: 咨洵(件) → 咨询(件)); None if none."""
    key = label_key(text)
    if len(key) < 2 or key in words:
        return None
    near = [w for w in words if len(w) == len(key) and differences(w, key) == 1]
    return fold(text).replace(key, near[0], 1) if len(near) == 1 else None


def differences(a: str, b: str) -> int:
    """Characters that differ between two strings of the same length."""
    return sum(x != y for x, y in zip(a, b, strict=True))


def snap_headers(doc: Document, catalog: Catalog) -> Document:
    """The document with the header cells of its OCR'd tables snapped to the vocabulary."""
    words: frozenset[str] | None = None  # built only when a table was OCR'd
    for table in doc.tables:
        if not is_ocr(table):
            continue
        if words is None:
            words = vocabulary(catalog)
        cells = []
        for cell in table.cells:
            label = snap(cell.text, words) if cell.row < table.header_rows else None
            if label is not None:
                table.warnings.append(f"OCR header '{cell.text}' read as '{label}'")
                cell = replace(cell, text=label, alternative=cell.text)
            cells.append(cell)
        table.cells = cells
    return doc


# --- sums ----------------------------------------------------------------------------------


def readings(raw: str, confusions: dict[str, str] | None = None) -> Iterator[str]:
    """Other readings of a number's digits under one known confusion."""
    confusions = load_review().confusions if confusions is None else confusions
    digits = fold(raw)
    seen = {digits}
    for k, ch in enumerate(digits):
        if not ch.isdigit():
            continue
        for other in confusions.get(ch, ""):
            yield from _new(digits[:k] + other + digits[k + 1 :], seen)
        yield from _new(digits[:k] + digits[k + 1 :], seen)  # a digit too many
        yield from _new(digits[:k] + ch + digits[k:], seen)  # one of a pair read once


def _new(text: str, seen: set[str]) -> Iterator[str]:
    if text and text not in seen and text[0].isdigit() and not (text[0] == "0" and len(text) > 1):
        seen.add(text)
        yield text


def explain(expected: tuple[int, Fact], parts: list[tuple[int, Fact]]) -> list[tuple[int, str]]:
    """Every (fact index, reading) whose reading makes the sum hold."""
    target = expected[1].value
    if target is None:
        return []
    total = sum(f.value for _, f in parts if f.value is not None)
    found = []
    for i, fact in [expected, *parts]:
        if fact.value is None or not fold(fact.value_raw).isdigit():
            continue
        for reading in readings(fact.value_raw):
            value = float(reading)
            new_total, new_target = (
                (total, value) if i == expected[0] else (total - fact.value + value, target)
            )
            if abs(new_total - new_target) < TOLERANCE:
                found.append((i, reading))
    return found


def review_sums(bulletin: Bulletin) -> None:
    """Flag the facts of an OCR'd bulletin that a failed check puts in doubt; where one
    confusion of one cell explains a failed sum, note that reading beside the value."""
    if not any(is_ocr(t) for t in bulletin.document.tables):
        return
    facts = bulletin.facts
    flagged: dict[int, str | None] = {}
    guessed = {t.index for t in bulletin.document.tables if t.engine.endswith(UNRULED)}
    for i, fact in enumerate(facts):
        if fact.table_index in guessed:
            facts[i] = replace(fact, needs_review=True, note=join_notes(fact.note, GUESSED_NOTE))
    for check in bulletin.checks:
        if check.status != MISMATCH or not check.facts:
            continue
        answers = []
        if check.expected is not None:
            expected = (check.facts[0], facts[check.facts[0]])
            answers = explain(expected, [(i, facts[i]) for i in check.facts[1:]])
        if len(answers) == 1:
            flagged[answers[0][0]] = answers[0][1]
        if check.rule not in HEADLINE_RULES:
            for i in check.facts:
                flagged.setdefault(i, None)
    for i, candidate in flagged.items():
        fact = facts[i]
        extra = CANDIDATE_NOTE + candidate if candidate is not None else CHECK_NOTE
        facts[i] = replace(fact, needs_review=True, note=join_notes(fact.note, extra))
        if candidate is not None:
            mark_cell(bulletin.document, fact, candidate)


def join_notes(note: str | None, extra: str) -> str:
    """A fact's note with one more remark (once)."""
    if note and extra in note:
        return note
    return f"{note}; {extra}" if note else extra


def mark_cell(doc: Document, fact: Fact, reading: str) -> None:
    """Write the corrected candidate beside the cell a fact came from."""
    for table in doc.tables:
        if table.index != fact.table_index:
            continue
        table.cells = [
            replace(c, alternative=reading) if (c.row, c.col) == (fact.row, fact.col) else c
            for c in table.cells
        ]
