"""Prose-only bulletins of the second round of wordings, ingested for real.

Each fixture under tests/fixtures/family/prose-s7b/ is a bulletin without a table, written by
hand: a hotline's month with no change (同比持平, 与上月持平, 环比基本持平), the labels
有效诉求, 在线解答, 退单率, 重办率 and a duration of hours and minutes with a change in
minutes and seconds; a county hall's month with counts in Chinese numerals (两千余件,
一千二百件, 三百多次) beside words that are no counts (十分满意, 一件事一次办). The golden
CSV beside each fixture was written by reading it, not by running the pipeline.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils

from normalize.catalog import Catalog
from normalize.names import NameBook
from tests.archive.prose_golden import (
    golden_bulletins,
    golden_facts,
    stored_bulletins,
    stored_facts,
)
from tests.helpers import ROOT, ingest_into

FIXTURES = ROOT / "tests" / "fixtures" / "family" / "prose-s7b"
FILES = sorted(FIXTURES.glob("*.txt"))


@pytest.fixture(scope="module")
def archive(
    tmp_path_factory: pytest.TempPathFactory, catalog: Catalog, names: NameBook
) -> sqlite_utils.Database:
    db, report = ingest_into(tmp_path_factory.mktemp("s7b") / "a.db", FILES, catalog, names)
    assert [o.status for o in report.outcomes] == ["ingested"] * len(FILES)
    return db


def test_there_are_two_fixtures_each_with_a_golden_file() -> None:
    assert [f.stem for f in FILES] == ["hall-numerals", "hotline-flat"]
    assert all(f.with_suffix(".csv").exists() for f in FILES)


@pytest.mark.parametrize("name", [f.name for f in FILES])
def test_facts_equal_the_hand_written_golden_file(
    archive: sqlite_utils.Database, name: str
) -> None:
    assert stored_facts(archive, name) == golden_facts(FIXTURES / f"{Path(name).stem}.csv")


def test_bulletin_rows_equal_the_hand_written_golden_file(archive: sqlite_utils.Database) -> None:
    assert stored_bulletins(archive) == golden_bulletins(FIXTURES / "bulletins.csv")


def test_no_label_is_unknown_and_no_figure_is_refused(archive: sqlite_utils.Database) -> None:
    rows = archive.execute(
        "SELECT b.path, w.message FROM warnings w JOIN bulletins b ON b.id = w.bulletin_id "
        "WHERE w.message LIKE '%vocabulary%' OR w.message LIKE '%not stored%' "
        "OR w.message LIKE '%not read%' ORDER BY b.path, w.id"
    ).fetchall()
    assert rows == []
