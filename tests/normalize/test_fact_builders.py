"""The hot path's Fact builders make the same facts as the dataclass does."""

from dataclasses import replace

from normalize.facts import Fact, fact_of, for_review

VALUES = (
    0,
    "district",
    "高新区",
    "高新区",
    None,
    "高新区",
    "item",
    "accepted",
    "受理量",
    6459.0,
    "6459",
    "count",
    "含转办",
    3,
    2,
    17,
    None,
    None,
    False,
    None,
    None,
)


def test_fact_of_equals_the_dataclass_built_the_usual_way() -> None:
    built = fact_of(*VALUES)
    usual = Fact(*VALUES)  # type: ignore[arg-type]
    assert built == usual
    assert hash(built) == hash(usual)
    assert repr(built) == repr(usual)
    assert built.entity_raw == "高新区" and built.value == 6459.0 and built.line == 17


def test_for_review_flags_a_copy_and_leaves_the_original() -> None:
    fact = fact_of(*VALUES)
    flagged = for_review(fact)
    assert flagged == replace(fact, needs_review=True)
    assert flagged.needs_review is True and fact.needs_review is False
    assert flagged.value_raw == "6459" and flagged.note == "含转办"
