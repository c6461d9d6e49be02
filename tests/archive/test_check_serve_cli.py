"""`bulletins check`: mismatches by default, --all, --json, --csv; `bulletins serve`'s
pass-through options checked before anything starts."""

from __future__ import annotations

import csv
import io
import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from archive.check import Finding, findings_csv, render_findings
from archive.cli import main
from archive.printed import exact_number
from archive.serve import ServeError, merge, parse_settings, port_in_use, site_url
from normalize.catalog import Catalog
from normalize.names import NameBook
from tests.helpers import DEC, SEP, ingest_into

MISMATCHES = [
    ("2022-09_xiqu_zwfw.txt", "applications", 5331.0, 4904.0),
    ("2022-09_xiqu_zwfw.txt", "cases", 4288.0, 4290.0),
]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, catalog: Catalog, names: NameBook) -> Path:
    db_path = tmp_path_factory.mktemp("check") / "a.db"
    ingest_into(db_path, [SEP, DEC], catalog, names)[0].close()
    return db_path


def check(archive: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["check", "--db", str(archive), *args])
    return result.exit_code, result.stdout, result.stderr


def test_mismatches_and_a_summary_by_default(archive: Path) -> None:
    code, out, err = check(archive)
    assert code == 0
    assert "'咨询(件)' holds 5331" in out and "│ ok" not in out and "not_applicable" not in out
    assert err.splitlines() == [
        "75 other findings hidden; --all shows them",
        "2 mismatch, 5 not_applicable, 70 ok",
    ]


def test_all_shows_every_finding(archive: Path) -> None:
    code, out, err = check(archive, "--all", "--json")
    found = json.loads(out)
    assert code == 0 and len(found) == 77
    assert [f["status"] for f in found[:3]] == ["mismatch", "mismatch", "not_applicable"]
    assert err.splitlines() == ["2 mismatch, 5 not_applicable, 70 ok"]


def test_json(archive: Path) -> None:
    found = json.loads(check(archive, "--json")[1])
    assert [(f["bulletin"], f["rule"]) for f in found] == [
        ("2022-09_xiqu_zwfw.txt", "headline_matches_table")
    ] * 2
    assert {(f["expected"], f["actual"]) for f in found} == {m[2:] for m in MISMATCHES}
    assert set(found[0]) == {
        "bulletin", "period", "table_no", "rule", "subject", "status", "expected", "actual",
        "message",
    }  # fmt: skip


def test_csv(archive: Path) -> None:
    code, out, _ = check(archive, "--csv", "--status", "mismatch")
    table = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert {(r["period"], r["expected"], r["actual"], r["status"]) for r in table} == {
        ("2022-09", "5331", "4904", "mismatch"),
        ("2022-09", "4288", "4290", "mismatch"),
    }


def test_json_and_csv_together_is_a_usage_error(archive: Path) -> None:
    code, _, err = check(archive, "--json", "--csv")
    assert code == 2 and err.splitlines()[-1] == "Error: choose one of --json and --csv"


def test_help_texts_carry_an_example() -> None:
    examples = {
        ("check",): "bulletins check --db archive.db --bulletin 2022-09 --csv",
        ("serve",): "bulletins serve --db archive.db --port 8002 -o",
        ("inspect",): "bulletins inspect corpus/2022-09_xiqu_zwfw.txt --rows 5",
        ("names", "suggest"): "bulletins names suggest --db archive.db --names corpus/names.yaml",
        ("names", "check"): "bulletins names check --names corpus/names.yaml",
        ("names", "fold"): "bulletins names fold --names corpus/names.yaml",
        ("export",): "bulletins export --db archive.db --format parquet --out export/",
        ("init",): "bulletins init bulletins/ --publisher 某市东区行政审批局",
    }
    for command, example in examples.items():
        result = CliRunner().invoke(main, [*command, "--help"])
        assert result.exit_code == 0
        assert f"Example:\n      {example}" in result.output, command


def test_strict_exits_on_any_mismatch_whatever_is_shown(archive: Path) -> None:
    code, out, _ = check(archive, "--status", "ok", "--strict", "--csv")
    table = list(csv.DictReader(io.StringIO(out)))
    assert code == 1 and {r["status"] for r in table} == {"ok"}
    assert check(archive, "--status", "ok", "--strict", "--bulletin", "2020-12")[0] == 0
    assert check(archive, "--status", "ok", "--bulletin", "2022-09")[0] == 0  # not strict


def test_numbers_are_printed_in_full() -> None:
    found = [
        Finding("b.txt", "2022-09", 1, "sum", "办件量", "mismatch", 1234567.0, 0.1 + 0.2, "m"),
        Finding("b.txt", "2022-09", None, "sum", "x", "ok", 98.76, None, "n"),
    ]
    (one, two) = csv.DictReader(io.StringIO(findings_csv(found)))
    assert (one["expected"], one["actual"]) == ("1234567", "0.30000000000000004")
    assert (two["table_no"], two["expected"], two["actual"]) == ("", "98.76", "")
    console = Console(width=200, record=True)
    render_findings(found, console)
    text = console.export_text()
    assert "1234567" in text and "0.30000000000000004" in text and "e+06" not in text
    assert [exact_number(v) for v in (12.0, -3.0, 2.5, None)] == ["12", "-3", "2.5", ""]


def test_serve_on_ipv6_hosts() -> None:
    assert site_url("::", 8001) == "http://[::1]:8001/"
    assert site_url("::1", 8002) == "http://[::1]:8002/"
    assert site_url("0.0.0.0", 8001) == "http://127.0.0.1:8001/"
    assert site_url("127.0.0.1", 8001) == "http://127.0.0.1:8001/"
    with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as server:
        server.bind(("::1", 0))
        server.listen()
        taken = server.getsockname()[1]
        assert port_in_use("::1", taken) and port_in_use("::", taken)
    with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
        probe.bind(("::1", 0))
        free = probe.getsockname()[1]
    assert not port_in_use("::1", free)  # an IPv4 probe could not bind "::1" at all


def test_settings_are_checked_and_typed() -> None:
    assert parse_settings((("max_returned_rows", "5000"), ("allow_facet", "off"))) == {
        "max_returned_rows": 5000,
        "allow_facet": False,
    }
    with pytest.raises(ServeError, match=r"^unknown setting max_rows; known: default_page_size"):
        parse_settings((("max_rows", "1"),))
    with pytest.raises(ServeError) as caught:
        parse_settings((("max_returned_rows", "many"),))
    assert str(caught.value) == "setting max_returned_rows needs a value like 1000, not 'many'"


def test_serve_reports_a_bad_setting_in_one_line(archive: Path) -> None:
    result = CliRunner().invoke(main, ["serve", "--db", str(archive), "--setting", "nope", "1"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: unknown setting nope; known: default_page_size")
    assert len(result.output.splitlines()) == 1


def test_serve_reports_a_bad_metadata_file(archive: Path, tmp_path: Path) -> None:
    bad = tmp_path / "extra.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    result = CliRunner().invoke(main, ["serve", "--db", str(archive), "--metadata", str(bad)])
    assert result.exit_code == 1
    assert result.output == f"Error: {bad}: metadata must be a mapping\n"


def test_metadata_overlays_merge_key_by_key() -> None:
    base = {"title": "a", "databases": {"x": {"tables": {"t": {"title": "T"}}}}}
    extra = {"title": "b", "databases": {"x": {"tables": {"t": {"description": "d"}}}}}
    assert merge(base, extra) == {
        "title": "b",
        "databases": {"x": {"tables": {"t": {"title": "T", "description": "d"}}}},
    }
