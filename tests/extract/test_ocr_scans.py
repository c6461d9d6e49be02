"""Scanned bulletins end to end: page images through OCR into the archive, against the golden facts.

The fixtures under tests/fixtures/scan/ are drawn from the corpus texts by
tests/fixtures/build_scan.py (PIL and Noto CJK, not this reader); the golden facts were
written by tests/golden/make_golden.py. Every scan is read once (OCR is slow) into one
archive; the tests read facts_readable.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlite_utils

from normalize.catalog import Catalog
from normalize.names import NameBook
from tests.helpers import DEC, SEP, golden_rows, ingest_into

SCAN = Path(__file__).parents[1] / "fixtures" / "scan"
SHARP = ["2020-12_300dpi.png", "2022-09_300dpi.tif"]
WORN = ["2020-12_200dpi_skew.jpg", "2022-09_200dpi_skew.pdf", "2022-09_photo.jpg"]
UNRULED = "2020-12_unruled_200dpi.png"  # no rules: columns from the white space
# What each fixture shows of its sample: the table kinds and the headline scopes on its pages.
SHOWN = {
    "2020-12": ({"hall_windows"}, {"政务服务大厅"}),
    "2022-09": ({"hall_windows", "town_centers"}, {"政务服务大厅", "便民服务大厅"}),
}
PHOTO_KINDS = {"hall_windows"}  # the photo is page 1 of 2022-09: 附件2 only
COLUMNS = "table_kind, entity_raw, parent_raw, row_role, metric, value, needs_review, note"


def sample_of(name: str) -> Path:
    return DEC if name.startswith("2020-12") else SEP


def shown_golden(name: str) -> list[tuple[object, ...]]:
    """The golden facts of the sample that a fixture's pages show, in source order."""
    kinds, scopes = SHOWN[name[:7]]
    if name in WORN[2:]:
        kinds = PHOTO_KINDS
    return [
        g
        for g in golden_rows(sample_of(name).stem)
        if g[0] in kinds or (g[0] == "headline" and g[1] in scopes)
    ]


@pytest.fixture(scope="module")
def db(
    tmp_path_factory: pytest.TempPathFactory, catalog: Catalog, names: NameBook
) -> sqlite_utils.Database:
    folder = tmp_path_factory.mktemp("scan")
    scans = [*SHARP, *WORN, UNRULED]
    for name in scans:
        shutil.copy(SCAN / name, folder / name)
    database, report = ingest_into(
        folder / "a.db", [SEP, DEC, *(folder / n for n in scans)], catalog, names
    )
    assert [o.status for o in report.outcomes] == ["ingested"] * 8
    return database


def facts(db: sqlite_utils.Database, name: str) -> list[dict[str, object]]:
    cursor = db.execute(
        f"SELECT {COLUMNS} FROM facts_readable WHERE bulletin = ? ORDER BY fact_id", [name]
    )
    keys = [d[0] for d in cursor.description]
    return [dict(zip(keys, row, strict=True)) for row in cursor.fetchall()]


def key(row: dict[str, object] | tuple[object, ...]) -> tuple[object, ...]:
    """(kind, entity, parent, role, metric, value) of a database row or a golden tuple."""
    if isinstance(row, tuple):
        return row[:6]
    value = row["value"]
    return (
        row["table_kind"],
        row["entity_raw"],
        row["parent_raw"],
        row["row_role"],
        row["metric"],
        None if value is None else round(float(str(value)), 6),
    )


@pytest.mark.parametrize("name", SHARP)
def test_at_300_dpi_every_number_is_right(db: sqlite_utils.Database, name: str) -> None:
    got = [key(row) for row in facts(db, name)]
    assert got == [key(g) for g in shown_golden(name)]


def test_the_300_dpi_table_reads_like_the_text(db: sqlite_utils.Database) -> None:
    rows = facts(db, SHARP[0])
    first = [r for r in rows if r["entity_raw"] == "市公交公司"]
    assert [(r["metric"], r["value"], r["note"]) for r in first] == [
        ("accepted", 6459.0, "数据来源于窗口统计"),
        ("completed", 6459.0, "数据来源于窗口统计"),
        ("evaluations", None, None),
        ("satisfaction_rate", None, None),
    ]
    towns = facts(db, SHARP[1])
    subtotal = [r for r in towns if r["row_role"] == "subtotal" and r["entity_raw"] == "玉泉街道"]
    assert [r["value"] for r in subtotal] == [957.0, 1111.0, 1111.0, 1111.0]


