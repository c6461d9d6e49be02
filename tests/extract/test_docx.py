"""The Word readers: merges as spans, body order, page furniture, nesting, broken files, .doc."""

from __future__ import annotations

import io
import json
import os
import sys
import zipfile
from pathlib import Path

import pytest
from docx import Document as new_docx
from docx.oxml import parse_xml

import extract.legacy
from extract.document import Document, Table
from extract.docx import LAYOUT_NESTED, UnreadableWord, read_docx
from extract.errors import EmptyFile, UnsupportedFormat
from extract.legacy import ConversionFailed
from extract.reader import read_document
from tests.helpers import DEC, SEP

SOURCES = Path(__file__).parents[1] / "fixtures" / "sources"
SEP_DOCX = SOURCES / "2022-09_xiqu_zwfw.docx"
DEC_DOCX = SOURCES / "2020-12_xiqu_zwfw.docx"
LAYOUT_DOCX = SOURCES / "2020-12_layout_tables.docx"
LEGACY_DOC = SOURCES / "2020-12_layout_tables.doc"
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
MC_NS = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'


def grid_texts(table: Table) -> list[list[tuple[str, int, int] | None]]:
    return [[(c.text, c.rowspan, c.colspan) if c else None for c in row] for row in table.grid()]


def spans(table: Table, row: int) -> list[tuple[str, int, int, int]]:
    return [(c.text, c.col, c.rowspan, c.colspan) for c in table.row_cells(row)]


def word_file(path: Path, body: str) -> Path:
    """A .docx whose body is the given WordprocessingML (elements of w:body)."""
    document = new_docx()
    root = document.element.body
    for child in list(root):
        if not child.tag.endswith("sectPr"):
            root.remove(child)
    wrapper = parse_xml(f"<w:body {W_NS} {MC_NS}>{body}</w:body>")
    for i, element in enumerate(list(wrapper)):
        root.insert(i, element)
    document.save(str(path))
    return path


def p(text: str) -> str:
    return f"<w:p><w:r><w:t xml:space='preserve'>{text}</w:t></w:r></w:p>"


