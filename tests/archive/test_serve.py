"""`bulletins serve`: a real Datasette server on 127.0.0.1, its metadata, canned queries and
search; the metadata file and the search index on their own."""

from __future__ import annotations

import json
import shutil
import socket
import sqlite3
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import pytest
import sqlite_utils
from click.testing import CliRunner

from archive.cli import main
from archive.metadata import (
    MetadataError,
    coverage_problems,
    datasette_metadata,
    load_metadata,
)
from archive.search import SEARCH_SQL, ensure_search, has_search
from archive.serve import open_readonly
from bench import pages
from normalize.catalog import Catalog
from normalize.names import NameBook, load_names
from tests.helpers import CORPUS, DEC, ingest_into

# --- a real server ----------------------------------------------------------------------


def fetch(url: str) -> tuple[int, str]:
    """Status and body of a GET on 127.0.0.1 (HTTP errors included)."""
    assert url.startswith("http://127.0.0.1:"), url
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


@contextmanager
def served(db_path: Path, log_path: Path, *options: str) -> Iterator[str]:
    """Run `bulletins serve` on a free port; yield its base URL; always stop it by its pid."""
    try:
        with pages.served(db_path, *options, log_path=log_path) as (base, _):
            yield base
    except pages.PageError as exc:
        pytest.fail(str(exc))


def rows(base: str, path: str, **params: str) -> list[dict[str, object]]:
    """JSON rows of a table, view or canned query."""
    status, body = fetch(f"{base}/{path}.json?{urlencode({**params, '_shape': 'array'})}")
    assert status == 200, body
    data: list[dict[str, object]] = json.loads(body)
    return data


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, catalog: Catalog, names: NameBook) -> Path:
    """Both samples, an empty file that fails, and a names file missing one alias."""
    tmp = tmp_path_factory.mktemp("serve")
    (tmp / "bad").mkdir()
    (tmp / "bad" / "empty.txt").write_bytes(b"")
    names_text = (CORPUS / "names.yaml").read_text(encoding="utf-8")
    alias = "    aliases: [民政和扶贫开发局]"
    assert alias in names_text
    (tmp / "names.yaml").write_text(names_text.replace(alias, "    aliases: []"), "utf-8")
    db_path = tmp / "archive.db"
    book = load_names(tmp / "names.yaml")
    ingest_into(db_path, [CORPUS], catalog, book)[0].close()  # keys relative to each folder
    db, _ = ingest_into(db_path, [tmp / "bad"], catalog, book)
    db.close()
    return db_path


@pytest.fixture(scope="module")
def server(archive: Path) -> Iterator[str]:
    with served(archive, archive.with_name("serve.log")) as base:
        yield base + "/archive"


# --- the JSON API -----------------------------------------------------------------------


def test_facts_readable(server: str) -> None:
    (row,) = rows(server, "facts_readable", period="2022-09", entity="区医保局", metric="handled")
    assert (row["table_kind"], row["value"], row["unit"]) == ("hall_windows", 3986.0, "count")
    (row,) = rows(
        server, "facts_readable", period="2020-12", entity_raw="区社保局", metric="accepted"
    )
    assert (row["entity"], row["value"]) == ("区社会保险事务中心", 2586.0)


def test_served_read_only_with_metadata(server: str) -> None:
    base = server.rsplit("/", 1)[0]
    (database,) = [
        d for d in json.loads(fetch(f"{base}/-/databases.json")[1]) if d["name"] == "archive"
    ]
    assert database["is_mutable"] is True  # opened mode=ro, so an ingest's commits show
    meta = json.loads(fetch(f"{base}/-/metadata.json")[1])
    assert meta["title"] == "政务服务工作通报 · Government service bulletins"
    assert "2 monthly government service bulletins" in meta["description"]
    assert "2020-12 to 2022-09: 922 facts" in meta["description"]
    facts = meta["databases"]["archive"]["tables"]["facts_readable"]
    assert facts["facets"] == ["period", "table_kind", "metric", "entity"]
    assert facts["columns"]["period"].startswith("报告期 — reported month")
    assert facts["title"] == "facts_readable · 数据点"


def test_default_facets_and_label_columns(server: str) -> None:
    status, body = fetch(f"{server}/facts_readable.json?metric=handled")
    facets = json.loads(body)["facet_results"]
    assert status == 200 and set(facets) == {"period", "table_kind", "metric", "entity"}
    assert {f["value"]: f["count"] for f in facets["period"]["results"]} == {"2022-09": 21}
    (fact,) = rows(server, "facts", id="11", _labels="on")
    assert fact["bulletin_id"] == {"value": 1, "label": "2020-12_xiqu_zwfw.txt"}
    assert fact["table_id"] == {"value": 1, "label": "hall_windows"}


