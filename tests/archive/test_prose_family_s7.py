"""Prose-only bulletins of wordings the family guide describes, ingested for real.

Each fixture under tests/fixtures/family/prose-s7/ is a bulletin without a table, written
by hand for a wording not covered before: a mailbox's reply rates and a unit named before
a verb of receiving (区医保局收到群众来信), channels of a quarter's total (电话渠道受理), a
period in Chinese numerals (二〇二三年一至九月, 前三季度, 九月份), a span of dates
(1月1日至6月30日), approximate figures (约, 逾, 近) beside a threshold (超过99%), changes
whose basis is a clause away (增幅, 与上年同期相比), units listed before 分别, units
that open a sentence, a county's units after 各县区受理情况 (with calls counted in 通
and a wait in 秒), and a mailbox's topics (来信反映的问题中, 其中咨询120封、投诉80封, 涉及…
领域的来信) beside a rate said of unnamed units (全区有9个单位办结率达到100%), and a
county's rankings (受理量居前三位的是：…, 满意率排名后两位的是A、B，分别为…) with a signed
change (环比增长-3.5%), 1月至6月, villages and banners, callbacks and a shorter time, and
a county's sections (a centre, its towns' sum after 12个乡镇, the hotline, a plan not read). The golden CSV beside each fixture was written by reading it, not by
running the pipeline.
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

FIXTURES = ROOT / "tests" / "fixtures" / "family" / "prose-s7"
FILES = sorted(FIXTURES.glob("*.txt"))


@pytest.fixture(scope="module")
def archive(
    tmp_path_factory: pytest.TempPathFactory, catalog: Catalog, names: NameBook
) -> sqlite_utils.Database:
    db, report = ingest_into(tmp_path_factory.mktemp("s7") / "a.db", FILES, catalog, names)
    assert [o.status for o in report.outcomes] == ["ingested"] * len(FILES)
    return db


def test_there_are_twelve_fixtures_each_with_a_golden_file() -> None:
    assert [f.stem for f in FILES] == [
        "approximate",
        "changes",
        "county-sections",
        "county-units",
        "date-span",
        "hotline-channels",
        "mailbox-reply",
        "mailbox-topics",
        "named-units",
        "numerals-range",
        "respective",
        "unit-rankings",
    ]
    assert all(f.with_suffix(".csv").exists() for f in FILES)


@pytest.mark.parametrize("name", [f.name for f in FILES])
def test_facts_equal_the_hand_written_golden_file(
    archive: sqlite_utils.Database, name: str
) -> None:
    assert stored_facts(archive, name) == golden_facts(FIXTURES / f"{Path(name).stem}.csv")


def test_bulletin_rows_equal_the_hand_written_golden_file(archive: sqlite_utils.Database) -> None:
    assert stored_bulletins(archive) == golden_bulletins(FIXTURES / "bulletins.csv")


def test_the_labels_nobody_knows_are_reported(
    archive: sqlite_utils.Database,
) -> None:
    rows = archive.execute(
        "SELECT b.path, w.message FROM warnings w JOIN bulletins b ON b.id = w.bulletin_id "
        "WHERE w.message LIKE '%not in the vocabulary%' ORDER BY b.path, w.id"
    ).fetchall()
    assert rows == [
        (
            "county-sections.txt",
            "line 3: prose label '进驻部门' is not in the vocabulary; kept as metric '进驻部门'",
        ),
        (
            "county-sections.txt",
            "line 3: prose label '进驻事项' is not in the vocabulary; kept as metric '进驻事项'",
        ),
        (
            "county-units.txt",
            "line 2: prose label '平均等待时长' is not in the vocabulary; "
            "kept as metric '平均等待时长'",
        ),
        (
            "respective.txt",
            "line 3: prose label '一次性办结率' is not in the vocabulary; "
            "kept as metric '一次性办结率'",
        ),
    ]


def test_figures_of_unnamed_units_are_reported_not_stored(archive: sqlite_utils.Database) -> None:
    rows = archive.execute(
        "SELECT w.message FROM warnings w JOIN bulletins b ON b.id = w.bulletin_id "
        "WHERE b.path = 'mailbox-topics.txt' AND w.message LIKE '%units%' ORDER BY w.id"
    ).fetchall()
    assert [r[0] for r in rows] == [
        "line 5: figure 9个 counts units, not what the sentence measures; not stored",
        "line 5: figure 100% is said of a number of units, none named; not stored",
    ]
