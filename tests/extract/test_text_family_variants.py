"""The same family tables written the other ways sites write cells give the same facts:
one cell a line ending in ' |' (rows not written), or one cell a line between blank lines.
Full-width pipes (｜) are pipes; a ruled line (|:---|---:|) holds no cells and is dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.hints import load_hints
from extract.text import parse_text
from extract.text_lines import RULE_RE, narrow_pipes
from normalize.bulletin import normalize_document
from normalize.catalog import Catalog
from tests.helpers import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "family"
# Header rows written one to a line are what fix the guessed-groups reading; a forum's junk
# strings are not cells, so a blank-line rendering of that repost has no meaning; blank
# cells are known only where a line states its whole row (cell by cell they are lost).
ONE_CELL = sorted(
    p
    for p in FIXTURES.glob("table-*.txt")
    if "guessed" not in p.stem and "blank-cells" not in p.stem
)
BLANK_LINES = [p for p in ONE_CELL if "forum" not in p.stem]


def split_cells(line: str) -> list[str] | None:
    """The cells of a whole row written on one line (None for any other line; none for a
    ruled line)."""
    stripped = narrow_pipes(line).strip()
    if RULE_RE.match(stripped):
        return []
    if stripped.count("|") < 2 or "索引号" in stripped or "发布机构" in stripped:
        return None
    if stripped.startswith("|"):
        stripped = stripped[1:]
    parts = stripped.split("|")
    return [p.strip() for p in (parts[:-1] if stripped.endswith("|") else parts)]


def one_cell_a_line(text: str) -> str:
    out: list[str] = []
    for line in text.split("\n"):
        cells = split_cells(line)
        out += [f"{c} |" if c else "|" for c in cells] if cells is not None else [line]
    return "\n".join(out)


def between_blank_lines(text: str) -> str:
    out: list[str] = []
    for line in text.split("\n"):
        cells = split_cells(line)
        out += [c for c in cells if c] if cells is not None else [line]
    return "\n\n".join(line for line in out if line.strip())


def facts(text: str, catalog: Catalog) -> list[tuple[object, ...]]:
    doc = parse_text(text, "x.txt", "utf-8", load_hints())
    bulletin = normalize_document(doc, catalog, "x.txt")
    return [
        (f.table_kind, f.entity_raw, f.row_role, f.metric, f.value_raw, f.unit, f.needs_review)
        for f in bulletin.facts
        if f.table_kind != "headline"
    ]


@pytest.mark.parametrize("path", ONE_CELL, ids=lambda p: p.stem)
def test_one_cell_a_line_gives_the_same_facts(path: Path, catalog: Catalog) -> None:
    text = path.read_text(encoding="utf-8")
    assert facts(one_cell_a_line(text), catalog) == facts(text, catalog)


@pytest.mark.parametrize("path", BLANK_LINES, ids=lambda p: p.stem)
def test_cells_between_blank_lines_give_the_same_facts(path: Path, catalog: Catalog) -> None:
    text = path.read_text(encoding="utf-8")
    assert facts(between_blank_lines(text), catalog) == facts(text, catalog)


def tab_indented(text: str) -> str:
    """Each cell on its own line after a tab, a blank line after each row (an office
    document saved as text)."""
    out: list[str] = []
    for line in text.split("\n"):
        cells = split_cells(line)
        if cells is None:
            out.append(line)
        elif cells:
            out += [f"\t{c}" for c in cells] + [""]
    return "\n".join(out)


# A cell left empty is lost when each cell is a line of its own (as between blank lines).
TAB_INDENTED = BLANK_LINES


@pytest.mark.parametrize("path", TAB_INDENTED, ids=lambda p: p.stem)
def test_tab_indented_cells_give_the_same_facts(path: Path, catalog: Catalog) -> None:
    text = path.read_text(encoding="utf-8")
    assert facts(tab_indented(text), catalog) == facts(text, catalog)
