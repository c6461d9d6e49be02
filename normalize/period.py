"""The reported period of a bulletin (month, quarter, half, year or range), with its basis.

The granularity and months come from a title that states them (2022年2月份…通报,
2023年第一季度…情况), else from the prose: the first period words decide between a
quarter (第一季度, or 1-3月 as a whole quarter), a half (上半年), a year (全年, 2022年度) and a
range (1-9月); otherwise the month the prose names most. Issue numbers (第7期) and dates
(9月29日) are never the month. The year comes, in this order of trust, from the title, the
publication date (metadata block, issuer line or signature; a period ending after the
publication month belongs to the year before), the year the text mentions most, and the
file's path. Disagreeing evidence gives a warning naming both.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from functools import lru_cache

from extract.document import Document
from extract.hints import nfkc, simplified
from normalize.facts import Period
from normalize.period_numerals import period_text
from normalize.period_words import PeriodWords, first_span, span_in_title

DATE = re.compile(r"(?P<y>(19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
# A month not followed by a day (9月22日 is a date, not the reported month).
# Texts whose dates the period reader blanked, remembered (each is read three times).
TEXT_MEMO = 1024
MONTH = re.compile(r"(?<![\d\-~—至到])(?P<m>\d{1,2})\s*月份?(?!\s*\d{1,2}\s*日)")
YEAR = re.compile(r"(?<![\d第])(?P<y>(19|20)\d{2})\s*年(?!\s*\d{1,2}\s*月\s*\d{1,2}\s*日)")
FILE_NAME = re.compile(r"(?<!\d)(?P<y>(19|20)\d{2})[-_.年]?(?P<m>0[1-9]|1[0-2]|[1-9])(?!\d)")
FILE_YEAR = re.compile(r"(?<!\d)(?P<y>(19|20)\d{2})(?!\d)")
# After the first date of a span (9月1日至9月15日): that date is not when it was published.
SPAN_AFTER = re.compile(r"\s*(?:至|到|-|~|—)")
# How many blocks at the top of a document may hold the title or publication date.
TOP_BLOCKS = 3


def infer_period(doc: Document, file_name: str) -> Period:
    """Reported period of a bulletin, with the basis of the inference."""
    return read_period(doc, file_name)[0]


def read_period(
    doc: Document,
    file_name: str,
    *,
    published: str | None = None,
    title: str | None = None,
    skip: frozenset[int] = frozenset(),
    given: Period | None = None,
) -> tuple[Period, list[str]]:
    """The period, and warnings where the evidence disagrees.

    ``published`` and ``title`` come from a metadata block (whose blocks ``skip`` names);
    ``given`` is a period the user states (a year alone when its month is None).
    """
    texts = reading_texts(doc, skip)
    published = published or find_published(texts)
    if title:
        texts.insert(0, period_text(nfkc(title)))
    top = texts[: TOP_BLOCKS + (1 if title else 0)]
    words = span_in_title(top) or first_span(texts) or _month_words(texts)
    candidates = _year_candidates(words, texts, published, file_name, doc.path)
    warnings = _conflicts(candidates)
    if given is not None and given.month is not None:
        text_says = read_period(doc, file_name, published=published, title=title, skip=skip)[0]
        if text_says.label is not None and text_says.label != given.label:
            warnings.append(
                f"period: given as {given.label}, but the {text_says.basis.replace('_', ' ')} "
                f"says {text_says.label}; {given.label} kept"
            )
        return replace(given, basis="given", published=published), warnings
    if given is not None and given.year is not None:
        if candidates and candidates[0][1] != given.year:
            other, said = candidates[0]
            warnings.append(
                f"period: the given year is {given.year} but the {other.replace('_', ' ')} "
                f"says {said}; {given.year} kept"
            )
        candidates.insert(0, ("given", given.year))
    if words is None:
        m = FILE_NAME.search(file_name) or FILE_NAME.search(doc.path)
        if m and given is None:
            return Period(int(m["y"]), int(m["m"]), "file_name", published), warnings
        stated = given.year if given is not None else None
        return Period(stated, None, "given" if stated else "unknown", published), warnings
    end = words.end if words.type != "month" else None
    if not candidates:
        return Period(None, words.start, "unknown", published, words.type, end), warnings
    basis, year = candidates[0]
    return Period(year, words.start, basis, published, words.type, end), warnings


def reading_texts(doc: Document, skip: frozenset[int]) -> list[str]:
    """Blocks (but the skipped ones) and table captions, NFKC, in reading order, their
    period words in digits (二〇二三年一至九月 → 2023年1至9月)."""
    captions = dict(zip(doc.table_positions, doc.tables, strict=False))
    out: list[str] = []
    for i in range(len(doc.blocks) + 1):
        if i in captions:
            out.extend(period_text(simplified(nfkc(c))) for c in captions[i].caption)
        if i < len(doc.blocks) and i not in skip:
            out.append(period_text(simplified(nfkc(doc.blocks[i].text))))
    return out


def find_published(texts: list[str]) -> str | None:
    """The publication date printed at the top (issuer line) or the end (signature)."""
    candidates = texts[:TOP_BLOCKS] + texts[-TOP_BLOCKS:]
    for text in candidates:
        m = DATE.search(text)
        if m and len(text) - len(m[0]) < 60 and not SPAN_AFTER.match(text, m.end()):
            return f"{int(m['y']):04d}-{int(m['m']):02d}-{int(m['d']):02d}"
    return None


def _month_words(texts: list[str]) -> PeriodWords | None:
    """The month the prose names most (earliest on ties), as period words without a year."""
    months: list[int] = []
    for text in texts:
        no_dates = _undated(text)
        months.extend(int(m["m"]) for m in MONTH.finditer(no_dates) if 1 <= int(m["m"]) <= 12)
    if not months:
        return None
    counts = Counter(months)
    top = max(counts.values())
    month = next(m for m in months if counts[m] == top)
    return PeriodWords("month", month, month, None, "prose")


def _year_candidates(
    words: PeriodWords | None, texts: list[str], published: str | None, file_name: str, path: str
) -> list[tuple[str, int]]:
    """(basis, year) from every kind of evidence, most trusted first."""
    out: list[tuple[str, int]] = []
    if words is not None and words.year is not None:
        out.append(("title" if words.source == "title" else "text_years", words.year))
    if published is not None:
        year, month = int(published[:4]), int(published[5:7])
        last = words.end if words is not None else None
        out.append(("publication_date", year - 1 if last is not None and last > month else year))
    years = mentioned_years(texts)
    if years is not None:
        out.append(("text_years", years))
    for name in (file_name, path):
        m = FILE_YEAR.search(name)
        if m:
            out.append(("file_name", int(m["y"])))
            break
    return out


def _conflicts(candidates: list[tuple[str, int]]) -> list[str]:
    """A warning when the title, the publication date and the path disagree on the year."""
    strong = [(b, y) for b, y in candidates if b in ("title", "publication_date", "file_name")]
    if not strong:
        return []
    basis, year = strong[0]
    return [
        f"period: the {basis.replace('_', ' ')} says {year} but the {b.replace('_', ' ')} "
        f"says {y}; {year} kept"
        for b, y in strong[1:]
        if y != year
    ]


def mentioned_years(texts: list[str]) -> int | None:
    """The year the text mentions most (the latest on ties); 2022年第四次 counts."""
    years = Counter(int(m["y"]) for t in texts for m in YEAR.finditer(_undated(t)))
    if not years:
        return None
    top = max(years.values())
    return max(y for y, n in years.items() if n == top)


@lru_cache(maxsize=TEXT_MEMO)
def _undated(text: str) -> str:
    """The text with its dates (2022年9月30日) blanked: a date is not the reported month."""
    return DATE.sub(" ", text)
