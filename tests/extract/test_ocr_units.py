"""The parts of the scan reader that need no OCR run: sums and misread digits, header
snapping, the confidence flag, Tesseract's output, deskewing, ruled grids, bad images."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from extract.document import Cell, Document, Source, Table
from extract.errors import BulletinError, NoTable
from extract.hints import load_hints
from extract.ocr_engine import OcrLine, OcrUnavailable, get_engine, tesseract_lines
from extract.reader import read_document
from extract.scan import PageRead, assemble
from extract.scan_image import (
    GridCell,
    PageImage,
    RuledGrid,
    find_grids,
    ink,
    rotate,
    rule_masks,
    skew_angle,
    square_up,
)
from extract.scan_unruled import cut_at_gaps, unruled_grids
from normalize.bulletin import normalize_document
from normalize.catalog import Catalog
from normalize.ocr_repair import OcrReviewError, load_review, readings, snap, vocabulary


def cell(text: str, row: int, col: int, score: float | None = 0.99, **spans: int) -> Cell:
    box = (10.0 * col, 10.0 * row, 10.0 * col + 10, 10.0 * row + 10)
    return Cell(text, row, col, source=Source(page=1, bbox=box), confidence=score, **spans)


def scan_of(rows: list[list[Cell]], caption: str, engine: str = "ocr:test") -> Document:
    cells = [c for row in rows for c in row]
    table = Table(
        index=0,
        cells=cells,
        n_rows=len(rows),
        n_cols=max(c.col + c.colspan for c in cells),
        header_rows=1,
        stub_cols=1,
        caption=[caption],
        engine=engine,
    )
    return Document("t.png", "scan", "", [], [table], [0])


def test_readings_cover_the_known_confusions() -> None:
    got = set(readings("1806"))
    assert {"7806", "1006", "1886", "1808", "1805"} <= got  # 1→7, 8→0, 0→8, 6→8, 6→5
    assert {"806", "11806", "18806"} <= got  # a doubled digit, a dropped one
    assert "1806" not in got and "0806" not in got  # not itself, no leading zero


def test_one_misread_digit_that_explains_a_failed_sum_is_noted_not_changed(
    catalog: Catalog,
) -> None:
    doc = scan_of(
        [
            [cell("便民服务中心", 0, 0), cell("受理(件)", 0, 1)],
            [cell("金林社区便民服务中心", 1, 0), cell("46", 1, 1)],
            [cell("格里坪村便民服务中心", 2, 0), cell("38", 2, 1)],  # printed 30
            [cell("总计", 3, 0), cell("76", 3, 1)],
        ],
        "便民服务中心办件情况统计表",
    )
    bulletin = normalize_document(doc, catalog, "2022-09_scan.png")
    got = [(f.entity_raw, f.value, f.needs_review, f.note) for f in bulletin.facts]
    assert got == [
        ("金林社区便民服务中心", 46.0, True, "OCR: 核对不符"),
        ("格里坪村便民服务中心", 38.0, True, "OCR 候选: 30"),
        ("总计", 76.0, True, "OCR: 核对不符"),
    ]
    assert [c.alternative for c in doc.tables[0].cells if c.text == "38"] == ["30"]


def test_a_sum_two_readings_explain_gets_no_candidate(catalog: Catalog) -> None:
    doc = scan_of(
        [
            [cell("便民服务中心", 0, 0), cell("受理(件)", 0, 1)],
            [cell("金林社区便民服务中心", 1, 0), cell("18", 1, 1)],
            [cell("格里坪村便民服务中心", 2, 0), cell("18", 2, 1)],
            [cell("总计", 3, 0), cell("26", 3, 1)],  # either 18 may be a misread 8
        ],
        "便民服务中心办件情况统计表",
    )
    bulletin = normalize_document(doc, catalog, "2022-09_scan.png")
    assert [(f.value, f.needs_review, f.note) for f in bulletin.facts] == [
        (18.0, True, "OCR: 核对不符"),
        (18.0, True, "OCR: 核对不符"),
        (26.0, True, "OCR: 核对不符"),
    ]


def test_sums_that_hold_and_text_tables_are_left_alone(catalog: Catalog) -> None:
    rows = [
        [cell("便民服务中心", 0, 0), cell("受理(件)", 0, 1)],
        [cell("金林社区便民服务中心", 1, 0), cell("46", 1, 1)],
        [cell("格里坪村便民服务中心", 2, 0), cell("30", 2, 1)],
        [cell("总计", 3, 0), cell("76", 3, 1)],
    ]
    held = normalize_document(scan_of(rows, "便民服务中心"), catalog, "2022-09.png")
    assert [(f.value, f.needs_review, f.note) for f in held.facts] == [
        (46.0, False, None),
        (30.0, False, None),
        (76.0, False, None),
    ]
    rows[2][1] = Cell("38", 2, 1)
    text = normalize_document(scan_of(rows, "便民服务中心", engine="html"), catalog, "x.txt")
    # no OCR note on a text table; its failed total is the quality gate's to flag
    assert [(f.value, f.needs_review, f.note) for f in text.facts] == [
        (46.0, True, None),
        (38.0, True, None),
        (76.0, True, None),
    ]


def test_low_scores_are_flagged_and_headers_snapped(catalog: Catalog) -> None:
    doc = scan_of(
        [
            [cell("部内", 0, 0, 0.77), cell("系统受理数", 0, 1), cell("系统办结数", 0, 2)],
            [cell("区社保局", 1, 0), cell("2586", 1, 1, 0.62), cell("2587", 1, 2, 0.97)],
        ],
        "政务服务大厅部门窗口办件情况",
    )
    bulletin = normalize_document(doc, catalog, "2020-12.png")
    assert bulletin.tables[0].headers == ["部门", "系统受理数", "系统办结数"]
    assert "table 1: OCR header '部内' read as '部门'" in bulletin.warnings
    assert [(f.metric, f.value, f.needs_review) for f in bulletin.facts] == [
        ("accepted", 2586.0, True),
        ("completed", 2587.0, False),
    ]


def test_snap_takes_only_a_unique_one_character_neighbour(catalog: Catalog) -> None:
    words = vocabulary(catalog)
    assert snap("部門", words) is None  # traditional: folded to 部门, known already
    assert snap("系统受理教", words) == "系统受理数"
    assert snap("咨洵(件)", words) == "咨询(件)"  # the unit kept
    assert snap("部门", words) is None  # known already
    assert snap("区", words) is None  # too short to tell
    assert snap("天气预报", words) is None


TSV = (
    "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
    "1\t1\t0\t0\t0\t0\t0\t0\t800\t600\t-1\t\n"
    "5\t1\t1\t1\t1\t1\t100\t50\t40\t30\t96.5\t区社\n"
    "5\t1\t1\t1\t1\t2\t142\t51\t40\t30\t88.0\t保局\n"
    "5\t1\t2\t1\t1\t1\t400\t50\t60\t30\t91.0\t2586\n"
    "5\t1\t3\t1\t1\t1\t500\t50\t30\t30\t95.0\tA\n"
    "5\t1\t3\t1\t1\t2\t540\t50\t30\t30\t95.0\tB\n"
)


def test_tesseract_words_become_lines_scored_by_their_worst_word() -> None:
    got = [(ln.text, ln.box, ln.score) for ln in tesseract_lines(TSV)]
    assert got == [
        ("区社保局", (100.0, 50.0, 182.0, 81.0), 0.88),
        ("2586", (400.0, 50.0, 460.0, 80.0), 0.91),
        ("A B", (500.0, 50.0, 570.0, 80.0), 0.95),
    ]


def test_an_unknown_engine_is_one_clear_error() -> None:
    with pytest.raises(OcrUnavailable) as info:
        get_engine("abbyy", "x.png")
    assert str(info.value) == "x.png: unknown OCR engine 'abbyy' (rapidocr, tesseract)"


def test_a_broken_image_is_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    with pytest.raises(BulletinError) as info:
        read_document(path, "broken.png")
    assert str(info.value) == (
        "broken.png: not a readable image: it starts like a PNG file but cannot be decoded "
        "(truncated or damaged); copy or export it again"
    )


def ruled_page() -> np.ndarray:
    """A white page with a 3×3 ruled grid whose top row is one merged cell, and text bars."""
    page = np.full((1200, 900), 255, np.uint8)
    xs, ys = [100, 400, 600, 800], [200, 300, 400, 500]
    for y in ys:
        cv2.line(page, (xs[0], y), (xs[-1], y), 0, 3)
    for x in xs:
        cv2.line(page, (x, ys[1] if x in (400, 600) else ys[0]), (x, ys[-1]), 0, 3)
    for k in range(12):  # prose lines above and below
        y = 60 + 10 * k if k < 6 else 600 + 40 * k
        cv2.rectangle(page, (120, y), (780, y + 12), 0, -1)
    return page


def test_ruled_grid_with_a_spanning_cell() -> None:
    horizontal, vertical = rule_masks(ink(ruled_page()))
    grids = find_grids(horizontal, vertical)
    assert len(grids) == 1
    grid = grids[0]
    assert [abs(a - b) <= 2 for a, b in zip(grid.xs, [100, 400, 600, 800], strict=True)]
    assert [(c.row, c.col, c.rowspan, c.colspan) for c in grid.cells] == [
        (0, 0, 1, 3),
        (1, 0, 1, 1),
        (1, 1, 1, 1),
        (1, 2, 1, 1),
        (2, 0, 1, 1),
        (2, 1, 1, 1),
        (2, 2, 1, 1),
    ]
    assert grid.cell_at(500, 250) == grid.cells[0]
    assert grid.cell_at(50, 250) is None


def test_a_turned_page_is_turned_back() -> None:
    page = ruled_page()
    assert skew_angle(ink(rotate(page, 1.5))) == pytest.approx(-1.5, abs=0.1)
    assert skew_angle(ink(page)) == pytest.approx(0.0, abs=0.06)


def test_a_slanted_frame_is_squared_up() -> None:
    page = ruled_page()
    src = np.float32([[0, 0], [900, 0], [900, 1200], [0, 1200]])
    dst = np.float32([[30, 0], [870, 0], [900, 1200], [0, 1200]])  # narrower at the top
    slanted = cv2.warpPerspective(
        page, cv2.getPerspectiveTransform(src, dst), (900, 1200), borderValue=255
    )
    horizontal, vertical = rule_masks(ink(square_up(slanted)))
    grid = find_grids(horizontal, vertical)[0]
    assert len(grid.xs) == 4 and len(grid.ys) == 4
    assert len(grid.cells) == 7


def page_read(number: int, rows: list[list[str]], prose: list[str]) -> PageRead:
    """A page as OCR would leave it: a 2-column ruled grid 100 px a row below some prose,
    each cell's text as one line at its centre."""
    top = 100 + 50 * len(prose)
    xs, ys = [100, 400, 700], [top + 100 * r for r in range(len(rows) + 1)]
    cells = [
        GridCell(r, c, 1, 1, (xs[c], ys[r], xs[c + 1], ys[r + 1]))
        for r in range(len(rows))
        for c in range(2)
    ]
    grid = RuledGrid(xs, ys, cells)
    lines = {
        (r, c): [OcrLine(text, (xs[c] + 20, ys[r] + 30, xs[c + 1] - 20, ys[r] + 70), 0.95)]
        for r, row in enumerate(rows)
        for c, text in enumerate(row)
    }
    words = [
        OcrLine(t, (100, 100 + 50 * k, 100 + 30 * len(t), 130 + 50 * k), 0.99)
        for k, t in enumerate(prose)
    ]
    page = PageImage(number, np.full((1200, 800), 255, np.uint8), 72.0)
    return PageRead(page, [(grid, lines)], words)


