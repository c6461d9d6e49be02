"""Start-up: `bulletins --help` imports no heavy library; `--jobs` defaults to the cores.

What a command imports is read from ``sys.modules`` in a fresh interpreter (no timing:
the speed itself is measured by `make bench`).
"""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import archive.ingest
from archive.cli import main
from archive.cli_group import Commands, source_help
from archive.cli_progress import outcome_lines
from archive.ingest import Outcome
from tests.helpers import ROOT

HEAVY = ("pandas", "numpy", "pdfplumber", "datasette", "pyarrow", "rapidocr", "cv2")


def loaded_after(code: str, cwd: Path = ROOT) -> dict[str, object]:
    """Run ``code`` in a fresh interpreter; which of HEAVY (and sqlite_utils) it imported."""
    probe = (
        f"import json, sys\n{code}\n"
        f"print(json.dumps({{m: m in sys.modules for m in {[*HEAVY, 'sqlite_utils']!r}}}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=cwd, capture_output=True, text=True, check=True
    )
    loaded: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def test_help_imports_no_heavy_library() -> None:
    loaded = loaded_after(
        "from archive.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit as exc:\n    assert exc.code == 0\n"
    )
    assert loaded == {name: False for name in [*HEAVY, "sqlite_utils"]}


def test_ingest_of_an_empty_folder_does_not_import_pandas(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    profile = ROOT / "corpus" / "bulletins.yaml"
    loaded = loaded_after(
        "from archive.cli import main\n"
        "try:\n"
        f"    main(['ingest', 'empty', '--db', 'a.db', '--profile', {str(profile)!r}, '-q'])\n"
        "except SystemExit as exc:\n    assert exc.code == 0\n",
        cwd=tmp_path,
    )
    assert loaded["sqlite_utils"] is True  # it did open the archive
    assert loaded["pandas"] is False
    assert loaded["pdfplumber"] is False and loaded["datasette"] is False
    assert (tmp_path / "a.db").exists()


def test_pandas_imports_as_usual_after_sqlite_utils() -> None:
    loaded = loaded_after(
        "import archive.database, sqlite_utils.db\n"
        "assert sqlite_utils.db.pd is None and 'pandas' not in sys.modules\n"
        "import pandas\n"
        "assert pandas.DataFrame({'a': [1, 2]})['a'].sum() == 3\n"
        "import archive.export\n"
        "assert sqlite_utils.db.pd is pandas\n"
        "assert sqlite_utils.db.COLUMN_TYPE_MAPPING[pandas.Timestamp] == 'TEXT'\n"
    )
    assert loaded["pandas"] is True and loaded["sqlite_utils"] is True


def test_help_lists_every_command_with_the_line_it_has_when_loaded() -> None:
    listed = CliRunner().invoke(main, ["--help"], terminal_width=100).output
    lines = dict(
        line.split(maxsplit=1) for line in listed.split("Commands:\n")[1].splitlines() if line
    )
    assert sorted(lines) == ["check", "export", "ingest", "init", "inspect", "names", "serve"]
    assert lines["names"] == (
        "Resolve department names: suggest mappings for unresolved names, check the file."
    )
    for name, command in main.commands.items():  # imports the deferred ones
        assert lines[name] == command.get_short_help_str(100 - 6 - len("inspect")), name
    assert lines["init"].startswith("Start a new district: write a commented profile")


def test_deferred_commands_load_on_first_use() -> None:
    commands = Commands({"names": "archive.cli_names:names_group"})
    assert list(commands) == ["names"] and commands.loaded == {}
    names = commands["names"]
    assert isinstance(names, click.Group) and names.name == "names"
    assert sorted(names.commands) == ["check", "fold", "suggest"]
    assert commands.deferred == {}
    assert source_help("archive.cli_names:names_group") == inspect.cleandoc(names.help or "")


def test_jobs_defaults_to_the_cores_and_takes_a_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[int] = []

    def fake_ingest(*args: object, jobs: int, **kwargs: object) -> archive.ingest.Report:
        asked.append(jobs)
        return archive.ingest.Report()

    monkeypatch.setattr(archive.ingest, "ingest", fake_ingest)
    (tmp_path / "empty").mkdir()
    profile = str(ROOT / "corpus" / "bulletins.yaml")
    runner = CliRunner()
    base = ["ingest", str(tmp_path / "empty"), "--db", str(tmp_path / "a.db"), "--profile", profile]
    for extra in ([], ["--jobs", "auto"], ["-j", "1"], ["--jobs", "3"]):
        result = runner.invoke(main, [*base, *extra])
        assert result.exit_code == 0, result.output
    assert asked == [len(os.sched_getaffinity(0))] * 2 + [1, 3]
    for bad, says in (("0", "0 processes: give 1 or more"), ("two", "'two' is neither")):
        result = runner.invoke(main, [*base, "--jobs", bad])
        assert result.exit_code == 2 and says in result.output
    help_text = runner.invoke(main, ["ingest", "--help"]).output
    assert "auto = one per" in help_text and "[default: auto]" in help_text


def test_outcome_lines_are_the_same_plain_or_coloured() -> None:
    failed = Outcome("2022-09.pdf", "failed", message="not a PDF (starts with <html>)")
    copy = Outcome("b/2022-09.txt", "copy", message="same content as a/2022-09.txt")
    warned = Outcome("2020-12.txt", "ingested", 461, warnings=["table 2: a guess", "no date"])
    assert outcome_lines(failed, quiet=True) == [
        ("error", "2022-09.pdf: not a PDF (starts with <html>)")
    ]
    assert outcome_lines(copy, quiet=True) == [] and outcome_lines(warned, quiet=True) == []
    assert outcome_lines(copy, quiet=False) == [
        ("copy", "b/2022-09.txt: same content as a/2022-09.txt")
    ]
    assert outcome_lines(warned, quiet=False) == [
        ("warning", "2020-12.txt: table 2: a guess"),
        ("warning", "2020-12.txt: no date"),
    ]


def test_ingest_into_a_pipe_prints_plain_lines_without_rich(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "2022-09_empty.txt").write_text("", encoding="utf-8")
    profile = ROOT / "corpus" / "bulletins.yaml"
    code = (
        "import sys\nfrom archive.cli import main\n"
        "try:\n"
        f"    main(['ingest', 'in', '--db', 'a.db', '--profile', {str(profile)!r}, '-q'])\n"
        "except SystemExit as exc:\n"
        "    print('exit', exc.code, 'rich' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "exit 1 False"
    assert done.stderr.splitlines()[0].startswith("error: 2022-09_empty.txt: ")
