"""`bulletins inspect` on prose: figures with scope, metric, unit, period and its type."""

from __future__ import annotations

import json

from click.testing import CliRunner

from archive.cli import main
from tests.helpers import ROOT, SEP

FAMILY = ROOT / "tests" / "fixtures" / "family"


def test_text_view_lists_prose_figures_and_the_period_type() -> None:
    path = FAMILY / "prose-cumulative.txt"
    result = CliRunner().invoke(main, ["inspect", str(path)], terminal_width=300)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert (
        "period: 2022-09 (basis: publication_date, published 2022-10-12) type: month, "
        "2022-09..2022-09"
    ) in lines
    assert "prose figures: 6" in result.output
    rows = [[c.strip() for c in line.split("│")[1:-1]] for line in lines if line.startswith("│")]
    assert rows[1] == [
        "政务服务中心→政务服务大厅", "total", "cases_change_mom", "较上月减少", "126件 = -126",
        "count_change", "2022-09", "month", "",
    ]  # fmt: skip
    assert rows[3] == [
        "政务服务中心→政务服务大厅", "total", "accepted", "受理", "48210件", "count",
        "2022-01..2022-09", "range", "",
    ]  # fmt: skip
    assert "warning: no table found; the bulletin's figures are read from its prose" in lines


def test_json_carries_figures_sections_period_and_tables() -> None:
    data = json.loads(CliRunner().invoke(main, ["inspect", "--json", str(SEP)]).output)
    assert (data["period"], data["period_type"], data["period_basis"]) == (
        "2022-09", "month", "text_years",
    )  # fmt: skip
    assert (data["period_start"], data["period_end"], data["publisher"]) == (
        "2022-09", "2022-09", None,
    )  # fmt: skip
    assert data["sections"] == ["一、办件情况", "二、工作动态"]
    assert [(f["entity_raw"], f["metric"], f["value_raw"]) for f in data["figures"]][-2:] == [
        ("一体化平台", "evaluation_rate", "97.86%"),
        ("区农业农村和交通运输局", "evaluation_rate", "69.32%"),
    ]
    assert data["figures"][0] == {
        "entity_raw": "政务服务大厅",
        "scope": "政务服务大厅",
        "row_role": "total",
        "metric": "accepted",
        "header": "各窗口共受理",
        "value": 13907.0,
        "value_raw": "13907件",
        "unit": "count",
        "note": None,
        "period": "2022-09",
        "period_type": "month",
        "own_period": False,
        "needs_review": False,
        "line": 3,
        "page": None,
    }
    assert [t["kind"] for t in data["tables"]] == ["online_service", "hall_windows", "town_centers"]


def test_json_of_a_metadata_page() -> None:
    path = FAMILY / "prose-metadata.txt"
    data = json.loads(CliRunner().invoke(main, ["inspect", "--json", str(path)]).output)
    assert (data["publisher"], data["published"], data["title"]) == (
        "平安市12345政府公共服务中心", "2021-05-20", "平安市12345热线4月份运行情况通报",
    )  # fmt: skip
    assert data["tables"] == []
    assert [(f["scope"], f["metric"], f["value"]) for f in data["figures"]] == [
        ("12345热线", "calls", 68230.0),
        ("12345热线", "answer_rate", 98.1),
        ("12345热线", "dispatched", 14520.0),
        ("12345热线", "ontime_sign_rate", 99.2),
    ]
