"""The passes after the load, made cheaper, give the values they gave.

Editions compare facts by keys whose label ids are packed into integers: the packed keys
are checked against numbers worked out by hand, and two editions of the December sample
give the same finding however many integers a key takes. The cumulative check resolves
names once per group of facts: a bulletin's override of a name still moves its rows to
another entity (or to none). The search index built whole finds what it found.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

import archive.editions
from archive.crossbulletin import refresh_cross_checks
from archive.editions import key_sql
from archive.search import SEARCH_SQL, drop_search_triggers, ensure_search
from normalize.catalog import Catalog
from normalize.names import NameBook
from tests.archive.test_crosscheck import archive_of, findings
from tests.helpers import DEC, ingest_into

KEY_COLUMNS = "table_kind, row_role, metric, period, name_key, parent_raw"


def keys_of(rows: list[tuple[int | None, ...]], base: int | None, blank: int) -> list[str]:
    """The key ``key_sql(base)`` gives each row of a small facts table."""
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE TABLE facts ({KEY_COLUMNS})")
    conn.executemany("INSERT INTO facts VALUES (?, ?, ?, ?, ?, ?)", rows)
    sql = f"SELECT {key_sql(base)} FROM facts f ORDER BY rowid"
    return [str(k) for (k,) in conn.execute(sql, {"m": base, "blank": blank})]


def test_six_small_ids_are_one_number() -> None:
    # base 10: the ids are the digits, NULL is 0, a missing period is the blank label
    rows = [(1, 2, 3, None, 5, 6), (1, 2, 3, 4, None, None), (None,) * 6]
    assert keys_of(rows, 10, 0) == ["123056", "123400", "0"]
    assert keys_of(rows, 10, 9) == ["123956", "123400", "900"]


def test_large_ids_take_several_numbers() -> None:
    # base 2**21: two ids fill 42 bits, a third would reach 2**63, so three numbers
    m = 2**21
    assert keys_of([(1, 2, 3, None, 5, 6)], m, 0) == ["2097154,6291456,10485766"]
    assert 1 * m + 2 == 2097154 and 3 * m == 6291456 and 5 * m + 6 == 10485766
    # 1448**6 < 2**63 <= 1449**6: one number up to 1,447 labels, then five ids and one
    assert keys_of([(1447,) * 6], 1448, 0) == [str(1448**6 - 1)]
    assert keys_of([(1448,) * 6], 1449, 0) == [f"{1449**5 - 1},1448"]


def test_ids_below_one_are_written_out() -> None:
    assert keys_of([(1, 2, 3, None, None, 6), (0, -1, 3, 4, 5, 6)], None, 7) == [
        "1,2,3,7,,6",
        "0,-1,3,4,5,6",
    ]


def two_editions(folder: Path) -> None:
    """The December sample and a copy printing 区社保局's accepted 2596 (not 2586)."""
    folder.mkdir()
    dec = DEC.read_text(encoding="utf-8")
    assert dec.count("区社保局\n\t2586\n") == 1
    (folder / "dec.txt").write_text(dec, encoding="utf-8")
    copy = dec.replace("区社保局\n\t2586\n", "区社保局\n\t2596\n")
    (folder / "dec_copy.txt").write_text(copy, encoding="utf-8")


def edition_state(db: sqlite_utils.Database) -> tuple[list[tuple[object, ...]], ...]:
    bulletins = db.execute(
        "SELECT b.path, b.is_primary, p.path FROM bulletins b "
        "LEFT JOIN bulletins p ON p.id = b.edition_of ORDER BY b.path"
    ).fetchall()
    checks = db.execute(
        "SELECT b.path, c.subject, c.metric, c.expected, c.actual, c.message FROM checks c "
        "JOIN bulletins b ON b.id = c.bulletin_id WHERE c.rule = 'editions_agree'"
    ).fetchall()
    contested = db.execute(
        "SELECT r.bulletin, r.entity_raw, r.metric, r.value FROM facts f "
        "JOIN facts_readable r ON r.fact_id = f.id WHERE f.needs_review & 2 ORDER BY 1"
    ).fetchall()
    return bulletins, checks, contested


EDITIONS = (
    [("dec.txt", 1, None), ("dec_copy.txt", 0, "dec.txt")],
    [
        ("dec_copy.txt", "区社保局", "accepted", 2586.0, 2596.0,
         "dec_copy.txt table 1 row 2 col 2 prints '2596', "
         "the primary edition dec.txt table 1 row 2 col 2 prints '2586'"),
    ],
    [("dec.txt", "区社保局", "accepted", 2586.0)],
)  # fmt: skip


