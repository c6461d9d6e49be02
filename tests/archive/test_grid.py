"""The compact grid: runs of plain cells, odd cells in full, read back by Python and SQL."""

from __future__ import annotations

import json
from pathlib import Path

import sqlite_utils

from archive.grid import (
    label_references,
    pack_grid,
    packed_text,
    refer_texts,
    resolve_texts,
    unpack_grid,
)
from archive.schema import ensure_schema
from normalize.catalog import Catalog
from normalize.names import NameBook
from tests.helpers import DEC, SEP, ingest_into

# A pipe table: a header row on line 10, two body rows on lines 12 and 13 (a rule between).
PIPE = [
    [0, 0, 1, 1, "序号", 10], [0, 1, 1, 1, "部门", 10], [0, 2, 1, 1, "办件量", 10],
    [1, 0, 1, 1, "1", 12], [1, 1, 1, 1, "区社保局", 12], [1, 2, 1, 1, "2,463", 12],
    [2, 0, 1, 1, "2", 13], [2, 1, 1, 1, "区医保局", 13], [2, 2, 1, 1, "007", 13],
]  # fmt: skip
# One cell a line, a header cell spanning two columns, then rows of two cells.
SPANNED = [
    [0, 0, 1, 2, "便民服务中心", 40], [1, 0, 1, 1, "格里坪镇", 41], [1, 1, 1, 1, "12", 42],
    [2, 0, 1, 1, "玉泉街道", 43], [2, 1, 1, 1, "0", 44],
]  # fmt: skip
# A PDF cell (page and box), a cell over two lines, an OCR cell, then Word cells (no line).
ODD = [
    [0, 0, 1, 1, "合计", None, None, 2, [10.5, 20.0, 30.25, 40.0]],
    [0, 1, 1, 1, "25", 7, 8],
    [0, 2, 1, 1, "3O", None, None, 1, None, 0.61, "30"],
    [1, 0, 1, 1, "甲"], [1, 1, 1, 1, "-3"], [1, 2, 1, 1, ""],
]  # fmt: skip


def test_a_pipe_table_is_a_run_while_its_lines_keep_their_step() -> None:
    packed = pack_grid(PIPE)
    assert packed == [
        [[0, 0, 0, 3, 10, 0, 2], [6, 2, 0, 3, 13, 0, 0]],  # line 13, not 14: a new run
        ["序号", "部门", "办件量", 1, "区社保局", "2,463"],
        [2, "区医保局", "007"],
    ]
    assert unpack_grid(packed) == PIPE


def test_spans_are_written_out_and_runs_go_on_after_them() -> None:
    packed = pack_grid(SPANNED)
    assert packed == [
        [[0, [0, 0, 1, 2, 40]], [1, 1, 0, 2, 41, 1, 2]],
        ["便民服务中心"],
        ["格里坪镇", 12, "玉泉街道", 0],
    ]
    assert unpack_grid(packed) == SPANNED


def test_pages_boxes_line_ranges_and_ocr_readings_are_kept_in_full() -> None:
    packed = pack_grid(ODD)
    assert packed[0][:3] == [
        [0, [0, 0, 1, 1, None, None, 2, [10.5, 20.0, 30.25, 40.0]]],
        [1, [0, 1, 1, 1, 7, 8]],
        [2, [0, 2, 1, 1, None, None, 1, None, 0.61, "30"]],
    ]
    assert packed[0][3] == [3, 1, 0, 3, None, 0, 0]
    assert packed[4] == ["甲", "-3", ""]
    assert unpack_grid(packed) == ODD


def test_only_texts_that_write_back_exactly_become_numbers() -> None:
    assert [packed_text(t) for t in ("0", "2463", "007", "-3", "2,463", "１２", "1.5", "")] == [
        0, 2463, "007", "-3", "2,463", "１２", "1.5", "",
    ]  # fmt: skip
    assert packed_text("1234567890123456") == "1234567890123456"  # beyond exact doubles


def test_a_table_without_cells() -> None:
    assert pack_grid([]) == [[]]
    assert unpack_grid([[]]) == [] == unpack_grid([])


def test_texts_that_are_labels_are_stored_as_references_to_them() -> None:
    # the row names and a header are labels 17, 18 and 3; "2,463" and "序号" are not
    ids = {"区社保局": 17, "区医保局": 18, "办件量": 3, "accepted": 4}
    referred = refer_texts(pack_grid(PIPE), ids)
    assert referred == [
        [[0, 0, 0, 3, 10, 0, 2], [6, 2, 0, 3, 13, 0, 0]],
        ["序号", "部门", -3, 1, -17, "2,463"],
        [2, -18, "007"],
    ]
    assert label_references(referred) == {3, 17, 18}
    texts = {17: "区社保局", 18: "区医保局", 3: "办件量"}
    assert unpack_grid(resolve_texts(referred, texts)) == PIPE
    full = refer_texts(pack_grid(SPANNED), {"便民服务中心": 9})  # a cell in full
    assert full[1] == [-9] and unpack_grid(resolve_texts(full, {9: "便民服务中心"})) == SPANNED


