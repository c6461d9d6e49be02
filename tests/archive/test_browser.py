"""In a real browser: the trend chart after the form is submitted, a table as printed with
the traced cell marked, a department's small charts.

Headless Chromium (Debian's `chromium`; .ci/run installs it) loads pages from the server
on 127.0.0.1 only, with a new empty profile. The charts are SVG drawn by the server; the
page's script records the size each chart and the traced cell were laid out at
(``data-drawn``) and the traced cell's colour, and the screenshots are checked for the
colours of the line and of the highlight.
"""

from __future__ import annotations

import random
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from PIL import Image

from bench.corpus import variant
from normalize.catalog import Catalog
from normalize.names import NameBook
from tests.archive.test_pages import SOCIAL_INSURANCE_SPARKS
from tests.archive.test_serve import fetch, rows, served
from tests.helpers import CORPUS, DEC, ingest_into

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_TIMEOUT = 120  # seconds, a bound on each browser run
WINDOW = (1280, 1600)
LINE_COLOUR = (0x1F, 0x77, 0xB4)  # the first series of archive/charts.py
HIGHLIGHT = (255, 235, 59)  # the traced cell's background (#ffeb3b)


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium once, with a new empty profile, on a 127.0.0.1 URL only."""
    assert args[-1].startswith("http://127.0.0.1:"), args[-1]
    profile.mkdir()
    return subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--virtual-time-budget=5000",
            f"--window-size={WINDOW[0]},{WINDOW[1]}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=BROWSER_TIMEOUT,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def dom_and_shot(tmp_path: Path, name: str, url: str) -> tuple[str, Image.Image]:
    """The DOM after the page's scripts ran, and a screenshot of the window."""
    dom = chromium(tmp_path / f"profile-{name}-dom", "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    shot = tmp_path / f"{name}.png"
    chromium(tmp_path / f"profile-{name}-shot", f"--screenshot={shot}", url)
    image = Image.open(shot).convert("RGB")
    assert image.size == WINDOW
    return dom.stdout, image


def pixels_of(image: Image.Image, colour: tuple[int, int, int], slack: int = 12) -> int:
    """How many pixels are within ``slack`` of a colour."""
    data = image.tobytes()
    pixels = (data[i : i + 3] for i in range(0, len(data), 3))
    return sum(
        1
        for pixel in pixels
        if all(abs(a - b) <= slack for a, b in zip(pixel, colour, strict=True))
    )


class FormParser(HTMLParser):
    """The query form of a page: its action, method and the inputs it submits."""

    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.method = ""
        self.inputs: list[tuple[str, str, str]] = []  # (name, type, value)
        self.inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "form" and "sql" in found.get("class", ""):
            self.inside, self.action, self.method = True, found["action"], found["method"]
        elif tag == "input" and self.inside and found.get("name"):
            self.inputs.append((found["name"], found.get("type", "text"), found.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, catalog: Catalog, names: NameBook) -> Path:
    """Both samples and the 2020-12 one again as 2020-11 (other numbers)."""
    tmp = tmp_path_factory.mktemp("browser")
    extra = tmp / "extra"
    extra.mkdir()
    november = variant(DEC.read_text(encoding="utf-8"), random.Random(7), 2020, 11)
    (extra / "2020-11_xiqu_zwfw.txt").write_text(november, encoding="utf-8")
    db_path = tmp / "archive.db"
    ingest_into(db_path, [CORPUS, extra], catalog, names)[0].close()
    return db_path


@pytest.fixture(scope="module")
def base(archive: Path) -> object:
    with served(archive, archive.with_name("serve.log")) as url:
        yield url


def test_trend_chart_draws_after_the_form_is_submitted(base: str, tmp_path: Path) -> None:
    form = FormParser()
    form.feed(fetch(f"{base}/archive/trend")[1])
    assert (form.action, form.method) == ("/archive/trend", "get")
    assert [(n, t) for n, t, _ in form.inputs] == [("entity", "text"), ("metric", "text")]
    typed = {"entity": "区社保局", "metric": "hall_window_cases"}  # what a user types
    submitted = base + form.action + "?" + urlencode({n: typed[n] for n, _, _ in form.inputs})
    trend = rows(base, "archive/trend", **typed)
    assert [(r["period"], r["metric"]) for r in trend] == [
        ("2020-11", "accepted"),
        ("2020-12", "accepted"),
        ("2022-09", "handled"),
    ]
    assert trend[1]["value"] == 2586.0 and trend[2]["value"] == 2239.0

    dom, image = dom_and_shot(tmp_path, "trend", submitted)
    chart = re.search(r'<svg class="bulletins-chart chart-line"[^>]*>.*?</svg>', dom, re.S)
    assert chart, dom[-3000:]
    assert 'data-drawn="720x300"' in chart.group(0)
    # Nov and Dec 2020 joined by a line; Sep 2022 alone after 20 months without figures
    lines = re.findall(r'<polyline class="series" points="([^"]+)"', chart.group(0))
    assert [len(p.split()) for p in lines] == [2, 1]
    assert len(re.findall(r'<circle class="point"', chart.group(0))) == 3
    assert pixels_of(image, LINE_COLOUR) > 100


def test_grid_page_shows_the_traced_cell(base: str, tmp_path: Path) -> None:
    (fact,) = rows(base, "archive/facts_readable", entity_raw="市公交公司(市级下沉窗口)")
    assert fact["value_raw"] == "4406"
    url = f"{base}/-/grid/archive/{fact['table_id']}?cell={fact['cell_id']}"
    dom, image = dom_and_shot(tmp_path, "grid", url)
    traced = re.search(r'<td ([^>]*class="traced"[^>]*)>(.*?)</td>', dom)
    assert traced, dom[-3000:]
    assert re.sub(r"<[^>]+>", "", traced.group(2)) == "4406"
    drawn = dict(re.findall(r'data-(drawn|background)="([^"]+)"', traced.group(1)))
    width, height = map(int, drawn["drawn"].split("x"))
    assert width > 10 and height > 10
    assert drawn["background"] == "rgb(255, 235, 59)"
    assert pixels_of(image, HIGHLIGHT, slack=4) >= width * height // 2


def test_department_page_draws_its_charts(base: str, tmp_path: Path) -> None:
    url = f"{base}/-/entity/archive/{quote('区社会保险事务中心')}"
    dom, image = dom_and_shot(tmp_path, "department", url)
    charts = re.findall(r'<svg class="bulletins-chart chart-spark"([^>]*)><title>([^<]*)<', dom)
    assert [title for _, title in charts] == SOCIAL_INSURANCE_SPARKS, dom[-3000:]
    assert all('data-drawn="260x90"' in attrs for attrs, _ in charts)
    assert pixels_of(image, LINE_COLOUR) > 100


def test_metric_facet_shows_printed_labels(base: str, tmp_path: Path) -> None:
    url = f"{base}/archive/facts_readable?" + urlencode({"entity": "区社会保险事务中心"})
    dom = chromium(tmp_path / "profile-facets", "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    facet = re.search(r'<div class="facet-info[^"]*" id="facet-metric".*?</ul>', dom.stdout, re.S)
    assert facet, dom.stdout[-3000:]
    items = re.findall(r'<a href="[^"]*">([^<]+)<small>([^<]+)</small></a>', facet.group(0))
    assert ("accepted", " 系统受理数") in items and ("handled", " 大厅窗口办件数") in items
