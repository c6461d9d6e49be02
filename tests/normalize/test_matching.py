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


SHORT_REGISTRY = """entities:
  - {name: 区医保局, kind: department}
  - {name: 区市场监管局, kind: department}
  - {name: 区残联, kind: department}
  - {name: 区社会保险事务中心, kind: department}
  - {name: 区林业局, kind: department}
  - {name: 区农业农村局, kind: department}
  - {name: 区科协, kind: department}
"""


@pytest.mark.parametrize(
    ("raw", "entity"),
    [
        ("区医疗保障局", "区医保局"),  # a long form printed, the short one in the names file
        ("区市场监督管理局", "区市场监管局"),
        ("区残疾人联合会", "区残联"),  # 联合会 ~ 联
        ("区科学技术协会", "区科协"),  # 协会 ~ 协
        ("西区残疾人联合会", "区残联"),
    ],
)
def test_long_form_printed_resolves_to_a_short_entry(tmp_path: Path, raw: str, entity: str) -> None:
    book = book_from(SHORT_REGISTRY + "prefixes: [西区]\n", tmp_path)
    assert resolve(book, raw) == (entity, "abbreviation")


@pytest.mark.parametrize(
    "raw",
    [
        "区林业和草原局",  # a part of the long form, not a short form of it: only suggested
        "区农业农村和交通运输局",  # a merged bureau is not its predecessor
        "区医疗保障中心",  # another head noun
        "区残疾人托养中心",
        "区妇女联合会",
    ],
)
def test_a_longer_name_that_only_contains_a_short_one_stays_apart(tmp_path: Path, raw: str) -> None:
    assert resolve(book_from(SHORT_REGISTRY, tmp_path), raw)[0] is None


def test_region_prefixes_come_from_the_names_file(tmp_path: Path) -> None:
    registry = "entities:\n  - {name: 区发展改革局, kind: department}\n"
    assert resolve(book_from(registry, tmp_path), "东区发展改革局")[0] is None
    book = book_from(registry + "prefixes: [攀枝花市东区, 东区]\n", tmp_path)
    assert resolve(book, "东区发展改革局") == ("区发展改革局", "exact")
    assert resolve(book, "攀枝花市东区发展改革局") == ("区发展改革局", "exact")
    assert resolve(book, "西区发展改革局")[0] is None  # another district's bureau


def test_prefixes_must_be_a_list_of_names() -> None:
    _, problems = check_names({"entities": [], "prefixes": "西区"})
    assert problems == ["'prefixes' must be a list of region names, e.g. [攀枝花市西区, 西区]"]


def test_an_accepted_name_wins_over_one_name_per_entity(shipped: NameBook) -> None:
    """A person's accept: stands even when the bulletin also prints the entity's own name."""
    data = read_yaml(SHIPPED)
    data["suggestions"] = [{"raw": "区残疾人联合会", "accept": "区残联"}]
    book, problems = check_names(data)
    assert not problems
    raws = ["区残联", "区残疾人联合会", "区医疗保障局", "区医保局"]
    out = one_name_per_entity({"b": set(raws)}, Matcher(book).resolve(raws))
    assert (out[("b", "区残疾人联合会")].entity, out[("b", "区残疾人联合会")].method) == (
        "区残联",
        "accepted",
    )
    withdrawn = out[("b", "区医疗保障局")]
    assert (withdrawn.entity, withdrawn.method) == (None, "conflict")
    assert withdrawn.reason == "the same bulletin also prints 区医保局 for 区医保局"


UNITS = [e.name for e in load_names(SHIPPED).entities.values() if e.kind != "scope"]


