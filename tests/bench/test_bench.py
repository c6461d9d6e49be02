"""The benchmark's own parts: the generated corpus, child accounting, baselines, parts.

No timing is asserted here; these check that what `make bench` measures is what it says.
"""

from __future__ import annotations

import re
import sqlite3
import sys
from pathlib import Path

import pytest

from bench.__main__ import chosen
from bench.baseline import Insert, file_bytes, raw_insert, table_bytes
from bench.corpus import make_corpus
from bench.ingest import HARMLESS, Ingested, names_copy, print_throughput
from bench.run import Run, run_child
from normalize.names import load_names
from tests.helpers import CORPUS, DEC, SEP

COUNT_LINE = re.compile(r"^(\d+) \|$|^\t(\d+)$")


def counts_beside(sample: str, made: str) -> list[tuple[int, int]]:
    """(sample, generated) for every table count; every other line must be the sample's
    with its month and year changed."""
    pairs = []
    for old, new in zip(sample.splitlines(), made.splitlines(), strict=True):
        if m := COUNT_LINE.match(old):
            n = COUNT_LINE.match(new)
            assert n is not None, (old, new)
            pairs.append((int(m[1] or m[2]), int(n[1] or n[2])))
        else:
            expected = re.sub(r"20(20|22)年", "2019年", re.sub(r"(?<!\d)(9|12)月", "1月", old))
            assert new == expected
    return pairs


