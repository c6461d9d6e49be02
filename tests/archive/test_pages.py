"""The plugin's pages on a real server: tables as printed, source lines, a department's
page, charts and pickers on the queries, links from every id, downloads for Excel."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode

import pytest
from datasette.utils import tilde_encode

from normalize.catalog import Catalog
from normalize.names import NameBook
from tests.archive.test_serve import fetch, rows, served
from tests.helpers import CORPUS, ingest_into

BOM = b"\xef\xbb\xbf"


class GridParser(HTMLParser):
    """The rows of the first ``table.bulletins-grid`` (or ``.bulletins-lines``) of a page."""

    def __init__(self, table_class: str = "bulletins-grid") -> None:
        super().__init__()
        self.table_class = table_class
        self.inside = False
        self.rows: list[list[dict[str, str]]] = []
        self.cell: dict[str, str] | None = None
        self.row_attrs: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "table" and self.table_class in found.get("class", ""):
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
            self.row_attrs.append(found)
        elif self.inside and tag in ("td", "th"):
            self.cell = {"tag": tag, "text": "", **found}
        elif self.inside and tag == "a" and self.cell is not None:
            self.cell["href"] = found.get("href", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(self.cell)
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell["text"] += data


# The small charts of the social-insurance window's page, one a metric it printed.
SOCIAL_INSURANCE_SPARKS = [
    f"区社会保险事务中心: hall_windows · {metric}"
    for metric in (
        "accepted 系统受理数",
        "completed 系统办结数",
        "evaluations 系统评价数",
        "satisfaction_rate 系统评价满意率",
        "handled 大厅窗口办件数",
    )
]


def parse_grid(html: str, table_class: str = "bulletins-grid") -> GridParser:
    parser = GridParser(table_class)
    parser.feed(html)
    return parser


def raw_get(url: str) -> tuple[int, bytes, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read(), response.headers.get("content-type", "")


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, catalog: Catalog, names: NameBook) -> Path:
    db_path = tmp_path_factory.mktemp("pages") / "archive.db"
    ingest_into(db_path, [CORPUS], catalog, names)[0].close()
    return db_path


@pytest.fixture(scope="module")
def base(archive: Path) -> Iterator[str]:
    overlay = archive.with_name("extra.yaml")
    overlay.write_text("title: 西区通报档案\n", encoding="utf-8")
    with served(
        archive,
        archive.with_name("serve.log"),
        "--setting",
        "max_returned_rows",
        "5",
        "--metadata",
        str(overlay),
    ) as url:
        yield url


def test_annex1_grid_as_printed_with_the_traced_cell(base: str) -> None:
    (fact,) = rows(
        base,
        "archive/facts_readable",
        entity_raw="区委办公室(区档案局)",
        metric="claimed_items",
    )
    assert (fact["value_raw"], fact["table_no"], fact["row"], fact["col"]) == ("18", 1, 2, 2)
    status, html = fetch(f"{base}/-/grid/archive/{fact['table_id']}?cell={fact['cell_id']}")
    assert status == 200
    assert "附件1 9月“一网通办”能力提升工作情况" in html
    grid = parse_grid(html)
    top, sub, first = grid.rows[0], grid.rows[1], grid.rows[2]
    assert [(c["tag"], c["text"], c.get("rowspan"), c.get("colspan")) for c in top] == [
        ("th", "序号", "2", None),
        ("th", "部门", "2", None),
        ("th", "事项梳理", None, "7"),
        ("th", "运行效能", None, "10"),
    ]
    assert sum(int(c.get("colspan", "1")) for c in top) == 19
    assert [c["text"] for c in sub] == [
        "已认领", "待认领", "认领率", "已发布", "发布率", "办事指南准确率", "梳理 完成率",
        "新增超时件", "累计超时件", "超期率", "办件量", "累计办件量", "主动评价数",
        "累计主动评价数", "主动评价率", "累计主动评价率", "办件覆盖率",
    ]  # fmt: skip
    assert len(sub) + 2 == 19 and all(c["tag"] == "th" for c in sub)
    assert [c["text"] for c in first][:4] == ["1", "区委办公室(区档案局)", "18", "0"]
    assert len(first) == 19 and all(c["tag"] == "td" for c in first)
    traced = [c for row in grid.rows for c in row if c.get("class") == "traced"]
    assert [(c["text"], c["id"], c["href"]) for c in traced] == [
        ("18", f"cell-{fact['cell_id']}", f"/archive/facts/{fact['fact_id']}")
    ]
    assert len(grid.rows) == 40


def test_source_lines_around_a_fact(base: str) -> None:
    (fact,) = rows(base, "archive/facts_readable", entity_raw="区社保局", metric="accepted")
    assert (fact["value_raw"], fact["line"]) == ("2586", 23)
    status, html = fetch(f"{base}/-/source/archive/fact/{fact['fact_id']}")
    assert status == 200
    lines = parse_grid(html, "bulletins-lines")
    marked = [
        r
        for r, attrs in zip(lines.rows, lines.row_attrs, strict=False)
        if attrs.get("class") == "traced"
    ]
    assert [[c["text"] for c in r] for r in marked] == [["23", "2586"]]
    numbered = {r[0]["text"]: r[1]["text"] for r in lines.rows}
    assert numbered["22"] == "区社保局" and numbered["24"] == "2587"
    assert min(map(int, numbered)) == 23 - 12 and max(map(int, numbered)) == 23 + 12
    assert numbered["23"] and lines.rows[0][1].get("href", "").startswith("/-/grid/archive/")


def test_every_id_is_a_link(base: str) -> None:
    (fact,) = rows(base, "archive/facts_readable", entity_raw="区社保局", metric="accepted")
    html = fetch(f"{base}/archive/facts_readable?fact_id={fact['fact_id']}")[1]
    grid = f"/-/grid/archive/{fact['table_id']}?cell={fact['cell_id']}#cell-{fact['cell_id']}"
    assert f'<a href="{grid.replace("&", "&amp;")}">1</a>' in html  # table_no
    assert f'href="/-/source/archive/fact/{fact["fact_id"]}"' in html  # line
    assert f'<a href="/archive/cells/{fact["cell_id"]}">' in html
    entity = tilde_encode("区社会保险事务中心")
    assert f'<a href="/-/entity/archive/{entity}" title="the department&#39;s page">' in html
    row = fetch(f"{base}/archive/facts/{fact['fact_id']}")[1]  # the fact's own page
    assert f'href="{grid.replace("&", "&amp;")}"' in row  # its table, the cell marked
    cell = fetch(f"{base}/archive/cells?id={fact['cell_id']}")[1]  # a view: no row page
    assert f'href="{grid.replace("&", "&amp;")}"' in cell
    table = fetch(f"{base}/archive/source_tables/{fact['table_id']}")[1]
    assert f'<a href="/-/grid/archive/{fact["table_id"]}">show the grid as printed →</a>' in table
    failed = fetch(f"{base}/archive/failed_checks")[1]
    ids = set(re.findall(r'<a href="/archive/facts/(\d+)">\1</a>', failed))
    found = rows(base, "archive/failed_checks")
    assert ids == {str(i) for r in found for i in json.loads(str(r["cells"]))}


def test_department_page(base: str) -> None:
    status, html = fetch(f"{base}/-/entity/archive/{quote('区社保局')}")  # an alias
    assert status == 200
    assert "<h1>区社会保险事务中心</h1>" in html
    names = parse_grid(html, "bulletins-names").rows
    assert [[c["text"] for c in r] for r in names[1:]] == [
        ["区社保局", "2020-12", "2020-12", "4"],
        ["区社会保险事务中心", "2022-09", "2022-09", "1"],
    ]
    months = parse_grid(html, "bulletins-months").rows
    head = [c["text"] for c in months[0]]
    assert head[0] == "period" and "hall_windows · handled 大厅窗口办件数" in head
    by_period = {
        r[0]["text"]: dict(zip(head[1:], (c["text"] for c in r[1:]), strict=False))
        for r in months[1:]
    }
    assert by_period["2020-12"]["hall_windows · accepted 系统受理数"] == "2586"
    assert by_period["2022-09"]["hall_windows · handled 大厅窗口办件数"] == "2239"
    assert by_period["2022-09"]["hall_windows · accepted 系统受理数"] == ""
    sparks = re.findall(r'<svg class="bulletins-chart chart-spark"[^>]*><title>([^<]*)<', html)
    assert sparks == SOCIAL_INSURANCE_SPARKS
    assert fetch(f"{base}/-/entity/archive/{quote('没有这个部门')}")[0] == 404


def test_trend_follows_a_family_and_says_so(base: str) -> None:
    trend = rows(base, "archive/trend", entity=" 社保 ", metric="hall_window_cases")
    assert [(r["period"], r["value"], r["metric"], r["family"]) for r in trend] == [
        ("2020-12", 2586.0, "accepted", "hall_window_cases"),
        ("2022-09", 2239.0, "handled", "hall_window_cases"),
    ]
    assert {r["entity"] for r in trend} == {"区社会保险事务中心"}
    html = fetch(
        f"{base}/archive/trend?" + urlencode({"entity": "社保", "metric": "hall_window_cases"})
    )[1]
    assert "Following the family <b>hall_window_cases</b> (大厅窗口办件量)" in html
    assert "Not strictly the same count" in html
    chart = re.search(r'<svg class="bulletins-chart chart-line".*?</svg>', html, re.S)
    assert chart
    # one line across the layouts: Dec 2020 to Sep 2022 on the axis, 20 months between
    # them without figures, so two points and no segment joining them
    points = re.findall(r'<circle class="point" cx="([\d.]+)" cy="([\d.]+)"', chart.group(0))
    ticks = dict(re.findall(r'<text x="([\d.]+)"[^>]*>(\d{4}-\d{2})</text>', chart.group(0)))
    # Dec 2020 (2586) at the axis' first tick, Sep 2022 (2239) at its last, lower
    assert [ticks.get(x) for x, _ in points] == ["2020-12", "2022-09"]
    assert float(points[0][1]) < float(points[1][1])
    assert "<polyline" in chart.group(0)
    assert re.findall(r'points="([^"]+)"', chart.group(0)) == [
        f"{points[0][0]},{points[0][1]}",
        f"{points[1][0]},{points[1][1]}",
    ]
    plain = fetch(
        f"{base}/archive/trend?" + urlencode({"entity": "区社保局", "metric": "accepted"})
    )[1]
    assert "accepted is one of the family" in plain and "metric=hall_window_cases" in plain


@pytest.mark.parametrize(
    ("typed", "metric"),
    [
        ("区社会保险事务中心 ", "accepted"),  # trailing space
        ("西区社保局", "accepted"),  # district prefix before an alias
        ("社保", "accepted"),  # part of an alias
        ("区社保局", "系统受理数"),  # a printed label for the metric
    ],
)
def test_trend_resolves_what_is_typed(base: str, typed: str, metric: str) -> None:
    trend = rows(base, "archive/trend", entity=typed, metric=metric)
    assert [(r["period"], r["value"], r["entity"]) for r in trend] == [
        ("2020-12", 2586.0, "区社会保险事务中心")
    ]


def test_pickers_list_chinese_labels(base: str) -> None:
    html = fetch(f"{base}/archive/trend")[1]
    assert '<option value="区社会保险事务中心" label="区社会保险事务中心 区社保局">' in html
    assert '<option value="accepted" label="系统受理数 (hall_windows)">' in html
    assert (
        '<option value="hall_window_cases" label="大厅窗口办件量 — family: accepted, handled">'
        in html
    )
    assert "input.setAttribute('list', list.id)" in html
    month = fetch(f"{base}/archive/month")[1]
    assert (
        '<option value="2022-09" label="2022-09"><option value="2020-12" label="2020-12">' in month
    )


def test_month_draws_a_bar_per_department(base: str) -> None:
    html = fetch(f"{base}/archive/month?" + urlencode({"period": "2022-09", "metric": "handled"}))[
        1
    ]
    chart = re.search(r'<svg class="bulletins-chart chart-bar".*?</svg>', html, re.S)
    assert chart
    bars = re.findall(r'<rect class="bar"[^>]*><title>([^<]+)</title>', chart.group(0))
    # the page's rows (max_returned_rows is 5 on this server), as printed in 附件2
    assert bars == [
        "市公交公司: 4,406",
        "区医保局: 3,986",
        "区社会保险事务中心: 2,239",
        "西区税务局: 1,172",
        "市公安局西区分局: 658",
    ]
    assert "The chart shows the first 5 rows, as the page does; the CSV link has every row." in html
    family = rows(base, "archive/month", period="2020-12", metric="hall_window_cases")
    assert [(r["entity"], r["metric"], r["value"]) for r in family][:2] == [
        ("市公交公司", "accepted", 6459.0),  # 6459（数据来源于窗口统计）, line 16
        ("区社会保险事务中心", "accepted", 2586.0),  # printed 区社保局, line 22
    ]
    assert bars[0] == "市公交公司: 4,406"


def archive_rows(archive: Path, sql: str, *params: str) -> list[tuple[str, ...]]:
    """Rows read from the archive file directly, as CSV text, to check a download against."""
    with sqlite3.connect(archive) as conn:
        found = conn.execute(sql, params).fetchall()
    return [tuple("" if v is None else str(v) for v in row) for row in found]


def test_csv_opens_in_excel(base: str, archive: Path) -> None:
    status, body, _kind = raw_get(
        f"{base}/archive/facts_readable.csv?" + urlencode({"entity": "区医保局", "_size": "max"})
    )
    assert status == 200 and body.startswith(BOM) and not body.startswith(BOM * 2)
    table = list(csv.DictReader(io.StringIO(body[len(BOM) :].decode("utf-8"))))
    # all rows, though max_returned_rows is 5: streamed
    assert sorted((r["period"], r["metric"], r["value"], r["fact_id"]) for r in table) == sorted(
        archive_rows(
            archive,
            "SELECT period, metric, value, fact_id FROM facts_readable WHERE entity = ?",
            "区医保局",
        )
    )
    assert {(r["period"], r["metric"], r["value"]) for r in table} >= {
        ("2022-09", "handled", "3986.0"),  # 附件2, line 797
        ("2020-12", "accepted", "2321.0"),
    }


def test_canned_query_csv_has_every_row(base: str, archive: Path) -> None:
    page = rows(base, "archive/month", period="2020-12", metric="")
    assert [(r["entity"], r["metric"], r["value"]) for r in page] == [
        ("市公交公司", "accepted", 6459.0),
        ("区社会保险事务中心", "accepted", 2586.0),
        ("区医保局", "accepted", 2321.0),
        ("区就业创业促进中心", "accepted", 482.0),  # printed 区就业局, line 37
        ("市住房公积金中心西区管理部", "accepted", 399.0),  # line 44
    ]  # the page: cut at max_returned_rows (5), largest first
    status, body, kind = raw_get(
        f"{base}/archive/month.csv?" + urlencode({"period": "2020-12", "metric": ""})
    )
    assert status == 200 and body.startswith(BOM) and kind.startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(body[len(BOM) :].decode("utf-8"))))
    assert sorted((r["entity_raw"], r["metric"], r["value"]) for r in table) == sorted(
        archive_rows(
            archive,
            "SELECT entity_raw, metric, value FROM facts_readable WHERE period = '2020-12' "
            "AND row_role = 'item' AND table_kind != 'headline'",
        )
    )  # every row of the month, 21 departments × 4 metrics
    assert len(table) == 21 * 4
    assert {
        "entity": "区社会保险事务中心",
        "metric": "accepted",
        "value": "2586.0",
    }.items() <= next(
        r for r in table if r["entity_raw"] == "区社保局" and r["metric"] == "accepted"
    ).items()


def test_serve_passes_metadata_and_settings(base: str) -> None:
    meta = json.loads(fetch(f"{base}/-/metadata.json")[1])
    assert meta["title"] == "西区通报档案"
    assert meta["databases"]["archive"]["tables"]["facts_readable"]["title"] == (
        "facts_readable · 数据点"
    )
    settings = json.loads(fetch(f"{base}/-/settings.json")[1])
    assert settings["max_returned_rows"] == 5 and settings["suggest_facets"] is False


def test_trend_description_links_examples_that_draw(base: str) -> None:
    html = fetch(f"{base}/archive/trend")[1]
    found = re.search(r'<p>For example: <a href="\?([^"]+)">([^<]+)</a>', html)
    assert found and found.group(2) == "区住房城乡建设局 · hall_window_cases"
    params = dict(parse_qsl(found.group(1).replace("&amp;", "&")))
    assert params == {"entity": "区住房城乡建设局", "metric": "hall_window_cases"}
    assert [(r["period"], r["metric"]) for r in rows(base, "archive/trend", **params)] == [
        ("2020-12", "accepted"),
        ("2022-09", "handled"),
    ]
