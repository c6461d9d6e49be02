"""One report printed three times (text, Word, PDF) is one point per month in `trend`.

Needs the editions of a report told apart at ingest (``bulletins.is_primary``: one
edition 1, the others 0); the trend keeps primary editions only.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from archive.serve import build_datasette
from normalize.catalog import Catalog
from normalize.names import NameBook
from tests.helpers import DEC, ROOT, ingest_into

EDITIONS = [
    DEC,
    ROOT / "tests" / "fixtures" / "sources" / "2020-12_xiqu_zwfw.docx",
    ROOT / "tests" / "fixtures" / "pdf" / "2020-12_docx_ruled.pdf",
]


def trend(db_path: Path, **params: str) -> list[dict[str, Any]]:
    ds = build_datasette(db_path)

    async def get() -> list[dict[str, Any]]:
        query = urlencode({**params, "_shape": "array"})
        response = await ds.client.get(f"/{db_path.stem}/trend.json?{query}")
        assert response.status_code == 200, response.text
        rows: list[dict[str, Any]] = json.loads(response.text)
        return rows

    return asyncio.run(get())


def test_three_editions_make_one_point_per_month(
    tmp_path: Path, catalog: Catalog, names: NameBook
) -> None:
    db, report = ingest_into(tmp_path / "archive.db", EDITIONS, catalog, names)
    assert report.count("ingested") == 3
    printed = db.execute(
        "SELECT b.format, f.value FROM facts_readable f JOIN bulletins b ON b.path = f.bulletin "
        "WHERE f.entity = '区社会保险事务中心' AND f.metric = 'accepted' ORDER BY b.format"
    ).fetchall()
    assert sorted(v for _, v in printed) == [2586.0, 2586.0, 2586.0]  # each edition read it
    primary = db.execute("SELECT count(*) FROM bulletins WHERE is_primary = 1").fetchone()[0]
    db.close()
    points = trend(tmp_path / "archive.db", entity="区社保局", metric="accepted")
    assert [(r["period"], r["value"]) for r in points] == [("2020-12", 2586.0)]
    assert primary == 1
