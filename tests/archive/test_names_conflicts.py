"""One printed name per entity within a bulletin: a refused match is kept per bulletin
with its reason; an explicit accept: wins, and `names check` says so."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils
from click.testing import CliRunner

from archive.cli import main
from normalize.catalog import Catalog
from normalize.names import NameBook
from tests.helpers import CORPUS, DEC, SEP, ingest_into

WHY = "the same bulletin also prints 区发展改革局 for 区发展改革局"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def two_bulletins(folder: Path) -> tuple[Path, Path]:
    """2022-09 printing 西区发展改革局 on 区民政局's rows beside its 区发展改革局, and
    2020-12 printing 西区发展改革局 for its only 发展改革局."""
    folder.mkdir()
    sep, dec = folder / SEP.name, folder / DEC.name
    sep.write_text(SEP.read_text(encoding="utf-8").replace("区民政局", "西区发展改革局"), "utf-8")
    dec.write_text(
        DEC.read_text(encoding="utf-8").replace("\t区发展改革局", "\t西区发展改革局"), "utf-8"
    )
    return sep, dec


def test_a_refused_name_is_kept_for_its_bulletin_only_with_the_reason(
    tmp_path: Path, catalog: Catalog, names: NameBook
) -> None:
    sep, dec = two_bulletins(tmp_path / "in")
    db, report = ingest_into(tmp_path / "a.db", [sep, dec], catalog, names)
    assert report.unresolved == 1
    per_bulletin = db.execute(
        "SELECT bulletin, entity, COUNT(*) FROM facts_readable "
        "WHERE entity_raw = '西区发展改革局' GROUP BY 1, 2 ORDER BY 1"
    ).fetchall()
    assert per_bulletin == [("2020-12_xiqu_zwfw.txt", "区发展改革局", 4), (SEP.name, None, 17)]
    overrides = db.execute(
        "SELECT b.path, o.raw, o.entity_id, o.method, o.reason FROM resolution_overrides o "
        "JOIN bulletins b ON b.id = o.bulletin_id"
    ).fetchall()
    assert overrides == [(SEP.name, "西区发展改革局", None, "conflict", WHY)]
    unresolved = db.execute(
        "SELECT name, method, facts, bulletins, first_seen_in, reason FROM unresolved_names"
    ).fetchall()
    assert unresolved == [("西区发展改革局", "conflict", 17, 1, SEP.name, WHY)]
    # the bulletin's own 区发展改革局 keeps its entity
    own = db.execute(
        "SELECT DISTINCT entity FROM facts_readable WHERE bulletin = ? AND entity_raw = '区发展改革局'",
        [SEP.name],
    ).fetchall()
    assert own == [("区发展改革局",)]


def test_an_accept_that_conflicts_wins_and_names_check_says_so(tmp_path: Path) -> None:
    sep, dec = two_bulletins(tmp_path / "in")
    names = tmp_path / "names.yaml"
    names.write_text(
        (CORPUS / "names.yaml").read_text(encoding="utf-8")
        + "suggestions:\n  - raw: 西区发展改革局\n    accept: 区发展改革局\n",
        encoding="utf-8",
    )
    db_path = str(tmp_path / "a.db")
    code, out = run("ingest", str(sep), str(dec), "--db", db_path, "--names", str(names))
    assert code == 0, out
    db = sqlite_utils.Database(db_path)
    assert db.execute("SELECT COUNT(*) FROM resolution_overrides").fetchone() == (0,)
    entities = db.execute(
        "SELECT DISTINCT bulletin, entity_raw, entity FROM facts_readable "
        "WHERE entity_raw LIKE '%发展改革局' ORDER BY 1, 2"
    ).fetchall()
    assert entities == [
        ("2020-12_xiqu_zwfw.txt", "西区发展改革局", "区发展改革局"),
        (SEP.name, "区发展改革局", "区发展改革局"),
        (SEP.name, "西区发展改革局", "区发展改革局"),
    ]
    code, out = run("names", "check", "--names", str(names), "--db", db_path)
    assert code == 0, out
    assert out.splitlines() == [
        f"{names}: notice: accept: 西区发展改革局 → 区发展改革局 stands, although "
        f"{SEP.name} also prints 区发展改革局 for 区发展改革局",
        f"{names}: ok",
    ]
    # without the archive there is nothing to compare with
    code, out = run("names", "check", "--names", str(names), "--db", str(tmp_path / "none.db"))
    assert (code, out) == (0, f"{names}: ok\n")
