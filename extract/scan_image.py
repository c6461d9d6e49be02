"""Page images for OCR: loaded (image files, image-only PDFs), straightened, and their ruled grids.

A page is turned upright by the angle that makes its ink rows sharpest (a projection
profile, searched coarse then fine), then cleaned of its ruling lines: OpenCV morphology
keeps only long horizontal and vertical strokes, those give the rule positions of each
table, and a cell spans where the rule between two grid positions is missing.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from extract.errors import BulletinError

Gray = NDArray[Any]  # 8-bit grey or 0/255 masks (OpenCV's stubs type them loosely)
# Paper width of A4 in inches: the resolution of an image that states none.
A4_WIDTH_IN = 8.27
MIN_DPI, MAX_DPI = 100, 1200
# A table frame whose corners lie this close (a share of the page width) to a rectangle
# is square already.
SQUARE_TOLERANCE = 0.003


class UnreadableImage(BulletinError):
    """The file looks like an image but cannot be decoded."""


@dataclass
class PageImage:
    """One page as grey pixels, with the resolution that maps pixels to points."""

    number: int
    pixels: Gray
    dpi: float
    angle: float = 0.0


@dataclass(frozen=True)
class GridCell:
    """A cell of a ruled grid, in grid positions, with its box in pixels."""

    row: int
    col: int
    rowspan: int
    colspan: int
    box: tuple[float, float, float, float]


@dataclass
class RuledGrid:
    """A ruled table found on a page: rule positions and the cells they enclose."""

    xs: list[int]
    ys: list[int]
    cells: list[GridCell] = field(default_factory=list)
    # False for a table laid out from where its text sits (no rules on the page).
    ruled: bool = True

    @property
    def box(self) -> tuple[float, float, float, float]:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    def cell_at(self, x: float, y: float) -> GridCell | None:
        """The cell covering a point, None outside the grid."""
        if not (self.xs[0] <= x < self.xs[-1] and self.ys[0] <= y < self.ys[-1]):
            return None
        col = int(np.searchsorted(self.xs, x, side="right")) - 1
        row = int(np.searchsorted(self.ys, y, side="right")) - 1
        for cell in self.cells:
            if (
                cell.row <= row < cell.row + cell.rowspan
                and cell.col <= col < cell.col + cell.colspan
            ):
                return cell
        return None


# --- loading -------------------------------------------------------------------------------


# An A3 page at 600 dpi is 70 million pixels; anything much larger is not a page.
MAX_PIXELS = 100_000_000


def load_image_pages(path: Path, name: str) -> Iterator[PageImage]:
    """Every frame of an image file (a TIFF may hold several pages) as a grey page, one at
    a time (a page is read before the next is loaded); each frame's size is checked."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():  # size and damage are said below, in one line
            warnings.simplefilter("ignore")
            image = Image.open(path)
        with image:
            for k in count(1):
                with warnings.catch_warnings():  # (corrupt EXIF data, a bomb's size)
                    warnings.simplefilter("ignore")
                    try:
                        image.seek(k - 1)
                    except EOFError:
                        return
                    check_pixels(image.width, image.height, k, name)
                    gray = np.asarray(image.convert("L"), dtype=np.uint8)
                    dpi = image_dpi(image.info.get("dpi"), gray.shape[1])
                yield PageImage(k, gray, dpi)
    except Image.DecompressionBombError:
        raise UnreadableImage(
            name, f"image too large to read (over {MAX_PIXELS // 1_000_000} million pixels)"
        ) from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise UnreadableImage(
            name,
            f"not a readable image: it starts like a {image_kind(path)} file but cannot be "
            "decoded (truncated or damaged); copy or export it again",
        ) from None


def check_pixels(width: int, height: int, number: int, name: str) -> None:
    """Refuse a page image past MAX_PIXELS."""
    if width * height > MAX_PIXELS:
        where = f"page {number}: " if number > 1 else ""
        raise UnreadableImage(
            name,
            f"{where}image too large to read ({width}×{height} pixels; at most "
            f"{MAX_PIXELS // 1_000_000} million): scan the page at 300 dpi",
        )


def image_kind(path: Path) -> str:
    """PNG, JPEG or TIFF, by the file's first bytes."""
    with path.open("rb") as handle:
        head = handle.read(4)
    if head.startswith(b"\x89PNG"):
        return "PNG"
    return "JPEG" if head.startswith(b"\xff\xd8") else "TIFF"


def image_dpi(stated: object, width: int) -> float:
    """The resolution the file states, else the one that makes the page A4 wide."""
    if isinstance(stated, tuple) and stated and MIN_DPI <= float(stated[0]) <= MAX_DPI:
        return float(stated[0])
    return max(width / A4_WIDTH_IN, 72.0)


