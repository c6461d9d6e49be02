"""Every printed number of both samples, through facts_readable, against golden files.

The golden files under tests/golden/ were written by an independent script
(tests/golden/make_golden.py) that knows these two files' layouts, not by this pipeline.
"""

from __future__ import annotations

from collections import Counter

import pytest

from normalize.catalog import Catalog
from normalize.names import NameBook
from tests.helpers import DEC, FACT_KEY, SEP, fact_tuple, golden_rows, ingest_into


@pytest.fixture(scope="module")
def archive_rows(tmp_path_factory: pytest.TempPathFactory, catalog: Catalog, names: NameBook):
    db, _ = ingest_into(tmp_path_factory.mktemp("golden") / "a.db", [SEP, DEC], catalog, names)
    columns = ", ".join(FACT_KEY)
    out = {}
    for path in (SEP, DEC):
        cursor = db.execute(
            f"SELECT {columns}, period, entity FROM facts_readable WHERE bulletin = ? ORDER BY fact_id",
            [path.name],
        )
        names_ = [d[0] for d in cursor.description]
        out[path.stem] = [dict(zip(names_, row, strict=True)) for row in cursor.fetchall()]
    return out


@pytest.mark.parametrize("sample", [SEP.stem, DEC.stem])
def test_every_fact_equals_the_golden_file(
    archive_rows: dict[str, list[dict]], sample: str
) -> None:
    got = [fact_tuple(row) for row in archive_rows[sample]]
    want = golden_rows(sample)
    assert Counter(got) == Counter(want)
    assert got == want  # and in source order


def test_counts_per_table(archive_rows: dict[str, list[dict]]) -> None:
    per_kind = Counter((row["table_kind"], row["row_role"]) for row in archive_rows[SEP.stem])
    assert per_kind == {
        ("headline", "total"): 8,
        ("headline", "item"): 1,
        ("online_service", "item"): 38 * 17,
        ("hall_windows", "item"): 20,
        ("hall_windows", "total"): 1,
        ("town_centers", "item"): 32 * 4,
        ("town_centers", "subtotal"): 6 * 4,
        ("town_centers", "total"): 4,
    }
    per_kind = Counter((row["table_kind"], row["row_role"]) for row in archive_rows[DEC.stem])
    assert per_kind == {("headline", "total"): 6, ("hall_windows", "item"): 21 * 4}


def test_periods_and_entities(archive_rows: dict[str, list[dict]]) -> None:
    assert {row["period"] for row in archive_rows[SEP.stem]} == {"2022-09"}
    assert {row["period"] for row in archive_rows[DEC.stem]} == {"2020-12"}
    for rows in archive_rows.values():
        assert all(row["entity"] for row in rows)
    entities = {(r["entity_raw"], r["entity"]) for rows in archive_rows.values() for r in rows}
    assert ("区社保局", "区社会保险事务中心") in entities
    assert ("总计", "便民服务中心") in entities and ("总计", "政务服务大厅") in entities
    assert ("格里坪镇便民服务中心心心心", "格里坪镇便民服务中心") in entities