def test_a_grid_going_on_at_the_top_of_the_next_page_is_one_table() -> None:
    first = page_read(
        1, [["部门", "系统受理数"], ["区社保局", "2586"], ["区医保局", "2321"]], ["附件2"]
    )
    # Page 2 repeats the header and starts with a page number only.
    second = page_read(2, [["部门", "系统受理数"], ["区就业局", "482"]], ["- 8 -"])
    doc = assemble("t.png", [first, second], load_hints(), "ocr:test")
    assert [b.text for b in doc.blocks] == ["附件2"]
    [table] = doc.tables
    assert table.caption == ["附件2"]
    assert [[c.text for c in table.row_cells(r)] for r in range(table.n_rows)] == [
        ["部门", "系统受理数"],
        ["区社保局", "2586"],
        ["区医保局", "2321"],
        ["区就业局", "482"],
    ]
    last = table.row_cells(3)[1]
    assert (last.source.page, last.confidence) == (2, 0.95)


def test_a_grid_under_its_own_caption_is_a_table_of_its_own() -> None:
    first = page_read(1, [["部门", "系统受理数"], ["区社保局", "2586"]], [])
    second = page_read(2, [["部门", "系统办结数"], ["区就业局", "482"]], ["附件3"])
    doc = assemble("t.png", [first, second], load_hints(), "ocr:test")
    assert [t.caption for t in doc.tables] == [[], ["附件3"]]


