"""The summary cube grouped from facts equals facts_readable grouped: on the samples, with
a bulletin's resolution override, a figure with its own period, a label id no label
has, label ids too large to pack in one key, and two publishers."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from archive.summary_cube import CUBE, build_cube, drop_cube, pack, period_rows_sql
from normalize.catalog import Catalog
from normalize.names import NameBook
from tests.helpers import CORPUS, DEC, SEP, ingest_into

# the oracle: the view itself, grouped as the summaries group it
VIEW_CUBE = """SELECT period, table_kind, metric, entity, unit, header, is_primary,
  count(*), min(fact_id) FROM facts_readable GROUP BY 1, 2, 3, 4, 5, 6, 7"""
VIEW_PERIODS = "SELECT DISTINCT period, bulletin FROM facts_readable WHERE period IS NOT NULL"


def cube_rows(conn: sqlite3.Connection) -> list[tuple[object, ...]]:
    drop_cube(conn)
    build_cube(conn)
    rows = conn.execute(
        f"SELECT period, table_kind, metric, entity, unit, header, is_primary, n, first "
        f"FROM temp.{CUBE}"
    ).fetchall()
    drop_cube(conn)
    return sorted(rows, key=repr)


def view_rows(conn: sqlite3.Connection) -> list[tuple[object, ...]]:
    return sorted(conn.execute(VIEW_CUBE).fetchall(), key=repr)


def periods(conn: sqlite3.Connection) -> list[tuple[object, ...]]:
    drop_cube(conn)
    build_cube(conn)  # period_rows_sql reads which classes print periods of their own
    rows = sorted(conn.execute(period_rows_sql(conn)).fetchall())
    drop_cube(conn)
    return rows


def same_periods(conn: sqlite3.Connection) -> bool:
    return periods(conn) == sorted(conn.execute(VIEW_PERIODS).fetchall())


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory, catalog: Catalog, names: NameBook) -> Path:
    db_path = tmp_path_factory.mktemp("cube") / "samples.db"
    ingest_into(db_path, [CORPUS], catalog, names)[0].close()
    return db_path


def test_pack_reads_every_column_back() -> None:
    packed = pack([("a", "x", 10), ("b", "y", 7), ("c", "z", 1 << 40), ("d", "w", 1 << 30)], "k")
    # 10 × 7 × 2^40 fits below 2^62; 2^30 more does not: two keys
    assert [list(p.parts) for p in packed] == [["a", "b", "c"], ["d"]]
    assert packed[0].expression == "0 + (x) * 1 + (y) * 10 + (z) * 70"
    conn = sqlite3.connect(":memory:")
    key0 = conn.execute("SELECT 0 + (9) * 1 + (6) * 10 + (12345) * 70").fetchone()[0]
    got = [conn.execute(f"SELECT {sql}", {}).fetchone()[0] for sql in
           (packed[0].parts[c].replace("k0", str(key0)) for c in "abc")]  # fmt: skip
    assert got == [9, 6, 12345]


def test_cube_of_the_samples_is_the_views(samples: Path) -> None:
    conn = sqlite3.connect(samples)
    rows = cube_rows(conn)
    assert rows == view_rows(conn)
    assert sum(int(str(r[7])) for r in rows) == 922  # 90 + 832 printed figures
    handled = [r for r in rows if r[2] == "handled" and r[3] == "区医保局"]
    assert [(r[0], r[1], r[4], r[5], r[7]) for r in handled] == [
        ("2022-09", "hall_windows", "count", "大厅窗口办件数", 1)
    ]
    assert same_periods(conn)


def test_own_periods_unknown_labels_and_large_ids(samples: Path, tmp_path: Path) -> None:
    db_path = tmp_path / "edited.db"
    with sqlite3.connect(samples) as source, sqlite3.connect(db_path) as target:
        source.backup(target)
    conn = sqlite3.connect(db_path)
    first, second, third, fourth = (
        r[0] for r in conn.execute("SELECT id FROM facts ORDER BY id LIMIT 4 OFFSET 100")
    )
    with conn:  # a figure of its own month; unit ids no label has, in and beyond the ids
        conn.execute("INSERT INTO labels (text) VALUES ('2022-08')")
        conn.execute(
            "UPDATE facts SET period = (SELECT id FROM labels WHERE text = '2022-08') WHERE id = ?",
            [first],
        )
        conn.execute("UPDATE facts SET unit = (SELECT max(id) + 1 FROM labels) WHERE id = ?",
                     [second])  # fmt: skip
        conn.execute("DELETE FROM labels WHERE id = (SELECT max(id) FROM labels) - 1")
        conn.execute("UPDATE facts SET unit = (SELECT max(id) - 1 FROM labels) WHERE id = ?",
                     [third])  # fmt: skip
    assert cube_rows(conn) == view_rows(conn)
    with conn:  # a header label of a huge id: the label ids pack in several keys
        conn.execute("INSERT INTO labels (id, text) VALUES (1 << 50, '办件量（件）')")
        conn.execute("UPDATE facts SET header = 1 << 50 WHERE id = ?", [fourth])
    assert cube_rows(conn) == view_rows(conn)
    assert same_periods(conn)
    assert {p for p, _ in periods(conn)} == {"2020-12", "2022-08", "2022-09"}


def test_a_bulletins_override_and_two_publishers(
    tmp_path: Path, catalog: Catalog, names: NameBook
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    sep, dec = folder / SEP.name, folder / DEC.name
    sep.write_text(SEP.read_text(encoding="utf-8").replace("区民政局", "西区发展改革局"), "utf-8")
    dec.write_text(
        DEC.read_text(encoding="utf-8").replace("\t区发展改革局", "\t西区发展改革局"), "utf-8"
    )
    db, _ = ingest_into(tmp_path / "a.db", [sep, dec], catalog, names)
    db.close()
    conn = sqlite3.connect(tmp_path / "a.db")
    assert conn.execute("SELECT count(*) FROM resolution_overrides").fetchone() == (1,)
    rows = cube_rows(conn)
    assert rows == view_rows(conn)
    # 2022-09 refuses 西区发展改革局 (17 figures, no entity) beside its own 区发展改革局
    # (18); 2020-12 prints it for its only 发展改革局 (4)
    found: dict[tuple[object, object], int] = {}
    for r in rows:
        if r[3] == "区发展改革局":
            found[r[0], r[3]] = found.get((r[0], r[3]), 0) + int(str(r[7]))
    assert found == {("2020-12", "区发展改革局"): 4, ("2022-09", "区发展改革局"): 18}
    with conn:
        conn.execute("UPDATE bulletins SET names_scope = '东区' WHERE path = ?", [DEC.name])
    assert cube_rows(conn) == view_rows(conn)  # 东区 has no resolutions: no entities there
