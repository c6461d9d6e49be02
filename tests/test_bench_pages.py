"""bench/pages.py: every page it times answers through a real `bulletins serve` (the
timings themselves are `make bench`'s, not a test's)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from archive.summaries import refresh_summaries
from bench.pages import main, render, time_pages
from normalize.catalog import Catalog
from normalize.names import NameBook
from tests.helpers import CORPUS, ingest_into


def test_every_page_answers(tmp_path: Path, catalog: Catalog, names: NameBook) -> None:
    db_path = tmp_path / "archive.db"
    ingest_into(db_path, [CORPUS], catalog, names)[0].close()
    with sqlite3.connect(db_path) as conn:
        refresh_summaries(conn)
    timings = time_pages(db_path)
    pages = [page for page, _, _ in timings]
    assert pages[:5] == [
        "facts_readable",
        "facts_readable?period=",
        "facts_readable?table_kind=",
        "facts_readable?metric=",
        "facts_readable?entity=",
    ]
    for wanted in (
        "query trend (entity, metric)",
        "query month (period, metric)",
        "query metrics",
        "query search (q)",
        "entity page",
        "grid page",
        "source page (fact)",
    ):
        assert wanted in pages
    assert all(wall > 0 and cpu >= 0 for _, wall, cpu in timings)
    assert render(timings).splitlines()[1].startswith("facts_readable ")


def test_a_missing_archive_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "none.db")]) == 2
    assert capsys.readouterr().err == f"{tmp_path / 'none.db'}: no such archive\n"
