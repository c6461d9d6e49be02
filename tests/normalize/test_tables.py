"""Tables → facts for a table kind the catalog does not know, and for unknown headers."""

from __future__ import annotations

from extract.hints import load_hints
from extract.text import parse_text
from normalize.bulletin import normalize_document
from normalize.catalog import Catalog

HOTLINE = "\n".join(
    [
        "2022年2月份市长热线工单办理情况通报",
        "| 2022年2月份各单位工单办理情况 | ||||||| |",
        "| 单位 | 总工单数 | 数据完 整得分 | 排名 | 单位 | 总工单数 | 数据完 整得分 | 排名 |",
        "| 贛榆區 | 120 | 10.00 | 1 | 海州区 | 100 | 9.50 | 2 |",
        "| 连云区 | 80 | 9.00 | 3 | | | | |",
    ]
)


def test_hotline_table_is_its_own_kind_with_scores_and_ranks(catalog: Catalog) -> None:
    doc = parse_text(HOTLINE, "hotline.txt", "utf-8", load_hints())
    bulletin = normalize_document(doc, catalog, "hotline.txt")
    assert bulletin.period.label == "2022-02" and bulletin.period.basis == "title"
    assert [t.kind for t in bulletin.tables] == ["hotline"]
    facts = [
        (f.entity_raw, f.metric, f.value, f.value_raw, f.unit, f.row_role) for f in bulletin.facts
    ]
    assert facts == [
        ("贛榆區", "tickets", 120.0, "120", "count", "item"),
        ("贛榆區", "数据完整得分", 10.0, "10.00", "score", "item"),
        ("贛榆區", "rank", 1.0, "1", "rank", "item"),
        ("海州区", "tickets", 100.0, "100", "count", "item"),
        ("海州区", "数据完整得分", 9.5, "9.50", "score", "item"),
        ("海州区", "rank", 2.0, "2", "rank", "item"),
        ("连云区", "tickets", 80.0, "80", "count", "item"),
        ("连云区", "数据完整得分", 9.0, "9.00", "score", "item"),
        ("连云区", "rank", 3.0, "3", "rank", "item"),
    ]
    assert bulletin.warnings == [
        "table 1 (2022年2月份市长热线工单办理情况通报 2022年2月份各单位工单办理情况): "
        "unknown header '数据完整得分' kept as '数据完整得分'"
    ]


def test_unknown_kind_keeps_every_cell_under_a_slug(catalog: Catalog) -> None:
    text = "\n".join(
        ["2022年2月份志愿服务情况", "| 单位 | 志愿者人数 | 服务天数 |",
         "| 城东区 | 120 | 3.5 |", "| 城西区 | 80 | 2 |"]
    )  # fmt: skip
    bulletin = normalize_document(parse_text(text, "v.txt", "utf-8", load_hints()), catalog, "v")
    assert [t.kind for t in bulletin.tables] == ["other"]
    assert [(f.entity_raw, f.metric, f.value, f.unit) for f in bulletin.facts] == [
        ("城东区", "志愿者人数", 120.0, "count"),
        ("城东区", "服务天数", 3.5, "days"),
        ("城西区", "志愿者人数", 80.0, "count"),
        ("城西区", "服务天数", 2.0, "days"),
    ]
    assert bulletin.warnings == []


def test_unknown_header_in_a_known_kind_is_kept_and_reported(catalog: Catalog) -> None:
    text = "\n".join(["附件2", "部门窗口办件情况", "序号 |", "部门 |", "办件数 |", "帮办代办数 |",
                      "1 |", "区医保局 |", "3986 |", "12 |"])  # fmt: skip
    doc = parse_text(text, "x.txt", "utf-8", load_hints())
    bulletin = normalize_document(doc, catalog, "x.txt")
    assert [(f.metric, f.value) for f in bulletin.facts] == [
        ("handled", 3986.0),
        ("帮办代办数", 12.0),
    ]
    assert bulletin.warnings == [
        "table 1 (附件2 部门窗口办件情况): unknown header '帮办代办数' kept as '帮办代办数'"
    ]