def tc(text: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{p(text)}</w:tc>"


def tbl(*rows: str) -> str:
    return "<w:tbl>" + "".join(rows) + "</w:tbl>"


def tr(*cells: str, props: str = "") -> str:
    return f"<w:tr><w:trPr>{props}</w:trPr>" + "".join(cells) + "</w:tr>"


NUMBERS = tbl(tr(tc("部门"), tc("办件数")), tr(tc("区民政局"), tc("60")))


@pytest.fixture(scope="module")
def dec_docx() -> Document:
    return read_document(DEC_DOCX, DEC_DOCX.name)


def test_fixture_uses_real_word_merges() -> None:
    with zipfile.ZipFile(SEP_DOCX) as package:
        xml = package.read("word/document.xml").decode("utf-8")
    assert xml.count('<w:vMerge w:val="restart"/>') == 8 and "<w:vMerge/>" in xml
    assert '<w:gridSpan w:val="7"/>' in xml and '<w:gridSpan w:val="10"/>' in xml


def test_merges_become_spans_equal_to_the_text_grids() -> None:
    doc = read_document(SEP_DOCX, SEP_DOCX.name)
    text = read_document(SEP)
    assert (doc.format, doc.encoding) == ("docx", "utf-8")
    assert [grid_texts(t) for t in doc.tables] == [grid_texts(t) for t in text.tables]
    assert spans(doc.tables[0], 0) == [
        ("序号", 0, 2, 1),
        ("部门", 1, 2, 1),
        ("事项梳理", 2, 1, 7),
        ("运行效能", 9, 1, 10),
    ]
    town = next(c for c in doc.tables[2].cells if c.text == "格里坪镇")
    assert (town.row, town.col, town.rowspan, town.colspan) == (1, 0, 10, 1)
    assert spans(doc.tables[1], 21)[0] == ("总计", 0, 1, 2)
    assert [t.caption for t in doc.tables] == [t.caption for t in text.tables]
    assert all(c.source.line_start is None for t in doc.tables for c in t.cells)


def test_paragraphs_in_order_date_line_first_footer_dropped(dec_docx: Document) -> None:
    text = read_document(DEC)
    assert [b.text for b in dec_docx.blocks] == [b.text for b in text.blocks]
    assert dec_docx.blocks[0].text == "攀枝花市西区行政审批局 2021年1月13日"
    assert dec_docx.table_positions == [5]
    with zipfile.ZipFile(DEC_DOCX) as package:  # the footer is there, in its own part
        assert "- 7 -" in package.read("word/footer1.xml").decode("utf-8")
    assert not any("- 7 -" in b.text for b in dec_docx.blocks)


def test_layout_tables_date_cells_and_nested_data_table_flagged() -> None:
    doc = read_document(LAYOUT_DOCX, LAYOUT_DOCX.name)
    text = read_document(DEC)
    assert [b.text for b in doc.blocks[:2]] == ["攀枝花市西区行政审批局", "2021年1月13日"]
    assert "西区政务服务工作通报" not in [b.text for b in doc.blocks]  # the page header
    assert [grid_texts(t) for t in doc.tables] == [grid_texts(t) for t in text.tables]
    assert doc.tables[0].caption == text.tables[0].caption
    assert doc.tables[0].warnings == [LAYOUT_NESTED]


def test_data_table_nested_in_a_data_cell_is_flagged(tmp_path: Path) -> None:
    nested = tbl(tr(tc("窗口"), tc("办件数")), tr(tc("社保窗口"), tc("12")))
    body = tbl(
        tr(tc("部门"), tc("办件数"), tc("备注")),
        tr(tc("区民政局"), tc("60"), f"<w:tc>{p('见下表')}{nested}{p('')}</w:tc>"),
    )
    doc = read_docx(word_file(tmp_path / "n.docx", body), "n.docx")
    outer, inner = doc.tables
    assert outer.row_cells(1)[2].text == "见下表"
    assert outer.warnings == ["a cell in row 2 holds a nested table, read as table 2"]
    assert spans(inner, 1) == [("社保窗口", 0, 1, 1), ("12", 1, 1, 1)]


def test_grid_before_legacy_hmerge_and_orphan_vmerge(tmp_path: Path) -> None:
    body = tbl(
        tr(tc("便民服务中心", "<w:gridSpan w:val='2'/>"), tc("受理"), tc("办结")),
        tr(tc("格里坪镇", "<w:vMerge w:val='restart'/>"), tc("格里坪镇中心"), tc("960"), tc("960")),
        tr(tc("", "<w:vMerge/>"), tc("金林社区中心"), tc("46"), tc("46")),
        tr(tc("金沙社区中心"), tc("86"), tc("86"), props="<w:gridBefore w:val='1'/>"),
        tr(
            tc("总计", "<w:hMerge w:val='restart'/>"), tc("", "<w:hMerge/>"), tc("1092"), tc("1092")
        ),
        tr(tc("", "<w:vMerge/>"), tc("备注"), tc("-"), tc("-")),
    )
    table = read_docx(word_file(tmp_path / "m.docx", body), "m.docx").tables[0]
    assert spans(table, 0) == [("便民服务中心", 0, 1, 2), ("受理", 2, 1, 1), ("办结", 3, 1, 1)]
    assert spans(table, 1)[0] == ("格里坪镇", 0, 2, 1)
    assert spans(table, 2) == [("金林社区中心", 1, 1, 1), ("46", 2, 1, 1), ("46", 3, 1, 1)]
    assert spans(table, 3) == [
        ("", 0, 1, 1),
        ("金沙社区中心", 1, 1, 1),
        ("86", 2, 1, 1),
        ("86", 3, 1, 1),
    ]
    assert spans(table, 4)[0] == ("总计", 0, 1, 2)
    assert spans(table, 5)[0] == ("", 0, 1, 1)  # a continuation under no merge is a cell


def test_runs_breaks_text_boxes_deletions_and_page_numbers(tmp_path: Path) -> None:
    box = (
        "<w:r><mc:AlternateContent><mc:Choice Requires='wps'><w:drawing><w:txbxContent>"
        f"{p('攀枝花市西区行政审批局 2021年1月13日')}</w:txbxContent></w:drawing></mc:Choice>"
        f"<mc:Fallback><w:pict><w:txbxContent>{p('旧副本')}</w:txbxContent></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r>"
    )
    body = (
        f"<w:p><w:r><w:t>12月</w:t></w:r>{box}<w:del><w:r><w:delText>11月</w:delText></w:r></w:del>"
        "<w:r><w:t>政务</w:t><w:tab/><w:t>服务</w:t><w:br/><w:t>第二行</w:t></w:r></w:p>"
        + p("- 7 -")
        + tbl(
            tr(
                tc("部门"),
                "<w:tc><w:p><w:r><w:t>大厅窗口</w:t><w:br/><w:t>办件数</w:t></w:r></w:p></w:tc>",
            ),
            tr(tc("区民政局"), "<w:tc>" + p("60") + p("") + "</w:tc>"),
        )
        + "<w:sdt><w:sdtContent>"
        + p("（区科技局供稿）")
        + "</w:sdtContent></w:sdt>"
    )
    doc = read_docx(word_file(tmp_path / "r.docx", body), "r.docx")
    assert [b.text for b in doc.blocks] == [
        "12月政务 服务",
        "第二行",
        "攀枝花市西区行政审批局 2021年1月13日",
        "（区科技局供稿）",
    ]
    assert [c.text for c in doc.tables[0].row_cells(0)] == ["部门", "大厅窗口 办件数"]
    assert [c.text for c in doc.tables[0].row_cells(1)] == ["区民政局", "60"]


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "cut.docx"
    path.write_bytes(SEP_DOCX.read_bytes()[:4000])
    with pytest.raises(UnreadableWord) as err:
        read_document(path, "cut.docx")
    assert str(err.value) == (
        "cut.docx: not a readable Word document: its ZIP container is damaged or cut off "
        "(File is not a zip file); open it in Word and save it again"
    )


def zip_of(path: Path, parts: dict[str, str]) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, text in parts.items():
            package.writestr(name, text)
    path.write_bytes(buffer.getvalue())
    return path


@pytest.mark.parametrize(
    ("parts", "reason"),
    [
        ({}, "an empty ZIP archive, not a Word document"),
        ({"xl/workbook.xml": "<workbook/>"}, "an Excel workbook (.xlsx), not a Word document"),
        (
            {"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"},
            "an OpenDocument file (.odt?), not a Word document; save it as .docx",
        ),
        (
            {"2022-09.txt": "序号 |"},
            "a ZIP archive, not a Word document (no word/ part); unpack it and ingest its files",
        ),
    ],
)
def test_zip_that_is_not_a_word_document(
    tmp_path: Path, parts: dict[str, str], reason: str
) -> None:
    path = zip_of(tmp_path / "x.docx", parts)
    with pytest.raises(UnreadableWord) as err:
        read_document(path, "x.docx")
    assert str(err.value) == f"x.docx: {reason}"


def test_word_part_that_is_not_xml(tmp_path: Path) -> None:
    path = tmp_path / "bad.docx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(DEC_DOCX) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, b"<w:document" if item.filename == "word/document.xml" else data)
    path.write_bytes(buffer.getvalue())
    with pytest.raises(UnreadableWord) as err:
        read_document(path, "bad.docx")
    assert str(err.value).startswith("bad.docx: not a readable Word document (")
    assert str(err.value).endswith("); open it in Word and save it as .docx")


def test_empty_document_and_prose_only(tmp_path: Path) -> None:
    with pytest.raises(EmptyFile) as err:
        read_docx(word_file(tmp_path / "e.docx", "<w:p/>"), "e.docx")
    assert str(err.value) == "e.docx: the Word document is empty (no text, no tables)"
    prose = read_docx(word_file(tmp_path / "p.docx", p("一、办件情况")), "p.docx")
    assert [b.text for b in prose.blocks] == ["一、办件情况"] and prose.tables == []


# --- legacy .doc -------------------------------------------------------------------------

FAKE_SOFFICE = """#!{python}
import json, os, pathlib, shutil, sys, time
args = sys.argv[1:]
pathlib.Path(os.environ["FAKE_SOFFICE_LOG"]).write_text(json.dumps(args))
mode = os.environ["FAKE_SOFFICE_MODE"]
if mode == "fail":
    print("convert bulletin.doc: Error: source file could not be loaded", file=sys.stderr)
    sys.exit(1)
if mode == "hang":
    time.sleep(30)
out = pathlib.Path(args[args.index("--outdir") + 1])
out.mkdir(parents=True, exist_ok=True)
shutil.copyfile(os.environ["FAKE_SOFFICE_DOCX"], out / (pathlib.Path(args[-1]).stem + ".docx"))
"""


@pytest.fixture
def fake_soffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in ``soffice`` on PATH that 'converts' by copying the layout .docx fixture."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "soffice"
    script.write_text(FAKE_SOFFICE.format(python=sys.executable), encoding="utf-8")
    script.chmod(0o755)
    log = tmp_path / "soffice-args.json"
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("FAKE_SOFFICE_LOG", str(log))
    monkeypatch.setenv("FAKE_SOFFICE_DOCX", str(LAYOUT_DOCX))
    monkeypatch.setenv("FAKE_SOFFICE_MODE", "convert")
    return log


def test_doc_is_converted_through_soffice_headless(fake_soffice: Path) -> None:
    doc = read_document(LEGACY_DOC, "old.doc")
    direct = read_document(LAYOUT_DOCX, "old.docx")
    assert (doc.path, doc.format, doc.encoding) == ("old.doc", "doc", "utf-8")
    assert [grid_texts(t) for t in doc.tables] == [grid_texts(t) for t in direct.tables]
    assert [b.text for b in doc.blocks] == [b.text for b in direct.blocks]
    args = json.loads(fake_soffice.read_text(encoding="utf-8"))
    assert args[0].startswith("-env:UserInstallation=file:///")  # a profile per conversion
    assert args[1:5] == ["--headless", "--convert-to", "docx", "--outdir"]
    assert Path(args[-1]).name == "bulletin.doc"


def test_doc_without_soffice_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extract.legacy.shutil, "which", lambda name: None)
    with pytest.raises(UnsupportedFormat) as err:
        read_document(LEGACY_DOC, "old.doc")
    assert str(err.value) == (
        "old.doc: a legacy Word document (.doc) needs LibreOffice to be read, and soffice is "
        "not installed: apt-get install libreoffice-writer-nogui (or save it as .docx)"
    )


