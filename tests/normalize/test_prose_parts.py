"""Prose figures in brackets: a category's count and share, a listed unit's rate, and
figures that are averages of a known measure. Expected rows written by hand."""

from __future__ import annotations

from extract.document import Block, Document
from normalize.catalog import Catalog
from normalize.prose import ProseContext, prose_facts

Row = tuple[str, str, str, str, float | None, str, bool]


def read(catalog: Catalog, *lines: str) -> list[Row]:
    doc = Document("x.txt", "text", "utf-8", [Block(line) for line in lines], [])
    facts, _ = prose_facts(doc, catalog.prose, ProseContext())
    return [
        (f.entity_raw, f.row_role, f.metric, f.header, f.value, f.unit, f.needs_review)
        for f in facts
    ]


def test_categories_counted_in_brackets_divide_the_figure_before(catalog: Catalog) -> None:
    got = read(
        catalog,
        "5月份,市12345热线共受理群众诉求21764件,其中:市政管理(3417件)、社会保障(2100件)、"
        "教育卫生(986件)。",
    )
    assert got == [
        ("12345热线", "total", "requests", "受理群众诉求", 21764.0, "count", False),
        ("市政管理", "item", "requests", "受理群众诉求", 3417.0, "count", True),
        ("社会保障", "item", "requests", "受理群众诉求", 2100.0, "count", True),
        ("教育卫生", "item", "requests", "受理群众诉求", 986.0, "count", True),
    ]


def test_full_width_brackets_and_a_share_inside_them(catalog: Catalog) -> None:
    got = read(
        catalog,
        "本月12345热线受理来电8000件，其中：城市管理（1200件，占15%）、交通出行（占10%）。",
    )
    assert got == [
        ("12345热线", "total", "calls", "受理来电", 8000.0, "count", False),
        ("城市管理", "item", "calls", "受理来电", 1200.0, "count", True),
        ("城市管理", "item", "calls_share", "占", 15.0, "percent", True),
        ("交通出行", "item", "calls_share", "占", 10.0, "percent", True),
    ]


def test_a_sentence_by_type_names_the_measure_its_categories_divide(catalog: Catalog) -> None:
    got = read(
        catalog,
        "本月12345热线受理诉求21764件。",
        "按诉求类型分,咨询类12034件(占55.3%),投诉类5210件(占23.9%),求助类4520件(占20.8%)。",
    )
    assert got == [
        ("12345热线", "total", "requests", "受理诉求", 21764.0, "count", False),
        ("咨询类", "item", "requests", "诉求", 12034.0, "count", True),
        ("咨询类", "item", "requests_share", "占", 55.3, "percent", True),
        ("投诉类", "item", "requests", "诉求", 5210.0, "count", True),
        ("投诉类", "item", "requests_share", "占", 23.9, "percent", True),
        ("求助类", "item", "requests", "诉求", 4520.0, "count", True),
        ("求助类", "item", "requests_share", "占", 20.8, "percent", True),
    ]


def test_a_category_word_after_a_total_of_the_sentence(catalog: Catalog) -> None:
    got = read(catalog, "市长信箱收到来信900件,其中咨询类500件、投诉类400件。")
    assert got == [
        ("市长信箱", "total", "letters", "收到来信", 900.0, "count", False),
        ("咨询类", "item", "letters", "收到来信", 500.0, "count", True),
        ("投诉类", "item", "letters", "收到来信", 400.0, "count", True),
    ]


def test_a_category_with_nothing_to_divide_keeps_its_own_label_flagged(
    catalog: Catalog,
) -> None:
    got = read(catalog, "咨询类12034件。")
    assert got == [("全部", "total", "咨询类", "咨询类", 12034.0, "count", True)]


def test_bracketed_notes_changes_and_units_in_brackets(catalog: Catalog) -> None:
    got = read(
        catalog,
        "本月政务服务大厅受理6459件(数据来源于窗口统计),办结6400件(同比增长3.2%)。",
        "办结率排名前三的是城东区(99.8%)、城西区(99.5%)、高新区(99.1%)。",
        "提供7×24小时(含节假日)服务(全年365天)。",  # notes: nothing
    )
    assert got == [
        ("政务服务大厅", "total", "accepted", "受理", 6459.0, "count", False),
        ("政务服务大厅", "total", "completed", "办结", 6400.0, "count", False),
        ("政务服务大厅", "total", "completed_change_yoy", "同比增长", 3.2, "percent_change", False),
        ("城东区", "item", "completion_rate", "办结率", 99.8, "percent", False),
        ("城西区", "item", "completion_rate", "办结率", 99.5, "percent", False),
        ("高新区", "item", "completion_rate", "办结率", 99.1, "percent", False),
    ]


def test_a_daily_average_is_not_the_months_count(catalog: Catalog) -> None:
    got = read(catalog, "本月12345热线日均受理来电725件,人均接听电话1200个,受理来电22475件。")
    assert got == [
        ("12345热线", "total", "日均受理来电", "日均受理来电", 725.0, "count", True),
        ("12345热线", "total", "人均接听电话", "人均接听电话", 1200.0, "count", True),
        ("12345热线", "total", "calls", "受理来电", 22475.0, "count", False),
    ]


def test_a_label_after_a_note_or_an_average_in_a_listing_is_no_category(
    catalog: Catalog,
) -> None:
    got = read(
        catalog,
        "本月受理6459件(数据来源于窗口统计),服务群众2100人次。",
        "按诉求类型分,咨询类500件,日均16件。",
    )
    assert got == [
        ("全部", "total", "accepted", "受理", 6459.0, "count", False),
        ("全部", "total", "服务群众", "服务群众", 2100.0, "count", True),
        ("咨询类", "item", "requests", "诉求", 500.0, "count", True),
        ("全部", "total", "日均", "日均", 16.0, "count", True),
    ]


def test_a_sentence_opening_with_qizhong_divides_the_figure_before_it(catalog: Catalog) -> None:
    got = read(
        catalog,
        "本月12345热线受理诉求20500件,按时办结率97.5%。其中:城市管理(4100件)。"
        "其中城关镇2345件。满意率99%。办结98件(占40%)。",
    )
    assert got == [
        ("12345热线", "total", "requests", "受理诉求", 20500.0, "count", False),
        ("12345热线", "total", "ontime_completion_rate", "按时办结率", 97.5, "percent", False),
        ("城市管理", "item", "requests", "受理诉求", 4100.0, "count", True),
        ("城关镇", "item", "requests", "受理诉求", 2345.0, "count", False),
        ("12345热线", "total", "satisfaction_rate", "满意率", 99.0, "percent", False),
        ("12345热线", "total", "completed", "办结", 98.0, "count", False),
        ("12345热线", "total", "completed_share", "占", 40.0, "percent", False),
    ]