@pytest.mark.parametrize("name", WORN)
def test_worn_scans_are_right_or_flagged(db: sqlite_utils.Database, name: str) -> None:
    """≥ 99% of the numbers right; every wrong one stored with needs_review."""
    rows = [r for r in facts(db, name) if r["table_kind"] != "headline"]
    golden = [g for g in shown_golden(name) if g[0] != "headline"]
    assert [(r["table_kind"], r["metric"]) for r in rows] == [(g[0], g[4]) for g in golden]
    wrong = [(r, g) for r, g in zip(rows, golden, strict=True) if key(r)[4:] != key(g)[4:]]
    assert len(wrong) <= 0.01 * len(golden)
    assert all(r["needs_review"] == 1 for r, _ in wrong)


def test_an_unruled_scan_is_read_from_its_white_space_and_flagged(
    db: sqlite_utils.Database,
) -> None:
    """Columns and rows guessed from where the text sits: every fact is stored for review."""
    rows = [r for r in facts(db, UNRULED) if r["table_kind"] != "headline"]
    golden = [g for g in shown_golden(UNRULED) if g[0] != "headline"]
    assert [(r["table_kind"], r["metric"]) for r in rows] == [(g[0], g[4]) for g in golden]
    right = sum(key(r)[4:] == key(g)[4:] for r, g in zip(rows, golden, strict=True))
    assert right >= 0.95 * len(golden)
    assert {(r["needs_review"], r["note"].split("; ")[-1]) for r in rows} == {
        (1, "OCR: 无框线表格，行列为推断")
    }
    engine = "SELECT t.engine FROM source_tables t JOIN bulletins b ON b.id = t.bulletin_id "
    assert db.execute(engine + "WHERE b.path = ?", [UNRULED]).fetchall() == [
        ("ocr:rapidocr:unruled",)
    ]


@pytest.mark.parametrize("name", [*SHARP, *WORN, UNRULED])
def test_period_and_headline_land_like_the_text(db: sqlite_utils.Database, name: str) -> None:
    text = sample_of(name).name
    period = "SELECT DISTINCT period, period_type FROM facts_readable WHERE bulletin = ?"
    assert db.execute(period, [name]).fetchall() == db.execute(period, [text]).fetchall()
    headline = [key(r) for r in facts(db, name) if r["table_kind"] == "headline"]
    assert headline == [key(g) for g in shown_golden(name) if g[0] == "headline"]


def test_engine_is_recorded_per_table(db: sqlite_utils.Database) -> None:
    rows = db.execute(
        "SELECT b.path, b.format, group_concat(t.engine, ' ') FROM source_tables t "
        "JOIN bulletins b ON b.id = t.bulletin_id WHERE b.format = 'scan' GROUP BY b.path "
        "ORDER BY b.path"
    ).fetchall()
    one, two = "ocr:rapidocr", "ocr:rapidocr ocr:rapidocr"
    assert rows == [
        ("2020-12_200dpi_skew.jpg", "scan", one),
        ("2020-12_300dpi.png", "scan", one),
        (UNRULED, "scan", "ocr:rapidocr:unruled"),
        ("2022-09_200dpi_skew.pdf", "scan", two),
        ("2022-09_300dpi.tif", "scan", two),
        ("2022-09_photo.jpg", "scan", one),
    ]


def test_flagged_facts_are_listed_by_the_view(db: sqlite_utils.Database) -> None:
    """`needs_review = 1` lists the flagged facts; text bulletins have none."""
    flagged = db.execute(
        "SELECT bulletin, count(*) FROM facts_readable WHERE needs_review = 1 GROUP BY bulletin"
    ).fetchall()
    assert {b for b, _ in flagged} <= {*SHARP, *WORN, UNRULED}
    for name in [*SHARP, *WORN, UNRULED]:
        rows = facts(db, name)
        assert sum(r["needs_review"] == 1 for r in rows) == dict(flagged).get(name, 0)


def test_cells_lead_to_their_page_and_box(db: sqlite_utils.Database) -> None:
    row = db.execute(
        "SELECT page, bbox FROM facts WHERE id = (SELECT fact_id FROM facts_readable "
        "WHERE bulletin = ? AND table_kind = 'town_centers' AND row_role = 'total' "
        "AND metric = 'consultations')",
        [SHARP[1]],
    ).fetchone()
    assert row is not None and row[0] == 2  # 附件3 is the TIFF's second page
    x0, y0, x1, y1 = (float(v) for v in str(row[1]).strip("[]()").split(","))
    # The 总计 row is the grid's last: near the foot of the drawn table, in points.
    assert 0 < x0 < x1 < 595 and 600 < y0 < y1 < 842
