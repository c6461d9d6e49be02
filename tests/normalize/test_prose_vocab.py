"""The prose section of the metric catalog is checked when loaded; errors name the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from normalize.catalog import CatalogError, load_catalog
from tests.helpers import METRICS

BASE = (METRICS).read_text(encoding="utf-8").split("\nprose:")[0]


def load_with(tmp_path: Path, prose: str) -> None:
    path = tmp_path / "metrics.yaml"
    path.write_text(BASE + "\nprose:\n" + prose, encoding="utf-8")
    load_catalog(path)


@pytest.mark.parametrize(
    ("prose", "message"),
    [
        ("  units: {件: pieces}\n", "prose: units: ['pieces'] not one of"),
        (
            "  labels: {受理: Accepted}\n",
            "prose: labels: '受理' → 'Accepted' is not lower_snake_case",
        ),
        ("  colours: [红]\n", "prose: unknown keys ['colours']"),
        ("  changes: {sideways: [横]}\n", "prose: changes needs only the keys"),
        ("  metadata: {author: [作者]}\n", "prose: metadata needs only the keys"),
        ("  fillers: 其中\n", "prose: fillers: expected a list of words"),
    ],
)
def test_a_bad_prose_section_is_one_clear_error(tmp_path: Path, prose: str, message: str) -> None:
    with pytest.raises(CatalogError) as err:
        load_with(tmp_path, prose)
    assert str(err.value).startswith(f"{tmp_path / 'metrics.yaml'}: {message}")


def test_the_headline_wordings_keep_their_meaning_in_the_prose_vocabulary() -> None:
    catalog = load_catalog(METRICS)
    assert catalog.prose.labels["办件数"] == "cases"
    assert catalog.prose.labels["受理"] == "accepted"
    assert catalog.prose.scopes["政务服务中心"] == "政务服务大厅"
    assert catalog.prose.scopes["12345热线"] == "12345热线"
    assert catalog.prose.units["%"] == "percent" and catalog.prose.units["天"] == "days"
    assert catalog.prose.metadata["发文日期"] == "published"
