"""One report printed three times (text, Word, PDF) is one point per month in `trend`.

Needs the editions of a report told apart at ingest (``bulletins.is_primary``: one
edition 1, the others 0); the trend keeps primary editions only.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import sqlite_utils

from archive.serve import build_datasette
from normalize.catalog import Catalog
from normalize.names import NameBook
from tests.helpers import DEC, ROOT, ingest_into

EDITIONS = [
    DEC,
    ROOT / "tests" / "fixtures" / "sources" / "2020-12_xiqu_zwfw.docx",
    ROOT / "tests" / "fixtures" / "pdf" / "2020-12_docx_ruled.pdf",
]


def get(db_path: Path, path: str) -> str:
    """A page of the archive served in-process."""
    ds = build_datasette(db_path)

    async def fetch() -> str:
        response = await ds.client.get(path)
        assert response.status_code == 200, response.text
        return str(response.text)

    return asyncio.run(fetch())


def trend(db_path: Path, **params: str) -> list[dict[str, Any]]:
    query = urlencode({**params, "_shape": "array"})
    rows: list[dict[str, Any]] = json.loads(get(db_path, f"/{db_path.stem}/trend.json?{query}"))
    return rows


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, catalog: Catalog, names: NameBook) -> Path:
    db_path = tmp_path_factory.mktemp("editions") / "archive.db"
    db, report = ingest_into(db_path, EDITIONS, catalog, names)
    assert report.count("ingested") == 3
    db.close()
    return db_path


def test_three_editions_make_one_point_per_month(archive: Path) -> None:
    db = sqlite_utils.Database(archive)
    printed = db.execute(
        "SELECT b.format, f.value FROM facts_readable f JOIN bulletins b ON b.path = f.bulletin "
        "WHERE f.entity = '区社会保险事务中心' AND f.metric = 'accepted' ORDER BY b.format"
    ).fetchall()
    assert sorted(v for _, v in printed) == [2586.0, 2586.0, 2586.0]  # each edition read it
    primary = db.execute("SELECT count(*) FROM bulletins WHERE is_primary = 1").fetchone()[0]
    db.close()
    points = trend(archive, entity="区社保局", metric="accepted")
    assert [(r["period"], r["value"]) for r in points] == [("2020-12", 2586.0)]
    assert primary == 1


def test_a_pdf_figure_shows_its_page_with_its_row_marked(archive: Path) -> None:
    db = sqlite_utils.Database(archive)
    (fact_id, page) = db.execute(
        "SELECT f.fact_id, f.page FROM facts_readable f JOIN bulletins b ON b.path = f.bulletin "
        "WHERE b.format = 'pdf' AND f.entity_raw = '区社保局' AND f.metric = 'accepted'"
    ).fetchone()
    db.close()
    html = get(archive, f"/-/source/archive/fact/{fact_id}")
    assert page == 1 and "2020-12_docx_ruled.pdf, page 1." in re.sub(r"<[^>]+>", "", html)
    (marked,) = re.findall(r'<tr class="traced"><th>([^<]*)</th><td>(.*?)</td></tr>', html)
    assert marked[0] == "p.1"
    assert re.sub(r"<[^>]+>", "", marked[1]) == "2 | 区社保局 | 2586 | 2587 | 2174 | 100%"


def test_a_page_without_line_numbers_says_how_it_is_ordered(archive: Path) -> None:
    db = sqlite_utils.Database(archive)
    by_format = dict(
        db.execute("SELECT b.format, b.id FROM bulletins b ORDER BY b.format").fetchall()
    )
    db.close()
    note = "This format stores no line numbers: the prose is shown in reading order"
    plain = {
        fmt: re.sub(r"<[^>]+>", "", get(archive, f"/-/source/archive/{bulletin_id}"))
        for fmt, bulletin_id in by_format.items()
    }
    assert sorted(plain) == ["docx", "pdf", "text-tab"]
    assert note in plain["pdf"] and note in plain["docx"]
    assert note not in plain["text-tab"]
    # the text bulletin: prose and table cells interleaved by their line numbers
    page = get(archive, f"/-/source/archive/{by_format['text-tab']}")
    lines = re.findall(r"<tr[^>]*><th>(\d+)</th><td>(.*?)</td>", page)
    numbers = [int(n) for n, _ in lines]
    assert numbers == sorted(numbers)
    text = {int(n): re.sub(r"<[^>]+>", "", t) for n, t in lines}
    assert text[4] == "1、 受理和办理情况"  # prose
    assert (text[22], text[23]) == ("区社保局", "2586")  # table cells, in their lines
