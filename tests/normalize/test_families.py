"""The `families:` section of the metric catalog: loaded, and checked with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from normalize.catalog import CatalogError, Family, load_catalog
from tests.helpers import METRICS

BASE = (METRICS).read_text(encoding="utf-8").split("\nfamilies:")[0]


def with_families(tmp_path: Path, section: str) -> Path:
    path = tmp_path / "metrics.yaml"
    path.write_text(BASE + "\nfamilies:\n" + section, encoding="utf-8")
    return path


def test_the_window_cases_family() -> None:
    family = load_catalog(METRICS).families["hall_window_cases"]
    assert (family.name, family.label, family.members) == (
        "hall_window_cases",
        "大厅窗口办件量",
        (("hall_windows", "accepted"), ("hall_windows", "handled")),
    )
    assert family.note.startswith("Not strictly the same count: the 2020 layout prints 系统受理数")


def test_printed_labels_in_file_order() -> None:
    catalog = load_catalog(METRICS)
    assert catalog.printed_labels("hall_windows", "handled") == [
        "大厅窗口办件数",
        "窗口办件数",
        "办件数",
    ]
    assert catalog.printed_labels("headline", "queue_tickets") == ["排号数"]


def test_a_headline_metric_can_be_a_member(tmp_path: Path) -> None:
    path = with_families(
        tmp_path,
        "  hall:\n    label: 受理\n    members: [headline.accepted, hall_windows.accepted]\n",
    )
    assert load_catalog(path).families == {
        "hall": Family("hall", "受理", (("headline", "accepted"), ("hall_windows", "accepted")))
    }


@pytest.mark.parametrize(
    ("section", "problem"),
    [
        (
            "  a:\n    label: x\n    members: [hall_windows.accepted, hall_windows.nope]\n",
            "line {n}: family 'a': member 'hall_windows.nope' is not a known table_kind.metric",
        ),
        (
            "  a:\n    label: x\n    members: [hall_windows.accepted]\n",
            "line {n}: family 'a' needs two members or more",
        ),
        (
            "  a:\n    members: [hall_windows.accepted, hall_windows.handled]\n",
            "line {n}: family 'a' needs a label and members",
        ),
        (
            "  a:\n    label: x\n    members: [hall_windows.accepted, hall_windows.handled]\n"
            "  b:\n    label: y\n    members: [hall_windows.handled, town_centers.accepted]\n",
            "line {m}: hall_windows.handled is in both 'a' and 'b'",
        ),
        (
            "  Bad-Name:\n    label: x\n    members: [hall_windows.accepted, hall_windows.handled]\n",
            "line {n}: family 'Bad-Name' must be a lower_snake_case key",
        ),
    ],
)
def test_family_problems_name_their_line(tmp_path: Path, section: str, problem: str) -> None:
    path = with_families(tmp_path, section)
    first = BASE.count("\n") + 3  # the line of the first family's name
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    assert str(caught.value) == f"{path}: " + problem.format(n=first, m=first + 3)
