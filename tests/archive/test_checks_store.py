"""Findings stored compact (check_rows, check_terms) and read as they were through `checks`."""

from __future__ import annotations

import json
from pathlib import Path

import sqlite_utils
import yaml

import archive
from archive.schema import ensure_schema
from normalize.catalog import Catalog
from normalize.names import NameBook
from tests.helpers import DEC, SEP, ingest_into

ALL_CHECKS = "SELECT * FROM checks ORDER BY id"


def test_a_finding_lists_the_facts_it_was_made_of(
    tmp_path: Path, catalog: Catalog, names: NameBook
) -> None:
    db, _ = ingest_into(tmp_path / "a.db", [DEC], catalog, names)
    finding = db.execute(
        "SELECT expected, actual, status, cells FROM checks "
        "WHERE rule = 'headline_matches_table' AND subject = '政务服务大厅 系统受理数'"
    ).fetchone()
    assert finding[:3] == (7016.0, 7016.0, "ok")  # 系统受理数7016件, line 5 of the sample
    ids = json.loads(finding[3])
    assert len(ids) == 21  # the headline and the 20 departments but 市公交公司
    facts = dict(db.execute("SELECT fact_id, value FROM facts_readable").fetchall())
    assert facts[ids[0]] == 7016.0
    assert sum(facts[i] for i in ids[1:]) == 7016.0
    assert db.execute(
        "SELECT metric, count(*) FROM facts_readable WHERE fact_id IN "
        "(SELECT value FROM json_each(?)) GROUP BY metric",
        [finding[3]],
    ).fetchall() == [("accepted", 21)]
    stored = db.execute(
        "SELECT k.cells, k.given_cells FROM check_rows k JOIN checks c ON c.id = k.id "
        "WHERE c.cells = ?",
        [finding[3]],
    ).fetchone()
    assert json.loads(stored[0])[0] == ids[0] and stored[1] is None
    assert db.execute(
        "SELECT count(*), count(DISTINCT text) FROM check_terms WHERE text = 'ok'"
    ).fetchone() == (1, 1)


def test_writers_insert_and_delete_findings_through_the_view() -> None:
    db = sqlite_utils.Database(memory=True)
    ensure_schema(db)
    db.execute("INSERT INTO bulletins (id, path) VALUES (1, 'a.txt')")
    db.execute(
        "INSERT INTO checks (bulletin_id, table_id, rule, subject, metric, expected, actual, "
        "status, message, cells) VALUES (1, NULL, 'editions_agree', '区社保局', 'accepted', "
        "2586.0, 2580.0, 'mismatch', 'the editions differ', '[12, 7]')"
    )
    assert db.execute(ALL_CHECKS).fetchall() == [
        (1, 1, None, "editions_agree", "区社保局", "accepted", 2586.0, 2580.0, "mismatch",
         "the editions differ", "[12, 7]"),
    ]  # fmt: skip
    db.execute("DELETE FROM checks WHERE rule = 'editions_agree' AND bulletin_id = 1")
    assert db.execute("SELECT count(*) FROM check_rows").fetchone() == (0,)


def test_an_archive_with_a_checks_table_reads_the_same_after_its_next_ingest(
    tmp_path: Path, catalog: Catalog, names: NameBook
) -> None:
    db, _ = ingest_into(tmp_path / "a.db", [SEP, DEC], catalog, names)
    before = db.execute(ALL_CHECKS).fetchall()
    assert len(before) > 20
    # the shape of the version before: a table, every column as text or number
    with db.conn:
        db.execute("DROP VIEW checks")
        db.execute(
            "CREATE TABLE checks (id INTEGER PRIMARY KEY, bulletin_id INTEGER, "
            "table_id INTEGER, rule TEXT, subject TEXT, metric TEXT, expected FLOAT, "
            "actual FLOAT, status TEXT, message TEXT, cells TEXT)"
        )
        db.conn.executemany(f"INSERT INTO checks VALUES ({', '.join('?' * 11)})", before)
        db.execute("DELETE FROM check_rows")
        db.execute("DELETE FROM check_terms")
    ensure_schema(db)
    assert "checks" in db.view_names() and "checks" not in db.table_names()
    assert db.execute(ALL_CHECKS).fetchall() == before
    kinds = db.execute(
        "SELECT count(cells), count(given_cells), count(*) FROM check_rows"
    ).fetchone()
    empty = sum(1 for row in before if row[-1] == "[]")
    assert kinds == (len(before) - empty, empty, len(before))


def test_the_failed_checks_query_lists_the_mismatches_in_order(
    tmp_path: Path, catalog: Catalog, names: NameBook
) -> None:
    db, _ = ingest_into(tmp_path / "a.db", [SEP, DEC], catalog, names)
    db.execute(
        "UPDATE check_rows SET status = (SELECT id FROM check_terms WHERE text = 'mismatch')"
    )
    queries = yaml.safe_load((Path(archive.__file__).parent / "metadata.yaml").read_text("utf-8"))
    sql = queries["queries"]["failed_checks"]["sql"]
    plain = db.execute(
        "SELECT b.period, b.path, t.table_no, c.rule, c.subject, c.metric, c.expected, "
        "c.actual, c.message, c.cells FROM checks c JOIN bulletins b ON b.id = c.bulletin_id "
        "LEFT JOIN source_tables t ON t.id = c.table_id "
        "ORDER BY b.period, b.path, t.table_no, c.rule, c.id"
    ).fetchall()
    found = db.execute(sql).fetchall()
    assert len(found) == len(plain) > 20
    key = [(r[0], r[1], r[2] or 0, r[3]) for r in found]
    assert key == sorted(key)
    assert sorted(found, key=repr) == sorted(plain, key=repr)
