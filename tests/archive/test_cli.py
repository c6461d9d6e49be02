"""The command line: help, inspect output, errors as one line with no traceback."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from archive.cli import main
from tests.helpers import DEC, SEP


def test_help_lists_commands() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "ingest" in result.output and "inspect" in result.output


def test_inspect_shows_annex1_with_19_columns_and_its_spans() -> None:
    result = CliRunner().invoke(main, ["inspect", str(SEP)], terminal_width=400)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "period: 2022-09 (basis: text_years)" in out
    assert "table 1: online_service, 40 rows × 19 columns, 2 header row(s), 2 name column(s)" in out
    assert "table 2: hall_windows, 22 rows × 4 columns" in out
    assert "table 3: town_centers, 40 rows × 6 columns" in out
    for span in (
        "序号 [2×1]",
        "部门 [2×1]",
        "事项梳理 [1×7]",
        "运行效能 [1×10]",
        "格里坪镇 [10×1]",
        "总计 [1×2]",
    ):
        assert span in out
    assert "清香坪街道便民服务中心" in out


def test_inspect_json_and_the_tab_layout() -> None:
    result = CliRunner().invoke(main, ["inspect", "--json", str(DEC)])
    data = json.loads(result.output)
    assert (data["period"], data["period_basis"], data["published"]) == (
        "2020-12",
        "publication_date",
        "2021-01-13",
    )
    (table,) = data["tables"]
    assert table["kind"] == "hall_windows"
    assert table["metrics"] == [
        None,
        None,
        "accepted",
        "completed",
        "evaluations",
        "satisfaction_rate",
    ]
    row7 = [c["text"] for c in table["cells"] if c["row"] == 7]
    assert row7 == ["7", "区市场监管局", "228", "228", "203", "100%"]


def test_inspect_bad_file_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "x.txt"
    bad.write_bytes(b"\x00\x01\x02\x03" * 100)
    result = CliRunner().invoke(main, ["inspect", str(bad)])
    assert result.exit_code == 1
    assert result.output == f"Error: {bad}: binary content, not a text bulletin\n"


def test_bad_names_file_is_reported_with_its_line(tmp_path: Path) -> None:
    names = tmp_path / "names.yaml"
    names.write_text("entities:\n  - {name: 区民政局, kind: bureau}\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["ingest", str(DEC), "--db", str(tmp_path / "a.db"), "--names", str(names)]
    )
    assert result.exit_code == 1
    assert f"Error: {names}: line 2: kind 'bureau' of '区民政局' must be one of" in result.output
    assert not (tmp_path / "a.db").exists()
