"""Table bulletins of other publishers (tests/fixtures/family/table-*.txt), ingested for real
and compared field by field through facts_readable with golden files written by hand
(tests/golden/family/table-*.csv)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from extract.reader import read_document
from normalize.catalog import Catalog
from normalize.names import NameBook
from tests.helpers import ROOT, ingest_into

FIXTURES = ROOT / "tests" / "fixtures" / "family"
GOLDEN = ROOT / "tests" / "golden" / "family"
TABLE_FILES = sorted(FIXTURES.glob("table-*.txt"))
COLUMNS = (
    "table_kind",
    "entity_raw",
    "row_role",
    "metric",
    "header",
    "value",
    "value_raw",
    "unit",
    "needs_review",
    "period",
    "period_type",
)


def comparable(row: dict[str, object]) -> tuple[str, ...]:
    """A fact as text: '' for NULL, numbers without trailing zeros."""
    out = []
    for key in COLUMNS:
        value = row.get(key)
        if value is None or value == "":
            out.append("")
        elif key in ("value", "needs_review"):
            out.append(f"{float(str(value)):g}")
        else:
            out.append(str(value))
    return tuple(out)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, catalog: Catalog, names: NameBook):
    db, _report = ingest_into(
        tmp_path_factory.mktemp("family") / "a.db", TABLE_FILES, catalog, names
    )
    return db


def test_there_is_a_fixture_per_pattern() -> None:
    assert len(TABLE_FILES) >= 8
    assert {p.stem for p in TABLE_FILES} == {p.stem for p in GOLDEN.glob("table-*.csv")}


@pytest.mark.parametrize("path", TABLE_FILES, ids=lambda p: p.stem)
def test_table_facts_equal_the_golden_file(archive, path: Path) -> None:
    columns = ", ".join(COLUMNS)
    cursor = archive.execute(
        f"SELECT {columns} FROM facts_readable WHERE bulletin = ? AND table_kind != 'headline' "
        "ORDER BY fact_id",
        [path.name],
    )
    names = [d[0] for d in cursor.description]
    got = [comparable(dict(zip(names, row, strict=True))) for row in cursor.fetchall()]
    with (GOLDEN / f"{path.stem}.csv").open(encoding="utf-8") as handle:
        want = [comparable(row) for row in csv.DictReader(handle)]
    assert got == want


def warnings_of(db, name: str) -> list[str]:
    return [
        row[0]
        for row in db.execute(
            "SELECT w.message FROM warnings w JOIN bulletins b ON b.id = w.bulletin_id "
            "WHERE b.path = ?",
            [name],
        )
    ]


def test_cut_off_table_keeps_complete_rows_and_says_so(archive) -> None:
    messages = warnings_of(archive, "table-cut-off.txt")
    assert any("cut off" in m and "城南区" in m and "line 6" in m for m in messages)
    rows = archive.execute(
        "SELECT count(*) FROM facts_readable WHERE entity_raw = '城南区' AND bulletin = ?",
        ["table-cut-off.txt"],
    ).fetchone()
    assert rows == (0,)


def test_guessed_group_spans_are_flagged_and_named(archive) -> None:
    messages = warnings_of(archive, "table-guessed-groups.txt")
    assert any(
        "来源, 类型" in m and "even split" in m and "电话, 网络, 咨询, 投诉, 求助" in m
        for m in messages
    )


def test_metadata_block_is_prose_not_a_table() -> None:
    doc = read_document(FIXTURES / "table-metadata-pipes.txt")
    assert len(doc.tables) == 1
    texts = [b.text for b in doc.blocks]
    assert texts[:6] == [
        "索引号: 11320700/2023-00123",
        "信息分类: 工作动态",
        "发布机构: 某市12345政府公共服务中心",
        "发文日期: 2023-06-05",
        "文号:",
        "点击数: 1523",
    ]
    assert doc.tables[0].caption == ["2023年5月12345热线运行情况"]


def test_back_to_back_tables_split_with_the_caption_printed_after() -> None:
    doc = read_document(FIXTURES / "table-back-to-back.txt")
    assert [t.caption[-1] for t in doc.tables] == ["表1 各区工单办理情况", "表2 部门满意度排名"]
    assert [(t.n_rows, t.n_cols) for t in doc.tables] == [(3, 3), (3, 3)]


def test_breakdowns_side_by_side_are_two_tables_and_the_lead_figure_is_prose() -> None:
    doc = read_document(FIXTURES / "table-breakdowns.txt")
    heads = [[c.text for c in t.row_cells(0)] for t in doc.tables]
    assert heads == [["诉求来源", "数量", "占比"], ["工单类型", "数量", "占比"]]
    assert "受理总量 21406" in [b.text for b in doc.blocks]


def test_forum_repost_paragraphs_lose_their_pipes() -> None:
    doc = read_document(FIXTURES / "table-forum-repost.txt")
    texts = [b.text for b in doc.blocks]
    assert "5月，全市12345热线共受理群众诉求21764件，按时办结率97.12%。各区情况如下：" in texts
    assert len(doc.tables) == 1


def test_checks_respect_column_units(archive) -> None:
    rows = archive.execute(
        "SELECT c.rule, c.metric, c.status FROM checks c JOIN bulletins b ON b.id = c.bulletin_id "
        "WHERE b.path = ? AND c.rule IN ('count_is_whole', 'percent_in_range', 'rank_is_whole') "
        "ORDER BY c.metric",
        ["table-scores-changes.txt"],
    ).fetchall()
    assert rows == [
        ("count_is_whole", "cases", "ok"),
        ("percent_in_range", "同比", "ok"),
        ("rank_is_whole", "排名", "ok"),
    ]
