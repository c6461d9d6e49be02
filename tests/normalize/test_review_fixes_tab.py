"""A reviewer's defects in tables, each a wrong number stored as certain: a column of
another period read as the bulletin's own (本年 in a monthly bulletin), a label of another
period read as the metric (本年受理量 as 受理量), a change column that names another period
(累计同比) or no basis (增减), a short space-aligned row's cell moved under another column,
dense ranks (1, 2, 2, 3) called out of place. Golden values written by hand."""

from __future__ import annotations

import pytest

from extract.cells import CellWordsError, load_cell_words
from extract.hints import load_hints
from extract.text import parse_text
from extract.text_spaced import spaced_reading
from normalize.bulletin import Bulletin, normalize_document
from normalize.catalog import Catalog
from normalize.checks import _ranks_in_order
from normalize.columns import metric_for
from normalize.tables import leaf_headers
from normalize.transposed import transposed_facts


def bulletin_of(lines: list[str], catalog: Catalog) -> Bulletin:
    doc = parse_text("\n".join(lines), "t.txt", "utf-8", load_hints())
    return normalize_document(doc, catalog, "t.txt")


def facts_of(bulletin: Bulletin) -> list[tuple[str, float | None, bool]]:
    return [(f.metric, f.value, f.needs_review) for f in bulletin.facts]


def test_a_year_column_in_a_monthly_bulletin_is_another_period_flagged(
    catalog: Catalog,
) -> None:
    bulletin = bulletin_of(
        [
            "2023年5月12345热线运行情况",
            "| 项目 | 本月 | 本年 |",
            "| 来电量 | 35210 | 160000 |",
            "| 受理量 | 3000 | 14000 |",
        ],
        catalog,
    )
    assert facts_of(bulletin) == [
        ("calls", 35210.0, False),
        ("calls_本年", 160000.0, True),
        ("accepted", 3000.0, False),
        ("accepted_本年", 14000.0, True),
    ]


def test_two_columns_of_the_own_period_are_both_flagged(catalog: Catalog) -> None:
    bulletin = bulletin_of(
        [
            "2023年5月12345热线运行情况",
            "| 项目 | 本月 | 本期 |",
            "| 来电量 | 35210 | 35200 |",
            "| 受理量 | 3000 | 2990 |",
        ],
        catalog,
    )
    assert facts_of(bulletin) == [
        ("calls", 35210.0, True),
        ("calls", 35200.0, True),
        ("accepted", 3000.0, True),
        ("accepted", 2990.0, True),
    ]


def test_the_own_period_follows_the_bulletin_type(catalog: Catalog) -> None:
    doc = parse_text(
        "\n".join(
            [
                "2023年第一季度12345热线运行情况",
                "| 项目 | 本月 | 本季度 |",
                "| 来电量 | 12000 | 35210 |",
                "| 受理量 | 1000 | 3000 |",
            ]
        ),
        "t.txt",
        "utf-8",
        load_hints(),
    )
    table = doc.tables[0]
    rows = [(1, "来电量"), (2, "受理量")]
    _, facts = transposed_facts(
        table, "hotline", catalog, leaf_headers(table), rows, [], "t", period_type="quarter"
    )
    assert [(f.metric, f.value, f.needs_review) for f in facts] == [
        ("calls_本月", 12000.0, True),
        ("calls", 35210.0, False),
        ("accepted_本月", 1000.0, True),
        ("accepted", 3000.0, False),
    ]


def test_a_label_of_another_period_is_not_the_metric(catalog: Catalog) -> None:
    assert metric_for(catalog, "hotline", "本年受理量") is None
    found = metric_for(catalog, "hotline", "本月受理量")
    assert found is not None and found.key == "accepted"
    found = metric_for(catalog, "hotline", "本年受理量", period_type="year")
    assert found is not None and found.key == "accepted"
    bulletin = bulletin_of(
        [
            "2023年5月12345热线运行情况",
            "| 单位 | 受理量 | 本年受理量 |",
            "| 城东区 | 300 | 3000 |",
            "| 城西区 | 200 | 2100 |",
        ],
        catalog,
    )
    assert [(f.metric, f.value) for f in bulletin.facts] == [
        ("accepted", 300.0),
        ("本年受理量", 3000.0),
        ("accepted", 200.0),
        ("本年受理量", 2100.0),
    ]


