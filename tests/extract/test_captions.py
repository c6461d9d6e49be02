"""A table's caption is the title above it, never the paragraph of figures before that."""

from __future__ import annotations

from extract.captions import caption_lines, reads_as_caption
from extract.hints import load_hints
from extract.text import parse_text

PARAGRAPH = (
    "5月份，市12345热线共受理群众诉求52318件，同比增长6.4%。其中电话来电44120件，"
    "网络留言8198件。按时办结率98.72%。"
)


def test_titles_read_as_captions_and_sentences_do_not() -> None:
    assert reads_as_caption("附件2")
    assert reads_as_caption("二、各县区办理情况")
    assert reads_as_caption("9月西区街道(镇)、社区(村)便民服务中心办件情况统计表")
    assert reads_as_caption("各窗口办件情况如下。")  # one sentence ending the line
    assert not reads_as_caption(PARAGRAPH)  # long, and sentences inside
    assert not reads_as_caption("本月受理120件。办结118件")  # short, but two sentences
    assert not reads_as_caption("")


def test_the_caption_stops_at_the_first_paragraph_above_the_table() -> None:
    assert caption_lines([PARAGRAPH, "二、各县区办理情况"]) == ["二、各县区办理情况"]
    assert caption_lines(["附件1", "各窗口办件情况"]) == ["附件1", "各窗口办件情况"]
    assert caption_lines(["一、总体情况", "附件1", "各窗口办件情况"]) == ["附件1", "各窗口办件情况"]
    assert caption_lines(["附件1", PARAGRAPH]) == []


def test_a_text_bulletin_keeps_its_paragraph_as_prose_and_the_heading_as_caption() -> None:
    text = "\n".join(
        [
            "XX市12345热线2023年5月运行情况通报",
            "",
            PARAGRAPH,
            "二、各县区办理情况",
            "| 单位 | 转办件数 | 按时办结率 |",
            "| 城东区 | 3210 | 99.21% |",
            "| 城西区 | 2876 | 98.10% |",
            "| 合计 | 6086 | 98.70% |",
        ]
    )
    doc = parse_text(text, "a.txt", "utf-8", load_hints())
    assert [t.caption for t in doc.tables] == [["二、各县区办理情况"]]
    assert PARAGRAPH in [b.text for b in doc.blocks]