def test_the_review_settings_are_checked_when_loaded(tmp_path: Path) -> None:
    shipped = load_review()
    assert shipped.review_confidence == 0.9
    assert shipped.confusions["8"] == "063" and shipped.confusions["1"] == "7"
    bad = tmp_path / "ocr.yaml"
    bad.write_text('review_confidence: 0.9\nconfusions:\n  "8": ["O"]\n', encoding="utf-8")
    with pytest.raises(OcrReviewError, match="confusions: '8' must map to a list of digits"):
        load_review(bad)
    bad.write_text("review_confidence: 2\nconfusions: {}\n", encoding="utf-8")
    with pytest.raises(OcrReviewError, match=r"review_confidence must be a number in \(0, 1\]"):
        load_review(bad)


def test_a_piece_read_across_a_column_gap_is_cut_there() -> None:
    # Two cells without a rule between them, read as one piece: 4 CJK-free digits + 4 CJK.
    line = OcrLine("6459（数据来源窗口", (0.0, 0.0, 1000.0, 40.0), 0.9)
    width = sum(0.55 if ch.isascii() else 1.0 for ch in line.text)
    gap = round(1000 * (4 * 0.55 + 1) / width)  # after "6459（"
    assert [(p.text, p.box[0], p.box[2]) for p in cut_at_gaps(line, [gap])] == [
        ("6459（", 0.0, gap),
        ("数据来源窗口", float(gap), 1000.0),
    ]
    assert cut_at_gaps(line, [1200]) == [line]  # no gap inside it


