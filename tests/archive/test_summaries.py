"""Summary tables: what they hold equals what facts_readable gives, they are used only
while they describe the archive, and the served pages and canned queries give the same
rows from them as from the view."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from archive.metadata import load_metadata
from archive.serve import build_datasette
from archive.summaries import (
    DIMENSIONS,
    PERIODS,
    facet_counts,
    filtered_rows,
    live_sql,
    refresh_summaries,
    summaries_fresh,
    summary_sql,
    total_rows,
)
from archive.vocabulary import inline_sql, load_vocabulary
from normalize.catalog import Catalog
from normalize.names import NameBook
from tests.helpers import CORPUS, DEC, SEP, ingest_into


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory, catalog: Catalog, names: NameBook) -> Path:
    """Both samples, no summary tables."""
    db_path = tmp_path_factory.mktemp("summaries") / "plain.db"
    ingest_into(db_path, [CORPUS], catalog, names)[0].close()
    return db_path


@pytest.fixture(scope="module")
def summarised(plain: Path) -> Path:
    """The same archive with its summaries."""
    db_path = plain.with_name("archive.db")
    shutil.copy(plain, db_path)
    with sqlite3.connect(db_path) as conn:
        refresh_summaries(conn)
    return db_path


def view_counts(
    conn: sqlite3.Connection, column: str, where: str = "", *args: str
) -> dict[Any, int]:
    """The oracle: a facet's counts grouped from the view itself."""
    sql = f"SELECT {column}, count(*) FROM facts_readable WHERE {column} IS NOT NULL {where} "
    return dict(conn.execute(sql + f"GROUP BY {column}", args).fetchall())


def test_counts_are_the_views(summarised: Path) -> None:
    conn = sqlite3.connect(summarised)
    assert summaries_fresh(conn)
    # the samples print 90 and 832 figures (bulletins.n_facts)
    assert total_rows(conn) == 922
    assert filtered_rows(conn, "period", "2020-12") == 90
    assert filtered_rows(conn, "period", "2022-09") == 832
    assert filtered_rows(conn, "period", "1999-01") == 0
    assert facet_counts(conn, "period", "metric", "handled", 10) == [("2022-09", 21)]
    assert facet_counts(conn, "period", "", "", 10) == [("2022-09", 832), ("2020-12", 90)]
    handled = dict(facet_counts(conn, "entity", "metric", "handled", 100) or [])
    assert handled["区医保局"] == 1 and len(handled) == 21
    for column in DIMENSIONS:
        assert dict(facet_counts(conn, column, "", "", 1000) or []) == view_counts(conn, column)
        for value in list(view_counts(conn, column))[:5]:
            for other in DIMENSIONS:
                found = dict(facet_counts(conn, other, column, str(value), 1000) or [])
                assert found == view_counts(conn, other, f"AND {column} = ?", value)


def test_facets_are_cut_as_datasette_cuts_them(summarised: Path) -> None:
    conn = sqlite3.connect(summarised)
    every = facet_counts(conn, "metric", "", "", 1000) or []
    assert facet_counts(conn, "metric", "", "", 3) == every[:3]
    assert every == sorted(every, key=lambda pair: (-pair[1], pair[0]))


def test_metric_rows_and_period_bulletins(summarised: Path) -> None:
    conn = sqlite3.connect(summarised)
    token = "select * from ($metric_rows) order by table_kind, metric"
    live = conn.execute(live_sql(token)).fetchall()
    assert conn.execute(summary_sql(token)).fetchall() == live
    found = {(r[0], r[1]): r for r in live}
    assert found["hall_windows", "handled"][2:] == ("count", "大厅窗口办件数", 21)
    assert found["online_service", "claim_rate"][2] == "percent"
    assert conn.execute(f"SELECT period, bulletin FROM {PERIODS} ORDER BY 1").fetchall() == [
        ("2020-12", "2020-12_xiqu_zwfw.txt"),
        ("2022-09", "2022-09_xiqu_zwfw.txt"),
    ]


def test_stale_summaries_are_not_used(tmp_path: Path, catalog: Catalog, names: NameBook) -> None:
    db_path = tmp_path / "archive.db"
    ingest_into(db_path, [SEP], catalog, names)[0].close()  # ingest ends by writing them
    conn = sqlite3.connect(db_path)
    assert summaries_fresh(conn) and total_rows(conn) == 832
    with conn:  # the archive changed behind the summaries' back
        conn.execute("UPDATE bulletins SET is_primary = 0")
    assert not summaries_fresh(conn)
    assert total_rows(conn) is None and facet_counts(conn, "period", "", "", 5) is None
    refresh_summaries(conn)
    assert total_rows(conn) == 832
    conn.close()
    ingest_into(db_path, [SEP, DEC], catalog, names)[0].close()  # one more bulletin
    conn = sqlite3.connect(db_path)
    assert summaries_fresh(conn) and total_rows(conn) == 922


# --- served: the same answers, from the summaries ---------------------------------------


def get_json(db_path: Path, path: str, **settings: Any) -> Any:
    """A page of the archive as JSON, from an in-process Datasette."""
    ds = build_datasette(db_path, settings=settings or None)

    async def fetch() -> Any:
        response = await ds.client.get(path)
        assert response.status_code == 200, response.text
        return response.json()

    return asyncio.run(fetch())


