"""The data files users edit are checked when loaded, with the line of each problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from normalize.catalog import CatalogError, load_catalog
from normalize.names import NameBook, NamesError, load_names


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "file.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_catalog_maps_every_archive_key(catalog) -> None:
    assert catalog.metric_for("hall_windows", "大厅窗口 办件数").key == "handled"
    assert catalog.metric_for("town_centers", "咨询（件）").key == "consultations"
    assert catalog.metric_for("online_service", "梳理 完成率").key == "review_completion_rate"
    assert catalog.metric_for("online_service", "梳理完成率").unit == "percent"
    assert catalog.metric_for("hall_windows", "咨询") is None


def test_catalog_errors_name_the_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "table_kinds:\n  hall_windows: {scope: 大厅}\nmetrics:\n  hall_windows:\n    accepted: {unit: pieces, labels: [受理]}\n",
    )
    with pytest.raises(
        CatalogError, match=r"line 5: metric 'accepted' needs unit: count or percent"
    ):
        load_catalog(path)
    path = write(tmp_path, "tables: {}\n")
    with pytest.raises(CatalogError, match=r"unknown keys \['tables'\]"):
        load_catalog(path)
    path = write(
        tmp_path,
        "table_kinds:\n  hall_windows: {scope: 大厅}\nmetrics:\n  hall_windows:\n    accepted: {unit: count, labels: [受理]}\n    completed: {unit: count, labels: [受理]}\n",
    )
    with pytest.raises(
        CatalogError, match=r"line 6: label '受理' means both 'accepted' and 'completed'"
    ):
        load_catalog(path)


def test_shipped_names_resolve_renames_and_short_forms(names: NameBook) -> None:
    pairs = {
        "区社保局": "区社会保险事务中心",
        "区就业局": "区就业创业促进中心",
        "民政和扶贫开发局": "区民政局",
        "残联": "区残联",
        "卫生健康局": "区卫生健康局",
        "综合行政执法局": "区综合执法局",
        "市公交公司(市级下沉窗口)": "市公交公司",
        "市住房公积金中心西区管理部(市级下沉窗口)": "市住房公积金中心西区管理部",
        "区人社局": "区人力资源社会保障局",
        "格里坪镇便民服务中心心心心": "格里坪镇便民服务中心",
        "市公交公司（市级下沉窗口）": "市公交公司",
        "区民政局": "区民政局",
    }
    for raw, canonical in pairs.items():
        assert names.resolve(raw).entity == canonical, raw
    assert names.resolve("区商务局").entity == "区商务局"
    assert names.resolve("区新设局").entity is None
    assert names.entities["金林社区便民服务中心"].parent == "格里坪镇"


def test_names_problems_are_listed_with_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "entities:\n"
        "  - {name: 区民政局, kind: department, aliases: [民政局]}\n"
        "  - {name: 区商务局, kind: department, aliases: [民政局]}\n"
        "  - {name: 金林社区便民服务中心, kind: centre, parent: 格里坪镇}\n"
        "  - {name: 区水利局, kind: bureau, alias: [水利局]}\n",
    )
    with pytest.raises(NamesError) as info:
        load_names(path)
    assert info.value.problems == [
        "line 3: '民政局' already names '区民政局'",
        "line 5: unknown keys ['alias']; allowed: ['aliases', 'kind', 'name', 'parent', 'successor', 'valid_from', 'valid_to']",
        "line 5: kind 'bureau' of '区水利局' must be one of ('department', 'town', 'centre', 'scope', 'other')",
        "line 4: parent '格里坪镇' is not an entity",
    ]


def test_names_file_that_is_not_yaml(tmp_path: Path) -> None:
    path = write(tmp_path, "entities:\n  - {name: 区民政局, kind: department\n")
    with pytest.raises(NamesError, match=r"line 3: not valid YAML"):
        load_names(path)
