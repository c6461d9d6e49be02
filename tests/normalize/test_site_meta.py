"""A site's metadata block: publisher, published date and title, on one line or several."""

from __future__ import annotations

from extract.document import Block, Document
from normalize.catalog import Catalog
from normalize.site_meta import SiteMeta, find_issuer, read_site_meta


def meta(catalog: Catalog, *lines: str) -> SiteMeta:
    doc = Document("x.txt", "text", "utf-8", [Block(x) for x in lines], [])
    return read_site_meta(doc, catalog.prose)


def test_one_line(catalog: Catalog) -> None:
    got = meta(
        catalog,
        "索引号: 1151/2021-00088 信息分类: 工作通报 发布机构: 平安市12345政府公共服务中心 "
        "发文日期: 2021-05-20 文号: 平〔2021〕7号 信息名称: 12345热线4月份运行情况通报 点击数: 更新时间:",
        "4月份,受理100件。",
    )
    assert got == SiteMeta(
        frozenset({0}), "平安市12345政府公共服务中心", "2021-05-20", "12345热线4月份运行情况通报"
    )


def test_several_lines_with_full_width_colons_and_a_chinese_date(catalog: Catalog) -> None:
    got = meta(
        catalog,
        "索引号：1151/2022-0001",
        "发布机构：平安县政务服务中心",
        "成文日期：2022年3月5日",
        "标题：2月份政务服务情况通报",
        "2月份，受理100件。",
    )
    assert got == SiteMeta(
        frozenset({0, 1, 2, 3}), "平安县政务服务中心", "2022-03-05", "2月份政务服务情况通报"
    )


def test_pipe_rows_and_one_cell_per_line(catalog: Catalog) -> None:
    got = meta(catalog, "| 发布机构 | 平安市行政审批局 |", "| 发布日期 | 2020/12/01 |", "正文")
    assert got == SiteMeta(frozenset({0, 1}), "平安市行政审批局", "2020-12-01", None)
    got = meta(
        catalog, "发布机构", "平安市行政审批局", "发文日期", "2020-12-01", "11月,受理100件。"
    )
    assert got == SiteMeta(frozenset({0, 1, 2, 3}), "平安市行政审批局", "2020-12-01", None)


def test_prose_is_not_a_metadata_block(catalog: Catalog) -> None:
    got = meta(catalog, "一、办件情况", "本月来源于网络的诉求120件。", "发布机构负责解释。")
    assert got == SiteMeta(frozenset())


def test_the_issuer_of_the_date_line_or_the_signature(catalog: Catalog) -> None:
    def issuer(*lines: str) -> str | None:
        doc = Document("x.txt", "text", "utf-8", [Block(x) for x in lines], [])
        return find_issuer(doc, catalog.prose)

    assert issuer(" 攀枝花市西区行政审批局          2021年1月13日", "12月,受理7016件。") == (
        "攀枝花市西区行政审批局"
    )
    assert issuer("受理100件。", "平安县行政审批局", "2024年7月10日") == "平安县行政审批局"
    assert issuer("平安市政务服务管理局编    2021年5月8日", "4月份,受理100件。") == (
        "平安市政务服务管理局"
    )
    assert issuer("9月22日召开会议。", "2022年9月23日") is None
