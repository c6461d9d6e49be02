"""What a user states about a file that its text may not: the period, the publication
date, and the address it was downloaded from (a manifest CSV, or `--period`)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from normalize.facts import Period

MANIFEST_COLUMNS = ("path", "period", "published", "source_url")
PERIOD_FORMS = (
    (re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"), "month"),
    (re.compile(r"^(\d{4})-Q([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})-H([12])$"), "half"),
    (re.compile(r"^(\d{4})-(0[1-9]|1[0-2])\.\.\1-(0[1-9]|1[0-2])$"), "range"),
    (re.compile(r"^(\d{4})$"), "year"),
)
DATE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
# A manifest is a list of files, not data: more than this is not one.
MAX_MANIFEST_BYTES = 16 * 1024 * 1024


class GivenError(ValueError):
    """A stated period, date or manifest row is not in a form the tool reads."""


@dataclass(frozen=True)
class Given:
    """A file's period (a year alone when its month is None), publication date
    (YYYY-MM-DD) and source address, as the user states them."""

    period: Period | None = None
    published: str | None = None
    source_url: str | None = None


def parse_period(text: str) -> Period:
    """``2021-03``, ``2021-Q1``, ``2021-H2``, ``2021-01..2021-09`` or ``2021`` (the year
    alone: the month still comes from the text)."""
    text = text.strip()
    for pattern, kind in PERIOD_FORMS:
        m = pattern.match(text)
        if m is None:
            continue
        year = int(m[1])
        if kind == "month":
            return Period(year, int(m[2]), "given")
        if kind == "quarter":
            first = (int(m[2]) - 1) * 3 + 1
            return Period(year, first, "given", type="quarter", end_month=first + 2)
        if kind == "half":
            first = 1 if m[2] == "1" else 7
            return Period(year, first, "given", type="half", end_month=first + 5)
        if kind == "range":
            start, end = int(m[2]), int(m[3])
            if end < start:
                break
            return Period(year, start, "given", type="range", end_month=end)
        return Period(year, None, "given")
    raise GivenError(
        f"period '{text}' is not one of YYYY-MM, YYYY-Qn, YYYY-Hn, YYYY-MM..YYYY-MM or YYYY"
    )


def read_manifest(path: Path) -> dict[Path, Given]:
    """A manifest CSV (UTF-8, a header naming ``path`` and any of period, published,
    source_url) as the resolved file path → what it states; paths are relative to the
    manifest's folder. GivenError names the line of any row it cannot read."""
    try:
        if path.stat().st_size > MAX_MANIFEST_BYTES:
            raise GivenError(f"{path}: larger than {MAX_MANIFEST_BYTES // 1024 // 1024} MB")
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise GivenError(f"{path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise GivenError(f"{path}: not UTF-8 text; save the manifest as UTF-8 CSV") from None
    reader = csv.DictReader(text.splitlines())
    header = [h.strip() for h in reader.fieldnames or []]
    unknown = [h for h in header if h not in MANIFEST_COLUMNS]
    if "path" not in header or unknown:
        raise GivenError(
            f"{path}: line 1: the header must name 'path' and any of period, published, "
            f"source_url (unknown: {', '.join(unknown) or 'none'})"
        )
    out: dict[Path, Given] = {}
    for line, row in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in row.items() if k is not None}
        if not row.get("path"):
            continue
        try:
            out[(path.parent / row["path"]).resolve()] = given_row(row)
        except GivenError as exc:
            raise GivenError(f"{path}: line {line}: {exc}") from None
    return out


def given_row(row: dict[str, str]) -> Given:
    """One manifest row's statements, checked."""
    published = row.get("published") or None
    if published is not None and not DATE.match(published):
        raise GivenError(f"published '{published}' is not a date YYYY-MM-DD")
    period = parse_period(row["period"]) if row.get("period") else None
    return Given(period, published, row.get("source_url") or None)