def test_the_cells_view_reads_a_reference_as_the_labels_text() -> None:
    db = sqlite_utils.Database(memory=True)
    ensure_schema(db)
    db.execute("INSERT INTO bulletins (id, path) VALUES (1, 'a.txt')")
    db.execute("INSERT INTO labels (id, text) VALUES (17, '区社保局'), (3, '办件量')")
    grid = refer_texts(pack_grid(PIPE), {"区社保局": 17, "办件量": 3})
    db.execute(
        "INSERT INTO source_tables (id, bulletin_id, grid) VALUES (3, 1, ?)",
        [json.dumps(grid, ensure_ascii=False)],
    )
    assert db.execute("SELECT id, text, line FROM cells ORDER BY id").fetchall() == [
        (3000000, "序号", 10), (3000001, "部门", 10), (3000002, "办件量", 10),
        (3000003, "1", 12), (3000004, "区社保局", 12), (3000005, "2,463", 12),
        (3000006, "2", 13), (3000007, "区医保局", 13), (3000008, "007", 13),
    ]  # fmt: skip


def test_an_ingested_grid_refers_to_the_names_its_facts_hold(
    tmp_path: Path, catalog: Catalog, names: NameBook
) -> None:
    db, _ = ingest_into(tmp_path / "a.db", [DEC], catalog, names)
    label = db.execute("SELECT id FROM labels WHERE text = '区社保局'").fetchone()[0]
    grids = [json.loads(g) for (g,) in db.execute("SELECT grid FROM source_tables")]
    assert any(label in label_references(g) for g in grids)
    assert not any("区社保局" in texts for g in grids for texts in g[1:])
    assert db.execute(
        "SELECT text, line FROM cells WHERE text = '区社保局' ORDER BY id LIMIT 1"
    ).fetchone() == ("区社保局", 22)  # 2020-12_xiqu_zwfw.txt, line 22


# The `cells` view of the version before runs, as the oracle for the new one.
OLD_CELLS = """
SELECT CAST(t.id * 1000000 + j.key AS INTEGER) AS id, t.id AS table_id,
  CAST(j.value ->> 0 AS INTEGER) AS "row", CAST(j.value ->> 1 AS INTEGER) AS col,
  CAST(j.value ->> 2 AS INTEGER) AS rowspan, CAST(j.value ->> 3 AS INTEGER) AS colspan,
  j.value ->> 4 AS text, CAST(j.value ->> 5 AS INTEGER) AS line,
  CAST(j.value ->> 7 AS INTEGER) AS page, j.value -> 8 AS bbox
FROM source_tables t, json_each(t.grid) j ORDER BY id
"""


def test_the_cells_view_reads_runs_as_the_old_view_read_cells() -> None:
    db = sqlite_utils.Database(memory=True)
    ensure_schema(db)
    db.execute("INSERT INTO bulletins (id, path) VALUES (1, 'a.txt')")
    for table_id, cells in ((3, PIPE), (4, SPANNED), (5, ODD)):
        db.execute(
            "INSERT INTO source_tables (id, bulletin_id, grid) VALUES (?, 1, ?)",
            [table_id, json.dumps(cells, ensure_ascii=False)],
        )
    before = db.execute(OLD_CELLS).fetchall()
    assert before[4] == (3000004, 3, 1, 1, 1, 1, "区社保局", 12, None, None)
    assert before[14] == (5000000, 5, 0, 0, 1, 1, "合计", None, 2, "[10.5,20.0,30.25,40.0]")
    ensure_schema(db)  # converts the old grids
    assert db.execute("SELECT count(*) FROM source_tables WHERE grid LIKE '[[[%'").fetchone() == (
        3,
    )
    assert db.execute("SELECT * FROM cells ORDER BY id").fetchall() == before
    assert db.execute("SELECT * FROM cells WHERE table_id = 4 ORDER BY id").fetchall() == [
        (4000000, 4, 0, 0, 1, 2, "便民服务中心", 40, None, None),
        (4000001, 4, 1, 0, 1, 1, "格里坪镇", 41, None, None),
        (4000002, 4, 1, 1, 1, 1, "12", 42, None, None),
        (4000003, 4, 2, 0, 1, 1, "玉泉街道", 43, None, None),
        (4000004, 4, 2, 1, 1, 1, "0", 44, None, None),
    ]
    types = 'SELECT DISTINCT typeof(id), typeof("row"), typeof(text), typeof(line) FROM cells'
    assert set(db.execute(types).fetchall()) == {
        ("integer", "integer", "text", "integer"),
        ("integer", "integer", "text", "null"),
    }


def test_an_archive_with_old_grids_reads_the_same_after_its_next_ingest(
    tmp_path: Path, catalog: Catalog, names: NameBook
) -> None:
    db, _ = ingest_into(tmp_path / "a.db", [SEP, DEC], catalog, names)
    cells = "SELECT * FROM cells ORDER BY id"
    before = db.execute(cells).fetchall()
    assert len(before) > 300
    # the shape of the version before: every cell an array [row, col, rowspan, colspan,
    # text, line], rebuilt here from the view's rows
    by_table: dict[int, list[list[object]]] = {}
    for _id, table_id, row, col, rowspan, colspan, text, line, _page, _bbox in before:
        by_table.setdefault(table_id, []).append([row, col, rowspan, colspan, text, line])
    with db.conn:
        db.conn.executemany(
            "UPDATE source_tables SET grid = ? WHERE id = ?",
            [(json.dumps(g, ensure_ascii=False), t) for t, g in by_table.items()],
        )
    old_bytes = db.execute("SELECT sum(length(grid)) FROM source_tables").fetchone()[0]
    ensure_schema(db)
    new_bytes = db.execute("SELECT sum(length(grid)) FROM source_tables").fetchone()[0]
    assert db.execute(cells).fetchall() == before
    assert new_bytes < old_bytes / 2
    assert db.execute(
        "SELECT text, line FROM cells WHERE text = '区社保局' ORDER BY id LIMIT 1"
    ).fetchone() == ("区社保局", 22)  # 2020-12_xiqu_zwfw.txt, line 22
