"""Periods of any granularity, year evidence in order of trust, conflicts, a given period."""

from __future__ import annotations

from extract.document import Block, Cell, Document, Table
from normalize.facts import Period
from normalize.period import read_period


def doc(*lines: str, path: str = "x.txt", tables: list[Table] | None = None) -> Document:
    positions = [len(lines)] * len(tables or [])
    return Document(path, "text", "utf-8", [Block(x) for x in lines], tables or [], positions)


def period(d: Document, file_name: str = "x.txt", **kw: object) -> tuple[str | None, str, str]:
    p, _ = read_period(d, file_name, **kw)  # type: ignore[arg-type]
    return p.label, p.type, p.basis


def test_quarter_half_year_and_range_titles() -> None:
    assert period(doc("平安市2023年第一季度政务服务运行情况", "共受理86421件。")) == (
        "2023-Q1", "quarter", "title",
    )  # fmt: skip
    assert period(doc("平安市2023年1-3月政务服务运行情况")) == ("2023-Q1", "quarter", "title")
    assert period(doc("2024年上半年12345热线运行情况")) == ("2024-H1", "half", "title")
    assert period(doc("平安市12345热线2022年度工作情况报告")) == ("2022", "year", "title")
    assert period(doc("2022年1-9月政务服务运行情况通报")) == (
        "2022-01..2022-09", "range", "title",
    )  # fmt: skip


def test_prose_granularity_with_the_year_of_the_publication_date() -> None:
    d = doc("上半年,全县受理152340件。", "平安县行政审批局", "2024年7月10日")
    assert period(d) == ("2024-H1", "half", "publication_date")
    d = doc("全年共受理312450件。", "2023年1月15日")
    assert period(d) == ("2022", "year", "publication_date")
    d = doc("第四季度共受理9000件。", "2023年1月15日")
    assert period(d) == ("2022-Q4", "quarter", "publication_date")
    d = doc("1-10月累计受理48210件。", "2022年11月5日")
    assert period(d) == ("2022-01..2022-10", "range", "publication_date")


def test_a_cumulative_range_beside_its_month_is_a_monthly_report() -> None:
    d = doc("1-9月累计受理48210件,其中9月受理5120件。", "2022年10月12日")
    assert period(d) == ("2022-09", "month", "publication_date")


def test_issue_numbers_are_not_months_and_meeting_dates_are_not_the_month() -> None:
    assert period(doc("政务服务简报", "2021年第7期(总第56期)", "4月份,受理42156件。")) == (
        "2021-04", "month", "text_years",
    )  # fmt: skip
    d = doc("9月29日,召开2022年第四次政务服务工作例会,通报了8月份运行数据。")
    assert period(d) == ("2022-08", "month", "text_years")


def test_the_path_gives_the_year_when_the_text_does_not() -> None:
    assert period(doc("8月份,受理100件。", path="archive/2019/zwfw.txt"), "zwfw.txt") == (
        "2019-08", "month", "file_name",
    )  # fmt: skip
    assert period(doc("受理100件。", path="reports/2018-07_hotline.txt"), "h.txt") == (
        "2018-07", "month", "file_name",
    )  # fmt: skip


def test_conflicting_years_give_a_warning_naming_both() -> None:
    d = doc("西区2022年2月份政务服务工作情况通报", "受理100件。", "2023年3月2日")
    p, warnings = read_period(d, "x.txt")
    assert (p.label, p.basis, p.published) == ("2022-02", "title", "2023-03-02")
    assert warnings == ["period: the title says 2022 but the publication date says 2023; 2022 kept"]


def test_metadata_date_and_title_are_evidence() -> None:
    d = doc("4月份,受理42156件。")
    p, _ = read_period(d, "x.txt", published="2021-05-20", title="平安市12345热线运行情况通报")
    assert (p.label, p.basis, p.published) == ("2021-04", "publication_date", "2021-05-20")
    p, _ = read_period(d, "x.txt", title="平安市12345热线2021年4月份运行情况通报")
    assert (p.label, p.basis) == ("2021-04", "title")


def test_a_month_kept_only_in_a_table_caption_is_read() -> None:
    table = Table(
        0, [Cell("部门", 0, 0), Cell("受理", 0, 1)], 1, 2, 1, caption=["8月各窗口办件情况"]
    )
    d = doc("各窗口办件情况如下:", "平安县政务服务中心 2025年9月3日", tables=[table])
    assert period(d) == ("2025-08", "month", "publication_date")


def test_a_given_period_or_year() -> None:
    d = doc("8月份,受理100件。", "2025年9月3日")
    p, warnings = read_period(d, "x.txt", given=Period(2024, 6, "given"))
    assert (p.label, p.basis, p.published) == ("2024-06", "given", "2025-09-03")
    assert warnings == [
        "period: given as 2024-06, but the publication date says 2025-08; 2024-06 kept"
    ]
    p, warnings = read_period(d, "x.txt", given=Period(2019, None, "given"))
    assert (p.label, p.basis) == ("2019-08", "given")
    assert warnings == [
        "period: the given year is 2019 but the publication date says 2025; 2019 kept"
    ]
    quarter = Period(2020, 1, "given", type="quarter", end_month=3)
    p, _ = read_period(doc("受理100件。"), "notes.txt", given=quarter)
    assert (p.label, p.start, p.end, p.basis) == ("2020-Q1", "2020-01", "2020-03", "given")
