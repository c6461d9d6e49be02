"""What the user states about files whose text does not: --period and a manifest CSV."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from archive.cli import main
from normalize.facts import Period
from normalize.given import GivenError, parse_period, read_manifest

PARAGRAPH = "8月份各窗口上报各类办件31250件，办结31250件，办结率100%。\n"  # no year anywhere


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("text", "label", "kind"),
    [
        ("2021-03", "2021-03", "month"),
        ("2021-Q2", "2021-Q2", "quarter"),
        ("2021-H2", "2021-H2", "half"),
        ("2021-01..2021-09", "2021-01..2021-09", "range"),
    ],
)
def test_stated_periods(text: str, label: str, kind: str) -> None:
    period = parse_period(text)
    assert (period.label, period.type, period.basis) == (label, kind, "given")


def test_a_year_alone_leaves_the_month_to_the_text() -> None:
    assert parse_period("2021") == Period(2021, None, "given")
    with pytest.raises(GivenError, match="period '2021-13' is not one of"):
        parse_period("2021-13")
    with pytest.raises(GivenError, match=r"period '2021-09\.\.2021-03' is not one of"):
        parse_period("2021-09..2021-03")


def test_ingest_with_a_period_and_a_manifest(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (folder / name).write_text(PARAGRAPH, encoding="utf-8")
    (folder / "b.txt").write_text(PARAGRAPH.replace("8月份", "9月份"), encoding="utf-8")
    (folder / "c.txt").write_text(PARAGRAPH.replace("31250", "31251"), encoding="utf-8")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        "path,period,published,source_url\n"
        "in/b.txt,2024,,http://example.gov.cn/b.html\n"
        "in/c.txt,,2023-09-05,\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "a.db")
    code, out = run("ingest", str(folder), "--db", db, "--period", "2025", "--manifest",
                    str(manifest))  # fmt: skip
    assert code == 0, out
    rows = (
        sqlite_utils.Database(db)
        .execute(
            "SELECT path, period, period_basis, published, source_url FROM bulletins ORDER BY path"
        )
        .fetchall()
    )
    assert rows == [
        ("a.txt", "2025-08", "given", None, None),  # --period: the year; the month is printed
        ("b.txt", "2024-09", "given", None, "http://example.gov.cn/b.html"),
        ("c.txt", "2023-08", "publication_date", "2023-09-05", None),
    ]
    # the same run again changes nothing; a new statement re-derives only its file
    code, out = run("ingest", str(folder), "--db", db, "--period", "2025", "--manifest",
                    str(manifest))  # fmt: skip
    assert "0 ingested, 3 unchanged" in out
    code, out = run("ingest", str(folder), "--db", db, "--period", "2022", "--manifest",
                    str(manifest))  # fmt: skip
    assert code == 0 and "1 re-derived" in out, out
    period = (
        sqlite_utils.Database(db)
        .execute("SELECT period FROM bulletins WHERE path = 'a.txt'")
        .fetchone()
    )
    assert period == ("2022-08",)


def test_a_bad_manifest_row_is_one_line(tmp_path: Path) -> None:
    manifest = tmp_path / "m.csv"
    manifest.write_text("path,period\nx.txt,2021-3\n", encoding="utf-8")
    with pytest.raises(GivenError) as caught:
        read_manifest(manifest)
    assert str(caught.value) == (
        f"{manifest}: line 2: period '2021-3' is not one of YYYY-MM, YYYY-Qn, YYYY-Hn, "
        "YYYY-MM..YYYY-MM or YYYY"
    )
    manifest.write_text("file,period\n", encoding="utf-8")
    with pytest.raises(GivenError, match="line 1: the header must name 'path'"):
        read_manifest(manifest)


def test_a_given_month_the_text_contradicts_is_kept_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("关于2023年5月份政务服务工作情况的通报\n" + PARAGRAPH, encoding="utf-8")
    db = str(tmp_path / "a.db")
    code, out = run("ingest", str(path), "--db", db, "--period", "2023-07")
    assert code == 0, out
    assert (
        "warning: a.txt: period: given as 2023-07, but the title says 2023-05; 2023-07 kept" in out
    )
