"""Stated rows and spans (HTML, Word, PDF) → the same grids as the text readers give."""

from __future__ import annotations

from extract.explicit import SpanCell, table_from_rows
from extract.hints import load_hints


def row(*cells: str | tuple[str, int, int]) -> list[SpanCell]:
    return [SpanCell(c) if isinstance(c, str) else SpanCell(c[0], c[1], c[2]) for c in cells]


def test_town_rowspans_total_colspan_and_title_row() -> None:
    rows = [
        row(("9月便民服务中心办件情况统计表", 1, 6)),
        row(("便民服务中心", 1, 2), "咨询(件)", "申请(件)", "受理(件)", "办结(件)"),
        row(("格里坪镇", 3, 1), "格里坪镇便民服务中心", "1100", "960", "960", "960"),
        row("金林社区便民服务中心", "57", "46", "46", "46"),
        row("小计", "1157", "1006", "1006", "1006"),
        row(("总计", 1, 2), "1157", "1006", "1006", "1006"),
    ]
    t = table_from_rows(rows, load_hints(), index=0, caption=["附件3"], engine="html")
    assert t is not None
    assert t.caption == ["附件3", "9月便民服务中心办件情况统计表"]
    assert (t.n_rows, t.n_cols, t.header_rows, t.stub_cols) == (5, 6, 1, 2)
    grid = t.grid()
    assert [c.text if c else None for c in grid[3]] == [
        "格里坪镇",
        "小计",
        "1157",
        "1006",
        "1006",
        "1006",
    ]
    first = t.row_cells(4)[0]
    assert (first.text, first.col, first.colspan) == ("总计", 0, 2)


def test_two_row_header_and_row_numbers() -> None:
    rows = [
        row(("序号", 2, 1), ("部门", 2, 1), ("事项梳理", 1, 2), ("运行效能", 1, 1)),
        row("已认领", "认领率", "办件量"),
        row("1", "区委宣传部", "6", "100.00%", "0"),
        row("2", "区民政局", "60", "100%", "152"),
    ]
    t = table_from_rows(rows, load_hints(), index=0, caption=[], engine="docx")
    assert t is not None
    assert (t.header_rows, t.stub_cols, t.n_cols) == (2, 2, 5)
    assert [c.text for c in t.row_cells(1)] == ["已认领", "认领率", "办件量"]
    assert [c.col for c in t.row_cells(1)] == [2, 3, 4]


def test_a_spacer_row_inside_a_row_span_is_dropped_and_the_span_shrinks() -> None:
    rows = [
        row("便民服务中心", "", "受理(件)"),
        row(("格里坪镇", 3, 1), "金林社区便民服务中心", "46"),
        row("", ""),
        row("格里坪村便民服务中心", "30"),
        row("总计", "", "76"),
    ]
    t = table_from_rows(rows, load_hints(), index=0, caption=[], engine="html")
    assert t is not None
    assert t.n_rows == 4
    texts = [[c.text if c else None for c in r] for r in t.grid()]
    assert texts[1:3] == [
        ["格里坪镇", "金林社区便民服务中心", "46"],
        ["格里坪镇", "格里坪村便民服务中心", "30"],
    ]
    town = next(c for c in t.cells if c.text == "格里坪镇")
    assert (town.row, town.rowspan) == (1, 2)
    assert texts[3] == ["总计", "", "76"]


def test_no_values_is_no_table() -> None:
    rows = [row("单位", "地址"), row("区民政局", "某某路")]
    assert table_from_rows(rows, load_hints(), index=0, caption=[], engine="html") is None