def test_trend_follows_aliases(server: str) -> None:
    trend = rows(server, "trend", entity="区社保局", metric="accepted")
    assert [(r["period"], r["value"], r["entity"], r["entity_raw"]) for r in trend] == [
        ("2020-12", 2586.0, "区社会保险事务中心", "区社保局")
    ]
    trend = rows(server, "trend", entity="政务服务大厅", metric="accepted")
    assert [(r["period"], r["value"], r["table_kind"]) for r in trend] == [
        ("2020-12", 7016.0, "headline"),
        ("2022-09", 13907.0, "headline"),
    ]


def test_month_lists_every_department(server: str) -> None:
    month = rows(server, "month", period="2022-09", metric="handled")
    assert len(month) == 20 and {r["table_kind"] for r in month} == {"hall_windows"}
    assert {r["entity"]: r["value"] for r in month}["区医保局"] == 3986.0
    values = [r["value"] for r in month]
    assert values == sorted(values, reverse=True)
    assert len(rows(server, "month", period="2020-12", metric="")) == 21 * 4  # all metrics


def test_unresolved_names(server: str) -> None:
    (row,) = rows(server, "unresolved")
    assert (row["name"], row["facts"], row["first_seen_in"]) == (
        "民政和扶贫开发局",
        4,
        "2020-12_xiqu_zwfw.txt",
    )
    assert "区民政局" in str(row["candidates"])


def test_failed_checks(server: str) -> None:
    failed = rows(server, "failed_checks")
    assert {(r["bulletin"], r["metric"], r["expected"], r["actual"]) for r in failed} == {
        ("2022-09_xiqu_zwfw.txt", "applications", 5331.0, 4904.0),
        ("2022-09_xiqu_zwfw.txt", "cases", 4288.0, 4290.0),
    }
    assert {r["rule"] for r in failed} == {"headline_matches_table"}


def test_bulletins_overview(server: str) -> None:
    overview = rows(server, "bulletins_overview")
    assert [
        (r["period"], r["bulletin"], r["format"], r["tables"], r["facts"], r["failed_checks"])
        for r in overview
    ] == [
        (None, "empty.txt", None, 0, 0, None),
        ("2020-12", "2020-12_xiqu_zwfw.txt", "text-tab", 1, 90, 0),
        ("2022-09", "2022-09_xiqu_zwfw.txt", "text-pipe", 3, 832, 2),
    ]
    assert overview[0]["failure"] == "extract: the file is empty"


def test_metrics_lists_units_and_printed_labels(server: str) -> None:
    found = {(r["table_kind"], r["metric"]): r for r in rows(server, "metrics")}
    assert found["hall_windows", "handled"]["unit"] == "count"
    assert found["hall_windows", "handled"]["printed_as"] == "大厅窗口办件数"
    assert found["online_service", "claim_rate"]["unit"] == "percent"


def test_search_finds_chinese_substrings(server: str) -> None:
    hits = rows(server, "search", q="疫情防控")
    assert [(r["bulletin"], r["period"], r["paragraph"]) for r in hits] == [
        ("2022-09_xiqu_zwfw.txt", "2022-09", 6),
        ("2022-09_xiqu_zwfw.txt", "2022-09", 7),
    ]
    assert [r["matches"] for r in hits] == [5, 6]
    assert all("疫情防控" in str(r["excerpt"]) for r in hits)
    short = rows(server, "search", q="医保")  # two characters: below the trigram index
    assert {r["period"] for r in short} == {"2022-09"} and len(short) == 2
    assert all("医保" in str(r["excerpt"]) for r in short)
    assert {r["period"] for r in rows(server, "search", q="李彬")} == {"2020-12"}
    assert rows(server, "search", q="") == []
    percent = rows(server, "search", q="%")  # a wildcard of LIKE, searched for literally
    assert percent and all("%" in str(r["excerpt"]) for r in percent)


def test_short_search_is_literal(server: str, archive: Path) -> None:
    db = sqlite_utils.Database(archive)
    for q in ("%", "_", "%%", "医保"):
        expected = db.execute("SELECT count(*) FROM blocks WHERE instr(text, ?)", [q]).fetchone()
        assert len(rows(server, "search", q=q)) == expected[0], q


def test_blocks_search_box_uses_the_trigram_index(server: str) -> None:
    hits = rows(server, "blocks", _search="疫情防控")
    assert [r["seq"] for r in hits] == [6, 7]


def test_a_metric_links_to_its_trend_with_its_printed_label(server: str) -> None:
    status, html = fetch(
        f"{server}/facts_readable?{urlencode({'entity': '区医保局', 'metric': 'handled'})}"
    )
    assert status == 200
    link = (
        '<a href="/archive/trend?entity=%E5%8C%BA%E5%8C%BB%E4%BF%9D%E5%B1%80&amp;metric=handled"'
        ' title="区医保局: month by month">handled <small>大厅窗口办件数</small></a>'
    )
    assert link in html