@pytest.mark.parametrize(("limit", "numbers"), [(2**63, 1), (2**16, 3), (2**10, 6)])
def test_editions_give_one_finding_however_keys_are_packed(
    tmp_path: Path,
    catalog: Catalog,
    names: NameBook,
    monkeypatch: pytest.MonkeyPatch,
    limit: int,
    numbers: int,
) -> None:
    """A key as one number; as three (two ids each: base**2 < 2**16 <= base**3); as six
    (base < 2**10 <= base**2)."""
    two_editions(tmp_path / "in")
    db, _ = ingest_into(tmp_path / "a.db", [tmp_path / "in"], catalog, names)
    assert edition_state(db) == EDITIONS
    base = db.execute("SELECT max(id) + 1 FROM labels").fetchone()[0]
    assert 41 <= base < 256
    monkeypatch.setattr(archive.editions, "PACK_LIMIT", limit)
    assert key_sql(base).count("','") == numbers - 1
    assert refresh_cross_checks(db.conn) == (1, 0)
    assert edition_state(db) == EDITIONS


def override(db: sqlite_utils.Database, path: str, raw: str, entity: int | None) -> None:
    """Bulletin ``path`` resolves the name ``raw`` to ``entity`` (None: refuses it)."""
    with db.conn:
        db.execute(
            "INSERT INTO resolution_overrides (bulletin_id, raw, entity_id, method, reason) "
            "SELECT b.id, ?, ?, 'test', 'test' FROM bulletins b WHERE b.path = ?",
            [raw, entity, path],
        )


def cumulative(db: sqlite_utils.Database) -> list[tuple[object, ...]]:
    refresh_cross_checks(db.conn)
    return [f[:5] for f in findings(db)]


MISPRINT = [("2022-09.txt", "区民政局", "cumulative_cases", 1685.0, 1678.0)]


def test_an_override_moves_a_row_of_the_cumulative_check(
    tmp_path: Path, catalog: Catalog, names: NameBook
) -> None:
    db = archive_of(tmp_path, catalog, names, {"区民政局": 7})  # August printed 1533
    assert cumulative(db) == MISPRINT
    (entity,) = db.execute("SELECT entity_id FROM resolutions WHERE raw = '区民政局'").fetchone()
    assert entity is not None
    # August refuses the name: its row is no longer 区民政局's, September has no month before
    override(db, "2022-08.txt", "区民政局", None)
    assert cumulative(db) == []
    # September refuses it too: both rows are the raw name's, compared again
    override(db, "2022-09.txt", "区民政局", None)
    assert cumulative(db) == MISPRINT
    # both resolve it to the entity again, by override
    with db.conn:
        db.execute("DELETE FROM resolution_overrides")
    override(db, "2022-08.txt", "区民政局", entity)
    override(db, "2022-09.txt", "区民政局", entity)
    assert cumulative(db) == MISPRINT


def fts_settings(db: sqlite_utils.Database) -> dict[str, object]:
    return dict(db.execute("SELECT k, v FROM blocks_fts_config WHERE k != 'version'").fetchall())


def test_an_index_built_whole_finds_what_it_found(
    tmp_path: Path, catalog: Catalog, names: NameBook
) -> None:
    """Built with a larger buffer and wider merges: the same paragraph is found, the
    index is sound, and FTS5's defaults (automerge 4, hashsize 1 MiB) hold for what
    follows."""
    copy = tmp_path / "2020-12_xiqu_zwfw.txt"
    copy.write_bytes(DEC.read_bytes())
    db, _ = ingest_into(tmp_path / "a.db", [copy], catalog, names)
    found = [("2020-12_xiqu_zwfw.txt", 7)]
    assert [(r[1], r[2]) for r in db.execute(SEARCH_SQL, {"q": "李彬调研"})] == found
    assert fts_settings(db) == {"automerge": 4, "hashsize": 1048576}
    drop_search_triggers(db)  # a bulk load: the index is built again, whole
    assert ensure_search(db)
    assert [(r[1], r[2]) for r in db.execute(SEARCH_SQL, {"q": "李彬调研"})] == found
    assert fts_settings(db) == {"automerge": 4, "hashsize": 1048576}
    with db.conn:
        db.execute("INSERT INTO blocks_fts (blocks_fts) VALUES ('integrity-check')")
    assert db.execute("SELECT count(*) FROM blocks_fts_docsize").fetchone()[0] == db["blocks"].count
