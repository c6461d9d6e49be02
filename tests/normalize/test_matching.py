"""Name matching: variants resolve, distinct departments never merge, context is respected."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalize.matching import Matcher, name_key, one_name_per_entity
from normalize.names import NameBook, check_names, load_names, read_yaml
from tests.helpers import CORPUS

SHIPPED = CORPUS / "names.yaml"


def book_from(text: str, tmp_path: Path) -> NameBook:
    path = tmp_path / "names.yaml"
    path.write_text(text, encoding="utf-8")
    return load_names(path)


def without_alias(alias: str) -> NameBook:
    """The shipped names file with one alias removed."""
    data = read_yaml(SHIPPED)
    for entry in data["entities"]:
        if alias in (entry.get("aliases") or []):
            entry["aliases"].remove(alias)
    book, problems = check_names(data)
    assert not problems
    return book


def resolve(book: NameBook, raw: str) -> tuple[str | None, str]:
    r = Matcher(book).resolve([raw])[raw]
    return r.entity, r.method


@pytest.fixture(scope="module")
def shipped() -> NameBook:
    return load_names(SHIPPED)


@pytest.mark.parametrize(
    ("raw", "entity", "method"),
    [
        ("西区发展改革局", "区发展改革局", "exact"),  # 西区 prefix
        ("区人力资源和社会保障局", "区人力资源社会保障局", "exact"),  # inserted 和
        ("西区河门口街道办事处", "河门口街道", "exact"),  # office suffix
        ("区教育体育局", "区教育和体育局", "exact"),  # dropped 和
        ("市公交公司（市级下沉窗口）", "市公交公司", "alias"),  # full-width qualifier
        ("区住建局", "区住房城乡建设局", "abbreviation"),
        ("区卫健局", "区卫生健康局", "abbreviation"),
        ("区文旅局", "区文广旅局", "abbreviation"),
    ],
)
def test_variants_resolve(shipped: NameBook, raw: str, entity: str, method: str) -> None:
    assert resolve(shipped, raw) == (entity, method)


def test_short_form_and_typo_without_their_aliases() -> None:
    assert resolve(without_alias("区人社局"), "区人社局") == (
        "区人力资源社会保障局",
        "abbreviation",
    )
    typo = "格里坪镇便民服务中心心心心"
    assert resolve(without_alias(typo), typo) == ("格里坪镇便民服务中心", "exact")


def test_qualifier_is_kept_as_an_attribute() -> None:
    assert name_key("市公交公司(市级下沉窗口)").qualifier == "市级下沉窗口"
    assert name_key("市公交公司(市级下沉窗口)").key == name_key("市公交公司").key


@pytest.mark.parametrize(
    ("kept", "missing"),
    [
        ("区民政局", "区商务局"),
        ("区商务局", "区民政局"),
        ("区水利局", "区林业局"),
        ("区林业局", "区水利局"),
        ("区医保局", "区社保局"),
        ("区社会保险事务中心", "区医保局"),
        ("河门口街道", "河门口社区"),
        ("大水井社区便民服务中心", "大水井村便民服务中心"),
        ("大水井村便民服务中心", "大水井社区便民服务中心"),
    ],
)
def test_distinct_entities_never_merge(tmp_path: Path, kept: str, missing: str) -> None:
    """With only one of a pair in the names file, the other stays unresolved."""
    others = ["区发展改革局", "格里坪镇", "清香坪街道"]
    entries = "".join(f"  - {{name: {n}, kind: other}}\n" for n in [kept, *others])
    book = book_from("entities:\n" + entries, tmp_path)
    assert resolve(book, missing)[0] is None
    assert resolve(book, kept) == (kept, "name")


def test_never_merge_blocks_an_abbreviation(tmp_path: Path) -> None:
    text = "entities:\n  - {name: 区医疗保障局, kind: department}\n"
    assert resolve(book_from(text, tmp_path), "区医保局") == ("区医疗保障局", "abbreviation")
    text += "never_merge:\n  - [区医保局, 区医疗保障局]\n"
    assert resolve(book_from(text, tmp_path), "区医保局") == (None, "unresolved")


def test_two_close_candidates_are_left_to_a_person(tmp_path: Path) -> None:
    text = "entities:\n  - {name: 区人民武装部, kind: department}\n  - {name: 区人民调解部, kind: department}\n"
    entity, method = resolve(book_from(text, tmp_path), "区人民武装调解部")
    assert (entity, method) == (None, "unresolved")


def test_one_bulletin_never_lists_a_department_twice(shipped: NameBook) -> None:
    raws = ["区发展改革局", "西区发展改革局", "区住建局"]
    resolved = Matcher(shipped).resolve(raws)
    out = one_name_per_entity({"b1": set(raws), "b2": {"西区发展改革局"}}, resolved)
    assert (out[("b1", "区发展改革局")].entity, out[("b1", "区发展改革局")].method) == (
        "区发展改革局",
        "name",
    )
    assert (out[("b1", "西区发展改革局")].entity, out[("b1", "西区发展改革局")].method) == (
        None,
        "conflict",
    )
    assert out[("b2", "西区发展改革局")].entity == "区发展改革局"
    assert out[("b1", "区住建局")].entity == "区住房城乡建设局"


def test_renamed_entity_follows_its_successor(tmp_path: Path) -> None:
    text = (
        "entities:\n"
        "  - {name: 民政和扶贫开发局, kind: department, valid_to: 2021-02, successor: 区民政局}\n"
        "  - {name: 区民政局, kind: department, valid_from: 2021-03}\n"
    )
    book = book_from(text, tmp_path)
    assert book.lineage("民政和扶贫开发局") == "区民政局"
    assert book.lineage("区民政局") == "区民政局"


SAMPLE_NAMES = [
    "区社会保险事务中心", "区就业局", "民政和扶贫开发局", "残联", "区住建局", "西区发展改革局",
    "格里坪镇便民服务中心心心心", "河门口社区便民服务中心", "区人社局", "区林业和草原局",
]  # fmt: skip
CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)


@settings(max_examples=40, deadline=None)
@given(extra=st.lists(st.text(CJK, min_size=2, max_size=9), max_size=12))
def test_unrelated_names_never_change_the_others(extra: list[str]) -> None:
    book = load_names(SHIPPED)
    matcher = Matcher(book)
    before = one_name_per_entity({"b": set(SAMPLE_NAMES)}, matcher.resolve(SAMPLE_NAMES))
    resolved = matcher.resolve(SAMPLE_NAMES + extra)
    entities = {r.entity for r in before.values() if r.entity}
    unrelated = [x for x in extra if x not in SAMPLE_NAMES and resolved[x].entity not in entities]
    after = one_name_per_entity({"b": set(SAMPLE_NAMES + unrelated)}, resolved)
    for raw in SAMPLE_NAMES:
        assert after[("b", raw)] == before[("b", raw)]
