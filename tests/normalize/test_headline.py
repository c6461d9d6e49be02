"""Headline figures of the 西区 wordings: scope totals, one named department, no targets."""

from __future__ import annotations

from extract.document import Block, Document
from normalize.catalog import Catalog
from normalize.headline import headline_facts


def figures(catalog: Catalog, *lines: str) -> list[tuple[str, str, float | None, str, str | None]]:
    doc = Document("x.txt", "text", "utf-8", [Block(line) for line in lines], [])
    return [
        (f.name_key, f.metric, f.value, f.value_raw, f.note) for f in headline_facts(doc, catalog)
    ]


def test_a_department_figure_belongs_to_the_department_and_thresholds_are_not_figures(
    catalog: Catalog,
) -> None:
    got = figures(
        catalog,
        "9月,全区一体化平台办件数4288件,主动评价数4084件,主动评价率97.86%。区发展改革局的主动评价率"
        "未达到100%,其中区农业农村和交通运输局主动评价率较低为69.32%。请确保本部门主动评价率为100%。",
    )
    assert got == [
        ("一体化平台", "cases", 4288.0, "4288件", None),
        ("一体化平台", "evaluations", 4084.0, "4084件", None),
        ("一体化平台", "evaluation_rate", 97.86, "97.86%", None),
        ("区农业农村和交通运输局", "evaluation_rate", 69.32, "69.32%", None),
    ]


def test_full_width_wording_with_notes(catalog: Catalog) -> None:
    got = figures(
        catalog,
        "12月，政务服务大厅系统排号数7705件，办结7018件（含上月未办结件，下同），即办件数5925件。",
    )
    assert got == [
        ("政务服务大厅", "queue_tickets", 7705.0, "7705件", None),
        ("政务服务大厅", "completed", 7018.0, "7018件", "含上月未办结件，下同"),
        ("政务服务大厅", "immediate_completed", 5925.0, "5925件", None),
    ]


def test_scope_in_brackets_does_not_count_and_section_two_ends_the_opening(
    catalog: Catalog,
) -> None:
    got = figures(
        catalog,
        "格里坪镇、各街道便民服务大厅(含村、社区便民服务室)申请5331件,受理4904件。",
        "二、工作动态",
        "我区一体化平台办件数6669件。",
    )
    assert got == [
        ("便民服务中心", "applications", 5331.0, "5331件", None),
        ("便民服务中心", "accepted", 4904.0, "4904件", None),
    ]
