"""Publisher profiles: loaded once and checked, found in or above a folder, detected."""

from __future__ import annotations

from pathlib import Path

import pytest

from normalize.names import load_names
from normalize.profile import (
    ProfileError,
    detect,
    find_profile,
    load_profile,
    write_template,
)
from tests.helpers import CORPUS, DEC, SEP


def test_the_worked_example_loads() -> None:
    profile = load_profile(CORPUS / "bulletins.yaml")
    assert profile.publisher == "攀枝花市西区行政审批局"
    assert profile.short_names == ("西区行政审批局",)
    assert profile.names == (CORPUS / "names.yaml").resolve()
    assert profile.metrics is None  # the family's vocabulary is enough for 西区


def test_problems_are_listed_with_their_lines(tmp_path: Path) -> None:
    path = tmp_path / "bulletins.yaml"
    path.write_text(
        "publisher: 某市东区行政审批局\nnames: missing.yaml\nshort_name: [东区审批局]\n",
        encoding="utf-8",
    )
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    message = str(caught.value)
    assert "line 3: unknown key 'short_name'" in message
    assert "line 2: names file 'missing.yaml' not found" in message


def test_nearest_profile_in_or_above_a_folder(tmp_path: Path) -> None:
    write_template(tmp_path / "east", "某市东区行政审批局")
    (tmp_path / "east" / "2021" / "01").mkdir(parents=True)
    assert find_profile(tmp_path / "east" / "2021" / "01") == tmp_path / "east" / "bulletins.yaml"
    assert (
        find_profile(tmp_path / "east" / "bulletins.yaml") == tmp_path / "east" / "bulletins.yaml"
    )
    assert find_profile(tmp_path) is None  # nothing above the test's folder


def test_init_writes_a_profile_and_an_empty_registry_and_never_overwrites(tmp_path: Path) -> None:
    written = write_template(tmp_path, "某市东区行政审批局")
    assert [p.name for p in written] == ["bulletins.yaml", "names.yaml"]
    profile = load_profile(tmp_path / "bulletins.yaml")
    assert profile.publisher == "某市东区行政审批局" and profile.metrics is None
    book = load_names(profile.names)
    assert book.entities == {} and book.prefixes == ()
    with pytest.raises(ProfileError, match="exists already; nothing was written"):
        write_template(tmp_path, "another")


def test_detect_names_the_one_profile_the_text_names(tmp_path: Path) -> None:
    west = load_profile(CORPUS / "bulletins.yaml")
    write_template(tmp_path, "攀枝花市东区行政审批局")
    east = load_profile(tmp_path / "bulletins.yaml")
    dec = DEC.read_text(encoding="utf-8").splitlines()[:3]
    assert detect(dec, [west, east]) is west  # the issuer line
    sep = SEP.read_text(encoding="utf-8").splitlines()
    assert detect(sep, [west, east]) is west  # 西区行政审批局 in the prose
    assert detect(["某市政务服务中心 2021年1月13日"], [west, east]) is None
