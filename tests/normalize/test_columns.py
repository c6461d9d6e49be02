"""Column units from headers and values; checks that respect them."""

from __future__ import annotations

from extract.hints import fold, load_hints
from extract.text import parse_text
from normalize.bulletin import normalize_document
from normalize.catalog import Catalog
from normalize.columns import column_unit
from normalize.values import parse_value


def unit(header: str, *raws: str, catalog: Catalog) -> str:
    return column_unit(header, [(r, parse_value(r)) for r in raws], catalog)


def test_units_from_header_words(catalog: Catalog) -> None:
    assert unit("同比", "-1.47%", "+3.20%", "/", catalog=catalog) == "percent_change"
    assert unit("较上月增减", "-126", "35", catalog=catalog) == "count_change"
    assert unit("综合排名", "1", "2", catalog=catalog) == "rank"
    assert unit("考核得分", "147.72", "143.85", catalog=catalog) == "score"
    assert unit("服务天数", "1.6", "2", catalog=catalog) == "days"
    assert unit("回复率", "0.95", "0.87", catalog=catalog) == "ratio"
    assert unit("回复率", "95%", "-", catalog=catalog) == "percent"


def test_units_from_values_when_the_header_says_nothing(catalog: Catalog) -> None:
    assert unit("群众评价", "98.5%", "暂无数据", catalog=catalog) == "percent"
    assert unit("增减", "+12", "-3", catalog=catalog) == "count_change"
    assert unit("志愿者", "120", "/", catalog=catalog) == "count"


def test_traditional_headers_fold_to_simplified() -> None:
    assert fold("總工單數 (件)") == "总工单数(件)"
    assert fold("滿意率") == "满意率"
    assert fold("格里坪镇便民服务中心心心心") == "格里坪镇便民服务中心心心心"


def test_checks_follow_the_units(catalog: Catalog) -> None:
    text = "\n".join(
        [
            "2023年5月12345热线考核",
            "| 单位 | 工单数 | 得分 | 同比 | 排名 |",
            "| 城东区 | 12 | 147.72 | -1.47% | 1 |",
            "| 城西区 | 9 | 143.85 | -120% | 1.5 |",
        ]
    )
    doc = parse_text(text, "c.txt", "utf-8", load_hints())
    bulletin = normalize_document(doc, catalog, "c.txt")
    found = {(c.rule, c.metric): (c.status, c.message) for c in bulletin.checks}
    assert found[("count_is_whole", "tickets")] == ("ok", "2 cells in range")
    assert ("count_is_whole", "score") not in found  # a score is not a count
    assert found[("percent_in_range", "change_yoy")] == ("mismatch", "out of range: 城西区 -120%")
    assert found[("rank_is_whole", "rank")] == ("mismatch", "out of range: 城西区 1.5")


def test_no_data_marks_of_a_mirror_copy() -> None:
    assert parse_value("暫無數據").value is None and parse_value("暫無數據").ok
    assert parse_value("１２３").value == 123.0


def test_ratings_of_the_service_rating_system_are_named_metrics(catalog: Catalog) -> None:
    text = "\n".join(
        [
            "2023年3月政务服务大厅部门窗口好差评情况",
            "| 部门 | 评价数 | 好评数 | 好评率 | 差评数 | 差评率 |",
            "| 区人社局 | 2310 | 2308 | 99.91% | 2 | 0.09% |",
            "| 区医保局 | 1802 | 1802 | 100% | 0 | 0% |",
        ]
    )
    doc = parse_text(text, "r.txt", "utf-8", load_hints())
    bulletin = normalize_document(doc, catalog, "r.txt")
    got = [(f.entity_raw, f.metric, f.value, f.unit) for f in bulletin.facts if f.table_index == 0]
    assert got[:5] == [
        ("区人社局", "evaluations", 2310.0, "count"),
        ("区人社局", "positive_reviews", 2308.0, "count"),
        ("区人社局", "positive_review_rate", 99.91, "percent"),
        ("区人社局", "negative_reviews", 2.0, "count"),
        ("区人社局", "negative_review_rate", 0.09, "percent"),
    ]
    assert len(got) == 10 and not any(f.needs_review for f in bulletin.facts)