def test_failed_conversion(fake_soffice: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_SOFFICE_MODE", "fail")
    with pytest.raises(ConversionFailed) as err:
        read_document(LEGACY_DOC, "old.doc")
    assert str(err.value) == (
        "old.doc: LibreOffice could not convert it (exit status 1: convert bulletin.doc: Error: "
        "source file could not be loaded); open it in Word and save it as .docx"
    )


def test_conversion_that_hangs(fake_soffice: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_SOFFICE_MODE", "hang")
    monkeypatch.setattr(extract.legacy, "CONVERT_TIMEOUT", 1)
    with pytest.raises(ConversionFailed) as err:
        read_document(LEGACY_DOC, "old.doc")
    assert str(err.value) == "old.doc: LibreOffice did not convert it within 1 s; save it as .docx"


@pytest.mark.parametrize(
    ("stream", "reason"),
    [
        (
            "Workbook",
            "an Excel workbook (.xls), not a Word document; only Word, HTML, PDF and text "
            "bulletins are read",
        ),
        (
            "EncryptedPackage",
            "a password-protected Office document; open it with its password and save it "
            "without one",
        ),
    ],
)
def test_other_office_files_are_not_converted(
    tmp_path: Path, fake_soffice: Path, stream: str, reason: str
) -> None:
    path = tmp_path / "other.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + stream.encode("utf-16-le"))
    with pytest.raises(UnsupportedFormat) as err:
        read_document(path, "other.doc")
    assert str(err.value) == f"other.doc: {reason}"
    assert not fake_soffice.exists()  # LibreOffice was not even started
