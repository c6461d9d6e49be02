"""Checks across bulletins: a cumulative column against the month before it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive.crosscheck import CrossCheckError, load_pairs
from normalize.catalog import Catalog
from normalize.names import NameBook
from tests.helpers import SEP, ingest_into

# Columns of the 2022-09 sample's 附件1 rows (19 cells, one per line, "value |").
CASES, CUMULATIVE_CASES, EVALUATIONS, CUMULATIVE_EVALUATIONS = 12, 13, 14, 15
ROW_CELLS = 19


def rows_of_first_table(lines: list[str]) -> range:
    """Index of the first line of each row of 附件1 (an oracle written from the file)."""
    start = lines.index("||") + 1
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("附件2"))
    assert (end - start) % ROW_CELLS == 0
    return range(start, end, ROW_CELLS)


def number(line: str) -> int:
    return int(line.removesuffix(" |"))


def month_before(text: str, off_by: dict[str, int]) -> str:
    """The 2022-09 sample as its 2022-08 bulletin: cumulative columns less this month's.

    ``off_by`` adds to the cumulative cases of the named departments (a misprint).
    """
    lines = text.split("\n")
    for s in rows_of_first_table(lines):
        name = lines[s + 1].removesuffix(" |")
        for total, monthly in ((CUMULATIVE_CASES, CASES), (CUMULATIVE_EVALUATIONS, EVALUATIONS)):
            if "-" in (lines[s + total][:1], lines[s + monthly][:1]):
                continue  # not printed ("-"): nothing to check
            value = number(lines[s + total]) - number(lines[s + monthly])
            if total == CUMULATIVE_CASES:
                value += off_by.get(name, 0)
            lines[s + total] = f"{value} |"
    return "\n".join(lines).replace("9月", "8月")


def archive_of(tmp_path: Path, catalog: Catalog, names: NameBook, off_by: dict[str, int]):
    folder = tmp_path / "in"
    folder.mkdir()
    text = SEP.read_text(encoding="utf-8")
    (folder / "2022-09.txt").write_text(text, encoding="utf-8")
    (folder / "2022-08.txt").write_text(month_before(text, off_by), encoding="utf-8")
    db, report = ingest_into(tmp_path / "a.db", [folder], catalog, names)
    assert [o.status for o in report.outcomes] == ["ingested", "ingested"]
    periods = db.execute("SELECT path, period FROM bulletins ORDER BY path").fetchall()
    assert periods == [("2022-08.txt", "2022-08"), ("2022-09.txt", "2022-09")]
    return db


def findings(db) -> list[tuple[object, ...]]:
    return db.execute(
        "SELECT b.path, c.subject, c.metric, c.expected, c.actual, c.status, c.message, c.cells "
        "FROM checks c JOIN bulletins b ON b.id = c.bulletin_id "
        "WHERE c.rule = 'cumulative_follows'"
    ).fetchall()


def test_months_that_add_up_give_no_finding(
    tmp_path: Path, catalog: Catalog, names: NameBook
) -> None:
    db = archive_of(tmp_path, catalog, names, {})
    assert findings(db) == []
    # the check did look at them: 区民政局 printed 1678 in September, 1526 + 152 before
    values = db.execute(
        "SELECT bulletin, metric, value FROM facts_readable WHERE entity_raw = '区民政局' "
        "AND metric IN ('cases', 'cumulative_cases') ORDER BY bulletin, metric"
    ).fetchall()
    assert values == [
        ("2022-08.txt", "cases", 152.0),
        ("2022-08.txt", "cumulative_cases", 1526.0),
        ("2022-09.txt", "cases", 152.0),
        ("2022-09.txt", "cumulative_cases", 1678.0),
    ]


def test_a_cumulative_column_that_does_not_add_up_is_one_finding(
    tmp_path: Path, catalog: Catalog, names: NameBook
) -> None:
    db = archive_of(tmp_path, catalog, names, {"区民政局": 7})  # August printed 1533
    (found,) = findings(db)
    path, subject, metric, expected, actual, status, message, cells = found
    assert (path, subject, metric, expected, actual, status) == (
        "2022-09.txt", "区民政局", "cumulative_cases", 1685.0, 1678.0, "mismatch"
    )  # fmt: skip
    ids = dict(
        db.execute(
            "SELECT bulletin || ' ' || metric, fact_id FROM facts_readable "
            "WHERE entity_raw = '区民政局' AND metric IN ('cases', 'cumulative_cases')"
        ).fetchall()
    )
    assert json.loads(cells) == [
        ids["2022-09.txt cumulative_cases"],
        ids["2022-08.txt cumulative_cases"],
        ids["2022-09.txt cases"],
    ]
    assert message.startswith("cumulative_cases 1678 (2022-09.txt table 1 row ")
    assert ") should be 1533 (2022-08.txt table 1 row " in message
    assert message.endswith(") + cases 152 = 1685")


def test_the_pairs_are_data() -> None:
    assert load_pairs() == {
        "cumulative_cases": "cases",
        "cumulative_evaluations": "evaluations",
    }


def test_a_malformed_pairs_file_is_one_error(tmp_path: Path) -> None:
    bad = tmp_path / "x.yaml"
    bad.write_text("cumulative: [cases]\n", encoding="utf-8")
    with pytest.raises(CrossCheckError, match="expected `cumulative:` mapping"):
        load_pairs(bad)


def test_a_cumulative_figure_with_its_own_range_period_is_still_checked(
    tmp_path: Path, catalog: Catalog, names: NameBook
) -> None:
    from archive.crossbulletin import refresh_cross_checks

    db = archive_of(tmp_path, catalog, names, {"区民政局": 7})
    with db.conn:
        db.conn.execute(
            "UPDATE facts SET period = '2022-01..2022-09', period_type = 'range' "
            "WHERE metric = 'cumulative_cases' AND bulletin_id = "
            "(SELECT id FROM bulletins WHERE path = '2022-09.txt')"
        )
    assert refresh_cross_checks(db.conn) == (0, 1)
    assert [f[1:5] for f in findings(db)] == [("区民政局", "cumulative_cases", 1685.0, 1678.0)]