# --- the command line -------------------------------------------------------------------


def test_serve_missing_archive_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "archive.db")])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {tmp_path / 'archive.db'} not found; run `bulletins ingest corpus/` first\n"
    )


def test_serve_not_an_archive(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    result = CliRunner().invoke(main, ["serve", "--db", str(other)])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {other} is not a bulletins archive; run `bulletins ingest` on it\n"
    )


def test_serve_port_in_use(archive: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--db", str(archive), "--port", str(port)])
    assert result.exit_code == 1
    assert result.output == f"Error: port {port} is in use; choose another with --port\n"


def test_serve_help() -> None:
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--port" in result.output and "--db" in result.output


# --- the metadata file ------------------------------------------------------------------


def test_metadata_covers_the_whole_archive(archive: Path) -> None:
    db = sqlite_utils.Database(archive)
    assert coverage_problems(load_metadata(), db) == []


def test_every_column_has_a_chinese_label() -> None:
    meta = load_metadata()
    for table in meta.tables.values():
        for column, (label, meaning) in table.columns.items():
            assert any("\u4e00" <= ch <= "\u9fff" for ch in label), (table.name, column)
            assert meaning, (table.name, column)


def test_an_archive_without_search_index_has_no_search_query(archive: Path, tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    shutil.copy(archive, old)
    db = sqlite_utils.Database(old)
    db["blocks"].disable_fts()
    queries = datasette_metadata(load_metadata(), db, "old")["databases"]["old"]["queries"]
    assert "search" not in queries and "trend" in queries
    ensure_search(db)  # what the next `bulletins ingest` does
    assert "search" in datasette_metadata(load_metadata(), db, "old")["databases"]["old"]["queries"]


def test_metadata_problems_name_their_line(tmp_path: Path) -> None:
    bad = tmp_path / "metadata.yaml"
    bad.write_text(
        "title: t\ndescription: '{bulletins} {oops}'\nsource: s\n"
        "tables:\n  facts_readable:\n    label: 数据点\n    description: d\n"
        "    facets: [period]\n    columns:\n      period: [报告期]\n"
        "queries:\n  trend:\n    title: t\n    description: d\n    colour: red\n",
        encoding="utf-8",
    )
    with pytest.raises(MetadataError) as caught:
        load_metadata(bad)
    assert caught.value.problems == [
        "line 2: description: unknown placeholder {oops}",
        "line 10: table facts_readable: column period needs [Chinese label, meaning]",
        "line 8: table facts_readable: facets period is not among its columns",
        "line 15: query trend: unknown key 'colour' (known: description, hide_sql, sql, title)",
        "line 13: query trend needs sql",
    ]


# --- the search index -------------------------------------------------------------------


def search(db: sqlite_utils.Database, q: str) -> list[tuple[str, int]]:
    return [(r[1], r[2]) for r in db.execute(SEARCH_SQL, {"q": q}).fetchall()]


def test_search_index_follows_reingest(tmp_path: Path, catalog: Catalog, names: NameBook) -> None:
    copy = tmp_path / "2020-12_xiqu_zwfw.txt"
    copy.write_bytes(DEC.read_bytes())
    db, _ = ingest_into(tmp_path / "a.db", [copy], catalog, names)
    assert has_search(db)
    assert search(db, "李彬调研") == [("2020-12_xiqu_zwfw.txt", 7)]
    assert ensure_search(db)  # idempotent
    text = DEC.read_text(encoding="utf-8").replace("李彬", "张三")
    copy.write_text(text, encoding="utf-8")
    ingest_into(tmp_path / "a.db", [copy], catalog, names)
    assert search(db, "李彬调研") == []
    assert search(db, "张三调研") == [("2020-12_xiqu_zwfw.txt", 7)]
    assert db.execute("SELECT count(*) FROM blocks_fts_docsize").fetchone()[0] == db["blocks"].count


def test_rows_still_in_the_write_ahead_log_are_served(tmp_path: Path) -> None:
    db_path = tmp_path / "a.db"
    writer = sqlite3.connect(db_path)
    writer.execute("PRAGMA journal_mode=WAL")
    with writer:
        writer.execute("CREATE TABLE bulletins (id INTEGER)")
        writer.execute("INSERT INTO bulletins VALUES (1)")
    assert (tmp_path / "a.db-wal").stat().st_size > 0  # the writer is still open
    reader = open_readonly(db_path)
    assert reader.execute("SELECT id FROM bulletins").fetchall() == [(1,)]
    with writer:
        writer.execute("INSERT INTO bulletins VALUES (2)")
    assert reader.execute("SELECT id FROM bulletins").fetchall() == [(1,), (2,)]
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        reader.execute("INSERT INTO bulletins VALUES (3)")
    writer.close()
