"""Property: any table written the way the site's converter writes it parses back exactly."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import tables_of

HEADERS = ["已认领", "待认领", "认领率", "办件量", "受理(件)", "办结(件)", "系统评价数", "满意率"]
CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
NAMES = st.builds(
    lambda s, head: "区" + s + head,
    st.text(CJK, min_size=2, max_size=6),
    st.sampled_from(["局", "中心", "街道"]),
)
VALUES = st.one_of(
    st.integers(0, 99999).map(str),
    st.floats(0, 100).map(lambda f: f"{f:.2f}%"),
    st.sampled_from(["-", "100%", "0.00%"]),
)


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[list[str]], bool, bool]:
    headers = draw(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=6, unique=True))
    names = draw(st.lists(NAMES, min_size=1, max_size=12, unique=True))
    rows = [
        [name, *draw(st.lists(VALUES, min_size=len(headers), max_size=len(headers)))]
        for name in names
    ]
    return headers, rows, draw(st.booleans()), draw(st.booleans())


def write_pipe(headers: list[str], rows: list[list[str]], numbered: bool, total: bool) -> str:
    """One cell a line, as the site's text export writes a table."""
    lines = ["附件1", "某某情况统计表"]
    lines += [f"{h} |" for h in (["序号", "部门"] if numbered else ["部门"]) + headers]
    for i, row in enumerate(rows, 1):
        cells = ([str(i)] if numbered else []) + row
        lines += [f"{c} |" if c else "|" for c in cells]
    if total:
        lines += ["总计 |"] + [f"{i} |" for i in range(len(headers))]
    lines.append("备注:以上数据来源于系统。")
    return "\n".join(lines)


@settings(max_examples=150, deadline=None)
@given(tables())
def test_written_tables_parse_back(table: tuple[list[str], list[list[str]], bool, bool]) -> None:
    headers, rows, numbered, total = table
    (parsed,) = tables_of(write_pipe(headers, rows, numbered, total))
    stub = 2 if numbered else 1
    assert (parsed.n_cols, parsed.header_rows, parsed.stub_cols) == (stub + len(headers), 1, stub)
    assert parsed.n_rows == 1 + len(rows) + total
    grid = parsed.grid()
    for r, row in enumerate(rows, 1):
        texts = [cell.text if cell else None for cell in grid[r]]
        assert texts == ([str(r)] if numbered else []) + row
    if total:
        last = grid[-1]
        assert [c.text if c else None for c in last[stub:]] == [str(i) for i in range(len(headers))]
        assert last[0] is not None and last[0].text == "总计" and last[0].colspan == stub
