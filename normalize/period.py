"""The reported month of a bulletin, and the evidence it was read from.

Order of trust: a title that states year and month (2022年2月份…通报); the month of the
prose with the year of the printed publication date (a reported month later than the
publication month belongs to the year before); the month of the prose with the year the
text mentions most; the file name as a last resort.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from extract.document import Document
from normalize.facts import Period

TITLE = re.compile(
    r"(?P<y>(19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月份?[^。]{0,40}(通报|情况|报告|统计)"
)
DATE = re.compile(r"(?P<y>(19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
# A month not followed by a day (9月22日 is a date, not the reported month).
MONTH = re.compile(r"(?<!\d)(?P<m>\d{1,2})\s*月份?(?!\s*\d{1,2}\s*日)")
YEAR = re.compile(r"(?<!\d)(?P<y>(19|20)\d{2})\s*年(?!\s*第)")
FILE_NAME = re.compile(r"(?<!\d)(?P<y>(19|20)\d{2})[-_.年]?(?P<m>0[1-9]|1[0-2]|[1-9])(?!\d)")
# How many blocks at the top of a document may hold the title or publication date.
TOP_BLOCKS = 3


def infer_period(doc: Document, file_name: str) -> Period:
    """Reported year and month of a bulletin, with the basis of the inference."""
    texts = [unicodedata.normalize("NFKC", b.text) for b in doc.blocks]
    published = find_published(texts)
    for text in texts[:TOP_BLOCKS]:
        m = TITLE.search(text)
        if m and not DATE.match(text, m.start()):
            return Period(int(m["y"]), int(m["m"]), "title", published)
    month = prose_month(texts)
    if month is not None:
        if published is not None:
            year, pub_month = int(published[:4]), int(published[5:7])
            return Period(
                year - 1 if month > pub_month else year, month, "publication_date", published
            )
        years = mentioned_years(texts)
        if years:
            return Period(years, month, "text_years", published)
    m = FILE_NAME.search(file_name)
    if m:
        return Period(int(m["y"]), int(m["m"]), "file_name", published)
    return Period(None, month, "unknown", published)


def find_published(texts: list[str]) -> str | None:
    """The publication date printed at the top (issuer line) or the end (signature)."""
    candidates = texts[:TOP_BLOCKS] + texts[-TOP_BLOCKS:]
    for text in candidates:
        m = DATE.search(text)
        if m and len(text) - len(m[0]) < 60:
            return f"{int(m['y']):04d}-{int(m['m']):02d}-{int(m['d']):02d}"
    return None


def prose_month(texts: list[str]) -> int | None:
    """The month the prose reports on: the most frequent month mention (earliest on ties)."""
    months: list[int] = []
    for text in texts:
        no_dates = DATE.sub(" ", text)
        months.extend(int(m["m"]) for m in MONTH.finditer(no_dates) if 1 <= int(m["m"]) <= 12)
    if not months:
        return None
    counts = Counter(months)
    top = max(counts.values())
    return next(m for m in months if counts[m] == top)


def mentioned_years(texts: list[str]) -> int | None:
    """The year the text mentions most (the latest on ties)."""
    years = Counter(int(m["y"]) for t in texts for m in YEAR.finditer(DATE.sub(" ", t)))
    if not years:
        return None
    top = max(years.values())
    return max(y for y, n in years.items() if n == top)
