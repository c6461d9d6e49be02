"""PDF bulletins in the archive: the same facts, period, paragraphs and grids as the text
versions, every number traced to its page and box, bad PDFs reported one line each."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from archive.cli import main
from archive.grid import resolve_texts, unpack_grid
from extract.hints import fold
from normalize.catalog import Catalog
from normalize.names import NameBook
from tests.helpers import DEC, SEP, ingest_into

PDF = Path(__file__).parents[1] / "fixtures" / "pdf"
SAMPLE_PDFS = sorted(p.name for p in PDF.glob("20*.pdf") if "tounicode" not in p.name)
FACT = "SELECT entity_raw, metric, value, row_role FROM facts_readable WHERE bulletin = ?"


def text_version(pdf: str) -> str:
    """The text sample a PDF fixture was printed from."""
    return SEP.name if pdf.startswith("2022-09") else DEC.name


@pytest.fixture(scope="module")
def db(
    tmp_path_factory: pytest.TempPathFactory, catalog: Catalog, names: NameBook
) -> sqlite_utils.Database:
    """Both text samples and every sample PDF, ingested once into one archive."""
    folder = tmp_path_factory.mktemp("pdf")
    for name in SAMPLE_PDFS:
        shutil.copy(PDF / name, folder / name)
    database, report = ingest_into(
        folder / "a.db", [SEP, DEC, *(folder / n for n in SAMPLE_PDFS)], catalog, names
    )
    assert [o.status for o in report.outcomes] == ["ingested"] * (2 + len(SAMPLE_PDFS))
    return database


def test_every_sample_pdf_is_a_fixture() -> None:
    assert SAMPLE_PDFS == [
        "2020-12_docx_ruled.pdf", "2020-12_reportlab_cid.pdf", "2020-12_unruled.pdf",
        "2022-09_docx_repeated_header.pdf", "2022-09_docx_ruled.pdf", "2022-09_html_ruled.pdf",
        "2022-09_reportlab_cid.pdf", "2022-09_unruled.pdf", "2022-09_unruled_portrait.pdf",
    ]  # fmt: skip


@pytest.mark.parametrize("pdf", SAMPLE_PDFS)
def test_pdf_gives_the_facts_of_the_text_version(db: sqlite_utils.Database, pdf: str) -> None:
    ours = set(db.execute(FACT, [pdf]).fetchall())
    theirs = set(db.execute(FACT, [text_version(pdf)]).fetchall())
    assert len(theirs) == (831 if pdf.startswith("2022-09") else 90)
    assert ours == theirs


@pytest.mark.parametrize("pdf", SAMPLE_PDFS)
def test_period_is_inferred_like_the_text_version(db: sqlite_utils.Database, pdf: str) -> None:
    query = "SELECT period, period_basis, published FROM bulletins WHERE path = ?"
    ours = db.execute(query, [pdf]).fetchone()
    assert ours == db.execute(query, [text_version(pdf)]).fetchone()
    expected = {
        "2022-09": ("2022-09", "text_years", None),
        "2020-12": ("2020-12", "publication_date", "2021-01-13"),
    }
    assert ours == expected[pdf[:7]]


@pytest.mark.parametrize("pdf", SAMPLE_PDFS)
def test_paragraphs_and_grids_are_those_of_the_text_version(
    db: sqlite_utils.Database, pdf: str
) -> None:
    def blocks(path: str) -> list[str]:
        rows = db.execute(
            "SELECT k.text FROM blocks k JOIN bulletins b ON b.id = k.bulletin_id "
            "WHERE b.path = ? ORDER BY k.seq",
            [path],
        ).fetchall()
        return [fold(text) for (text,) in rows]

    def tables(path: str) -> list[tuple[object, ...]]:
        rows = db.execute(
            "SELECT t.kind, t.caption, t.header_rows, t.stub_cols, t.n_rows, t.n_cols, t.grid "
            "FROM source_tables t JOIN bulletins b ON b.id = t.bulletin_id WHERE b.path = ? "
            "ORDER BY t.table_no",
            [path],
        ).fetchall()
        return [
            (
                kind,
                caption,
                header,
                stub,
                [[fold(c) if c else c for c in r] for r in expanded(grid, n_rows, n_cols, labels)],
            )
            for kind, caption, header, stub, n_rows, n_cols, grid in rows
        ]

    labels = dict(db.execute("SELECT id, text FROM labels").fetchall())

    ours, theirs = blocks(pdf), blocks(text_version(pdf))
    if pdf == "2022-09_html_ruled.pdf":  # the web page's navigation line and title
        assert ours[:2] == ["首页|政务公开|政务服务|互动交流|走进西区", "西区9月政务服务工作通报"]
        ours = ours[2:]
    assert ours == theirs
    assert tables(pdf) == tables(text_version(pdf))


def expanded(grid: str, n_rows: int, n_cols: int, labels: dict[int, str]) -> list[list[str | None]]:
    """Every position of a stored table with the text of the cell covering it (a text
    stored as a reference to a label written back)."""
    out: list[list[str | None]] = [[None] * n_cols for _ in range(n_rows)]
    for row, col, rowspan, colspan, text, *_ in unpack_grid(
        resolve_texts(json.loads(grid), labels)
    ):
        for r in range(row, min(row + rowspan, n_rows)):
            for c in range(col, min(col + colspan, n_cols)):
                out[r][c] = text
    return out


def test_engines_are_recorded(db: sqlite_utils.Database) -> None:
    rows = db.execute(
        "SELECT b.path, group_concat(t.engine, ' ') FROM source_tables t "
        "JOIN bulletins b ON b.id = t.bulletin_id WHERE b.format = 'pdf' GROUP BY b.path "
        "ORDER BY b.path"
    ).fetchall()
    ruled = "pdfplumber-lines"
    numbers, values = "text-gaps/row-numbers", "text-gaps/value-lines"
    assert rows == [
        ("2020-12_docx_ruled.pdf", ruled),
        ("2020-12_reportlab_cid.pdf", ruled),
        ("2020-12_unruled.pdf", "text-gaps/row-numbers"),
        ("2022-09_docx_repeated_header.pdf", f"{ruled} {ruled} {ruled}"),
        ("2022-09_docx_ruled.pdf", f"{ruled} {ruled} {ruled}"),
        ("2022-09_html_ruled.pdf", f"{ruled} {ruled} {ruled}"),
        ("2022-09_reportlab_cid.pdf", f"{ruled} {ruled} {ruled}"),
        ("2022-09_unruled.pdf", f"{numbers} {numbers} {values}"),
        ("2022-09_unruled_portrait.pdf", f"{numbers} {numbers} {values}"),
    ]


def test_table_facts_lead_to_their_page_and_box(db: sqlite_utils.Database) -> None:
    rows = db.execute(
        "SELECT f.bulletin, f.page, c.page, c.bbox, f.value_raw, c.text FROM facts_readable f "
        "JOIN cells c ON c.id = f.cell_id WHERE f.bulletin LIKE '%.pdf'"
    ).fetchall()
    in_tables = "SELECT COUNT(*) FROM facts_readable WHERE bulletin = ? AND cell_id IS NOT NULL"
    per_text = {t: db.execute(in_tables, [t]).fetchone()[0] for t in (SEP.name, DEC.name)}
    assert per_text == {SEP.name: 823, DEC.name: 84}
    assert len(rows) == sum(per_text[text_version(p)] for p in SAMPLE_PDFS)
    for _, page, cell_page, bbox, raw, text in rows:
        x0, top, x1, bottom = json.loads(bbox)
        assert page == cell_page and page >= 1 and x0 < x1 and top < bottom
        assert raw == text.strip()
    where = db.execute(
        "SELECT page, \"row\", col FROM facts_readable WHERE bulletin = '2020-12_docx_ruled.pdf' "
        "AND entity_raw = '市交通综合执法支队' AND metric = 'accepted'"
    ).fetchall()
    assert where == [(2, 17, 2)]  # the row after the page break


def test_bad_pdfs_are_reported_and_the_rest_lands(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(PDF / "2020-12_reportlab_cid.pdf", folder / "good.pdf")
    whole = (PDF / "2020-12_reportlab_cid.pdf").read_bytes()
    (folder / "truncated.pdf").write_bytes(whole[: len(whole) // 2])
    (folder / "zero_pages.pdf").write_bytes(
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    (folder / "junk.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    (folder / "binary.pdf").write_bytes(bytes(range(256)) * 8)
    for name in ("encrypted.pdf", "2020-12_no_tounicode.pdf"):  # scan.pdf is OCR'd now
        shutil.copy(PDF / name, folder / name)
    db_path = tmp_path / "a.db"
    result = CliRunner().invoke(main, ["ingest", str(folder), "--db", str(db_path)])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        "error: 2020-12_no_tounicode.pdf: page 1: 355 characters did not decode (e.g. (cid:1) "
        "(cid:2) (cid:3)); the PDF's fonts have no Unicode map — export it again with embedded "
        "fonts, or OCR it",
        "error: binary.pdf: binary content (NUL bytes), not a text bulletin",
        "error: encrypted.pdf: the PDF is encrypted (password-protected); save a copy without "
        "a password",
        "error: junk.pdf: not a readable PDF: it starts with %PDF but holds no PDF objects",
        "error: truncated.pdf: the PDF is truncated (it ends before its %%EOF marker); copy it "
        "again",
        "error: zero_pages.pdf: the PDF has no pages",
    ]
    assert "Traceback" not in result.output
    assert result.stderr.splitlines()[-1].startswith("1 ingested, 0 unchanged, 6 failed; 90 facts")
    db = sqlite_utils.Database(db_path)
    failures = db.execute("SELECT path, stage FROM failures ORDER BY path").fetchall()
    assert failures == [
        ("2020-12_no_tounicode.pdf", "decode"), ("binary.pdf", "extract"),
        ("encrypted.pdf", "extract"), ("junk.pdf", "extract"),
        ("truncated.pdf", "extract"), ("zero_pages.pdf", "extract"),
    ]  # fmt: skip
    assert db.execute("SELECT path, format FROM bulletins").fetchall() == [("good.pdf", "pdf")]


def test_no_fact_of_a_sample_pdf_needs_review(db: sqlite_utils.Database) -> None:
    flagged = db.execute(
        "SELECT bulletin, count(*) FROM facts_readable WHERE needs_review = 1 GROUP BY bulletin"
    ).fetchall()
    assert flagged == []
    quality = db.execute(
        "SELECT DISTINCT t.quality, t.review FROM source_tables t "
        "JOIN bulletins b ON b.id = t.bulletin_id WHERE b.format = 'pdf'"
    ).fetchall()
    assert quality == [(1.0, None)]
