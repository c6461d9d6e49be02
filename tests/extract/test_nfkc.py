"""The quick NFKC gives what unicodedata gives, on prose and on what could trip it."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract.hints import nfkc

TRICKY = [
    "9月，全区一体化平台办件数4288件，主动评价率97.86％。",
    "（见附件２）\u3000区民政局：６４５９",
    "Ａ\u0301 and ｅ\u0301: a full-width letter before a combining accent composes",
    "ﬁle ① ㈱ ℡ ￣ ｶﾞ \u3000\u3000",
    "已是半角 123 (no change)",
    "",
]


@pytest.mark.parametrize("text", TRICKY)
def test_nfkc_of_tricky_texts_is_unicodedata_nfkc(text: str) -> None:
    assert nfkc(text) == unicodedata.normalize("NFKC", text)


def test_nfkc_of_full_width_prose() -> None:
    assert nfkc("受理６４５９件，办结率１００％（含转办）") == "受理6459件,办结率100%(含转办)"


@given(st.text(alphabet=st.sampled_from("区局，：（）％０９Ａａ\u3000\u0301\u0308ｶﾞ゙ﬁ①￣a 。")))
def test_nfkc_of_any_mix_is_unicodedata_nfkc(text: str) -> None:
    assert nfkc(text) == unicodedata.normalize("NFKC", text)
