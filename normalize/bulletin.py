"""A document → a normalised bulletin: metadata, period, title, prose figures, table facts."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from extract.document import Document
from extract.errors import NoTable
from extract.hints import simplified
from normalize.catalog import Catalog
from normalize.checks import run_checks
from normalize.facts import Bulletin, Period, TableInfo
from normalize.ocr_repair import review_sums, snap_headers
from normalize.period import read_period
from normalize.prose import ProseContext, prose_facts
from normalize.prose_words import first_scope, simplified_keep
from normalize.quality import gate_bulletin
from normalize.site_meta import SiteMeta, find_issuer, read_site_meta
from normalize.tables import table_facts

TITLE_WORDS = re.compile(r"(通报|简报|报告|运行情况|工作情况)$")
SECTION_START = re.compile(r"^([一二三四五六七八九十]+|\d+)\s*[、.]|^[(（]")
NO_TABLE = "no table found; the bulletin's figures are read from its prose"


def normalize_document(
    doc: Document,
    catalog: Catalog,
    file_name: str,
    given_period: Period | None = None,
    given_published: str | None = None,
) -> Bulletin:
    """Everything the archive stores about one bulletin, derived from its document.

    ``given_period`` is a period the user states for the file (basis ``given``); a period
    with a year and no month states the year only. ``given_published`` (YYYY-MM-DD) is a
    publication date the user states, over one the text prints. A file with neither a
    table nor a figure in its prose is refused (NoTable).
    """
    doc = snap_headers(doc, catalog)  # OCR'd headers one character off a known label
    meta = read_site_meta(doc, catalog.prose)
    if given_published is not None:
        meta = replace(meta, published=given_published)
    if meta.publisher is None:
        meta = replace(meta, publisher=find_issuer(doc, catalog.prose))
    period, warnings = read_period(
        doc,
        file_name,
        published=meta.published,
        title=meta.title,
        skip=meta.blocks,
        given=given_period,
    )
    context = ProseContext(period, default_scope(doc, meta, catalog), meta.blocks)
    facts, prose_warnings = prose_facts(doc, catalog.prose, context)
    if not doc.tables and not facts:
        raise NoTable(
            doc.path,
            "no table and no figure found "
            "(if the bulletin is an attached .doc or .pdf, ingest that file)",
        )
    warnings += doc.warnings  # what the reader skipped in the file (a scanned page)
    warnings += prose_warnings
    if not doc.tables:
        warnings.append(NO_TABLE)
    warnings += [f"table {t.index + 1}: {w}" for t in doc.tables for w in t.warnings]
    tables: list[TableInfo] = []
    for table in doc.tables:
        info, rows = table_facts(table, catalog, warnings, period.type)
        tables.append(info)
        facts.extend(rows)
    bulletin = Bulletin(
        document=doc,
        period=period,
        title=meta.title or find_title(doc),
        tables=tables,
        facts=facts,
        warnings=warnings,
        publisher=meta.publisher,
    )
    bulletin.checks = run_checks(bulletin, catalog)
    review_sums(bulletin)  # OCR'd facts in a failed check: needs_review, candidate reading
    gate_bulletin(bulletin)
    return bulletin


def default_scope(doc: Document, meta: SiteMeta, catalog: Catalog) -> tuple[str, str] | None:
    """The scope of figures no sentence scopes: one the title names, else the publisher."""
    for text in [meta.title or "", *(b.text for b in doc.blocks[:5])]:
        printed = unicodedata.normalize("NFKC", text)
        found = first_scope(simplified_keep(printed), catalog.prose)
        if found is not None:
            return printed[found[0] : found[1]], found[2]
    if meta.publisher:
        return meta.publisher, meta.publisher
    return None


def find_title(doc: Document) -> str | None:
    """The bulletin's title line, when the document prints one near the top."""
    for block in doc.blocks[:5]:
        text = simplified(unicodedata.normalize("NFKC", block.text)).strip()
        if len(text) <= 60 and TITLE_WORDS.search(text) and not SECTION_START.match(text):
            return block.text.strip()
    return None
