"""Lists of fact ids packed as stretches of equal steps."""

from __future__ import annotations

import sqlite3

from archive.idlists import pack_ids, unpack_ids
from archive.schema import CHECKS


def test_a_column_of_facts_is_one_stretch() -> None:
    ids = [800007, 800011, 800015, 800019, 800023]
    assert pack_ids(ids) == [800007, 4, 5]
    assert unpack_ids([800007, 4, 5]) == ids


def test_a_headline_then_its_column_starts_a_second_stretch_at_an_offset() -> None:
    ids = [800002, 800011, 800015, 800019]
    assert pack_ids(ids) == [800002, 0, 1, 9, 4, 3]
    assert unpack_ids(pack_ids(ids)) == ids


def test_any_list_comes_back_as_it_was() -> None:
    for ids in ([5], [9, 3], [1, 2, 3, 10, 20, 30, 31], [7, 7, 7], [4, 2, 9, 1, 8], []):
        assert unpack_ids(pack_ids(ids)) == ids


def test_the_checks_view_writes_the_stretches_out_as_python_does() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE check_terms (id INTEGER PRIMARY KEY, text TEXT)")
    conn.execute(
        "CREATE TABLE check_rows (id INTEGER PRIMARY KEY, bulletin_id INTEGER, "
        "table_id INTEGER, rule INTEGER, subject INTEGER, metric INTEGER, expected FLOAT, "
        "actual FLOAT, status INTEGER, message TEXT, cells TEXT, given_cells TEXT)"
    )
    conn.execute(CHECKS)
    lists = {1: "[800002,0,1,9,4,3]", 2: "[5,0,1]", 3: "[1,1,3,9,10,3,30,1,1]"}
    conn.executemany("INSERT INTO check_rows (id, cells) VALUES (?, ?)", lists.items())
    assert conn.execute("SELECT id, cells FROM checks ORDER BY id").fetchall() == [
        (1, "[800002,800011,800015,800019]"),
        (2, "[5]"),
        (3, "[1,2,3,10,20,30,31]"),
    ]
