"""HTML and Word bulletins through the whole pipeline: the same facts, periods and checks as
the text versions; broken files reported one line each while the rest lands."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner
from docx import Document as new_docx

import extract.legacy
from archive.cli import main
from normalize.catalog import Catalog
from normalize.names import NameBook
from tests.helpers import DEC, FACT_KEY, SEP, fact_tuple, golden_rows, ingest_into

SOURCES = Path(__file__).parents[1] / "fixtures" / "sources"
# Each fixture, with the text sample it was made from, its format and encoding.
FIXTURES = {
    "2022-09_xiqu_zwfw.html": (SEP, "html", "utf-8"),
    "2020-12_xiqu_zwfw.html": (DEC, "html", "utf-8"),
    "2020-12_gb2312_declared.html": (DEC, "html", "gb18030"),
    "2022-09_layout_tables.html": (SEP, "html", "gb18030"),
    "2022-09_xiqu_zwfw.docx": (SEP, "docx", "utf-8"),
    "2020-12_xiqu_zwfw.docx": (DEC, "docx", "utf-8"),
    "2020-12_layout_tables.docx": (DEC, "docx", "utf-8"),
}
READABLE = (
    "table_kind, entity, entity_raw, parent_raw, row_role, metric, value, value_raw, unit, note"
)


@pytest.fixture(scope="module")
def archive(
    tmp_path_factory: pytest.TempPathFactory, catalog: Catalog, names: NameBook
) -> sqlite_utils.Database:
    files = [SEP, DEC] + [SOURCES / name for name in FIXTURES]
    db, report = ingest_into(tmp_path_factory.mktemp("formats") / "a.db", files, catalog, names)
    assert [o.status for o in report.outcomes] == ["ingested"] * len(files)
    return db


def facts(db: sqlite_utils.Database, path: str, columns: str = READABLE) -> list[tuple]:
    return db.execute(
        f"SELECT {columns} FROM facts_readable WHERE bulletin = ? ORDER BY fact_id", [path]
    ).fetchall()


@pytest.mark.parametrize("fixture", FIXTURES)
def test_same_facts_as_the_text_version(archive: sqlite_utils.Database, fixture: str) -> None:
    sample = FIXTURES[fixture][0]
    key = "entity_raw, metric, value, row_role"
    assert set(facts(archive, fixture, key)) == set(facts(archive, sample.name, key))
    # Stronger: every field of every fact, in the same order, and as the golden file says.
    assert facts(archive, fixture) == facts(archive, sample.name)
    rows = archive.execute(
        f"SELECT {', '.join(FACT_KEY)} FROM facts_readable WHERE bulletin = ? ORDER BY fact_id",
        [fixture],
    )
    columns = [d[0] for d in rows.description]
    got = [fact_tuple(dict(zip(columns, row, strict=True))) for row in rows.fetchall()]
    assert Counter(got) == Counter(golden_rows(sample.stem))
    assert len(got) == {SEP: 832, DEC: 90}[sample]


@pytest.mark.parametrize("fixture", FIXTURES)
def test_same_period_and_checks_as_the_text_version(
    archive: sqlite_utils.Database, fixture: str
) -> None:
    sample, fmt, encoding = FIXTURES[fixture]
    query = "SELECT format, encoding, period, period_basis, published, n_tables, n_facts FROM bulletins WHERE path = ?"
    got = archive.execute(query, [fixture]).fetchone()
    text = archive.execute(query, [sample.name]).fetchone()
    assert got[:2] == (fmt, encoding)
    assert got[2:] == text[2:]
    assert (
        got[2:5]
        == {
            SEP: ("2022-09", "text_years", None),
            DEC: ("2020-12", "publication_date", "2021-01-13"),
        }[sample]
    )
    checks = (
        "SELECT rule, subject, metric, expected, actual, status FROM checks "
        "JOIN bulletins ON bulletins.id = checks.bulletin_id WHERE bulletins.path = ? ORDER BY checks.id"
    )
    assert (
        archive.execute(checks, [fixture]).fetchall()
        == archive.execute(checks, [sample.name]).fetchall()
    )


def test_source_lines_of_html_facts_point_at_their_cells(archive: sqlite_utils.Database) -> None:
    page = (SOURCES / "2022-09_xiqu_zwfw.html").read_text(encoding="utf-8").split("\n")
    rows = archive.execute(
        "SELECT value_raw, line FROM facts_readable WHERE bulletin = ? AND table_kind != 'headline'",
        ["2022-09_xiqu_zwfw.html"],
    ).fetchall()
    assert len(rows) == 832 - 9  # the 9 headline figures come from prose
    assert all(f">{raw}<" in page[line - 1] for raw, line in rows)


def test_bad_html_and_word_files_are_reported_and_the_rest_lands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SOURCES / "2020-12_xiqu_zwfw.docx", folder / "good.docx")
    shutil.copy(SOURCES / "2022-09_xiqu_zwfw.html", folder / "good.html")
    lines = (SOURCES / "2022-09_xiqu_zwfw.html").read_text(encoding="utf-8").split("\n")
    (folder / "cut.html").write_text("\n".join(lines[:110]), encoding="utf-8")
    docx_bytes = (SOURCES / "2022-09_xiqu_zwfw.docx").read_bytes()
    (folder / "cut.docx").write_bytes(docx_bytes[: len(docx_bytes) // 2])
    (folder / "notzip.docx").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(1, 40)) * 20)
    (folder / "empty.docx").write_bytes(b"")
    new_docx().save(str(folder / "blank.docx"))  # a Word document without any content
    shutil.copy(SOURCES / "2020-12_layout_tables.doc", folder / "old.doc")
    monkeypatch.setattr(extract.legacy.shutil, "which", lambda name: None)
    db_path = tmp_path / "a.db"
    result = CliRunner().invoke(main, ["ingest", str(folder), "--db", str(db_path)])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        "error: blank.docx: the Word document is empty (no text, no tables)",
        "error: cut.docx: not a readable Word document: its ZIP container is damaged or cut off "
        "(File is not a zip file); open it in Word and save it again",
        "error: cut.html: the page is cut off inside a table (the table opened on line 98 never "
        "ends); download the page again",
        "error: empty.docx: the file is empty",
        "error: notzip.docx: not a readable image: it starts like a PNG file but cannot be "
        "decoded (truncated or damaged); copy or export it again",
        "error: old.doc: a legacy Word document (.doc) needs LibreOffice to be read, and soffice "
        "is not installed: apt-get install libreoffice-writer-nogui (or save it as .docx)",
    ]
    assert "Traceback" not in result.output
    assert result.stderr.splitlines()[-1].startswith("2 ingested, 0 unchanged, 6 failed; 922 facts")
    db = sqlite_utils.Database(db_path)
    failures = db.execute("SELECT path, stage, error FROM failures ORDER BY path").fetchall()
    assert [(path, stage) for path, stage, _ in failures] == [
        ("blank.docx", "extract"),
        ("cut.docx", "extract"),
        ("cut.html", "extract"),
        ("empty.docx", "extract"),
        ("notzip.docx", "extract"),
        ("old.doc", "extract"),
    ]
    assert [f"error: {path}: {error}" for path, _, error in failures] == errors
    landed = db.execute("SELECT path, format FROM bulletins ORDER BY path").fetchall()
    assert landed == [("good.docx", "docx"), ("good.html", "html")]
