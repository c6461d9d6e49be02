"""The reported month, and its basis, from title, publication date, text or file name."""

from __future__ import annotations

from extract.document import Block, Document
from extract.reader import read_document
from normalize.facts import Period
from normalize.period import infer_period
from tests.helpers import DEC, SEP


def doc(*lines: str) -> Document:
    return Document("x.txt", "text", "utf-8", [Block(line) for line in lines], [])


def test_samples() -> None:
    assert infer_period(read_document(SEP), SEP.name) == Period(2022, 9, "text_years", None)
    assert infer_period(read_document(DEC), DEC.name) == Period(
        2020, 12, "publication_date", "2021-01-13"
    )


def test_month_after_publication_month_is_previous_year() -> None:
    d = doc("西区行政审批局  2021年1月13日", "12月，政务服务大厅受理7016件。")
    assert infer_period(d, "whatever.txt") == Period(2020, 12, "publication_date", "2021-01-13")
    d = doc("西区行政审批局  2021年3月2日", "2月，政务服务大厅受理7016件。")
    assert infer_period(d, "x.txt") == Period(2021, 2, "publication_date", "2021-03-02")


def test_title_wins_and_issue_numbers_are_not_months() -> None:
    d = doc("简报2020年第9期", "西区2022年2月份政务服务工作情况通报", "9月22日，召开会议。")
    assert infer_period(d, "x.txt") == Period(2022, 2, "title", None)


def test_day_dates_do_not_count_as_the_month() -> None:
    d = doc("9月,受理100件。", "9月22日召开会议,10月1日放假,10月8日上班。", "2022年以来成效明显。")
    assert infer_period(d, "x.txt") == Period(2022, 9, "text_years", None)


def test_file_name_is_the_last_resort() -> None:
    assert infer_period(doc("受理100件。"), "2019-07_zwfw.txt") == Period(
        2019, 7, "file_name", None
    )
    assert infer_period(doc("受理100件。"), "notes.txt") == Period(None, None, "unknown", None)
