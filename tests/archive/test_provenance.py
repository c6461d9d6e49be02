"""Every fact leads back to its cell and its line; the archive keeps the checks' cells."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

from click.testing import CliRunner
from datasette.app import Datasette

from archive.cli import main
from normalize.catalog import Catalog
from normalize.names import NameBook
from tests.helpers import DEC, SEP, ingest_into


def test_every_fact_leads_to_its_cell_and_line(
    tmp_path: Path, catalog: Catalog, names: NameBook
) -> None:
    db, _ = ingest_into(tmp_path / "a.db", [SEP, DEC], catalog, names)
    sources = {p.name: p.read_text(encoding="utf-8").split("\n") for p in (SEP, DEC)}
    rows = db.execute(
        'SELECT f.bulletin, f.table_kind, f.value_raw, f.line, f.cell_id, c.text, c.line, c."row", '
        'c.col, f."row", f.col, t.table_no, f.table_no '
        "FROM facts_readable f LEFT JOIN cells c ON c.id = f.cell_id "
        "LEFT JOIN source_tables t ON t.id = c.table_id"
    ).fetchall()
    assert len(rows) == 922
    for (
        bulletin,
        kind,
        raw,
        line,
        cell_id,
        text,
        cell_line,
        crow,
        ccol,
        frow,
        fcol,
        tno,
        ftno,
    ) in rows:
        source_line = sources[bulletin][line - 1]
        if kind == "headline":
            assert cell_id is None and raw in source_line
            continue
        assert (text, cell_line, crow, ccol, tno) == (raw, line, frow, fcol, ftno)
        assert source_line.strip() in (f"{raw} |", raw), (bulletin, line, source_line)


def test_checks_keep_their_cells(tmp_path: Path, catalog: Catalog, names: NameBook) -> None:
    db, _ = ingest_into(tmp_path / "a.db", [SEP], catalog, names)
    (cells,) = db.execute(
        "SELECT cells FROM checks WHERE status = 'mismatch' AND metric = 'applications'"
    ).fetchone()
    raws = [
        db.execute(
            "SELECT table_kind, value_raw, line FROM facts_readable WHERE fact_id = ?", [i]
        ).fetchone()
        for i in json.loads(cells)
    ]
    assert raws == [
        ("headline", "5331件", 3),
        ("town_centers", "4904", 1089),
        ("town_centers", "5331", 1088),
    ]


def test_check_command(tmp_path: Path, catalog: Catalog, names: NameBook) -> None:
    ingest_into(tmp_path / "a.db", [SEP, DEC], catalog, names)
    runner = CliRunner()
    result = runner.invoke(main, ["check", "--db", str(tmp_path / "a.db")], env={"COLUMNS": "300"})
    assert result.exit_code == 0
    lines = [line for line in result.output.splitlines() if "│" in line]
    assert "mismatch" in lines[0] and "'咨询(件)' holds 5331" in result.output
    assert result.output.splitlines()[-1] == "2 mismatch, 5 not_applicable, 70 ok"
    strict = runner.invoke(
        main, ["check", "--db", str(tmp_path / "a.db"), "--strict", "--status", "ok"]
    )
    assert strict.exit_code == 1  # --strict: any mismatch in the archive, whatever is shown
    strict = runner.invoke(main, ["check", "--db", str(tmp_path / "a.db"), "--strict"])
    assert strict.exit_code == 1
    missing = runner.invoke(main, ["check", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 1
    assert (
        missing.output
        == f"Error: {tmp_path / 'none.db'} not found; run `bulletins ingest corpus/` first\n"
    )


def test_datasette_shows_provenance_as_links(
    tmp_path: Path, catalog: Catalog, names: NameBook
) -> None:
    db, _ = ingest_into(tmp_path / "a.db", [SEP], catalog, names)
    fact_id, cell_id, table_id = db.execute(
        "SELECT fact_id, cell_id, table_id FROM facts_readable WHERE value_raw = '4406'"
    ).fetchone()

    async def page() -> str:
        ds = Datasette([str(tmp_path / "a.db")])
        response = await ds.client.get(f"/a/facts_readable?fact_id={fact_id}")
        assert response.status_code == 200
        return response.text

    links = set(re.findall(r'<a href="(/a/[^"?]+(?:\?path=[^"]+)?)">', asyncio.run(page())))
    assert {
        f"/a/facts/{fact_id}",
        f"/a/cells/{cell_id}",
        f"/a/source_tables/{table_id}",
        f"/a/bulletins?path={SEP.name}",
    } <= links
