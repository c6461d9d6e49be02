"""The hot path's remembered results: the same answers as the plain definitions, patterns
compiled once per vocabulary, and every memo bounded."""

from __future__ import annotations

import unicodedata

from extract.hints import simplified
from extract.layout import cell_kind
from extract.text import pipe_texts, squash
from extract.text_lines import line_kind
from normalize.catalog import Catalog
from normalize.prose_vocab import ProseVocab
from normalize.prose_words import change_before, fold_keep, simplified_keep
from normalize.values import clean, parse_value

# Full-width digits and brackets, a circled digit, a ligature (NFKC gives two letters: the
# character is kept), traditional characters, a metadata line.
MIXED = "１２３４５（含转办）① ﬁle 辦結率 總工單數 发布机构：西区"


def test_fold_keep_is_nfkc_character_by_character() -> None:
    expected = "".join(
        f if len(f := unicodedata.normalize("NFKC", ch)) == 1 else ch for ch in MIXED
    )
    assert fold_keep(MIXED) == expected == "12345(含转办)1 ﬁle 辦結率 總工單數 发布机构:西区"
    assert fold_keep("已是半角 123") == "已是半角 123"


def test_simplified_keep_is_simplified_character_by_character() -> None:
    assert simplified_keep(MIXED) == "".join(
        s if len(s := simplified(ch)) == 1 else ch for ch in MIXED
    )
    assert simplified_keep("辦結率 總工單數") == "办结率 总工单数"


def test_cell_texts_of_a_pipe_line() -> None:
    assert pipe_texts("| 区行政审批局 |  100.00% | 18 |") == ("区行政审批局", "100.00%", "18")
    assert pipe_texts("0 |") == ("0",)
    assert squash(" 格里坪镇\u3000 便民服务中心 ") == "格里坪镇 便民服务中心"


def test_memoised_classifiers_answer_as_before(catalog: Catalog) -> None:
    from extract.hints import load_hints

    hints = load_hints()
    assert [line_kind(x, hints) for x in ("0 |", "", "\t18", "索引号 | 发布机构 |")] == [
        "pipe",
        "blank",
        "tab",
        "meta",
    ]
    assert [cell_kind(x, hints) for x in ("18", "100.00%", "-", "区民政局", "")] == [
        "index",
        "value",
        "value",
        "text",
        "empty",
    ]
    assert parse_value("６４５９").value == 6459.0
    assert parse_value("97.86%").percent is True
    assert clean(" 区 民政局 ") == "区民政局"


def test_a_vocabulary_compiles_its_change_pattern_once(catalog: Catalog) -> None:
    vocab = catalog.prose
    built: list[str] = []

    def build(v: ProseVocab) -> str:
        built.append("x")
        return "同比"

    first = vocab.pattern("test-once", build)
    assert first is vocab.pattern("test-once", build) and built == ["x"]
    change = change_before("受理量同比增长", vocab)
    assert change is not None and (change.basis, change.sign, change.start) == ("yoy", 1, 3)


def test_a_vocabulary_without_change_words_has_no_change_pattern() -> None:
    assert change_before("受理量同比增长", ProseVocab()) is None


def test_every_memo_is_bounded() -> None:
    for memo in (parse_value, clean, fold_keep, simplified_keep, pipe_texts, squash):
        maxsize = memo.cache_info().maxsize
        assert maxsize is not None and maxsize <= 1 << 13


def test_the_memo_of_value_kinds_is_bounded() -> None:
    from normalize.quality import value_kind

    assert [value_kind(x) for x in ("12", "97.86%", "-", "区民政局")] == [
        "number",
        "percent",
        None,
        "text",
    ]
    maxsize = value_kind.cache_info().maxsize
    assert maxsize is not None and maxsize <= 1 << 13
