"""Pages of an archive whose entities belong to several publishers: a name two publishers
use is two departments, and pickers and charts say whose each entity is.

The archive is the two samples ingested under two publishers: 2020-12 as 东区's, 2022-09
as 西区's; each publisher's names make its own entities.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlite_utils

from archive.department import entity_publishers, read_department, several_publishers
from archive.ingest import ingest
from normalize.catalog import Catalog
from normalize.names import NameBook
from tests.archive.test_editions_trend import get  # a page served in-process
from tests.helpers import CORPUS


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, catalog: Catalog, names: NameBook) -> Path:
    """2020-12 ingested as 东区's, 2022-09 as 西区's, each with a copy of the names file."""
    db_path = tmp_path_factory.mktemp("publishers") / "archive.db"
    db = sqlite_utils.Database(db_path)
    ingest(db, [CORPUS / "2020-12_xiqu_zwfw.txt"], catalog, names, publisher="东区")
    ingest(db, [CORPUS / "2022-09_xiqu_zwfw.txt"], catalog, names, publisher="西区")
    db.close()
    return db_path


def test_a_name_of_two_publishers_is_two_departments(archive: Path) -> None:
    conn = sqlite3.connect(archive)
    assert several_publishers(conn)
    assert entity_publishers(conn, "区医保局") == ["东区", "西区"]
    east = read_department(conn, "区医保局", "东区")
    west = read_department(conn, "区医保局", "西区")
    assert (east.periods, west.periods) == (["2020-12"], ["2022-09"])
    assert west.values["hall_windows", "handled"]["2022-09"][0] == 3986.0
    assert ("hall_windows", "handled") not in east.values
    assert read_department(conn, "区医保局").periods == ["2020-12", "2022-09"]  # no publisher


def test_entity_page_asks_whose_then_shows_one(archive: Path) -> None:
    html = get(archive, f"/-/entity/archive/{quote('区医保局')}")
    assert "names an entity of 2 publishers" in html
    assert re.findall(r"publisher=([^\"&]+)\"", html) == [quote("东区"), quote("西区")]
    west = get(archive, f"/-/entity/archive/{quote('区医保局')}?publisher={quote('西区')}")
    assert "西区" in west and "2022-09" in west and "<th>2020-12</th>" not in west


def test_pickers_and_charts_name_the_publisher(archive: Path) -> None:
    html = get(archive, "/archive/month?period=2022-09&metric=handled")
    assert 'value="区医保局" label="区医保局 · 东区' in html
    assert 'value="区医保局" label="区医保局 · 西区' in html
    assert "区医保局 (西区)" in html  # a bar of the month chart
