"""Headline figures: the figures the prose states, read by normalize/prose.py.

Kept for its callers: ``headline_facts`` reads a document's prose with no bulletin context
(no period for cumulative figures, no publisher as the default scope).
"""

from __future__ import annotations

import re

from extract.document import Document
from normalize.catalog import Catalog
from normalize.facts import Fact
from normalize.prose import ProseContext, prose_facts

SECTION = re.compile(r"^[二三四五六七八九十]+\s*[、.．]")


def headline_facts(doc: Document, catalog: Catalog) -> list[Fact]:
    """Every figure of the prose (see normalize/prose.py)."""
    return prose_facts(doc, catalog.prose, ProseContext())[0]
