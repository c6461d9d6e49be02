"""Hostile paths and sizes: each refused in one line while the rest lands; memory bounded;
YAML bombs refused; database problems one line; stray control characters shift nothing."""

from __future__ import annotations

import os
import resource
import shutil
import socket
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

import archive.cli
from archive.cli import main
from archive.database import open_for_writing
from archive.paths import Refused, walk
from normalize.names import NamesError, load_names
from normalize.yamlload import MAX_YAML_BYTES, YamlError, load_yaml
from tests.helpers import CORPUS, DEC

GIB = 1 << 30


def bulletins_command() -> list[str]:
    script = Path(sys.executable).with_name("bulletins")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from archive.cli import main; main()"]


def test_odd_files_in_a_folder_are_refused_one_line_each_and_the_rest_lands(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(DEC, folder / "good.txt")
    with open(os.fsencode(folder) + b"/bad-\xff\xfe.txt", "wb") as handle:
        handle.write(DEC.read_bytes())
    os.mkfifo(folder / "pipe.txt")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(folder / "sock.txt"))
    os.symlink("loop.txt", folder / "loop.txt")
    (folder / "dir.txt").mkdir()
    try:
        db = tmp_path / "a.db"
        result = CliRunner().invoke(main, ["ingest", str(folder), "--db", str(db)])
    finally:
        listener.close()
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert sorted(line for line in lines if line.startswith("error:")) == [
        "error: bad-\ufffd\ufffd.txt: the file name is not valid UTF-8; rename the file",
        "error: loop.txt: cannot read: Too many levels of symbolic links",
        "error: pipe.txt: not a regular file (a FIFO, device, socket or broken link); skipped",
        "error: sock.txt: not a regular file (a FIFO, device, socket or broken link); skipped",
    ]
    assert "Traceback" not in result.output
    assert lines[-1].startswith("1 ingested, 0 unchanged, 4 failed; 90 facts")
    stored = sqlite_utils.Database(db).execute("SELECT path, n_facts FROM bulletins")
    assert stored.fetchall() == [("good.txt", 90)]


def test_a_fifo_or_a_device_named_on_the_command_line_is_refused_without_hanging(
    tmp_path: Path,
) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    found = list(walk([tmp_path / "pipe.txt", Path("/dev/null")]))
    assert found == [
        Refused("pipe.txt", "not a regular file"),
        Refused("null", "not a regular file"),
    ]


def test_a_200_mb_text_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(DEC, folder / "good.txt")
    big = folder / "big.txt"
    with big.open("wb") as handle:
        line = ("\t区社保局\t2586\n" * 4096).encode("utf-8")
        while handle.tell() < 200 * 1024 * 1024:
            handle.write(line)
    size = big.stat().st_size
    proc = subprocess.run(
        [*bulletins_command(), "ingest", str(folder), "--db", str(tmp_path / "a.db")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 1
    assert (
        f"error: big.txt: too large ({size:,} bytes; the limit is 67,108,864, see --max-size)"
    ) in proc.stderr
    assert "1 ingested, 0 unchanged, 1 failed; 90 facts" in proc.stderr
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # Linux: KiB
    assert peak_kib * 1024 < GIB


def test_a_zip_that_unpacks_past_the_limit_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (9 * 1024 * 1024))
    assert bomb.stat().st_size < 1024 * 1024
    found = list(walk([bomb], max_bytes=2 * 1024 * 1024))
    assert found == [
        Refused("bomb.docx", "unpacks to 9,437,184 bytes; the limit is 8,388,608"),
    ]


def billion_laughs(levels: int = 9) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, levels):
        prev, name = chr(ord("a") + n - 1), chr(ord("a") + n)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_a_billion_laughs_names_file_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "names.yaml"
    bomb.write_text(billion_laughs(), encoding="utf-8")
    with pytest.raises(NamesError, match="aliases expand past 1,000,000 nodes"):
        load_names(bomb)
    result = CliRunner().invoke(
        main, ["ingest", str(DEC), "--db", str(tmp_path / "a.db"), "--names", str(bomb)]
    )
    assert result.exit_code == 1
    assert result.output.startswith(
        f"Error: {bomb}: aliases expand past 1,000,000 nodes; refused (a YAML bomb?)"
    )
    assert not (tmp_path / "a.db").exists()


def test_yaml_aliases_within_the_limit_still_load(tmp_path: Path) -> None:
    small = tmp_path / "x.yaml"
    small.write_text(billion_laughs(levels=3), encoding="utf-8")
    data = load_yaml(small)
    assert data["c"][0][0] == ["lol"] * 9
    assert len(data["c"]) == 9


