"""A document → a normalised bulletin: period, title, headline figures, table facts."""

from __future__ import annotations

import re
import unicodedata

from extract.document import Document
from normalize.catalog import Catalog
from normalize.checks import run_checks
from normalize.facts import Bulletin, Fact, TableInfo
from normalize.headline import headline_facts
from normalize.ocr_repair import review_sums, snap_headers
from normalize.period import infer_period
from normalize.tables import table_facts

TITLE_WORDS = re.compile(r"(通报|简报|情况的报告)$")


def normalize_document(doc: Document, catalog: Catalog, file_name: str) -> Bulletin:
    """Everything the archive stores about one bulletin, derived from its document."""
    doc = snap_headers(doc, catalog)  # OCR'd headers one character off a known label
    warnings = [f"table {t.index + 1}: {w}" for t in doc.tables for w in t.warnings]
    facts: list[Fact] = headline_facts(doc, catalog)
    tables: list[TableInfo] = []
    for table in doc.tables:
        info, rows = table_facts(table, catalog, warnings)
        tables.append(info)
        facts.extend(rows)
    bulletin = Bulletin(
        document=doc,
        period=infer_period(doc, file_name),
        title=find_title(doc),
        tables=tables,
        facts=facts,
        warnings=warnings,
    )
    bulletin.checks = run_checks(bulletin, catalog)
    review_sums(bulletin)  # OCR'd facts in a failed check: needs_review, candidate reading
    return bulletin


def find_title(doc: Document) -> str | None:
    """The bulletin's title line, when the document prints one near the top."""
    for block in doc.blocks[:5]:
        text = unicodedata.normalize("NFKC", block.text).strip()
        if len(text) <= 60 and TITLE_WORDS.search(text):
            return block.text.strip()
    return None
