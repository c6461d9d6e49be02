"""Fact rows written column by column: strings become label ids, table indexes table ids,
and SQLite makes each cell id from its table id and the cell's index in the table."""

from __future__ import annotations

import sqlite3

import sqlite_utils

from archive.load import FACT_INSERT, compact_facts, fact_columns, fact_labels, store_checks
from archive.rows import Row
from archive.schema import CELL_ID_BASE, ensure_schema


def fact(table: int | None, cell: int | None, metric: str, value: float) -> Row:
    """A fact row as ``archive.rows.fact_row`` lays it out (table index, cell index, then
    the facts columns from table_kind on)."""
    return (
        table, cell, "hall", "区政务服务中心", "区政务服务中心", None, "区政务服务中心", None,
        metric, "办件量", value, None, "件", None, 3, 2, 14, None, None, 0, "2020-12", "month",
    )  # fmt: skip


def stored(facts: list[Row], table_ids: dict[int, int]) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(":memory:")
    ensure_schema(sqlite_utils.Database(conn))
    columns = fact_columns(facts)
    texts = sorted(fact_labels(columns))
    ids = {text: i for i, text in enumerate(texts, start=1)}
    conn.executemany(
        "INSERT INTO labels (id, text) VALUES (?, ?)", [(i, t) for t, i in ids.items()]
    )
    conn.executemany(FACT_INSERT, compact_facts(7, table_ids, ids, columns))
    return conn.execute(
        "SELECT f.bulletin_id, f.table_id, f.cell_id, m.text, f.value, u.text, p.text "
        "FROM facts f JOIN labels m ON m.id = f.metric JOIN labels u ON u.id = f.unit "
        "JOIN labels p ON p.id = f.period ORDER BY f.id"
    ).fetchall()


def test_cell_ids_are_table_id_times_base_plus_index() -> None:
    rows = stored([fact(0, 5, "handled", 4406.0), fact(1, 0, "accepted", 12.0)], {0: 31, 1: 32})
    assert rows == [
        (7, 31, 31 * CELL_ID_BASE + 5, "handled", 4406.0, "件", "2020-12"),
        (7, 32, 32 * CELL_ID_BASE, "accepted", 12.0, "件", "2020-12"),
    ]


def test_a_headline_figure_has_no_table_and_no_cell() -> None:
    rows = stored([fact(None, None, "handled", 97.0)], {0: 31})
    assert rows == [(7, None, None, "handled", 97.0, "件", "2020-12")]


def test_a_cell_index_past_the_base_has_no_cell_id() -> None:
    rows = stored([fact(0, CELL_ID_BASE, "handled", 1.0), fact(0, None, "handled", 2.0)], {0: 4})
    assert [r[1:3] for r in rows] == [(4, None), (4, None)]


def test_the_labels_are_the_strings_of_the_label_columns_only() -> None:
    columns = fact_columns([fact(0, 5, "handled", 4406.0)])
    assert fact_labels(columns) == {
        "hall", "区政务服务中心", "handled", "办件量", "件", "2020-12", "month",
    }  # fmt: skip
    assert fact_labels(fact_columns([])) == set()


def test_the_codes_say_when_a_name_or_label_is_the_raw_name() -> None:
    conn = sqlite3.connect(":memory:")
    ensure_schema(sqlite_utils.Database(conn))
    labels = ["区政务服务中心", "政务服务中心", "handled"]
    conn.executemany("INSERT INTO labels (id, text) VALUES (?, ?)", enumerate(labels, start=1))
    after = (None, 3, None, 5.0, None, None, None, 2, 1, 14, None, None, 0, None, None)
    # FACT_INSERT's parameters up to row_label: bulletin, table, cell index, kind,
    # entity_raw, name_key, parent_raw, row_label (label ids)
    conn.executemany(
        FACT_INSERT,
        [
            (7, 31, 5, None, 1, 1, None, 1, *after),  # name and label are the raw name
            (7, 31, 6, None, 1, 2, None, None, *after),  # another name, no label
            (7, None, 7, None, None, 2, None, 1, *after),  # no table, no raw name
        ],
    )
    assert conn.execute(
        "SELECT cell, name_code, label_code, cell_id, entity_raw, name_key, row_label "
        "FROM facts ORDER BY id"
    ).fetchall() == [
        (5, None, None, 31 * CELL_ID_BASE + 5, 1, 1, 1),
        (6, 2, 0, 31 * CELL_ID_BASE + 6, 1, 2, None),
        (None, 2, 1, None, None, 2, 1),
    ]


def test_check_terms_are_stored_in_sorted_order() -> None:
    conn = sqlite3.connect(":memory:")
    ensure_schema(sqlite_utils.Database(conn))
    checks = [
        (None, "sum", "区政务服务中心", "办件量", 10.0, 9.0, "fail", "off by one", (0, 1, 1, 2)),
        (None, "range", "区医保局", "满意率", 101.0, None, "warn", "over 100", (1,)),
    ]
    store_checks(conn, 7, {}, 40, checks)
    # by code point: 办 U+529E, 区 U+533A, 满 U+6EE1; 医 U+533B before 政 U+653F
    assert conn.execute("SELECT text FROM check_terms ORDER BY id").fetchall() == [
        ("fail",), ("range",), ("sum",), ("warn",), ("办件量",), ("区医保局",),
        ("区政务服务中心",), ("满意率",),
    ]  # fmt: skip