def test_two_units_of_the_samples_never_resolve_to_each_other() -> None:
    """Every ordered pair of different units: with only one in the names file, the other
    (and its 西区 spelling) never lands on it, whichever way round the abbreviation runs."""
    wrong = []
    for kept in UNITS:
        book, problems = check_names(
            {"entities": [{"name": kept, "kind": "other"}], "prefixes": ["西区"]}
        )
        assert not problems
        printed = [u for u in UNITS if u != kept]
        printed += ["西" + u for u in printed if u.startswith("区")]
        resolved = Matcher(book).resolve(printed)
        wrong += [(p, kept) for p in printed if resolved[p].entity is not None]
    assert wrong == []


def test_a_typo_in_a_long_name_is_still_applied(tmp_path: Path) -> None:
    text = "entities:\n  - {name: 市住房公积金中心西区管理部, kind: department}\n"
    entity, method = resolve(book_from(text, tmp_path), "市住房公积全中心西区管理部")
    assert (entity, method) == ("市住房公积金中心西区管理部", "fuzzy")


def test_matching_rules_are_checked_when_loaded() -> None:
    from normalize.match_rules import RulesError, family_rules, parse_rules

    rules = family_rules()
    assert ("联合会", "联") in rules.suffix_families and rules.prefixes == ("区",)
    assert "西区" not in rules.prefixes  # a publisher's prefix lives in its names file
    with pytest.raises(RulesError, match="unknown key 'head'; missing key 'heads'"):
        parse_rules({"head": ["局"], "suffix_families": {}, "office_suffixes": {},
                     "settlements": [], "region_prefixes": [], "place_marks": []})  # fmt: skip


def test_traditional_characters_resolve(shipped: NameBook) -> None:
    assert resolve(shipped, "區發展改革局") == ("区发展改革局", "name")
    assert resolve(shipped, "西區社會保險事務中心") == ("区社会保险事务中心", "exact")


def test_another_place_or_a_first_word_is_never_taken_for_a_unit(tmp_path: Path) -> None:
    registry = (
        "entities:\n  - {name: 市住房公积金中心西区管理部, kind: department}\n"
        "  - {name: 区教育和体育局, kind: department}\n"
    )
    book = book_from(registry, tmp_path)
    assert resolve(book, "市住房公积金中心东区管理部")[0] is None  # 东区 is another place
    assert resolve(book, "区教育局")[0] is None  # 教育 is a part of 教育和体育, not its short form
    assert resolve(book, "区教体局") == ("区教育和体育局", "abbreviation")


def test_a_word_holding_a_settlement_character_names_no_settlement(tmp_path: Path) -> None:
    # 农村 in 区农业农村局 (the 2019 name of 区农业局) is no village: both are departments
    # of one head noun, so the old name is offered as a candidate, not kept apart as a
    # village's office; it is still only suggested (农业 is the first word of 农业农村).
    registry = (
        "entities:\n  - {name: 区农业农村局, kind: department}\n"
        "  - {name: 区乡村振兴局, kind: department}\n  - {name: 新村社区, kind: other}\n"
    )
    matcher = Matcher(book_from(registry, tmp_path))
    assert name_key("区农业农村局").settlements == ()
    assert name_key("区乡村振兴局").settlements == ()
    assert name_key("新村社区").settlements == ("社区", "村")  # a place's name keeps its 村
    resolved = matcher.resolve(["区农业局"])
    assert resolved["区农业局"].entity is None
    assert [c.entity for c in matcher.candidates["区农业局"]] == ["区农业农村局"]


def test_a_town_government_or_a_street_office_is_its_town(tmp_path: Path) -> None:
    registry = (
        "entities:\n  - {name: 河口镇, kind: town}\n  - {name: 东城街道, kind: town}\n"
        "  - {name: 河口乡, kind: town}\n"
    )
    book = book_from(registry, tmp_path)
    assert resolve(book, "河口镇人民政府") == ("河口镇", "exact")
    assert resolve(book, "河口镇政府") == ("河口镇", "exact")
    assert resolve(book, "东城街道办") == ("东城街道", "exact")
    assert resolve(book, "河口乡人民政府") == ("河口乡", "exact")
    assert resolve(book, "区人民政府")[0] is None  # a district's government is no town