def load_pdf_pages(path: Path, name: str, dpi: int) -> Iterator[PageImage]:
    """The pages of a PDF rendered at ``dpi`` (pypdfium2 comes with pdfplumber), one at a
    time; a page too large for that (a poster, a map) at the resolution that fits
    MAX_PIXELS."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise UnreadableImage(name, f"the PDF cannot be rendered ({exc})") from None
    try:
        for k in range(len(pdf)):
            page = pdf[k]
            width, height = page.get_size()  # points
            scale = min(dpi / 72, math.sqrt(MAX_PIXELS / max(width * height, 1.0)))
            bitmap = page.render(scale=scale, grayscale=True)
            gray = np.asarray(bitmap.to_pil().convert("L"), dtype=np.uint8)
            yield PageImage(k + 1, gray, scale * 72)
    finally:
        pdf.close()


# --- straightening -------------------------------------------------------------------------


def ink(gray: Gray) -> Gray:
    """Ink as 255 on 0: Otsu's threshold after evening out the light (photos, shading)."""
    size = max(31, (min(gray.shape) // 20) | 1)
    background = cv2.medianBlur(cv2.resize(gray, None, fx=0.25, fy=0.25), size // 4 | 1)
    background = cv2.resize(background, (gray.shape[1], gray.shape[0]))
    flat = cv2.divide(gray, background, scale=255)
    _, out = cv2.threshold(flat, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return out


def skew_angle(binary: Gray, limit: float = 5.0) -> float:
    """The rotation (degrees, counter-clockwise) that makes the ink rows sharpest."""
    scale = min(1.0, 1000 / binary.shape[1])
    small = cv2.resize(binary, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)

    def sharpness(angle: float) -> float:
        turned = rotate(small, angle, border=0)
        return float(np.var(turned.sum(axis=1, dtype=np.float64)))

    best = max(np.arange(-limit, limit + 0.01, 0.5), key=sharpness)
    fine = np.arange(best - 0.5, best + 0.51, 0.05)
    return round(float(max(fine, key=sharpness)), 2)


def rotate(image: Gray, angle: float, border: int = 255) -> Gray:
    """The image turned by ``angle`` degrees about its centre, same size."""
    if abs(angle) < 0.01:
        return image
    h, w = image.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    turned: Gray = cv2.warpAffine(
        image, matrix, (w, h), flags=cv2.INTER_CUBIC, borderValue=(border,)
    )
    return turned


def straighten(page: PageImage) -> PageImage:
    """The page turned upright, and squared up when photographed at a slant."""
    angle = skew_angle(ink(page.pixels))
    upright = rotate(page.pixels, angle)
    return PageImage(page.number, square_up(upright), page.dpi, angle)


def table_corners(binary: Gray) -> NDArray[np.float32] | None:
    """The four corners (tl, tr, br, bl) of the largest ruled frame, if it has four."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    if count < 2:
        return None
    k = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_WIDTH] * stats[1:, cv2.CC_STAT_HEIGHT]))
    w, h = int(stats[k][cv2.CC_STAT_WIDTH]), int(stats[k][cv2.CC_STAT_HEIGHT])
    if w < binary.shape[1] // 3 or h < binary.shape[0] // 10:
        return None
    mask = (labels == k).astype(np.uint8) * 255
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    hull = cv2.convexHull(max(contours, key=cv2.contourArea))
    quad = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
    if len(quad) != 4:
        return None
    points = quad.reshape(4, 2).astype(np.float32)
    sums, diffs = points.sum(axis=1), np.diff(points, axis=1).ravel()
    return np.array(
        [points[np.argmin(sums)], points[np.argmin(diffs)],
         points[np.argmax(sums)], points[np.argmax(diffs)]],
        dtype=np.float32,
    )  # fmt: skip


def square_up(gray: Gray) -> Gray:
    """A page photographed at a slant, mapped so that its table's frame is a rectangle
    (a perspective transform of the whole page); an already square page as it is."""
    corners = table_corners(ink(gray))
    if corners is None:
        return gray
    tl, tr, br, bl = corners
    x0, x1 = (tl[0] + bl[0]) / 2, (tr[0] + br[0]) / 2
    y0, y1 = (tl[1] + tr[1]) / 2, (bl[1] + br[1]) / 2
    target = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32)
    if float(np.abs(corners - target).max()) < SQUARE_TOLERANCE * gray.shape[1]:
        return gray
    matrix = cv2.getPerspectiveTransform(corners, target)
    size = (gray.shape[1], gray.shape[0])
    squared: Gray = cv2.warpPerspective(
        gray, matrix, size, flags=cv2.INTER_CUBIC, borderValue=(255,)
    )
    return squared


# --- rules and grids -----------------------------------------------------------------------


def rule_masks(binary: Gray) -> tuple[Gray, Gray]:
    """Long horizontal and long vertical strokes (the rules), each as its own mask."""
    h, w = binary.shape
    horizontal = cv2.morphologyEx(
        binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(w // 35, 20), 1))
    )
    vertical = cv2.morphologyEx(
        binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(h // 70, 20)))
    )
    return horizontal, vertical


def find_grids(horizontal: Gray, vertical: Gray) -> list[RuledGrid]:
    """The ruled tables of a page, top to bottom."""
    joined = cv2.dilate(cv2.bitwise_or(horizontal, vertical), np.ones((5, 5), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    grids = []
    for k in range(1, count):
        x, y, w, h = (int(v) for v in stats[k][:4])
        if w < horizontal.shape[1] // 8 or h < horizontal.shape[0] // 40:
            continue
        grid = grid_in(horizontal, vertical, (x, y, x + w, y + h))
        if grid is not None:
            grids.append(grid)
    return sorted(grids, key=lambda g: g.ys[0])


def positions(profile: NDArray[np.float64], threshold: float) -> list[int]:
    """Centres of the runs of a profile above a threshold (a rule a few pixels thick)."""
    above = np.flatnonzero(profile >= threshold)
    if not above.size:
        return []
    runs = np.split(above, np.flatnonzero(np.diff(above) > 2) + 1)
    return [round(float(run.mean())) for run in runs]


def grid_in(horizontal: Gray, vertical: Gray, box: tuple[int, int, int, int]) -> RuledGrid | None:
    """The grid inside one region of rules; None unless it has at least 2×2 rules."""
    x0, y0, x1, y1 = box
    h_part = horizontal[y0:y1, x0:x1] > 0
    v_part = vertical[y0:y1, x0:x1] > 0
    min_cell = max(8, (x1 - x0) // 100)
    ys = [y0 + y for y in positions(h_part.sum(axis=1).astype(np.float64), min_cell * 3)]
    xs = [x0 + x for x in positions(v_part.sum(axis=0).astype(np.float64), min_cell * 2)]
    if len(xs) < 2 or len(ys) < 2:
        return None
    grid = RuledGrid(xs, ys)
    grid.cells = merge_cells(grid, horizontal, vertical)
    return grid


def covered(mask: Gray, fixed: int, start: int, end: int, *, along_x: bool) -> bool:
    """Whether a rule runs along most of a segment (a band of a few pixels around it)."""
    band = 4
    lo, hi = start + (end - start) // 5, end - (end - start) // 5
    if hi <= lo:
        return True
    if along_x:
        strip = mask[max(fixed - band, 0) : fixed + band + 1, lo:hi].max(axis=0)
    else:
        strip = mask[lo:hi, max(fixed - band, 0) : fixed + band + 1].max(axis=1)
    return bool((strip > 0).mean() > 0.6)


def merge_cells(grid: RuledGrid, horizontal: Gray, vertical: Gray) -> list[GridCell]:
    """Grid positions joined where no rule separates them → cells with their spans."""
    n_rows, n_cols = len(grid.ys) - 1, len(grid.xs) - 1
    parent = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(n_rows):
        for c in range(n_cols):
            y0, y1 = grid.ys[r], grid.ys[r + 1]
            x0, x1 = grid.xs[c], grid.xs[c + 1]
            if c + 1 < n_cols and not covered(vertical, grid.xs[c + 1], y0, y1, along_x=False):
                parent[find(r * n_cols + c + 1)] = find(r * n_cols + c)
            if r + 1 < n_rows and not covered(horizontal, grid.ys[r + 1], x0, x1, along_x=True):
                parent[find((r + 1) * n_cols + c)] = find(r * n_cols + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            groups.setdefault(find(r * n_cols + c), []).append((r, c))
    cells = []
    for members in groups.values():
        r0, c0 = min(r for r, _ in members), min(c for _, c in members)
        r1, c1 = max(r for r, _ in members) + 1, max(c for _, c in members) + 1
        box = (float(grid.xs[c0]), float(grid.ys[r0]), float(grid.xs[c1]), float(grid.ys[r1]))
        cells.append(GridCell(r0, c0, r1 - r0, c1 - c0, box))
    return sorted(cells, key=lambda cell: (cell.row, cell.col))