def test_an_oversized_yaml_file_is_refused_before_parsing(tmp_path: Path) -> None:
    big = tmp_path / "metrics.yaml"
    big.write_text("# " + "x" * MAX_YAML_BYTES + "\n", encoding="utf-8")
    with pytest.raises(YamlError, match=r"too large \(4,194,307 bytes; the limit is 4,194,304\)"):
        load_yaml(big)
    result = CliRunner().invoke(main, ["ingest", str(DEC), "--metrics", str(big)])
    assert result.output == (
        f"Error: {big}: cannot read the metric catalog: "
        "too large (4,194,307 bytes; the limit is 4,194,304)\n"
    )


def test_a_damaged_database_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    db.write_bytes(b"this is not a database" * 100)
    result = CliRunner().invoke(main, ["ingest", str(DEC), "--db", str(db)])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {db} is not an archive or is damaged (file is not a database); "
        "move it aside and ingest again\n"
    )
    result = CliRunner().invoke(main, ["check", "--db", str(db)])
    assert result.output.startswith(f"Error: {db} is not an archive or is damaged")


def test_a_missing_folder_for_the_database_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "nowhere" / "a.db"
    result = CliRunner().invoke(main, ["ingest", str(DEC), "--db", str(db)])
    assert result.exit_code == 1
    assert result.output == f"Error: {db}: No such file or directory\n"


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("read-only", "{db} is read-only; make it writable or choose another --db"),
        (
            "full",
            "no space left to write {db}; free some space and run again "
            "(bulletins stored so far are kept)",
        ),
    ],
)
def test_a_read_only_or_full_database_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str, message: str
) -> None:
    db = tmp_path / "a.db"
    open_for_writing(db).conn.close()

    def opened(path: Path) -> sqlite_utils.Database:
        if how == "read-only":  # root may write any file: ask SQLite for read-only itself
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        else:  # a disk that is full after a few pages
            conn = sqlite3.connect(path)
            conn.execute("PRAGMA max_page_count = 30")
        return sqlite_utils.Database(conn)

    monkeypatch.setattr(archive.cli, "open_for_writing", opened)
    result = CliRunner().invoke(main, ["ingest", str(DEC), "--db", str(db)])
    assert result.exit_code == 1
    assert result.output == f"Error: {message.format(db=db)}\n"


def test_a_second_ingest_on_the_same_archive_stops_with_one_line(tmp_path: Path) -> None:
    from archive.database import writer_lock

    db = tmp_path / "a.db"
    with writer_lock(db):
        result = CliRunner().invoke(main, ["ingest", str(DEC), "--db", str(db)])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {db} is being written by another `bulletins ingest` (pid {os.getpid()}); "
        "run again when it has finished\n"
    )
    result = CliRunner().invoke(main, ["ingest", str(DEC), "--db", str(db)])
    assert result.exit_code == 0, result.output


def header_and_facts(db: sqlite_utils.Database, path: str) -> list[tuple[object, ...]]:
    return db.execute(
        'SELECT table_kind, metric, value, "row", col, row_role FROM facts_readable '
        "WHERE bulletin = ? ORDER BY fact_id",
        [path],
    ).fetchall()


