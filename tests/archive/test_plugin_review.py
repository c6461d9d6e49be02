"""The plugin's pages and downloads on the edges a review found: a database named with a
dot and Chinese, ids that are not ids, permissions and streaming of the full export,
``allow_csv_stream`` off, a family printed twice by one table, a department's lineage,
escaping and exact numbers. Served in-process (Datasette's own test client)."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import sqlite3
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from datasette.app import Datasette
from datasette.utils import tilde_encode

from archive.department import Department, PrintedName, department_html
from archive.downloads import BOM, export_stream
from archive.printed import Links
from archive.query_charts import MAX_BARS, month_panel
from archive.serve import build_datasette
from archive.vocabulary import Vocabulary
from normalize.catalog import Catalog
from normalize.names import NameBook, load_names
from tests.archive.test_pages import parse_grid
from tests.helpers import CORPUS, METRICS, ingest_into

DB_NAME = "西区.2022"  # Datasette spells it ~E8~A5~BF~E5~8C~BA~2E2022 in its URLs
DB = tilde_encode(DB_NAME)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, catalog: Catalog, names: NameBook) -> Path:
    db_path = tmp_path_factory.mktemp("review") / f"{DB_NAME}.db"
    ingest_into(db_path, [CORPUS], catalog, names)[0].close()
    return db_path


def get(ds: Datasette, *paths: str) -> list[tuple[int, str]]:
    """Status and text of each GET, in one event loop."""

    async def fetch() -> list[tuple[int, str]]:
        out = []
        for path in paths:
            response = await ds.client.get(path)
            out.append((response.status_code, response.content.decode("utf-8")))
        return out

    return asyncio.run(fetch())


def csv_rows(body: str) -> list[dict[str, str]]:
    assert body.startswith(BOM.decode("utf-8")) and not body.startswith(BOM.decode() * 2)
    return list(csv.DictReader(io.StringIO(body[1:])))


# --- 3: a database named with a dot and Chinese ------------------------------------------


def test_a_dotted_chinese_database_name_works_everywhere(archive: Path) -> None:
    ds = build_datasette(archive, settings={"max_returned_rows": 5})
    entity = tilde_encode("区社会保险事务中心")
    month = urlencode({"period": "2020-12", "metric": "hall_window_cases"})
    (page, export, readable) = get(
        ds,
        f"/-/entity/{DB}/{entity}",
        f"/{DB}/month.csv?{month}",
        f"/{DB}/facts_readable?entity_raw=区社保局&metric=accepted",
    )
    assert page[0] == 200 and "<h1>区社会保险事务中心</h1>" in page[1]
    assert export[0] == 200
    table = csv_rows(export[1])
    assert [(r["entity"], r["metric"], r["value"]) for r in table][:3] == [
        ("市公交公司", "accepted", "6459.0"),
        ("区社会保险事务中心", "accepted", "2586.0"),
        ("区医保局", "accepted", "2321.0"),
    ]
    assert len(table) > 5  # every row, not the page's five
    assert f'href="/-/entity/{DB}/{entity}"' in readable[1]
    assert re.search(rf'href="/-/grid/{re.escape(DB)}/\d+\?cell=\d+#cell-\d+"', readable[1])
    assert re.search(rf'href="/-/source/{re.escape(DB)}/fact/\d+"', readable[1])


# --- 4: ids that are not ids --------------------------------------------------------------


def test_bad_ids_get_one_line_not_a_server_error(archive: Path) -> None:
    ds = build_datasette(archive)
    huge = "9" * 30
    answers = get(
        ds,
        f"/-/grid/{DB}/{huge}",
        f"/-/grid/{DB}/abc",
        f"/-/source/{DB}/fact/{huge}",
        f"/-/source/{DB}/fact/9223372036854775807",
        f"/-/source/{DB}/x1",
        f"/-/source/{DB}/1?line={huge}&cell=abc",
        "/-/grid/nosuchdb/1",
        "/" + DB + "?" + urlencode({"sql": "select 'abc' as table_id, 'x' as cell_id, "
                                    "'abc' as fact_id, 7 as table_no, 3 as line"}),
    )  # fmt: skip
    limit = "must be a whole number from 0 to 9223372036854775807"
    assert answers[0] == (400, f"a table id {limit}, not '{huge}'")
    assert answers[1] == (400, f"a table id {limit}, not 'abc'")
    assert answers[2] == (400, f"a fact id {limit}, not '{huge}'")
    assert answers[3][0] == 404 and "No fact 9223372036854775807" in answers[3][1]
    assert answers[4] == (400, f"a bulletin id {limit}, not 'x1'")
    assert answers[5][0] == 200 and "2020-12_xiqu_zwfw.txt" in answers[5][1]
    assert answers[6] == (404, "no database nosuchdb")
    more = get(ds, f"/-/grid/{DB}/1/2", "/-/entity/西区/区医保局", f"/-/source/{DB}/fact/")
    assert more == [
        (404, f"no such page /-/grid/{DB}/1/2; the grid pages are /-/grid/DATABASE/TABLE_ID"),
        (404, "no database 西区"),
        (404, f"no such page /-/source/{DB}/fact/; the source pages are "
              "/-/source/DATABASE/BULLETIN_ID or /-/source/DATABASE/fact/FACT_ID"),
    ]  # fmt: skip
    cells = re.findall(r'<td class="col-(\w+)">([^<]*)</td>', answers[7][1])
    assert answers[7][0] == 200  # was int('abc') in render_cell: a server error
    assert cells == [("table_id", "abc"), ("cell_id", "x"), ("fact_id", "abc"), ("table_no", "7"),
                     ("line", "3")]  # fmt: skip


# --- 1: the canned-query export -----------------------------------------------------------


def test_the_export_keeps_the_query_permissions(archive: Path) -> None:
    locked = {"databases": {DB_NAME: {"queries": {"month": {"allow": {"id": "root"}}}}}}
    ds = build_datasette(archive, extra_metadata=locked)
    query = urlencode({"period": "2020-12", "metric": ""})
    direct, rewritten, trend = get(
        ds,
        f"/-/export/{DB}/month.csv?{query}",
        f"/{DB}/month.csv?{query}",
        f"/-/export/{DB}/trend.csv?entity=社保&metric=accepted",
    )
    assert direct == (403, "not allowed to run the query month")
    assert rewritten == (403, "not allowed to run the query month")
    assert trend[0] == 200
    assert [(r["period"], r["value"], r["entity"]) for r in csv_rows(trend[1])] == [
        ("2020-12", "2586.0", "区社会保险事务中心")
    ]


def connect_memory() -> sqlite3.Connection:
    return sqlite3.connect(":memory:", check_same_thread=False)  # as Datasette connects


def run_stream(stream: Any) -> list[bytes]:
    bodies: list[bytes] = []

    async def send(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.body" and message.get("body"):
            bodies.append(message["body"])

    asyncio.run(stream.asgi_send(send))
    return bodies


def test_the_export_streams_from_a_cursor() -> None:
    sql = "with recursive n(i) as (select 1 union all select i + 1 from n where i < 2500) " \
          "select i, 'row ' || i as text from n"  # fmt: skip
    bodies = run_stream(export_stream(connect_memory, sql, {}, "n.csv"))
    assert len(bodies) == 4  # the header, then rows 1000 at a time
    table = list(csv.reader(io.StringIO(b"".join(bodies).decode("utf-8"))))
    assert table[0] == ["i", "text"] and table[-1] == ["2500", "row 2500"]
    assert [int(r[0]) for r in table[1:]] == list(range(1, 2501))


def test_an_export_past_its_time_bound_says_it_was_cut() -> None:
    endless = "with recursive n(i) as (select 1 union all select i + 1 from n) select i from n"
    bodies = run_stream(export_stream(connect_memory, endless, {}, "n.csv", seconds=0.2))
    table = list(csv.reader(io.StringIO(b"".join(bodies).decode("utf-8"))))
    written = len(table) - 2  # the header and the note
    assert table[0] == ["i"] and [int(r[0]) for r in table[1:-1]] == list(range(1, written + 1))
    assert table[-1] == [f"[export cut after 0.2 seconds at {written} rows: narrow the query]"]


# --- 5: table CSV with streaming off, or a page size asked for ----------------------------


def test_table_csv_respects_the_stream_setting_and_size(archive: Path) -> None:
    off = build_datasette(archive, settings={"allow_csv_stream": False, "max_returned_rows": 5})
    wanted = urlencode({"entity": "区医保局", "metric": "accepted"})
    ((status, body),) = get(off, f"/{DB}/facts_readable.csv?{wanted}")
    assert status == 200
    assert [(r["period"], r["value"]) for r in csv_rows(body)] == [("2020-12", "2321.0")]
    on = build_datasette(archive, settings={"max_returned_rows": 5})
    every, sized = get(
        on,
        f"/{DB}/facts_readable.csv?entity=区医保局&_sort=fact_id",
        f"/{DB}/facts_readable.csv?entity=区医保局&_sort=fact_id&_size=2",
    )
    assert len(csv_rows(every[1])) == 22  # streamed past max_returned_rows
    first_two = [(r["period"], r["metric"], r["value"]) for r in csv_rows(every[1])][:2]
    assert [(r["period"], r["metric"], r["value"]) for r in csv_rows(sized[1])] == first_two
    assert first_two == [("2020-12", "accepted", "2321.0"), ("2020-12", "completed", "2322.0")]


# --- 6: a family whose members one table prints side by side -----------------------------


def family_file(tmp_path: Path, members: str) -> Path:
    text = (METRICS).read_text(encoding="utf-8")
    printed = "members: [hall_windows.accepted, hall_windows.handled]"
    assert printed in text
    path = tmp_path / "metrics.yaml"
    path.write_text(text.replace(printed, f"members: [{members}]"), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("members", "kept"),
    [
        ("hall_windows.completed, hall_windows.accepted, hall_windows.handled", "completed"),
        ("hall_windows.accepted, hall_windows.completed, hall_windows.handled", "accepted"),
    ],
)
def test_one_member_of_a_family_per_entity_and_month(
    archive: Path, tmp_path: Path, members: str, kept: str
) -> None:
    # the 2020 layout prints 系统受理数 (accepted, 2586) and 办结数 (completed, 2587)
    ds = build_datasette(archive, metrics_path=family_file(tmp_path, members))
    follow = {"entity": "区社保局", "metric": "hall_window_cases", "_shape": "array"}
    month = {"period": "2020-12", "metric": "hall_window_cases", "_shape": "array"}
    trend, bars, page = get(
        ds,
        f"/{DB}/trend.json?{urlencode(follow)}",
        f"/{DB}/month.json?{urlencode(month)}",
        f"/{DB}/trend?{urlencode(follow)}",
    )
    value = {"accepted": 2586.0, "completed": 2587.0}[kept]
    assert [(r["period"], r["metric"], r["value"]) for r in _json(trend)] == [
        ("2020-12", kept, value),
        ("2022-09", "handled", 2239.0),
    ]
    social = [r for r in _json(bars) if r["entity"] == "区社会保险事务中心"]
    assert [(r["metric"], r["value"]) for r in social] == [(kept, value)]
    assert len({r["entity"] for r in _json(bars)}) == len(_json(bars))
    assert "where one table prints two of them, the one listed first is kept" in page[1]
    points = re.findall(r'<circle class="point"', page[1])
    assert len(points) == 2


def _json(answer: tuple[int, str]) -> list[dict[str, Any]]:
    import json

    assert answer[0] == 200, answer[1]
    rows: list[dict[str, Any]] = json.loads(answer[1])
    return rows


# --- 9: the department page follows the lineage ------------------------------------------


def test_the_department_page_follows_the_lineage(
    tmp_path: Path, catalog: Catalog, names: NameBook
) -> None:
    text = (CORPUS / "names.yaml").read_text(encoding="utf-8")
    merged = "  - {name: 区社会保险事务中心, kind: department, aliases: [区社保局]}\n"
    assert merged in text
    renamed = (
        "  - {name: 区社保局, kind: department, valid_to: '2021-12', "
        "successor: 区社会保险事务中心}\n"
        "  - {name: 区社会保险事务中心, kind: department, valid_from: '2022-01'}\n"
    )
    names_path = tmp_path / "names.yaml"
    names_path.write_text(text.replace(merged, renamed), encoding="utf-8")
    db_path = tmp_path / "lineage.db"
    ingest_into(db_path, [CORPUS], catalog, load_names(names_path))[0].close()
    ds = build_datasette(db_path)
    later, earlier = get(
        ds,
        f"/-/entity/lineage/{tilde_encode('区社会保险事务中心')}",
        f"/-/entity/lineage/{tilde_encode('区社保局')}",
    )
    for status, html in (later, earlier):
        assert status == 200
        assert "Follows the lineage, as the trend does: 区社保局 → 区社会保险事务中心" in html
        printed = parse_grid(html, "bulletins-names").rows
        assert [[c["text"] for c in r] for r in printed[1:]] == [
            ["区社保局", "2020-12", "2020-12", "4"],
            ["区社会保险事务中心", "2022-09", "2022-09", "1"],
        ]
        months = parse_grid(html, "bulletins-months").rows
        head = [c["text"] for c in months[0]]
        by_period = {
            r[0]["text"]: dict(zip(head[1:], (c["text"] for c in r[1:]), strict=True))
            for r in months[1:]
        }
        assert by_period["2020-12"]["hall_windows · accepted 系统受理数"] == "2586"
        assert by_period["2022-09"]["hall_windows · handled 大厅窗口办件数"] == "2239"


# --- 2 and 7: exact numbers, escaped names, a cut bar chart said ---------------------------


def test_the_department_page_escapes_and_prints_exact_numbers() -> None:
    dept = Department(
        "区<b>局</b>",
        "department",
        None,
        [PrintedName("<i>局</i>", "<b>2020-12</b>", "2020-12", 2)],
        ["2020-12", "<s>"],
        values={("hall_windows", "accepted"): {"2020-12": (1234567.0, 7), "<s>": (0.125, 8)}},
    )
    links = Links(
        fact=lambda i: f"/f/{i}",
        grid=lambda t, c: f"/g/{t}",
        bulletin=lambda b: f"/b/{b}",
        source=lambda b, line, page: f"/s/{b}",
    )
    html = str(department_html(dept, Vocabulary({}, {}), links, "/db/trend"))
    names = parse_grid(html, "bulletins-names").rows
    assert [c["text"] for c in names[1]] == ["<i>局</i>", "<b>2020-12</b>", "2020-12", "2"]
    assert "<b>2020-12</b>" not in html and "<s>" not in html and "<i>" not in html
    months = parse_grid(html, "bulletins-months").rows
    assert [[c["text"] for c in r] for r in months[1:]] == [
        ["2020-12", "1234567"],
        ["<s>", "0.125"],
    ]


def test_a_cut_bar_chart_says_so() -> None:
    columns = ["entity", "value", "unit"]
    rows = [(f"部门{i}", float(1000 - i), "件") for i in range(MAX_BARS + 5)]
    html = str(month_panel(columns, rows, {"metric": "handled"}, Vocabulary({}, {})))
    assert len(re.findall(r'<rect class="bar"', html)) == MAX_BARS
    assert f"The chart draws the first {MAX_BARS} of the {MAX_BARS + 5} rows with a value" in html
    assert "部门79: 921" in html and "部门80" not in html
    whole = str(month_panel(columns, rows[:3], {"metric": "handled"}, Vocabulary({}, {})))
    assert "The chart draws the first" not in whole