def test_corpus_changes_counts_month_and_year_only(tmp_path: Path) -> None:
    paths = make_corpus(tmp_path, 3)
    assert [p.name for p in paths] == [
        "2019-01_0000_xiqu_zwfw.txt",
        "2019-02_0001_xiqu_zwfw.txt",
        "2019-03_0002_xiqu_zwfw.txt",
    ]
    first = paths[0].read_text(encoding="utf-8")  # from the 2020-12 sample (tab-indented)
    assert "现将1月份政务服务工作情况通报如下" in first
    assert "1月，政务服务大厅系统排号数7705件" in first  # prose figures are not counts
    pairs = counts_beside(DEC.read_text(encoding="utf-8"), first)
    assert len(pairs) == 81
    assert all(new == old for old, new in pairs if old <= 40)
    assert all(abs(new - old) <= old // 10 + 2 for old, new in pairs)
    assert sum(new != old for old, new in pairs if old > 40) > 10
    second = paths[1].read_text(encoding="utf-8")  # from the 2022-09 sample (pipes)
    assert "2月,政务服务大厅各窗口共受理13907件" in second
    assert len([line for line in second.splitlines() if COUNT_LINE.match(line)]) == 569
    assert SEP.read_text(encoding="utf-8").count("|") == second.count("|")


def test_corpus_is_the_same_for_the_same_seed(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir(), two.mkdir()
    a, b = make_corpus(one, 4), make_corpus(two, 2)
    assert [p.read_bytes() for p in a[:2]] == [p.read_bytes() for p in b]
    assert a[0].read_bytes() != a[2].read_bytes()  # same sample, other numbers


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_a_child_reports_its_own_cpu_and_memory_not_an_earlier_ones() -> None:
    spin = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.3: pass\n"
    big = run_child(
        python(f"b = bytearray(300 * 2**20)\nb[::4096] = b'x' * len(b[::4096])\n{spin}")
    )
    small = run_child(python(spin))
    assert big.status == 0 and small.status == 0
    assert big.peak_rss_mib >= 300 and small.peak_rss_mib < 100
    assert big.cpu >= 0.3 and small.cpu >= 0.3
    assert big.wall >= 0.3


def test_a_child_counts_the_workers_it_waited_for() -> None:
    code = (
        "import multiprocessing, time\n"
        "def spin(_):\n    t = time.process_time()\n"
        "    while time.process_time() - t < 0.3: pass\n"
        "if __name__ == '__main__':\n"
        "    with multiprocessing.get_context('fork').Pool(2) as pool:\n"
        "        pool.map(spin, range(2))\n"
    )
    done = run_child(python(code))
    assert done.status == 0 and done.cpu >= 0.6


def test_a_failed_child_keeps_its_error() -> None:
    done = run_child(python("import sys; sys.exit('no such archive')"))
    assert done.status == 1 and "no such archive" in done.stderr


def small_archive(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("PRAGMA page_size=4096")
    db.execute("CREATE TABLE facts (id INTEGER PRIMARY KEY, metric TEXT, value REAL)")
    db.execute("CREATE INDEX idx_metric ON facts(metric)")
    db.executemany(
        "INSERT INTO facts (metric, value) VALUES (?, ?)",
        [(f"metric_{i % 7}", i * 1.5) for i in range(3000)],
    )
    db.execute("CREATE VIEW facts_readable AS SELECT id, metric, value * 2 AS doubled FROM facts")
    db.commit()
    db.close()


def test_raw_insert_copies_every_row_of_the_view(tmp_path: Path) -> None:
    small_archive(tmp_path / "a.db")
    done = raw_insert(tmp_path / "a.db", tmp_path / "raw.db")
    assert done.rows == 3000 and done.wall > 0 and done.cpu >= 0
    raw = sqlite3.connect(tmp_path / "raw.db")
    assert [c[1] for c in raw.execute("PRAGMA table_info(raw)")] == ["id", "metric", "doubled"]
    assert raw.execute("SELECT * FROM raw WHERE id IN (1, 3000) ORDER BY id").fetchall() == [
        (1, "metric_0", 0.0),
        (3000, "metric_3", 8997.0),
    ]
    assert raw.execute("SELECT COUNT(*), SUM(doubled) FROM raw").fetchone() == (3000, 13495500.0)


def test_table_bytes_add_up_to_the_file(tmp_path: Path) -> None:
    small_archive(tmp_path / "a.db")
    sizes = table_bytes(tmp_path / "a.db")
    assert set(sizes) == {"facts", "idx_metric", "sqlite_schema"}
    assert sum(sizes.values()) == file_bytes(tmp_path / "a.db")
    assert next(iter(sizes)) == "facts" and sizes["sqlite_schema"] == 4096


def test_the_names_copy_adds_one_entity_and_keeps_the_rest(tmp_path: Path) -> None:
    copy = names_copy(tmp_path)
    assert HARMLESS in copy.read_text(encoding="utf-8")
    before, after = load_names(CORPUS / "names.yaml"), load_names(copy)
    assert set(after.entities) - set(before.entities) == {"区基准测试局"}
    assert after.entities["区基准测试局"].kind == "department"
    assert after.never_merge == before.never_merge and after.prefixes == before.prefixes


def test_parts_come_in_running_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BENCH", raising=False)
    assert chosen(["pdf", "startup"]) == ["startup", "pdf"]
    assert chosen([]) == ["startup", "ingest", "pages", "names", "pdf", "ocr"]
    monkeypatch.setenv("BENCH", "pages,ingest")
    assert chosen([]) == ["ingest", "pages"]
    with pytest.raises(SystemExit, match="unknown part pagse; choose from startup"):
        chosen(["pagse"])


def test_throughput_lines_compare_with_the_raw_insert_of_as_many_rows(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def done(
        jobs: int, bulletins: int, facts: int, wall: float, cpu: float, rss: float
    ) -> Ingested:
        return Ingested(jobs, bulletins, facts, Run(wall, cpu, rss, 0, ""))

    results = [
        done(1, 10, 1_000, 2.0, 1.5, 100.0),
        done(1, 100, 10_000, 20.0, 16.0, 110.0),
        done(2, 10, 1_000, 1.5, 2.0, 100.0),
        done(2, 100, 10_000, 0.14, 0.5, 150.0),
    ]
    print_throughput(results, Insert(rows=10_000, wall=0.1, cpu=0.08), default=2)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "baseline: bare executemany of the 10,000 facts_readable rows, one transaction: "
        "0.10 s wall, 0.08 s CPU = 100,000 rows/s"
    )
    # 1,000 facts in 2.0 s wall: 500/s; the raw insert of 1,000 rows takes 0.01 s: ÷ 200
    assert out[2].split() == [
        "1",
        "10",
        "1,000",
        "2.0",
        "1.5",
        "500",
        "667",
        "200.0",
        "187.5",
        "100",
    ]
    assert out[5].split()[5:] == ["71,429", "20,000", "1.4", "6.2", "150"]
    assert out[6] == "peak RSS --jobs 1: 100 bulletins 1.10× 10 (target ≤ 1.2×)"
    assert out[7] == "peak RSS --jobs 2: 100 bulletins 1.50× 10 (target ≤ 1.2×)  ← missed"
    assert out[8] == (
        "default --jobs 2 at 100: 71,429 facts/s wall (target ≥ 100,000)  ← missed; "
        "ingest ÷ raw insert 1.40× (target ≤ 1.4×)"
    )
