"""The names workflow: suggest into the YAML, accept by editing one line, check the file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import archive.ingest
from archive.cli import main
from normalize.catalog import Catalog
from normalize.names import NameBook
from tests.helpers import CORPUS, DEC, SEP, ingest_into

RENAMES = {
    "区林业局": "区林业和草原局",
    "区住房城乡建设局": "区住建局",
    "\t区水利局": "\t西区水利局",
}


@pytest.fixture()
def later_bulletin(tmp_path: Path) -> Path:
    """The 2020-12 bulletin as a later year might print it, with other names."""
    text = DEC.read_text(encoding="utf-8")
    for old, new in RENAMES.items():
        text = text.replace(old, new)
    path = tmp_path / "2021-12_xiqu_zwfw.txt"
    path.write_text(text, encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_samples_all_resolve_and_the_rename_is_one_trend(
    tmp_path: Path, catalog: Catalog, names: NameBook
) -> None:
    db, report = ingest_into(tmp_path / "a.db", [SEP, DEC], catalog, names)
    assert report.unresolved == 0
    assert db.execute("SELECT COUNT(*) FROM facts_readable WHERE entity IS NULL").fetchone() == (0,)
    trend = db.execute(
        "SELECT period, entity_raw, metric, value FROM facts_readable WHERE entity = '区民政局' "
        "AND metric IN ('accepted', 'evaluations') AND table_kind != 'online_service' ORDER BY period"
    ).fetchall()
    assert trend == [
        ("2020-12", "民政和扶贫开发局", "accepted", 110.0),
        ("2020-12", "民政和扶贫开发局", "evaluations", 106.0),
    ]
    spellings = db.execute(
        "SELECT DISTINCT period, entity_raw FROM facts_readable WHERE entity = '区民政局' ORDER BY period"
    ).fetchall()
    assert spellings == [("2020-12", "民政和扶贫开发局"), ("2022-09", "区民政局")]
    social = db.execute(
        "SELECT period, entity_raw, value FROM facts_readable WHERE entity = '区社会保险事务中心' "
        "AND metric IN ('accepted', 'handled') ORDER BY period"
    ).fetchall()
    assert social == [("2020-12", "区社保局", 2586.0), ("2022-09", "区社会保险事务中心", 2239.0)]


def test_suggest_keeps_comments_and_order_then_accept_resolves(
    tmp_path: Path, later_bulletin: Path
) -> None:
    names = tmp_path / "names.yaml"
    shutil.copy(CORPUS / "names.yaml", names)
    original = names.read_text(encoding="utf-8")
    db = str(tmp_path / "a.db")
    code, out = run("ingest", str(later_bulletin), "--db", db, "--names", str(names))
    assert code == 0 and "names: 21 resolved, 1 unresolved" in out
    code, out = run("names", "suggest", "--db", db, "--names", str(names))
    assert code == 0
    assert (
        out.strip() == f"21 names resolved, 1 unresolved; 1 suggestions added, 0 updated in {names}"
    )
    text = names.read_text(encoding="utf-8")
    assert text.startswith(original)  # every comment and entry as it was, in order
    added = text[len(original) :]
    assert "  - raw: 区林业和草原局\n    accept:\n" in added
    assert "seen: {bulletins: 1, facts: 4, first: 2021-12_xiqu_zwfw.txt}" in added
    assert "区林业局 (68.0, fuzzy)" in added
    # a second run changes nothing
    run("names", "suggest", "--db", db, "--names", str(names))
    assert names.read_text(encoding="utf-8") == text

    names.write_text(text.replace("    accept:\n", "    accept: 区林业局\n"), encoding="utf-8")
    code, out = run("ingest", str(later_bulletin), "--db", db, "--names", str(names))
    assert "0 ingested, 1 unchanged" in out and "names: 22 resolved, 0 unresolved" in out
    import sqlite_utils

    rows = (
        sqlite_utils.Database(db)
        .execute(
            "SELECT raw, entity, method FROM names_resolved WHERE raw IN ('区林业和草原局', '区住建局', '西区水利局') ORDER BY raw"
        )
        .fetchall()
    )
    assert rows == [("区住建局", "区住房城乡建设局", "abbreviation"), ("区林业和草原局", "区林业局", "accepted"),
                    ("西区水利局", "区水利局", "exact")]  # fmt: skip


def test_names_only_reingest_reads_no_file(
    tmp_path: Path, later_bulletin: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "a.db")
    run("ingest", str(later_bulletin), "--db", db)

    def boom(*args: object) -> None:
        raise AssertionError("a bulletin was read again")

    monkeypatch.setattr(archive.ingest, "read_document", boom)
    code, out = run("ingest", str(later_bulletin), "--db", db)
    assert code == 0 and "0 ingested, 1 unchanged" in out


def test_names_check_points_at_lines(tmp_path: Path) -> None:
    names = tmp_path / "names.yaml"
    names.write_text(
        "# people edit this\n"
        "entities:\n"
        "  - {name: 区民政局, kind: department, aliases: [民政局], valid_to: 2021-1}\n"
        "  - {name: 区商务局, kind: department, aliases: [民政局]}\n"
        "  - {name: 区社会保险事务中心, kind: department, aliases: [区社保局], colour: red}\n"
        "never_merge:\n"
        "  - [区社保局, 区社会保险事务中心]\n",
        encoding="utf-8",
    )
    code, out = run("names", "check", "--names", str(names))
    assert code == 1
    assert out.splitlines() == [
        f"{names}: line 3: valid_to '2021-1' of '区民政局' must be YYYY-MM",
        f"{names}: line 4: '民政局' already names '区民政局'",
        f"{names}: line 5: unknown keys ['colour']; allowed: ['aliases', 'kind', 'name', 'parent', 'successor', 'valid_from', 'valid_to']",
        f"{names}: line 7: '区社保局' and '区社会保险事务中心' must never merge, but both name '区社会保险事务中心'",
    ]
    names.write_text("entities:\n  - {name: 区民政局, kind: department\n", encoding="utf-8")
    code, out = run("names", "check", "--names", str(names))
    assert code == 1 and out.startswith(f"{names}: line 3: not valid YAML")
    assert run("names", "check", "--names", str(CORPUS / "names.yaml")) == (
        0,
        f"{CORPUS / 'names.yaml'}: ok\n",
    )
