"""Batched writes: a bulletin that cannot be stored rolls back alone, outcomes are
reported once committed, an interrupted batch leaves nothing; the compact rows and the
bounded pool of workers."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import time
from dataclasses import replace
from pathlib import Path

import pytest
import sqlite_utils

from archive.batch import Batch
from archive.ingest import Job, process
from archive.load import Origin
from archive.names import Resolver, refresh_names
from archive.rows import BulletinRows, bulletin_rows, stored_raw
from archive.schema import ensure_schema
from archive.workers import AHEAD, run_jobs
from normalize.catalog import Catalog
from normalize.names import NameBook
from tests.helpers import DEC, SEP


@pytest.fixture()
def rows(catalog: Catalog) -> dict[str, BulletinRows]:
    return {p.name: bulletin_rows(process(Job(p, p.name, "0"), catalog)) for p in (SEP, DEC)}


def archive(tmp_path: Path, names: NameBook | None = None) -> sqlite_utils.Database:
    db = sqlite_utils.Database(tmp_path / "a.db")
    ensure_schema(db)
    if names is not None:
        refresh_names(db, names)  # the entities
    return db


def social_insurance(db: sqlite_utils.Database) -> list[tuple[object, ...]]:
    return db.execute(
        "SELECT bulletin, entity, value, value_raw FROM facts_readable "
        "WHERE entity_raw = '区社保局' AND metric = 'accepted' ORDER BY bulletin"
    ).fetchall()


def test_a_bulletin_that_cannot_be_stored_rolls_back_alone(
    tmp_path: Path, rows: dict[str, BulletinRows], names: NameBook
) -> None:
    db = archive(tmp_path, names)
    broken = replace(rows[SEP.name], tables=[(1, "hall_windows")])  # a row short of columns
    reported: list[str] = []
    db.conn.execute("PRAGMA foreign_keys=ON")  # as ingest's connection has them
    with Batch(db.conn, Resolver(db.conn, names), max_bulletins=3) as batch:
        assert db.execute("PRAGMA foreign_keys").fetchone() == (0,)
        for path, r in (
            ("dec.txt", rows[DEC.name]),
            ("sep.txt", broken),
            ("b.txt", rows[DEC.name]),
        ):
            error = batch.store(path, Origin("0"), r, lambda p=path: reported.append(p))
            assert (error is None) == (path != "sep.txt")
        assert reported == []  # nothing is reported before its batch is committed
    assert reported == ["dec.txt", "b.txt"]
    assert db.execute("SELECT path, n_facts FROM bulletins ORDER BY id").fetchall() == [
        ("dec.txt", 90),
        ("b.txt", 90),
    ]
    assert social_insurance(db) == [
        ("b.txt", "区社会保险事务中心", 2586.0, "2586"),
        ("dec.txt", "区社会保险事务中心", 2586.0, "2586"),
    ]
    assert db.execute("SELECT count(*) FROM facts").fetchone() == (180,)
    assert db.execute("SELECT count(*) FROM source_tables").fetchone() == (2,)
    # written without enforcement, every reference holds; enforcement is back after it
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("PRAGMA foreign_keys").fetchone() == (1,)


def test_an_interrupted_batch_leaves_nothing(
    tmp_path: Path, rows: dict[str, BulletinRows], names: NameBook
) -> None:
    db = archive(tmp_path)
    reported: list[str] = []
    with Batch(db.conn, Resolver(db.conn, names), max_bulletins=1) as batch:
        batch.store("dec.txt", Origin("0"), rows[DEC.name], lambda: reported.append("dec"))
    with pytest.raises(KeyboardInterrupt), Batch(db.conn, None) as batch:
        batch.store("sep.txt", Origin("0"), rows[SEP.name], lambda: reported.append("sep"))
        raise KeyboardInterrupt
    assert reported == ["dec"]
    assert db.execute("SELECT path FROM bulletins").fetchall() == [("dec.txt",)]
    assert db.execute("SELECT count(*) FROM facts").fetchone() == (90,)
    labels = {t for (t,) in db.execute("SELECT text FROM labels")}
    assert "town_centers" not in labels and "hall_windows" in labels  # only 2022-09's kind


def test_names_rolled_back_with_a_batch_are_written_again(
    tmp_path: Path, rows: dict[str, BulletinRows], names: NameBook
) -> None:
    db = archive(tmp_path, names)
    resolver = Resolver(db.conn, names)  # one resolver for the whole run, as ingest has
    with pytest.raises(KeyboardInterrupt), Batch(db.conn, resolver) as batch:
        batch.store("dec.txt", Origin("0"), rows[DEC.name], lambda: None)
        raise KeyboardInterrupt  # its resolutions are rolled back with it
    with Batch(db.conn, resolver) as batch:
        batch.store("dec.txt", Origin("0"), rows[DEC.name], lambda: None)
    assert social_insurance(db) == [("dec.txt", "区社会保险事务中心", 2586.0, "2586")]


def test_rows_carry_strings_and_the_printed_figure(rows: dict[str, BulletinRows]) -> None:
    dec = rows[DEC.name]
    assert dec.meta[:3] == ("text-tab", "utf-8", "2020-12")
    assert "区社保局" in dec.names and dec.n_facts == 90
    fact = next(f for f in dec.facts if f[3] == "区社保局" and f[8] == "accepted")
    assert (fact[0], fact[2], fact[10], fact[11]) == (0, "hall_windows", 2586.0, None)
    assert stored_raw(2586.0, "2586") is None  # the view writes it back from the value
    assert stored_raw(98.5, "98.5%") == "98.5%"
    assert stored_raw(2586.0, "2,586") == "2,586"
    assert stored_raw(0.0, "-0") == "-0"
    assert stored_raw(1e20, "100000000000000000000") == "100000000000000000000"


STARTED = multiprocessing.get_context("fork").Value("i", 0)


def _count_and_return(job: int, context: str) -> str:
    with STARTED.get_lock():
        STARTED.value += 1
    return f"{context}{job}"


def test_workers_never_run_far_ahead_of_the_reader() -> None:
    STARTED.value = 0
    results = run_jobs(list(range(40)), "job ", 2, _count_and_return)
    assert next(results) == "job 0"
    time.sleep(0.5)  # time for an unbounded pool to run every job; a bounded one cannot
    assert STARTED.value <= AHEAD * 2 + 1
    assert list(results) == [f"job {i}" for i in range(1, 40)]
    assert STARTED.value == 40


def test_a_write_error_is_a_sqlite_error(tmp_path: Path, rows: dict[str, BulletinRows]) -> None:
    db = archive(tmp_path)
    os.chmod(tmp_path / "a.db", 0o444)
    readonly = sqlite3.connect(f"file:{tmp_path / 'a.db'}?mode=ro", uri=True)
    with Batch(readonly, None) as batch:
        error = batch.store("dec.txt", Origin("0"), rows[DEC.name], lambda: None)
    assert error is not None and "readonly" in error
    del db