@pytest.mark.parametrize("query", ["", "?metric=handled", "?period=2020-12", "?entity=区医保局"])
def test_view_page_counts_and_facets_from_summaries(
    plain: Path, summarised: Path, query: str
) -> None:
    path = f"/{{db}}/facts_readable.json{query}"
    live = get_json(plain, path.format(db="plain"))
    fast = get_json(summarised, path.format(db="archive") + ("&" if query else "?") + "_trace=1",
                    trace_debug=True)  # fmt: skip
    assert fast["filtered_table_rows_count"] == live["filtered_table_rows_count"]
    # a facet that timed out would be missing from the JSON
    assert set(fast["facet_results"]) == set(live["facet_results"]) == set(DIMENSIONS)
    for name, facet in live["facet_results"].items():
        assert [(v["value"], v["count"]) for v in fast["facet_results"][name]["results"]] == [
            (v["value"], v["count"]) for v in facet["results"]
        ]
    traced = " ".join(t.get("sql", "") for t in fast["_trace"]["traces"])
    assert "select count(*) from facts_readable" not in traced and "summary_counts" in traced
    assert "count(*) as count from (" not in traced


def test_view_page_numbers(summarised: Path) -> None:
    page = get_json(summarised, "/archive/facts_readable.json?metric=handled")
    assert page["filtered_table_rows_count"] == 21
    periods = page["facet_results"]["period"]["results"]
    assert [(p["value"], p["count"]) for p in periods] == [("2022-09", 21)]


@pytest.mark.parametrize(
    ("query", "params"),
    [
        ("metrics", ""),
        ("month", "?period=2022-09&metric=handled"),
        ("month", "?period=2020-12&metric="),
        ("month", ""),
        ("trend", "?entity=区社保局&metric=accepted"),
        ("trend", "?entity=区住房城乡建设局&metric=hall_window_cases"),
        ("bulletins_overview", ""),
    ],
)
def test_canned_queries_give_the_same_rows(
    plain: Path, summarised: Path, query: str, params: str
) -> None:
    live = get_json(plain, f"/plain/{query}.json{params}")
    fast = get_json(summarised, f"/archive/{query}.json{params}")
    assert fast["rows"] == live["rows"] and fast["columns"] == live["columns"]


def test_month_numbers(summarised: Path) -> None:
    month = get_json(summarised, "/archive/month.json?period=2022-09&metric=handled&_shape=array")
    assert len(month) == 20 and {r["entity"]: r["value"] for r in month}["区医保局"] == 3986.0


def test_canned_sql_shown_reads_no_summary() -> None:
    vocab = load_vocabulary()
    for query in load_metadata().queries.values():
        shown = inline_sql(live_sql(query.sql), vocab)
        assert "$" not in shown and "summary_" not in shown, query.name


@pytest.mark.parametrize("query", ["metrics?", "month?period=2022-09&"])
def test_canned_queries_read_the_summaries(summarised: Path, query: str) -> None:
    page = get_json(
        summarised, f"/archive/{query.replace('?', '.json?')}_trace=1", trace_debug=True
    )
    traced = " ".join(t.get("sql", "") for t in page["_trace"]["traces"])
    assert "from summary_" in traced and page["rows"]


@pytest.mark.parametrize("page", ["", "&_next=100"])
def test_rows_of_one_period_read_only_its_bulletins(
    plain: Path, summarised: Path, page: str
) -> None:
    path = "/{db}/facts_readable.json?period=2020-12" + page
    live = get_json(plain, path.format(db="plain"))
    fast = get_json(summarised, path.format(db="archive") + "&_trace=1", trace_debug=True)
    assert fast["rows"] == live["rows"] and len(live["rows"]) == (90 if page == "" else 0)
    assert {r[1] for r in fast["rows"]} <= {"2020-12"}
    traced = " ".join(t.get("sql", "") for t in fast["_trace"]["traces"])
    assert 'and "bulletin" in (select bulletin from summary_periods where period = :p0)' in traced


def test_a_names_change_makes_the_summaries_stale(
    tmp_path: Path, catalog: Catalog, names: NameBook
) -> None:
    db_path = tmp_path / "archive.db"
    ingest_into(db_path, [SEP], catalog, names)[0].close()
    conn = sqlite3.connect(db_path)
    before = conn.execute("SELECT value FROM summary_state WHERE key = 'fingerprint'").fetchone()
    with conn:  # what a names-only change does: the publisher's names are re-resolved
        conn.execute("UPDATE publishers SET fingerprint = 'another names file'")
    assert not summaries_fresh(conn)
    refresh_summaries(conn)
    after = conn.execute("SELECT value FROM summary_state WHERE key = 'fingerprint'").fetchone()
    assert summaries_fresh(conn) and after != before and "=another names file" in after[0]
    assert total_rows(conn) == 832


def test_the_family_examples_are_the_same_from_the_summaries(plain: Path, summarised: Path) -> None:
    import sqlite_utils

    from archive.metadata import family_examples

    vocab = load_vocabulary()
    from_view = family_examples(sqlite_utils.Database(plain), vocab)
    assert from_view == [("区住房城乡建设局", "hall_window_cases")]
    assert summaries_fresh(sqlite3.connect(summarised))
    assert family_examples(sqlite_utils.Database(summarised), vocab) == from_view
