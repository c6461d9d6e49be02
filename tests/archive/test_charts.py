"""Charts as SVG, the vocabulary inlined into SQL, and the CSV wrapper, on their own."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from typing import Any

from archive.charts import (
    Series,
    bar_chart,
    line_chart,
    months_between,
    nice_max,
    runs,
    sparkline,
)
from archive.downloads import BOM, rewrite, with_bom
from archive.vocabulary import inline_sql, load_vocabulary, values_sql
from tests.helpers import METRICS


def test_months_between_crosses_the_year() -> None:
    assert months_between("2020-11", "2021-02") == ["2020-11", "2020-12", "2021-01", "2021-02"]
    assert months_between("2022-09", "2022-09") == ["2022-09"]


def test_runs_split_at_missing_points() -> None:
    assert runs([(1.0, 1.0), None, (3.0, 3.0), (4.0, 4.0), None]) == [
        [(1.0, 1.0)],
        [(3.0, 3.0), (4.0, 4.0)],
    ]
    assert runs([None, None]) == []


def test_nice_max() -> None:
    assert [nice_max(v) for v in (7016, 2586, 100, 0, 13907)] == [
        10000.0,
        5000.0,
        100.0,
        1.0,
        20000.0,
    ]


def test_a_missing_month_is_a_gap() -> None:
    chart = str(line_chart([Series("区社保局", {"2020-01": 10.0, "2020-03": 20.0})], "t"))
    # 720×300 frame: x from 56 to 692 over three months, y from 266 (0) to 12 (20)
    assert re.findall(r'points="([^"]+)"', chart) == ["56.0,139.0", "692.0,12.0"]
    assert re.findall(r'<text x="[\d.]+" y="282"[^>]*>([^<]+)</text>', chart) == [
        "2020-01",
        "2020-02",
        "2020-03",
    ]
    joined = str(line_chart([Series("a", {"2020-01": 10.0, "2020-02": 20.0})], "t"))
    assert re.findall(r'points="([^"]+)"', joined) == ["56.0,139.0 692.0,12.0"]


def test_a_month_printed_empty_is_a_gap_too() -> None:
    values: dict[str, float | None] = {"2020-01": 5.0, "2020-02": None, "2020-03": 5.0}
    chart = str(line_chart([Series("a", values)], "t"))
    assert len(re.findall(r"<polyline", chart)) == 2


def test_periods_that_are_not_months_stay_off_the_axis() -> None:
    chart = str(line_chart([Series("a", {"2022-Q1": 9.0, "2022-01": 3.0})], "t"))
    assert re.findall(r'<circle class="point" cx="([\d.]+)"', chart) == ["374.0"]


def test_bar_chart_labels_and_lengths() -> None:
    chart = str(bar_chart([("市公交公司", 4406.0), ("区医保局", 3986.0)], "2022-09 handled"))
    bars = re.findall(r'<rect class="bar" [^>]*width="([\d.]+)"[^>]*><title>([^<]+)<', chart)
    # 430 px for 5000 (the round top above 4406)
    assert bars == [("378.9", "市公交公司: 4,406"), ("342.8", "区医保局: 3,986")]


def test_sparkline_escapes_its_title() -> None:
    chart = str(sparkline(Series("a<b", {"2020-01": 1.0}), ["2020-01"], "x & y"))
    assert "<title>x &amp; y</title>" in chart and "a&lt;b" in chart


def test_vocabulary_inline_rows_run_in_sqlite() -> None:
    vocab = load_vocabulary(METRICS)
    sql = inline_sql(
        "with families(family, table_kind, metric, label, note, rank) as ($families), "
        "labels(table_kind, metric, label) as ($metric_labels) "
        "select f.metric, l.label, f.note, f.rank from families f "
        "join labels l on l.table_kind = f.table_kind and l.metric = f.metric "
        "order by f.metric, l.label",
        vocab,
    )
    found = sqlite3.connect(":memory:").execute(sql).fetchall()
    assert sorted((m, label) for m, label, _, _ in found) == sorted(
        [
            ("accepted", "系统受理数"),
            ("accepted", "受理数"),
            ("accepted", "受理"),
            ("handled", "大厅窗口办件数"),
            ("handled", "窗口办件数"),
            ("handled", "办件数"),
        ]
    )
    assert "the hall's windows" in found[0][2]  # a quote inside a note survives
    assert {(m, rank) for m, _, _, rank in found} == {("accepted", 0), ("handled", 1)}
    assert vocab.label("claim_rate") == "认领率" and vocab.label("accepted", "headline") == "受理"


def test_an_empty_vocabulary_is_no_rows() -> None:
    sql = f"select * from ({values_sql([], 3)})"
    assert sqlite3.connect(":memory:").execute(sql).fetchall() == []


def test_csv_paths_are_rewritten() -> None:
    def canned(database: str, name: str) -> bool:
        return (database, name) in {("archive", "month"), ("西区.2022", "趋势")}

    def on() -> bool:
        return True

    scope = {"path": "/archive/month.csv", "query_string": b"period=2022-09"}
    assert rewrite(scope, canned, on)["path"] == "/-/export/archive/month.csv"
    assert rewrite(scope, canned, on)["query_string"] == b"period=2022-09"
    # Datasette tilde-encodes a database or query name with dots or Chinese in its URLs
    encoded = {"path": "/~E8~A5~BF~E5~8C~BA~2E2022/~E8~B6~8B~E5~8A~BF.csv", "query_string": b""}
    assert rewrite(encoded, canned, on)["path"] == (
        "/-/export/~E8~A5~BF~E5~8C~BA~2E2022/~E8~B6~8B~E5~8A~BF.csv"
    )
    table = rewrite({"path": "/archive/facts.csv", "query_string": b"entity=x"}, canned, on)
    assert table["path"] == "/archive/facts.csv"
    assert table["query_string"] == b"entity=x&_size=max&_stream=on"
    linked = {"path": "/archive/facts.csv", "query_string": b"_size=max"}  # Datasette's link
    assert rewrite(linked, canned, on)["query_string"] == b"_size=max&_stream=on"
    sized = {"path": "/archive/facts.csv", "query_string": b"_size=10"}
    assert rewrite(sized, canned, on) == sized  # a page size asked for is kept
    off = {"path": "/archive/facts.csv", "query_string": b"entity=x"}
    assert rewrite(off, canned, lambda: False) == off  # --setting allow_csv_stream off
    custom = {"path": "/archive.csv", "query_string": b"sql=select+1"}
    assert rewrite(custom, canned, on) == custom


def run_wrapped(status: int, kind: bytes, chunks: list[bytes]) -> list[dict[str, Any]]:
    """What the wrapper sends for an app answering with these chunks."""
    sent: list[dict[str, Any]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        headers = [(b"content-type", kind), (b"content-length", b"12")]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        for i, chunk in enumerate(chunks):
            more = i < len(chunks) - 1
            await send({"type": "http.response.body", "body": chunk, "more_body": more})

    async def send(message: Any) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request"}

    scope = {"type": "http", "path": "/archive/facts.csv", "query_string": b"_stream=on"}
    asyncio.run(with_bom(app, lambda d, n: False, lambda: True)(scope, receive, send))
    return sent


def test_the_mark_goes_before_the_first_chunk_only() -> None:
    start, first, second = run_wrapped(200, b"text/plain; charset=utf-8", [b"a,b\r\n", b"1,2"])
    assert start["headers"] == [(b"content-type", b"text/plain; charset=utf-8")]
    assert (first["body"], second["body"]) == (BOM + b"a,b\r\n", b"1,2")


def test_an_error_page_is_left_alone() -> None:
    start, body = run_wrapped(404, b"text/html", [b"<html>"])
    assert body["body"] == b"<html>" and (b"content-length", b"12") in start["headers"]


def test_month_ticks_never_crowd_the_last() -> None:
    months = months_between("2020-12", "2022-09")  # 22 months: a tick every 2
    chart = str(line_chart([Series("a", {"2020-12": 1.0, "2022-09": 2.0})], "t"))
    ticks = re.findall(r'<text x="[\d.]+" y="282"[^>]*>([^<]+)</text>', chart)
    assert ticks == [*months[0:-2:2], "2022-09"] and ticks[-2:] == ["2022-06", "2022-09"]
