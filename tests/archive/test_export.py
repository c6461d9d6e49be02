"""`bulletins export`: the tidy facts and the lookup tables as CSV (UTF-8 with BOM) or Parquet."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd
import pytest
import sqlite_utils
from click.testing import CliRunner

from archive.cli import main
from archive.export import EXPORTS, pandas_dtype
from normalize.catalog import Catalog
from normalize.names import NameBook
from tests.helpers import CORPUS, ingest_into


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, catalog: Catalog, names: NameBook) -> Path:
    db_path = tmp_path_factory.mktemp("export") / "archive.db"
    ingest_into(db_path, [CORPUS], catalog, names)[0].close()
    return db_path


def export_to(archive: Path, out: Path, fmt: str) -> str:
    result = CliRunner().invoke(
        main, ["export", "--db", str(archive), "--format", fmt, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    return result.output


def db_rows(archive: Path, table: str) -> list[dict[str, object]]:
    db = sqlite_utils.Database(archive)
    return [dict(r) for r in db.query(f"SELECT * FROM {table}")]


def plain(value: object) -> object:
    """A value read back from pandas as Python: missing as None, whole floats as they are."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def test_parquet_round_trip_equals_facts_readable(archive: Path, tmp_path: Path) -> None:
    output = export_to(archive, tmp_path, "parquet")
    assert f"{tmp_path / 'facts_readable.parquet'}: 922 rows" in output
    assert {p.name for p in tmp_path.iterdir()} == {f"{t}.parquet" for t in EXPORTS}
    df = pd.read_parquet(tmp_path / "facts_readable.parquet")
    expected = db_rows(archive, "facts_readable")
    assert list(df.columns) == list(expected[0])
    got = [{k: plain(v) for k, v in row.items()} for row in df.to_dict("records")]
    assert got == expected
    assert str(df["fact_id"].dtype) == "Int64" and str(df["line"].dtype) == "Int64"
    assert str(df["value"].dtype) == "Float64" and str(df["period"].dtype) == "string"
    hit = df[(df.period == "2022-09") & (df.entity == "区医保局") & (df.metric == "handled")]
    assert hit["value"].tolist() == [3986.0]


def test_every_lookup_table_round_trips(archive: Path, tmp_path: Path) -> None:
    export_to(archive, tmp_path, "parquet")
    for table in EXPORTS:
        df = pd.read_parquet(tmp_path / f"{table}.parquet")
        got = [{k: plain(v) for k, v in row.items()} for row in df.to_dict("records")]
        assert got == db_rows(archive, table), table
    entities = pd.read_parquet(tmp_path / "entities.parquet")
    assert "区社会保险事务中心" in set(entities["name"])


def test_csv_has_a_bom_and_chinese_text(archive: Path, tmp_path: Path) -> None:
    export_to(archive, tmp_path, "csv")
    raw = (tmp_path / "facts_readable.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfbulletin,period,table_kind,entity,")
    with (tmp_path / "facts_readable.csv").open(encoding="utf-8-sig", newline="") as handle:
        facts = list(csv.DictReader(handle))
    assert len(facts) == 922
    (row,) = [r for r in facts if r["entity_raw"] == "区社保局" and r["metric"] == "accepted"]
    assert (row["period"], row["entity"], row["value"], row["value_raw"]) == (
        "2020-12",
        "区社会保险事务中心",
        "2586.0",
        "2586",
    )
    assert row["line"].isdigit() and row["page"] == ""  # integers stay integers; NULL is empty
    with (tmp_path / "aliases.csv").open(encoding="utf-8-sig", newline="") as handle:
        aliases = {r["alias"]: r["entity_id"] for r in csv.DictReader(handle)}
    assert aliases["区社保局"].isdigit()


def test_export_missing_archive_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {tmp_path / 'none.db'} not found; run `bulletins ingest corpus/` first\n"
    )


def test_export_bad_format_is_refused(archive: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", "--db", str(archive), "--format", "xlsx"])
    assert result.exit_code == 2
    assert "'xlsx' is not one of 'csv', 'parquet'" in result.output


def test_declared_types_map_to_nullable_dtypes() -> None:
    assert [pandas_dtype(t) for t in ("INTEGER", "REAL", "FLOAT", "TEXT", "", "BLOB")] == [
        "Int64",
        "Float64",
        "Float64",
        "string",
        "object",
        "object",
    ]
