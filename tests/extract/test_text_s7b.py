"""Text tables, second pass: a title spaced out above space-aligned rows is the caption;
a row indented under another in a text or tab table is a part of it."""

from __future__ import annotations

from extract.hints import load_hints
from extract.text import parse_text

HINTS = load_hints()
ROWS = [
    "",
    "单位        工单数    办结率    满意率",
    "",
    "城东区      1204      98.50%    96.20%",
    "",
    "城西区       873      99.10%    95.40%",
]


def grid(text: str) -> tuple[list[str], list[list[str | None]]]:
    (table,) = parse_text(text, "t.txt", "utf-8", HINTS).tables
    return table.caption, [[c.text if c else None for c in row] for row in table.grid()]


def test_a_spaced_out_title_above_spaced_rows_is_the_caption() -> None:
    caption, cells = grid("\n".join(["表2      12345热线      工单统计表", *ROWS]))
    assert caption == ["表2 12345热线 工单统计表"]
    assert cells == [
        ["单位", "工单数", "办结率", "满意率"],
        ["城东区", "1204", "98.50%", "96.20%"],
        ["城西区", "873", "99.10%", "95.40%"],
    ]


def test_a_line_of_as_many_cells_as_the_header_stays_a_row() -> None:
    # four cells over four: a header row as much as a title (left as it was)
    caption, cells = grid("\n".join(["表2      12345热线      工单      情况统计表", *ROWS]))
    assert caption == []
    assert cells[0] == ["表2", "12345热线", "工单", "情况统计表"]


def test_a_spaced_line_that_reads_as_no_caption_stays_a_row() -> None:
    caption, cells = grid("\n".join(["区县      12345热线      工单", *ROWS]))
    assert caption == []
    assert cells[0] == ["区县", "12345热线", "工单", ""]
