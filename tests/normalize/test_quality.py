"""The quality gate: sound tables pass, a table with its columns shuffled within rows is
flagged (its facts stored for review, the bulletin's warnings say so)."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import main
from extract.document import Cell, Document, Table
from extract.reader import read_document
from extract.review import REVIEW_MARK
from normalize.bulletin import normalize_document
from normalize.catalog import Catalog
from normalize.names import NameBook
from normalize.quality import GateSettings
from tests.fixtures.build import document_to_html
from tests.helpers import DEC, SEP, ingest_into


def scrambled(table: Table, seed: int = 7) -> Table:
    """The table with the texts of each body row shuffled among the row's cells."""
    rng = random.Random(seed)
    cells = list(table.cells)
    for r in range(table.header_rows, table.n_rows):
        mine = [k for k, c in enumerate(cells) if c.row == r]
        texts = [cells[k].text for k in mine]
        while len(set(texts)) > 1 and texts == [cells[k].text for k in mine]:
            rng.shuffle(texts)
        for k, text in zip(mine, texts, strict=True):
            cells[k] = replace(cells[k], text=text)
    return replace(table, cells=cells)


def with_table(doc: Document, index: int, table: Table) -> Document:
    tables = [table if t.index == index else t for t in doc.tables]
    return replace(doc, tables=tables)


SOURCES = Path(__file__).parents[1] / "fixtures" / "sources"
EDITIONS = [SEP, DEC, *sorted(p for p in SOURCES.iterdir() if p.suffix in (".html", ".docx"))]


@pytest.mark.parametrize("sample", EDITIONS, ids=lambda p: p.name)
def test_the_samples_pass_the_gate_with_full_marks(catalog: Catalog, sample: Path) -> None:
    bulletin = normalize_document(read_document(sample), catalog, sample.name)
    assert [(t.quality, t.review) for t in bulletin.tables] == [(1.0, None)] * len(bulletin.tables)
    assert not any(f.needs_review for f in bulletin.facts)


@pytest.mark.parametrize(("sample", "index"), [(SEP, 0), (SEP, 1), (SEP, 2), (DEC, 0)])
def test_a_table_shuffled_within_rows_is_flagged(
    catalog: Catalog, sample: Path, index: int
) -> None:
    doc = read_document(sample)
    bad = with_table(doc, index, scrambled(doc.tables[index]))
    bulletin = normalize_document(bad, catalog, sample.name)
    info = bulletin.tables[index]
    assert info.quality is not None and info.quality < GateSettings().threshold
    assert info.review
    flagged = {f.needs_review for f in bulletin.facts if f.table_index == index}
    assert flagged == {True}
    others = {f.needs_review for f in bulletin.facts if f.table_index != index}
    assert others <= {False}
    assert any(
        w.startswith(f"table {index + 1} (") and "stored for review" in w for w in bulletin.warnings
    )


def test_shuffled_hall_table_names_the_failed_tests(catalog: Catalog) -> None:
    doc = read_document(SEP)
    bulletin = normalize_document(with_table(doc, 1, scrambled(doc.tables[1])), catalog, "x")
    review = bulletin.tables[1].review or ""
    assert "name cells that are not numbers" in review
    assert "row numbers in order 0%" in review


def test_a_reader_that_guessed_flags_the_table_whatever_its_score(catalog: Catalog) -> None:
    doc = read_document(DEC)
    guessed = replace(doc.tables[0], warnings=[f"{REVIEW_MARK}two readings disagree"])
    bulletin = normalize_document(with_table(doc, 0, guessed), catalog, DEC.name)
    assert bulletin.tables[0].quality == 1.0
    assert bulletin.tables[0].review == "two readings disagree"
    assert {f.needs_review for f in bulletin.facts if f.table_index == 0} == {True}
    assert {f.needs_review for f in bulletin.facts if f.table_index is None} == {False}


def test_gate_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="threshold must be in"):
        GateSettings(threshold=1.5)


def test_the_review_view_lists_a_scrambled_table(
    tmp_path: Path, catalog: Catalog, names: NameBook
) -> None:
    doc = read_document(DEC)
    page = tmp_path / "2020-12_scrambled.html"
    page.write_text(
        document_to_html(with_table(doc, 0, scrambled(doc.tables[0])), "西区12月政务服务工作通报"),
        encoding="utf-8",
    )
    db, report = ingest_into(tmp_path / "a.db", [DEC, page], catalog, names)
    assert [o.status for o in report.outcomes] == ["ingested", "ingested"]
    assert any("stored for review" in w for w in report.outcomes[1].warnings)
    rows = list(db.query("SELECT bulletin, table_no, quality, reason FROM review"))
    assert {r["bulletin"] for r in rows} == {page.name}
    table_facts = db.execute(
        "SELECT count(*) FROM facts_readable WHERE bulletin = ? AND table_no = 1", [page.name]
    ).fetchone()[0]
    assert len(rows) == table_facts > 60  # every fact of the table, none of the headline
    assert rows[0]["quality"] < 0.9 and "sums and ranges that hold" in rows[0]["reason"]
    clean = db.execute(
        "SELECT count(*) FROM facts_readable WHERE bulletin = ? AND needs_review = 0", [DEC.name]
    ).fetchone()
    assert clean == (90,)


def test_the_ingest_line_says_the_table_is_stored_for_review(tmp_path: Path) -> None:
    doc = read_document(DEC)
    page = tmp_path / "2020-12_scrambled.html"
    page.write_text(
        document_to_html(with_table(doc, 0, scrambled(doc.tables[0])), "西区12月政务服务工作通报"),
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        main, ["ingest", str(page), "--db", str(tmp_path / "a.db")], terminal_width=400
    )
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if "stored for review" in x)
    assert line.startswith("warning: ") and "2020-12_scrambled.html: table 1 (" in line
    assert "quality 0.00 (gate 0.9)" in line and "sums and ranges that hold 0%" in line


def test_a_column_of_text_does_not_lower_the_score(catalog: Catalog) -> None:
    rows = [
        ["单位", "工单数", "处理结果"],
        ["区民政局", "12", "已办结"], ["区财政局", "7", "已办结"], ["区司法局", "30", "办理中"],
    ]  # fmt: skip
    cells = [Cell(text, r, c) for r, row in enumerate(rows) for c, text in enumerate(row)]
    table = Table(0, cells, 4, 3, header_rows=1, stub_cols=1, caption=["10月各单位工单办理情况"])
    doc = Document("x.txt", "text", "utf-8", [], [table], [0])
    bulletin = normalize_document(doc, catalog, "2021-10_x.txt")
    assert [(t.quality, t.review) for t in bulletin.tables] == [(1.0, None)]
    assert [(f.entity_raw, f.value_raw) for f in bulletin.facts if f.value is not None] == [
        ("区民政局", "12"), ("区财政局", "7"), ("区司法局", "30"),
    ]  # fmt: skip
