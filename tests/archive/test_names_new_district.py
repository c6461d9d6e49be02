"""Starting a district with an empty names file: clusters, `accept: new`, `names fold`."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils
from click.testing import CliRunner
from ruamel.yaml import YAML

from archive.cli import main
from normalize.names import load_names
from normalize.suggest import Suggestion, cluster
from tests.helpers import DEC

EMPTY = "# names of a new district\nentities: []\n"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def two_months(folder: Path) -> list[Path]:
    """The 2020-12 sample, and a month later with long forms of two names."""
    text = DEC.read_text(encoding="utf-8")
    later = text.replace("\t残联", "\t区残疾人联合会").replace("12月", "11月")
    folder.mkdir()
    (folder / "2020-12.txt").write_text(text, encoding="utf-8")
    (folder / "2020-11.txt").write_text(later, encoding="utf-8")
    return sorted(folder.iterdir())


def suggestion_of(names: Path, raw: str) -> dict[str, object]:
    data = YAML(typ="safe").load(names.read_text(encoding="utf-8"))
    found = [s for s in data["suggestions"] if s["raw"] == raw or raw in (s.get("also") or [])]
    assert len(found) == 1
    return dict(found[0])


def test_clusters_of_spellings_become_one_new_entity(tmp_path: Path) -> None:
    names = tmp_path / "names.yaml"
    names.write_text(EMPTY, encoding="utf-8")
    db = str(tmp_path / "a.db")
    bulletins = two_months(tmp_path / "bulletins")
    code, out = run("ingest", *map(str, bulletins), "--db", db, "--names", str(names))
    assert code == 0, out
    code, out = run("names", "suggest", "--db", db, "--names", str(names))
    assert code == 0, out
    disabled = suggestion_of(names, "残联")
    assert disabled["propose"] == "区残疾人联合会" and disabled["kind"] == "department"
    assert {disabled["raw"], *disabled["also"]} == {"残联", "区残疾人联合会"}  # type: ignore[misc]
    assert suggestion_of(names, "民政和扶贫开发局").get("also") is None

    text = names.read_text(encoding="utf-8")
    raw = disabled["raw"]
    names.write_text(
        text.replace(f"- raw: {raw}\n    accept:\n", f"- raw: {raw}\n    accept: new\n")
    )
    code, out = run("ingest", *map(str, bulletins), "--db", db, "--names", str(names))
    assert code == 0, out
    rows = (
        sqlite_utils.Database(db)
        .execute(
            "SELECT DISTINCT period, entity_raw, entity FROM facts_readable "
            "WHERE entity = '区残疾人联合会' ORDER BY period"
        )
        .fetchall()
    )
    assert rows == [
        ("2020-11", "区残疾人联合会", "区残疾人联合会"),
        ("2020-12", "残联", "区残疾人联合会"),
    ]

    code, out = run("names", "fold", "--names", str(names))
    assert code == 0 and "1 aliases added, 1 entities created" in out
    book = load_names(names)
    assert book.entities["区残疾人联合会"].kind == "department"
    assert book.entities["区残疾人联合会"].aliases == ("残联",)
    assert "区残疾人联合会" not in names.read_text(encoding="utf-8").split("suggestions:")[1]
    assert names.read_text(encoding="utf-8").startswith(EMPTY.splitlines()[0])
    code, out = run("ingest", *map(str, bulletins), "--db", db, "--names", str(names))
    assert code == 0
    methods = (
        sqlite_utils.Database(db)
        .execute(
            "SELECT raw, method FROM names_resolved WHERE entity = '区残疾人联合会' ORDER BY raw"
        )
        .fetchall()
    )
    assert methods == [("区残疾人联合会", "name"), ("残联", "alias")]


def test_accept_new_is_refused_for_a_name_already_taken(tmp_path: Path) -> None:
    names = tmp_path / "names.yaml"
    names.write_text(
        "entities:\n  - {name: 区残联, kind: department}\n"
        "suggestions:\n  - {raw: 区残联, accept: 区残疾人联合会}\n",
        encoding="utf-8",
    )
    code, out = run("names", "check", "--names", str(names))
    assert code == 1
    assert "accept '区残疾人联合会' is not an entity name (write an entity's name, or `new`" in out


def test_cluster_keeps_different_units_apart() -> None:
    def s(raw: str, n: int) -> Suggestion:
        return Suggestion(raw, n, n, "x.txt", [])

    from normalize.matching import Matcher
    from normalize.names import NameBook

    same = Matcher(NameBook()).same_unit
    out = cluster([s("区医疗保障局", 3), s("区医保局", 2), s("区社保局", 2), s("区残联", 1)], same)
    assert [(o.raw, o.also, o.propose, o.bulletins) for o in out] == [
        ("区医疗保障局", ("区医保局",), "区医疗保障局", 5),
        ("区社保局", (), "区社保局", 2),
        ("区残联", (), "区残联", 1),
    ]
