"""In a real browser: one click on a metric in facts_readable draws that department's trend.

Headless Chromium (Debian's `chromium`) loads the page the metric links to, from the
server on 127.0.0.1 only, with a new empty profile; datasette-vega fetches the rows and
draws the chart into a canvas. Skipped only when /usr/bin/chromium is absent.
"""

from __future__ import annotations

import html
import random
import re
import struct
import subprocess
from pathlib import Path
from urllib.parse import urlencode

import pytest

from bench.corpus import variant
from normalize.catalog import Catalog
from normalize.names import NameBook
from tests.archive.test_serve import fetch, rows, served
from tests.helpers import CORPUS, DEC, ingest_into

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_TIMEOUT = 120  # seconds, a bound on each browser run
WINDOW = (1280, 1600)
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install -y chromium"
)


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
            "--virtual-time-budget=15000",
            f"--window-size={WINDOW[0]},{WINDOW[1]}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=BROWSER_TIMEOUT,
        check=False,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, catalog: Catalog, names: NameBook) -> Path:
    """Both samples and the 2020-12 one again as 2020-11 (other numbers): a two-month trend."""
    tmp = tmp_path_factory.mktemp("browser")
    extra = tmp / "extra"
    extra.mkdir()
    november = variant(DEC.read_text(encoding="utf-8"), random.Random(7), 2020, 11)
    (extra / "2020-11_xiqu_zwfw.txt").write_text(november, encoding="utf-8")
    db_path = tmp / "archive.db"
    ingest_into(db_path, [CORPUS, extra], catalog, names)[0].close()
    return db_path


def test_one_click_on_a_metric_draws_the_trend(archive: Path, tmp_path: Path) -> None:
    with served(archive, tmp_path / "serve.log") as base:
        page = fetch(
            f"{base}/archive/facts_readable?"
            + urlencode({"entity": "区社会保险事务中心", "metric": "accepted"})
        )[1]
        links = re.findall(r'<a href="(/archive/trend\?[^"]+)"[^>]*>accepted</a>', page)
        assert links, "no trend link on the metric"
        url = base + html.unescape(links[0])
        trend = rows(base, "archive/trend", entity="区社会保险事务中心", metric="accepted")
        assert [r["period"] for r in trend] == ["2020-11", "2020-12"]
        assert trend[1]["value"] == 2586.0

        dom = chromium(tmp_path / "profile-dom", "--dump-dom", url)
        shot = tmp_path / "trend.png"
        chromium(tmp_path / "profile-shot", f"--screenshot={shot}", url)

    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "Charting options" in dom.stdout  # datasette-vega read the fragment and the rows
    chart = re.search(r'<div class="vega-embed[^"]*">\s*<canvas ([^>]*)>', dom.stdout)
    assert chart, dom.stdout[-3000:]
    size = dict(re.findall(r'(width|height)="(\d+)"', chart.group(1)))
    assert 'class="marks"' in chart.group(1)
    assert int(size["width"]) >= 100 and int(size["height"]) >= 100
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", shot.read_bytes()[16:24]) == WINDOW