def test_rows_and_columns_from_white_space() -> None:
    def piece(text: str, x: float, y: float) -> OcrLine:
        return OcrLine(text, (x, y, x + 20 * len(text), y + 30), 0.95)

    lines = [
        piece("附件2 西区政务服务大厅9月部门窗口办件情况统计", 100, 40),
        *(piece(t, x, 120) for t, x in [("序号", 100), ("部门", 300), ("办件数", 600)]),
        *(piece(t, x, 170) for t, x in [("1", 110), ("区医保局", 280), ("3986", 610)]),
        *(piece(t, x, 220) for t, x in [("2", 110), ("区残联", 290), ("74", 620)]),
        piece("备注：数据来源于窗口", 100, 400),
    ]
    [(grid, cells)], prose = unruled_grids(lines)
    assert [ln.text for ln in prose] == [lines[0].text, "备注：数据来源于窗口"]
    assert not grid.ruled and (len(grid.xs), len(grid.ys)) == (4, 4)
    text = {k: "".join(ln.text for ln in v) for k, v in cells.items()}
    assert text == {
        (0, 0): "序号", (0, 1): "部门", (0, 2): "办件数",
        (1, 0): "1", (1, 1): "区医保局", (1, 2): "3986",
        (2, 0): "2", (2, 1): "区残联", (2, 2): "74",
    }  # fmt: skip


def test_a_scan_without_a_table_is_one_clear_line(tmp_path: Path) -> None:
    from PIL import Image, ImageDraw

    image = Image.new("L", (800, 400), 255)
    ImageDraw.Draw(image).text((40, 40), "2022 9 1", fill=0)
    image.save(tmp_path / "note.png")
    with pytest.raises(NoTable) as info:
        read_document(tmp_path / "note.png", "note.png")
    assert str(info.value) == (
        "note.png: no table found in the scan (no ruled grid with values, no columns of text)"
    )


def test_an_image_too_large_for_a_page_is_one_line(tmp_path: Path) -> None:
    from PIL import Image

    path = tmp_path / "huge.png"
    Image.new("L", (12000, 9000), 255).save(path)
    with pytest.raises(BulletinError) as caught:
        read_document(path, "huge.png")
    assert str(caught.value) == (
        "huge.png: image too large to read (12000×9000 pixels; at most 100 million): "
        "scan the page at 300 dpi"
    )