def test_a_change_column_is_certain_only_under_a_bare_change_word(catalog: Catalog) -> None:
    bulletin = bulletin_of(
        [
            "2023年5月12345热线运行情况",
            "| 项目 | 本月 | 累计同比 | 同比增减 | 环比增长率(%) | 增减 |",
            "| 来电量 | 35210 | +3.2% | -1.5% | +0.8% | +2.0% |",
            "| 受理量 | 3000 | +1.0% | +0.5% | -0.2% | -0.4% |",
        ],
        catalog,
    )
    assert facts_of(bulletin) == [
        ("calls", 35210.0, False),
        ("calls_change_yoy", 3.2, True),
        ("calls_change_yoy", -1.5, False),
        ("calls_change_mom", 0.8, False),
        ("calls_change", 2.0, True),
        ("accepted", 3000.0, False),
        ("accepted_change_yoy", 1.0, True),
        ("accepted_change_yoy", 0.5, False),
        ("accepted_change_mom", -0.2, False),
        ("accepted_change", -0.4, True),
    ]


def test_a_cell_moved_off_the_column_it_sits_under_is_said_to_be_guessed() -> None:
    rows, guesses = spaced_reading(
        [
            (1, "单位        工单数    按时办结率    满意率"),
            (2, "城东区      1204      98.50%        96.20%"),
            (3, "高新区      402  88%"),
        ]
    )
    assert rows[2] == (3, ["高新区", "402", "88%", ""])
    assert guesses == ["review: line 3: '88%' is under 工单数 as printed, read as 按时办结率"]


def test_a_short_row_under_its_columns_is_no_guess() -> None:
    _, guesses = spaced_reading(
        [
            (1, "单位        工单数    按时办结率    满意率"),
            (2, "城东区      1204      98.50%        96.20%"),
            (3, "高新区       402                    94.00%"),
        ]
    )
    assert guesses == []


def test_a_moved_cell_flags_the_facts_of_its_table(catalog: Catalog) -> None:
    bulletin = bulletin_of(
        [
            "2023年5月12345热线工单情况",
            "",
            "单位        工单数    按时办结率    满意率",
            "城东区      1204      98.50%        96.20%",
            "城西区      870       97.10%        95.00%",
            "高新区      402  88%",
        ],
        catalog,
    )
    assert bulletin.facts and all(f.needs_review for f in bulletin.facts)


@pytest.mark.parametrize(
    ("numbers", "status", "wrong"),
    [
        ([1, 2, 2, 3], "ok", []),  # dense ranking: the next rank after a tie
        ([1, 1, 2, 3, 3, 4], "ok", []),
        ([1, 2, 2, 4], "ok", []),  # standard competition ranking
        ([1, 3, 4, 5], "mismatch", [3, 4, 5]),  # no tie: a rank is missing
        ([1, 2, 2, 5], "mismatch", [5]),
    ],
)
def test_dense_ranks_are_in_order(numbers: list[int], status: str, wrong: list[int]) -> None:
    got, _, out = _ranks_in_order(numbers)
    assert (got, out) == (status, wrong)


def test_a_quarterly_bulletin_reads_its_quarter_column_as_its_own(catalog: Catalog) -> None:
    bulletin = bulletin_of(
        [
            "2023年第一季度12345热线运行情况",
            "| 项目 | 本月 | 本季度 |",
            "| 来电量 | 12000 | 35210 |",
            "| 受理量 | 1000 | 3000 |",
        ],
        catalog,
    )
    assert bulletin.period.type == "quarter"
    assert facts_of(bulletin) == [
        ("calls_本月", 12000.0, True),
        ("calls", 35210.0, False),
        ("accepted_本月", 1000.0, True),
        ("accepted", 3000.0, False),
    ]


def test_current_period_headers_are_checked_by_period_type(tmp_path) -> None:
    bad = tmp_path / "cells.yaml"
    bad.write_text("current_period_headers:\n  week: [本周]\n", encoding="utf-8")
    with pytest.raises(CellWordsError, match="'week' is no period type"):
        load_cell_words(bad)
    good = tmp_path / "good.yaml"
    good.write_text(
        "current_period_headers:\n  any: [本期]\n  month: [本月]\n  year: [本年]\n",
        encoding="utf-8",
    )
    words = load_cell_words(good)
    assert words.current_headers == {"本期", "本月", "本年"}
    assert words.period_headers["year"] == {"本年"}