def test_a_bare_cr_or_control_character_in_a_cell_never_shifts_a_header(
    tmp_path: Path,
) -> None:
    text = DEC.read_text(encoding="utf-8")
    for old in ("\t系统受理数\n", "\t部门\n", "\t区社保局\n", "\t2586\n"):
        assert text.count(old) == 1, old
    damaged = (
        text.replace("\t系统受理数\n", "\t系统\r受理数\n")
        .replace("\t部门\n", "\t部\x0b门\x0c\n")
        .replace("\t区社保局\n", "\t区社保局\r\n\x1c")
        .replace("\t2586\n", "\t2586\r\n")
    )
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "clean.txt").write_text(text, encoding="utf-8")
    (folder / "damaged.txt").write_bytes(damaged.encode("utf-8"))
    db_path = tmp_path / "a.db"
    result = CliRunner().invoke(main, ["ingest", str(folder), "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    db = sqlite_utils.Database(db_path)
    clean = header_and_facts(db, "clean.txt")
    assert len(clean) == 90
    assert header_and_facts(db, "damaged.txt") == clean
    accepted = db.execute(
        "SELECT bulletin, entity_raw, header, value FROM facts_readable "
        "WHERE entity_raw = '区社保局' AND metric = 'accepted' ORDER BY bulletin"
    ).fetchall()
    assert accepted == [
        ("clean.txt", "区社保局", "系统受理数", 2586.0),
        ("damaged.txt", "区社保局", "系统受理数", 2586.0),  # the CR became a space, folded
    ]


def test_the_names_file_still_loads(tmp_path: Path) -> None:
    book = load_names(CORPUS / "names.yaml")
    assert "区社会保险事务中心" in book.entities


def test_a_fifo_swapped_in_after_the_walk_does_not_block_hashing(tmp_path: Path) -> None:
    from archive.ingest import sha256_of

    os.mkfifo(tmp_path / "late.txt")
    with pytest.raises(OSError, match="not a regular file"):
        sha256_of(tmp_path / "late.txt")
    (tmp_path / "ok.txt").write_bytes(b"abc")
    assert sha256_of(tmp_path / "ok.txt") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )


def test_a_50_mb_text_file_of_one_line_is_refused_quickly_in_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(DEC, folder / "good.txt")
    with (folder / "one.txt").open("wb") as handle:  # a table's rows without line ends
        for _ in range(50):
            handle.write(("\t区社保局\t2586" * 52429).encode("utf-8")[: 1024 * 1024])
    proc = subprocess.run(
        [*bulletins_command(), "ingest", str(folder), "--db", str(tmp_path / "a.db")],
        capture_output=True,
        text=True,
        timeout=120,  # it hung for more than ten minutes when the text reader got it
    )
    assert proc.returncode == 1
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        "error: one.txt: line 1 is longer than 65,536 bytes (64 KiB): a bulletin's lines are "
        "paragraphs and table rows; this file is not a text bulletin, or it lost its line breaks"
    ]
    assert "Traceback" not in proc.stderr
    assert "1 ingested, 0 unchanged, 1 failed; 90 facts" in proc.stderr
    db = sqlite_utils.Database(tmp_path / "a.db")
    assert db.execute("SELECT path, stage FROM failures").fetchall() == [("one.txt", "extract")]
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # Linux: KiB
    assert peak_kib * 1024 < GIB


def test_turned_pdf_pages_are_refused_and_a_scanned_page_is_skipped(tmp_path: Path) -> None:
    """tests/fixtures/build_pdf_probe.py: the same annex upright, turned 90°, turned and
    marked /Rotate (a viewer shows it upright), upside down, and after a scanned page."""
    pdfs = Path(__file__).parents[1] / "fixtures" / "pdf"
    folder = tmp_path / "in"
    folder.mkdir()
    for path in pdfs.glob("probe-*.pdf"):
        shutil.copy(path, folder / path.name)
    db_path = tmp_path / "a.db"
    result = CliRunner().invoke(main, ["ingest", str(folder), "--db", str(db_path)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert sorted(line for line in result.output.splitlines() if line.startswith("error:")) == [
        "error: probe-rotated_landscape_page.pdf: page 2 is turned 90° (its text runs "
        "sideways); turn the page upright (e.g. qpdf --rotate=+90:2 in.pdf out.pdf) and "
        "ingest the copy",
        "error: probe-upside_down_page.pdf: page 2 is upside down; turn the page upright "
        "(e.g. qpdf --rotate=+180:2 in.pdf out.pdf) and ingest the copy",
    ]
    db = sqlite_utils.Database(db_path)
    assert db.execute("SELECT path, stage FROM failures ORDER BY path").fetchall() == [
        ("probe-rotated_landscape_page.pdf", "extract"),
        ("probe-upside_down_page.pdf", "extract"),
    ]
    annex = [
        ("政务服务中心", "cases", 2754.0),  # the headline sentence on page 1
        ("政务服务中心", "completed", 2745.0),
        ("区社保局", "accepted", 2586.0),
        ("区社保局", "completed", 2580.0),
        ("区民政局", "accepted", 123.0),
        ("区民政局", "completed", 120.0),
        ("区医保局", "accepted", 45.0),
        ("区医保局", "completed", 45.0),
        ("合计", "accepted", 2754.0),
        ("合计", "completed", 2745.0),
    ]
    for name in (
        "probe-upright_landscape_page.pdf",
        "probe-rotated_page_marked.pdf",
        "probe-image_page_in_text.pdf",
    ):
        facts = db.execute(
            "SELECT entity_raw, metric, value FROM facts_readable "
            "WHERE bulletin = ? ORDER BY fact_id",
            [name],
        ).fetchall()
        assert facts == annex, name
    # The skipped page is said where the bulletin's other warnings are.
    (scanned,) = db.execute(
        "SELECT w.message FROM warnings w JOIN bulletins b ON b.id = w.bulletin_id "
        "WHERE b.path = 'probe-image_page_in_text.pdf' AND w.message LIKE 'page 2%'"
    ).fetchall()
    assert scanned == (
        "page 2 is an image without a text layer (a scanned page); skipped, its figures are "
        "not read — OCR the file (e.g. ocrmypdf -l chi_sim) to read them",
    )
