"""OCR engines behind one small interface: a page image in, text lines with boxes and scores out.

Two engines that need nothing from the network: RapidOCR (its ONNX detection and
recognition models ship inside the ``rapidocr`` wheel; the direction classifier stays off,
as it turns lines of digits upside down, ``99.39%`` → ``%666``) and Tesseract with its
``chi_sim`` data (Debian packages ``tesseract-ocr tesseract-ocr-chi-sim``). Both are
optional: a missing engine is one clear error naming what to install.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from extract.errors import BulletinError

Image = NDArray[np.uint8]
Box = tuple[float, float, float, float]
RAPIDOCR, TESSERACT = "rapidocr", "tesseract"


class OcrUnavailable(BulletinError):
    """The OCR engine a scan needs is not installed."""


@dataclass(frozen=True)
class OcrLine:
    """A line of text the engine found: its box in page pixels and its score (0–1)."""

    text: str
    box: Box
    score: float

    @property
    def center(self) -> tuple[float, float]:
        return ((self.box[0] + self.box[2]) / 2, (self.box[1] + self.box[3]) / 2)


Engine = Callable[[Image], list[OcrLine]]
_ENGINES: dict[str, Engine] = {}


def get_engine(name: str, file_name: str) -> Engine:
    """The named engine, loaded once per process; OcrUnavailable when it is not installed."""
    if name not in _ENGINES:
        if name == RAPIDOCR:
            _ENGINES[name] = _rapidocr(file_name)
        elif name == TESSERACT:
            _ENGINES[name] = _tesseract(file_name)
        else:
            raise OcrUnavailable(file_name, f"unknown OCR engine '{name}' (rapidocr, tesseract)")
    return _ENGINES[name]


def _rapidocr(file_name: str) -> Engine:
    try:
        from rapidocr import RapidOCR
    except ImportError:
        raise OcrUnavailable(
            file_name,
            "the file is a scan and OCR is not installed: pip install -e '.[ocr]' "
            "(RapidOCR with its models)",
        ) from None
    params = {
        "Global.use_cls": False,  # the direction classifier flips lines of digits
        "Global.log_level": "error",
        "Global.max_side_len": 2400,
    }
    ocr = RapidOCR(params=params)

    def run(image: Image) -> list[OcrLine]:
        result: Any = ocr(np.dstack([image] * 3))
        if result.boxes is None:
            return []
        lines = []
        for quad, text, score in zip(result.boxes, result.txts, result.scores, strict=True):
            xs, ys = [float(p[0]) for p in quad], [float(p[1]) for p in quad]
            box = (min(xs), min(ys), max(xs), max(ys))
            lines.append(OcrLine(str(text).strip(), box, float(score)))
        return [ln for ln in lines if ln.text]

    return run


def _tesseract(file_name: str) -> Engine:
    binary = shutil.which("tesseract")
    if binary is None:
        raise OcrUnavailable(
            file_name,
            "the file is a scan and Tesseract is not installed: "
            "apt-get install tesseract-ocr tesseract-ocr-chi-sim",
        )

    def run(image: Image) -> list[OcrLine]:
        from PIL import Image as PilImage

        buffer = io.BytesIO()
        PilImage.fromarray(image).save(buffer, format="PNG")
        done = subprocess.run(
            [binary, "stdin", "stdout", "-l", "chi_sim", "--psm", "11", "tsv"],
            input=buffer.getvalue(),
            capture_output=True,
            check=False,
        )
        if done.returncode != 0:
            reason = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
            raise OcrUnavailable(file_name, f"tesseract failed: {' '.join(reason)}")
        return tesseract_lines(done.stdout.decode("utf-8"))

    return run


def tesseract_lines(tsv: str) -> list[OcrLine]:
    """Tesseract's word rows (level 5) joined into its lines; a line scores its worst word."""
    grouped: dict[tuple[str, ...], list[dict[str, str]]] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row.get("level") == "5" and (row.get("text") or "").strip():
            key = (row["page_num"], row["block_num"], row["par_num"], row["line_num"])
            grouped.setdefault(key, []).append(row)
    lines = []
    for words in grouped.values():
        x0 = min(float(w["left"]) for w in words)
        y0 = min(float(w["top"]) for w in words)
        x1 = max(float(w["left"]) + float(w["width"]) for w in words)
        y1 = max(float(w["top"]) + float(w["height"]) for w in words)
        text = join_words([w["text"].strip() for w in words])
        score = min(max(float(w["conf"]), 0.0) for w in words) / 100
        lines.append(OcrLine(text, (x0, y0, x1, y1), score))
    return lines


def join_words(words: list[str]) -> str:
    """Words of one line: Chinese runs join without a space, Latin and digits keep one."""
    out = ""
    for word in words:
        if out and out[-1].isascii() and word[:1].isascii() and out[-1].isalnum():
            out += " "
        out += word
    return out
