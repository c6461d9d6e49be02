"""The department page reads the view once: its printed names and joined entities are
what grouping the view in SQL gives (the oracle: the queries the page ran before)."""

from __future__ import annotations

import sqlite3

import pytest

from archive.department import CERTAIN, read_department
from normalize.catalog import Catalog
from normalize.names import NameBook
from tests.helpers import CORPUS, ingest_into


@pytest.fixture(scope="module")
def conn(
    tmp_path_factory: pytest.TempPathFactory, catalog: Catalog, names: NameBook
) -> sqlite3.Connection:
    db_path = tmp_path_factory.mktemp("department") / "archive.db"
    ingest_into(db_path, [CORPUS], catalog, names)[0].close()
    return sqlite3.connect(db_path)


@pytest.mark.parametrize("name", ["区社会保险事务中心", "区医保局", "政务服务大厅", "格里坪镇"])
def test_names_and_entities_as_sql_groups_them(conn: sqlite3.Connection, name: str) -> None:
    lineage = conn.execute(
        "SELECT coalesce(lineage, name) FROM entities WHERE name = ?", [name]
    ).fetchone()[0]
    followed = f"(entity = ? OR coalesce(lineage, entity) = ?) AND {CERTAIN}"
    names = conn.execute(
        "SELECT entity_raw, min(period), max(period), count(*) FROM facts_readable "
        f"WHERE {followed} GROUP BY entity_raw ORDER BY min(period), entity_raw",
        [name, lineage],
    ).fetchall()
    joined = conn.execute(
        f"SELECT entity FROM facts_readable WHERE {followed} AND entity IS NOT NULL "
        "GROUP BY entity ORDER BY min(period), entity",
        [name, lineage],
    ).fetchall()
    dept = read_department(conn, name)
    assert names  # every one of them is printed in the samples
    assert [(n.raw, n.first, n.last, n.facts) for n in dept.names] == names
    assert dept.lineage == [e for (e,) in joined]


def test_social_insurance_printed_names(conn: sqlite3.Connection) -> None:
    dept = read_department(conn, "区社会保险事务中心")
    assert ("区社保局", "2020-12", "2020-12") in [(n.raw, n.first, n.last) for n in dept.names]
