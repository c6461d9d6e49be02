"""Unruled PDF tables read every way, the right reading chosen by the table's own totals.

The two ``total_decides_*`` fixtures are set so that the wrong reading is as well formed
as the right one (every row named, every value column filled with numbers): only the
total row tells them apart. Expected grids are written out by hand below.
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from extract.document import Cell, Source, Table
from extract.hints import load_hints
from extract.pdf import PdfSettings, read_chain, read_page, read_pdf, region_chains
from extract.pdf_build import unruled_table
from extract.pdf_readings import Evidence, choose_reading, evaluate, number
from extract.pdf_stitch import stitch
from extract.pdf_tables import GAPS, PartCell, TablePart
from extract.pdf_unruled import (
    BANDS,
    HEADER_WORDS,
    VALUES,
    header_columns,
    own_columns,
    region_to_part,
)
from extract.review import REVIEW_MARK
from tests.extract.test_pdf import region_of

PDF = Path(__file__).parents[1] / "fixtures" / "pdf"
HINTS = load_hints()
SETTINGS = PdfSettings()
HEADER = ["单位", "受理(件)", "办结(件)"]
GROUPED = [
    HEADER,
    ["区民政局", "12", "11"], ["区财政局", "34", "34"], ["区司法局", "5", "5"],
    ["区商务局", "21", "20"], ["区水利局", "8", "8"], ["区林业局", "17", "16"],
    ["总计", "97", "94"],
]  # fmt: skip
WRAPPED = [
    HEADER,
    ["区民政局", "1234", "1200"], ["区财政局", "2510", "2498"], ["区司法局", "3306", "3301"],
    ["全区合计", "7050", "6999"],
]  # fmt: skip


def grid(table: Table) -> list[list[str | None]]:
    return [[c.text if c else None for c in row] for row in table.grid()]


def reading(name: str, anchor: str) -> Table | None:
    """One reading of a fixture's only table, built as the reader builds it."""
    with pdfplumber.open(PDF / f"{name}.pdf") as pdf:
        pages = [read_page(page, name, HINTS, SETTINGS) for page in pdf.pages]
    (chain,) = region_chains(pages)
    edges, _ = own_columns(chain, SETTINGS, HINTS)
    parts = [region_to_part(region, edges, HINTS, SETTINGS, anchor) for region in chain]
    return unruled_table(stitch(parts, HINTS), HINTS, index=0, caption=[], source=Source())


@pytest.mark.parametrize(
    ("name", "expected", "right", "wrong"),
    [
        ("total_decides_grouped_rows", GROUPED, VALUES, BANDS),
        ("total_decides_wrapped_rows", WRAPPED, BANDS, VALUES),
    ],
)
def test_the_total_chooses_the_reading(
    name: str, expected: list[list[str]], right: str, wrong: str
) -> None:
    (table,) = read_pdf(PDF / f"{name}.pdf").tables
    assert grid(table) == expected
    assert table.engine == f"{GAPS}/{right}"
    (note,) = table.warnings
    assert note.startswith(
        f"reading {GAPS}/{right} chosen: 2 checks hold; rejected {GAPS}/{wrong}: "
    )
    assert "fail (总计 under 受理(件): rows sum to" in note
    assert "structural misses" not in note


@pytest.mark.parametrize(
    ("name", "right", "wrong", "printed"),
    [
        ("total_decides_grouped_rows", VALUES, BANDS, ["97", "94"]),
        ("total_decides_wrapped_rows", BANDS, VALUES, ["50", "99"]),
    ],
)
def test_the_wrong_reading_passes_every_structural_test_but_the_total(
    name: str, right: str, wrong: str, printed: list[str]
) -> None:
    bad = reading(name, wrong)
    assert bad is not None
    evidence = evaluate(bad, HINTS)
    assert (evidence.misses, evidence.holds) == (0, [])
    assert [f.split(", ")[-1] for f in evidence.fails] == [f"{p} printed" for p in printed]
    # every row named, every value a number, as many columns as the right reading
    body = grid(bad)[1:]
    assert all(row[0] and all(number(v or "") is not None for v in row[1:]) for row in body)
    good = evaluate(reading(name, right), HINTS)
    assert (good.misses, good.fails, len(good.holds)) == (0, [], 2)


