"""Editions: one report as text, Word and PDF is one primary edition; disagreements are
findings naming both cells; bulletins_overview shows the editions side by side."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from docx import Document as open_docx

from archive.editions import FORMAT_PREFERENCE, format_rank
from archive.metadata import load_metadata
from normalize.catalog import Catalog
from normalize.names import NameBook
from tests.helpers import DEC, SEP, ingest_into

FIXTURES = Path(__file__).parents[1] / "fixtures"
DOCX = FIXTURES / "sources" / "2020-12_xiqu_zwfw.docx"
PDF = FIXTURES / "pdf" / "2020-12_docx_ruled.pdf"


def three_editions(folder: Path, docx: Path = DOCX) -> list[Path]:
    folder.mkdir()
    files = [folder / "2020-12.txt", folder / "2020-12.docx", folder / "2020-12.pdf"]
    for source, target in zip((DEC, docx, PDF), files, strict=True):
        shutil.copy(source, target)
    return files


def test_text_word_and_pdf_are_one_report(
    tmp_path: Path, catalog: Catalog, names: NameBook
) -> None:
    folder = tmp_path / "in"
    three_editions(folder)
    db, report = ingest_into(tmp_path / "a.db", [folder], catalog, names)
    assert [o.status for o in report.outcomes] == ["ingested"] * 3
    rows = db.execute(
        "SELECT b.path, b.format, b.period, b.n_facts, b.is_primary, p.path FROM bulletins b "
        "LEFT JOIN bulletins p ON p.id = b.edition_of ORDER BY b.path"
    ).fetchall()
    assert rows == [
        ("2020-12.docx", "docx", "2020-12", 90, 0, "2020-12.txt"),
        ("2020-12.pdf", "pdf", "2020-12", 90, 0, "2020-12.txt"),
        ("2020-12.txt", "text-tab", "2020-12", 90, 1, None),
    ]
    primary = db.execute(
        "SELECT bulletin, count(*), sum(value) FROM facts_readable "
        "WHERE period = '2020-12' AND is_primary = 1 GROUP BY bulletin"
    ).fetchall()
    everything = db.execute("SELECT count(*) FROM facts_readable").fetchone()
    assert everything == (270,)
    assert [p[:2] for p in primary] == [("2020-12.txt", 90)]
    # what one department handled, summed over the archive's primary facts: not tripled
    accepted = db.execute(
        "SELECT sum(value) FROM facts_readable WHERE entity_raw = '区社保局' "
        "AND metric = 'accepted' AND is_primary = 1"
    ).fetchone()
    assert accepted == (2586.0,)
    assert db.execute("SELECT count(*) FROM checks WHERE rule = 'editions_agree'").fetchone() == (
        0,
    )


def test_an_edition_with_a_changed_number_is_a_finding(
    tmp_path: Path, catalog: Catalog, names: NameBook
) -> None:
    changed = tmp_path / "changed.docx"
    document = open_docx(str(DOCX))
    hits = 0
    for table in document.tables:
        for row in table.rows:
            texts = [c.text for c in row.cells]
            if "区社保局" in texts:
                cell = row.cells[texts.index("2586")]
                cell.paragraphs[0].runs[0].text = "2596"
                hits += 1
    assert hits == 1
    document.save(str(changed))
    folder = tmp_path / "in"
    three_editions(folder, changed)
    db, _ = ingest_into(tmp_path / "a.db", [folder], catalog, names)
    findings = db.execute(
        "SELECT b.path, c.subject, c.metric, c.expected, c.actual, c.status, c.message, c.cells "
        "FROM checks c JOIN bulletins b ON b.id = c.bulletin_id WHERE c.rule = 'editions_agree'"
    ).fetchall()
    assert len(findings) == 1
    path, subject, metric, expected, actual, status, message, cells = findings[0]
    assert (path, subject, metric, expected, actual, status) == (
        "2020-12.docx", "区社保局", "accepted", 2586.0, 2596.0, "mismatch"
    )  # fmt: skip
    facts = dict(
        db.execute(
            "SELECT bulletin, fact_id FROM facts_readable WHERE entity_raw = '区社保局' "
            "AND metric = 'accepted' AND bulletin IN ('2020-12.txt', '2020-12.docx')"
        ).fetchall()
    )
    assert json.loads(cells) == [facts["2020-12.txt"], facts["2020-12.docx"]]
    where = db.execute(
        'SELECT bulletin, table_no, "row", col FROM facts_readable WHERE fact_id IN (?, ?)',
        json.loads(cells),
    ).fetchall()
    (text_cell,) = [w for w in where if w[0] == "2020-12.txt"]
    (docx_cell,) = [w for w in where if w[0] == "2020-12.docx"]
    assert message == (
        f"2020-12.docx table {docx_cell[1]} row {docx_cell[2]} col {docx_cell[3]} prints "
        f"'2596', the primary edition 2020-12.txt table {text_cell[1]} row {text_cell[2]} "
        f"col {text_cell[3]} prints '2586'"
    )
    # the PDF agrees with the primary on every figure
    pdf_findings = db.execute(
        "SELECT count(*) FROM checks c JOIN bulletins b ON b.id = c.bulletin_id "
        "WHERE b.path = '2020-12.pdf' AND c.rule = 'editions_agree'"
    ).fetchone()
    assert pdf_findings == (0,)
    # the primary's figure is contested: it needs review, and only that one
    flagged = db.execute(
        "SELECT bulletin, entity_raw, metric, value FROM facts_readable "
        "WHERE needs_review = 1 AND is_primary = 1"
    ).fetchall()
    assert flagged == [("2020-12.txt", "区社保局", "accepted", 2586.0)]


def test_different_months_and_different_reports_are_not_editions(
    tmp_path: Path, catalog: Catalog, names: NameBook
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(DEC, folder / "dec.txt")
    shutil.copy(SEP, folder / "sep.txt")
    text = DEC.read_text(encoding="utf-8")
    # the same layout a year later: another period, so another report
    (folder / "dec2021.txt").write_text(text.replace("2021年1月13日", "2022年1月13日"), "utf-8")
    db, _ = ingest_into(tmp_path / "a.db", [folder], catalog, names)
    rows = db.execute("SELECT path, period, is_primary, edition_of FROM bulletins ORDER BY path")
    assert rows.fetchall() == [
        ("dec.txt", "2020-12", 1, None),
        ("dec2021.txt", "2021-12", 1, None),
        ("sep.txt", "2022-09", 1, None),
    ]


def test_format_preference() -> None:
    assert FORMAT_PREFERENCE == ("text", "html", "docx", "doc", "pdf")
    ranks = [format_rank(f) for f in ("text-pipe", "text-tab", "html", "docx", "pdf", "png")]
    assert ranks == [0, 0, 1, 2, 4, 5]


def test_bulletins_overview_shows_editions_side_by_side(
    tmp_path: Path, catalog: Catalog, names: NameBook
) -> None:
    folder = tmp_path / "in"
    three_editions(folder)
    shutil.copy(DEC, folder / "mirror.txt")
    ingest_into(tmp_path / "a.db", [folder], catalog, names)
    (tmp_path / "in" / "bad.txt").write_bytes(b"")
    db, _ = ingest_into(tmp_path / "a.db", [folder], catalog, names)
    query = db.execute(load_metadata().queries["bulletins_overview"].sql)
    names_ = [d[0] for d in query.description]
    shown = ("period", "report", "bulletin", "is_primary", "format", "facts", "differing",
             "copies", "failure")  # fmt: skip
    got = [tuple(dict(zip(names_, r, strict=True))[c] for c in shown) for r in query.fetchall()]
    assert got == [
        (None, "bad.txt", "bad.txt", None, None, 0, None, None, "extract: the file is empty"),
        ("2020-12", "2020-12.txt", "2020-12.txt", 1, "text-tab", 90, 0, "mirror.txt", None),
        ("2020-12", "2020-12.txt", "2020-12.docx", 0, "docx", 90, 0, None, None),
        ("2020-12", "2020-12.txt", "2020-12.pdf", 0, "pdf", 90, 0, None, None),
    ]
