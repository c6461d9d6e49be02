"""Re-derivation: a changed metrics file re-derives facts from the stored document without
reading the file; a changed extractor (or --force) reads it again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

import archive.ingest
from archive.cli import main
from archive.versions import config_hash, extractor_version
from normalize.catalog import Catalog, load_catalog
from normalize.names import NameBook
from tests.helpers import DEC, METRICS, ingest_into

RENAMED = "    accepted_by_system: {unit: count, labels: [系统受理数, 受理数, 受理]}"


@pytest.fixture()
def setup(tmp_path: Path) -> tuple[Path, Path, Path]:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(DEC, folder / "dec.txt")
    text = (METRICS).read_text(encoding="utf-8")
    line = "    accepted: {unit: count, labels: [系统受理数, 受理数, 受理]}"
    assert text.count(line) == 1
    copy = tmp_path / "metrics-copy.yaml"
    renamed = text.replace(line, RENAMED)
    renamed = renamed.replace("hall_windows.accepted,", "hall_windows.accepted_by_system,")
    copy.write_text(renamed, encoding="utf-8")
    db = tmp_path / "a.db"
    result = CliRunner().invoke(main, ["ingest", str(folder), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return folder, copy, db


def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every file the ingest reads."""
    seen: list[str] = []
    real = archive.ingest.read_document

    def counting(file: Path, display: str):  # type: ignore[no-untyped-def]
        seen.append(display)
        return real(file, display)

    monkeypatch.setattr(archive.ingest, "read_document", counting)
    return seen


def social_insurance(db: Path) -> list[tuple[object, ...]]:
    return (
        sqlite_utils.Database(db)
        .execute(
            "SELECT metric, value FROM facts_readable WHERE entity_raw = '区社保局' "
            "ORDER BY fact_id"
        )
        .fetchall()
    )


def test_a_renamed_metric_key_is_re_derived_without_reading_the_file(
    setup: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, copy, db = setup
    before = sqlite_utils.Database(db).execute("SELECT config_hash FROM bulletins").fetchone()
    assert before == (config_hash(load_catalog(METRICS)),)
    seen = reads(monkeypatch)
    result = CliRunner().invoke(
        main, ["ingest", str(folder), "--db", str(db), "--metrics", str(copy)]
    )
    assert result.exit_code == 0, result.output
    assert seen == []
    assert "0 ingested, 1 re-derived, 0 unchanged, 0 failed; 90 facts" in result.output
    assert social_insurance(db) == [
        ("accepted_by_system", 2586.0),
        ("completed", 2587.0),
        ("evaluations", 2174.0),
        ("satisfaction_rate", 100.0),
    ]
    archive_db = sqlite_utils.Database(db)
    after = archive_db.execute("SELECT config_hash, n_facts FROM bulletins").fetchone()
    assert after == (config_hash(load_catalog(copy)), 90)
    assert archive_db["facts"].count == 90
    assert archive_db.execute("PRAGMA foreign_key_check").fetchall() == []
    # the same metrics file again: nothing to do
    again = CliRunner().invoke(
        main, ["ingest", str(folder), "--db", str(db), "--metrics", str(copy)]
    )
    assert "0 ingested, 1 unchanged, 0 failed" in again.output


def test_a_changed_extractor_reads_the_file_again(
    setup: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, _, db = setup
    stored = sqlite_utils.Database(db).execute("SELECT extractor_version FROM bulletins")
    assert stored.fetchone() == (extractor_version(),)
    seen = reads(monkeypatch)
    monkeypatch.setattr(archive.ingest, "extractor_version", lambda: "9.9+changed")
    result = CliRunner().invoke(main, ["ingest", str(folder), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert seen == ["dec.txt"]
    assert "1 ingested, 0 unchanged, 0 failed; 90 facts" in result.output
    row = sqlite_utils.Database(db).execute("SELECT extractor_version FROM bulletins").fetchone()
    assert row == ("9.9+changed",)


def test_force_reads_every_file_again(
    setup: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, _, db = setup
    seen = reads(monkeypatch)
    result = CliRunner().invoke(main, ["ingest", str(folder), "--db", str(db)])
    assert (seen, result.exit_code) == ([], 0)
    result = CliRunner().invoke(main, ["ingest", str(folder), "--db", str(db), "--force"])
    assert result.exit_code == 0, result.output
    assert seen == ["dec.txt"]
    assert social_insurance(db)[0] == ("accepted", 2586.0)


def test_the_extractor_version_covers_its_code() -> None:
    version = extractor_version()
    release, digest = version.split("+")
    assert release and len(digest) == 12


def test_a_stored_document_unpacks_to_what_was_read(
    tmp_path: Path, catalog: Catalog, names: NameBook
) -> None:
    from archive.documents import load_document
    from extract.reader import read_document

    files = (DEC, Path(__file__).parents[1] / "fixtures" / "pdf" / "2020-12_docx_ruled.pdf")
    db, _ = ingest_into(tmp_path / "a.db", list(files), catalog, names)
    for file in files:
        (bulletin_id, key) = db.execute(
            "SELECT id, path FROM bulletins WHERE path LIKE '%' || ?", [file.name]
        ).fetchone()
        assert load_document(db.conn, bulletin_id) == read_document(file, key)
    assert load_document(db.conn, 99) is None


def test_without_a_stored_document_the_file_is_read(
    setup: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, copy, db = setup
    conn = sqlite_utils.Database(db).conn
    with conn:
        conn.execute("DELETE FROM documents")  # as an archive made before they were kept
    seen = reads(monkeypatch)
    args = ["ingest", str(folder), "--db", str(db), "--metrics", str(copy)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert seen == ["dec.txt"]
    assert "0 ingested, 1 re-derived, 0 unchanged, 0 failed; 90 facts" in result.output
    assert social_insurance(db)[0] == ("accepted_by_system", 2586.0)


def test_ocr_confidence_and_corrections_survive_the_stored_document() -> None:
    from archive.documents import cell_array, pack_document, unpack_document
    from extract.document import Block, Cell, Document, Source, Table

    cells = [
        Cell("部门", 0, 0, source=Source(3, 3, 1, (10.0, 20.0, 60.0, 32.5))),
        Cell("受理", 0, 1, source=Source(3, 3, 1)),
        Cell("区医保局", 1, 0, source=Source(4, 4, 1)),
        Cell("3986", 1, 1, source=Source(4, 4, 1), confidence=0.62, alternative="3936"),
    ]
    doc = Document(
        path="scan.png",
        format="image",
        encoding="",
        blocks=[Block("一、大厅窗口", Source(1, 1, 1))],
        tables=[Table(index=0, cells=cells, n_rows=2, n_cols=2, header_rows=1, stub_cols=1)],
        table_positions=[1],
    )
    grids = [[cell_array(c) for c in cells]]
    again = unpack_document(pack_document(doc), ["一、大厅窗口"], grids)
    assert again == doc
    doubted = again.tables[0].cells[3]
    assert (doubted.text, doubted.confidence, doubted.alternative) == ("3986", 0.62, "3936")
    assert grids[0][1] == [0, 1, 1, 1, "受理", 3, 3, 1]  # no trailing nulls for a plain cell
