"""The package as users install it: a wheel, run from an empty folder, nothing of the
checkout on the path (the dependencies come from the test's own environment)."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path

from tests.helpers import ROOT, SEP

RUN = """
import sys
sys.path[:0] = [{site!r}, {deps!r}]
import archive, extract, normalize
for package in (archive, extract, normalize):
    assert package.__file__.startswith({site!r}), package.__file__
from archive.cli import main
sys.argv = ["bulletins", *sys.argv[1:]]
main()
"""


def bulletins(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`bulletins ARGS` with the installed wheel only (-S: no site, so no editable finder)."""
    code = RUN.format(site=str(site), deps=sysconfig.get_paths()["purelib"])
    return subprocess.run(
        [sys.executable, "-S", "-c", code, *args],
        cwd=cwd, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def test_the_wheel_starts_a_district_from_an_empty_folder(tmp_path: Path) -> None:
    dist, site, work = tmp_path / "dist", tmp_path / "site", tmp_path / "work"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(dist), str(ROOT)], check=True,
                   capture_output=True, timeout=600)  # fmt: skip
    (wheel,) = dist.glob("bulletins-*.whl")
    subprocess.run([*pip, "install", "--no-deps", "--target", str(site), str(wheel)],
                   check=True, capture_output=True, timeout=300)  # fmt: skip
    for data in ("extract/data/layout.yaml", "normalize/data/metrics.yaml",
                 "normalize/data/matching.yaml", "archive/metadata.yaml"):  # fmt: skip
        assert (site / data).is_file(), data
    work.mkdir()
    done = bulletins(site, work, "init", "bulletins", "--publisher", "某市东区行政审批局")
    assert done.returncode == 0, done.stderr
    text = SEP.read_text(encoding="utf-8").replace("西区", "东区").replace("攀枝花市", "某市")
    (work / "bulletins" / "2022-09.txt").write_text(text, encoding="utf-8")
    done = bulletins(site, work, "ingest", "bulletins/")
    assert done.returncode == 0, done.stderr
    assert "1 ingested, 0 unchanged, 0 failed; 832 facts" in done.stderr
    done = bulletins(site, work, "names", "suggest")
    assert done.returncode == 0, done.stderr
    names = (work / "bulletins" / "names.yaml").resolve()
    assert done.stderr.strip().endswith(f"81 suggestions added, 0 updated in {names}")
    files = {str(p.relative_to(work)) for p in work.rglob("*") if p.is_file()}
    assert files - {"archive.db-shm", "archive.db-wal", "archive.db.lock"} == {
        "archive.db",
        "bulletins/2022-09.txt",
        "bulletins/bulletins.yaml",
        "bulletins/names.yaml",
    }
