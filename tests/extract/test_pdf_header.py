"""Header labels of unruled PDF tables: group labels spanning the columns of their
sub-labels, shares that do not fit said to be guessed."""

from __future__ import annotations

from extract.pdf_header import Label, best_bounds, share_columns
from extract.pdf_text import Glyph
from extract.review import REVIEW_MARK

EDGES = [float(x) for x in range(0, 200, 10)]  # 19 columns, 10 points each


def label(text: str, x0: float, col: int, group: bool = True) -> Label:
    glyphs = [Glyph(ch, x0 + 10 * k, x0 + 10 * (k + 1), 0, 10, 10) for k, ch in enumerate(text)]
    return Label(glyphs, col, 0.0, 10.0, group)


def test_centred_group_labels_share_the_columns_between_the_name_labels() -> None:
    # 序号, 部门 over columns 0 and 1; 事项梳理 centred over 2–8, 运行效能 over 9–18.
    assert best_bounds([55.0, 140.0], EDGES, 2, 19) == ([2, 9, 19], 0.0)
    row = [
        label("序号", 0, 0, group=False), label("部门", 10, 1, group=False),
        label("事项梳理", 35, 5), label("运行效能", 120, 14),
    ]  # fmt: skip
    assert share_columns(row, EDGES) == []
    assert [(x.col, x.colspan) for x in row] == [(0, 1), (1, 1), (2, 7), (9, 10)]


def test_group_labels_that_no_share_fits_are_said_to_be_guessed() -> None:
    # Both group labels sit at the left: no split of 2–18 puts each over its middle.
    row = [label("序号", 0, 0, group=False), label("甲组", 20, 2), label("乙组", 40, 4)]
    (guess,) = share_columns(row, EDGES)
    assert guess == f"{REVIEW_MARK}spans of the group headers 甲组乙组 guessed"
    assert [(x.col, x.colspan) for x in row[1:]] == [(1, 1), (2, 17)]  # the best it can do
