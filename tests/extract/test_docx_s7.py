"""A Word package whose parts are XML but not what Word writes is one clean error line."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from extract.docx import UnreadableWord
from extract.reader import read_document

DEC_DOCX = Path(__file__).parents[1] / "fixtures" / "sources" / "2020-12_xiqu_zwfw.docx"


def with_part(tmp_path: Path, part: str, data: bytes) -> Path:
    """A copy of the December sample with one package part replaced."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(DEC_DOCX) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            target.writestr(item, data if item.filename == part else source.read(item))
    path = tmp_path / "bad_xml.docx"
    path.write_bytes(buffer.getvalue())
    return path


@pytest.mark.parametrize(
    "content_types",
    [b"<x/>", b"<Types/>", b"<?xml version='1.0'?><Types xmlns='urn:not-opc'/>"],
)
def test_content_types_that_are_not_a_types_element(tmp_path: Path, content_types: bytes) -> None:
    path = with_part(tmp_path, "[Content_Types].xml", content_types)
    with pytest.raises(UnreadableWord) as err:
        read_document(path, "bad_xml.docx")
    assert str(err.value) == (
        "bad_xml.docx: not a readable Word document (a part of its package is not what Word "
        "writes); open it in Word and save it as .docx"
    )


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def test_a_body_whose_root_is_not_a_document(tmp_path: Path) -> None:
    path = with_part(tmp_path, "word/document.xml", f'<foo xmlns="{W}"><p/></foo>'.encode())
    with pytest.raises(UnreadableWord) as err:
        read_document(path, "bad_xml.docx")
    assert "a part of its package is not what Word writes" in str(err.value)


def test_tables_nested_past_the_parsers_depth(tmp_path: Path) -> None:
    nested = "<w:tbl><w:tr><w:tc>" * 300 + "<w:p/>" + "</w:tc></w:tr></w:tbl>" * 300
    body = f'<w:document xmlns:w="{W}"><w:body>{nested}</w:body></w:document>'
    path = with_part(tmp_path, "word/document.xml", body.encode())
    with pytest.raises(UnreadableWord) as err:
        read_document(path, "bad_xml.docx")
    assert str(err.value) == (
        "bad_xml.docx: not a readable Word document (its XML nests elements deeper than the "
        "parser's limit of 256 levels); open it in Word and save it as .docx"
    )
