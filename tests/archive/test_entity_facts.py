"""An entity's rows read from the facts printed under its names: the same rows, in the
same order, as facts_readable filtered on entity (the oracle: the view itself), in the
served ``?entity=`` page and on the department page; an archive whose view is not this
version's is read through its own view."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

import archive.department
from archive.datasette_plugin.summarised import entity_form
from archive.department import read_department
from archive.entity_facts import VIEW_SELECT, _select_of, view_is_current
from archive.schema import FACTS_READABLE
from archive.serve import build_datasette
from normalize.catalog import Catalog
from normalize.names import NameBook
from tests.helpers import CORPUS, DEC, SEP, ingest_into

COLUMNS = "bulletin, period, entity, entity_raw, metric, value, fact_id"
# the rows query of Datasette 0.65 for ?entity=… (a view: no order, pages by offset)
ROWS = f'select {COLUMNS} from facts_readable where "entity" = :p0  limit 101'


@pytest.fixture(scope="module")
def conflict(tmp_path_factory: pytest.TempPathFactory, catalog: Catalog, names: NameBook) -> Path:
    """The samples, 2022-09 printing 西区发展改革局 on 区民政局's rows beside its own
    区发展改革局 (refused there: a resolution override), 2020-12 printing it for its
    only 发展改革局."""
    folder = tmp_path_factory.mktemp("entity_facts")
    (folder / "in").mkdir()
    sep, dec = folder / "in" / SEP.name, folder / "in" / DEC.name
    sep.write_text(SEP.read_text(encoding="utf-8").replace("区民政局", "西区发展改革局"), "utf-8")
    dec.write_text(
        DEC.read_text(encoding="utf-8").replace("\t区发展改革局", "\t西区发展改革局"), "utf-8"
    )
    ingest_into(folder / "archive.db", [sep, dec], catalog, names)[0].close()
    return folder / "archive.db"


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory, catalog: Catalog, names: NameBook) -> Path:
    db_path = tmp_path_factory.mktemp("entity_samples") / "archive.db"
    ingest_into(db_path, [CORPUS], catalog, names)[0].close()
    return db_path


@pytest.mark.parametrize("tail", ["  limit 101", " limit 20 offset 10", " order by value limit 5"])
def test_the_rewritten_rows_are_the_views(conflict: Path, tail: str) -> None:
    conn = sqlite3.connect(conflict)
    sql = f'select {COLUMNS} from facts_readable where "entity" = :p0' + tail
    narrowed = entity_form(sql)
    assert narrowed is not None and "f.name_key IN" in narrowed
    for name in ("区发展改革局", "区医保局", "格里坪镇", "nobody"):
        assert (
            conn.execute(narrowed, {"p0": name}).fetchall()
            == conn.execute(sql, {"p0": name}).fetchall()
        )
    # 18 rows of 2022-09's own 区发展改革局, 4 of 2020-12's 西区发展改革局: not the 17
    # of 2022-09's refused 西区发展改革局, though printed under a name of the entity
    every = conn.execute(
        entity_form(sql.split(" limit")[0] + " limit 100") or "", {"p0": "区发展改革局"}
    )
    printed = sorted({(r[1], r[3]) for r in every})
    assert printed == [("2020-12", "西区发展改革局"), ("2022-09", "区发展改革局")]
    counts = conn.execute(
        f"SELECT period, count(*) FROM ({narrowed.split(' limit')[0].split(' order by')[0]}) "
        "GROUP BY period",
        {"p0": "区发展改革局"},
    ).fetchall()
    assert counts == [("2020-12", 4), ("2022-09", 18)]


def test_other_queries_are_not_rewritten() -> None:
    assert entity_form(ROWS.replace('"entity"', '"metric"')) is None
    assert entity_form(ROWS.replace(":p0", ":p0 or 1 = 1")) is None
    assert entity_form('select count(*) from facts_readable where "entity" = :p0') is None
    both = ROWS.replace('"entity" = :p0', '"metric" = :p0 and "entity" = :p1')
    narrowed = entity_form(both)
    assert narrowed is not None and "WHERE name = :p1" in narrowed


def served(db_path: Path, path: str) -> Any:
    ds = build_datasette(db_path, settings={"trace_debug": True})

    async def fetch() -> Any:
        response = await ds.client.get(path)
        assert response.status_code == 200, response.text
        return response.json()

    return asyncio.run(fetch())


def test_the_served_page_shows_the_views_rows(samples: Path) -> None:
    page = served(samples, f"/archive/facts_readable.json?entity={quote('区医保局')}&_trace=1")
    conn = sqlite3.connect(samples)
    expected = conn.execute(
        "SELECT fact_id, metric, value FROM facts_readable WHERE entity = '区医保局'"
    ).fetchall()
    at = [page["columns"].index(c) for c in ("fact_id", "metric", "value")]
    assert [tuple(r[i] for i in at) for r in page["rows"]] == expected
    assert ("handled", 3986.0) in [(m, v) for _, m, v in expected]
    assert page["filtered_table_rows_count"] == len(expected) == 22
    traced = " ".join(t.get("sql", "") for t in page["_trace"]["traces"])
    assert (
        "f.name_key IN (SELECT id FROM labels WHERE text IN (SELECT raw FROM resolutions" in traced
    )


def test_department_reads_the_same_as_through_the_view(
    conflict: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    conn = sqlite3.connect(conflict)
    names = [n for (n,) in conn.execute("SELECT name FROM entities ORDER BY id")]
    fast = [read_department(conn, n) for n in names]
    monkeypatch.setattr(archive.department, "view_is_current", lambda _: False)
    slow = [read_department(conn, n) for n in names]
    assert fast == slow
    dept = fast[names.index("区发展改革局")]
    assert [(n.raw, n.first, n.last, n.facts) for n in dept.names] == [
        ("西区发展改革局", "2020-12", "2020-12", 4),
        ("区发展改革局", "2022-09", "2022-09", 18),
    ]
    assert dept.values["hall_windows", "handled"]["2022-09"][0] == 9


def test_an_archive_of_another_view_is_read_through_it(samples: Path, tmp_path: Path) -> None:
    db_path = tmp_path / "other.db"
    with sqlite3.connect(samples) as source, sqlite3.connect(db_path) as target:
        source.backup(target)
    conn = sqlite3.connect(db_path)
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'facts_readable'").fetchone()[0]
    with conn:
        conn.execute("DROP VIEW facts_readable")
        conn.execute(sql + " WHERE f.value > 100")  # a view of another version
    assert not view_is_current(conn)
    big = read_department(conn, "区医保局")
    assert all(v is None or v > 100 for by in big.values.values() for v, _ in by.values())
    page = served(db_path, f"/other/facts_readable.json?entity={quote('区医保局')}&_trace=1")
    assert all(r[page["columns"].index("value")] > 100 for r in page["rows"])
    traced = " ".join(t.get("sql", "") for t in page["_trace"]["traces"])
    assert "f.name_key IN" not in traced


def test_only_a_view_of_joins_is_narrowed() -> None:
    assert VIEW_SELECT is not None and VIEW_SELECT.lstrip().startswith("SELECT")
    assert "f.name_key" in FACTS_READABLE  # the printed name the narrowing reads
    joined = (
        "CREATE VIEW facts_readable AS SELECT f.id FROM facts f JOIN labels l ON l.id = f.metric"
    )
    assert _select_of(joined) == " SELECT f.id FROM facts f JOIN labels l ON l.id = f.metric"
    for other in (
        joined + " WHERE f.value > 0",
        joined + " ORDER BY f.id",
        joined.replace("CREATE VIEW", "CREATE VIEW IF NOT EXISTS"),
    ):
        assert _select_of(other) is None