def test_wrapped_rows_read_line_by_line_split_every_number() -> None:
    bad = reading("total_decides_wrapped_rows", VALUES)
    assert bad is not None
    assert grid(bad)[1:3] == [["区民", "12", "12"], ["政局", "34", "00"]]


def part(rows: list[list[str]], header_rows: int = 1) -> TablePart:
    cells = [
        PartCell(text, r, c, page=1) for r, row in enumerate(rows) for c, text in enumerate(row)
    ]
    return TablePart(1, (0, 0, 100, 100), len(rows), len(rows[0]), cells, GAPS, header_rows)


def test_readings_that_nothing_tells_apart_are_flagged_for_review() -> None:
    one = [part([HEADER, ["区民政局", "12", "11"], ["区财政局", "34", "34"]])]
    other = [part([HEADER, ["区民政局区财政局", "1234", "1134"]])]
    name, chosen = choose_reading({VALUES: one, BANDS: other}, HINTS)
    assert (name, chosen) == (VALUES, one)
    (note,) = one[0].notes
    assert note.startswith(f"{REVIEW_MARK}readings differ and no total, subtotal or row number")


def table_of(rows: list[list[str]]) -> Table:
    cells = [Cell(text, r, c) for r, row in enumerate(rows) for c, text in enumerate(row)]
    return Table(0, cells, len(rows), len(rows[0]), header_rows=1, stub_cols=2)


def test_evidence_of_subtotals_totals_row_numbers_and_rates() -> None:
    table = table_of([
        ["序号", "单位", "受理", "满意率"],
        ["1", "甲", "3", "100%"], ["2", "乙", "4", "99.5%"], ["", "小计", "7", "-"],
        ["4", "丙", "5", "120%"], ["", "小计", "6", "-"], ["", "总计", "13", "-"],
    ])  # fmt: skip
    evidence = evaluate(table, HINTS)
    assert evidence.holds == ["小计 under 受理", "总计 under 受理"]
    assert evidence.fails == [
        "小计 under 受理: rows sum to 5, 6 printed",
        "rate 120% out of range",
        "row number 4 where 3 is due",
    ]
    assert evidence.misses == 0
    assert Evidence(holds=["a"], fails=["b"], misses=2).rank() == (3, -1)


def test_number_reads_cells_as_printed() -> None:
    assert [number(t) for t in ("100.00%", "6459（数据来源于窗口统计）", "1,234", "-", "局")] == [
        100.0, 6459.0, 1234.0, None, None,
    ]  # fmt: skip


def test_a_table_that_no_reading_reads_right_is_flagged() -> None:
    # A long name prints right up to its value (one segment): the gaps make 部门 and 受理
    # one column, the header's words put the name under 受理; the 总计 fails or is lost.
    region = region_of([
        [("部门", 40), ("受理", 120), ("办结", 170)],
        [("区民政局", 40), ("12", 120), ("11", 170)],
        [("区住房城乡建设局局", 40), ("9", 135), ("9", 170)],
        [("总计", 40), ("21", 120), ("20", 170)],
    ])  # fmt: skip
    assert header_columns([region], SETTINGS) == [40, 90.0, 155.0, 190.0]
    parts = read_chain([region], HINTS, SETTINGS)
    (note,) = parts[0].notes
    assert note.startswith(f"{REVIEW_MARK}readings differ and no total, subtotal or row number")
    assert f"{HEADER_WORDS}/{VALUES}: 1 checks hold, 1 fail (总计 under 办结" in note
