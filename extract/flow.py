"""Prose and tables in reading order, as the structured readers (HTML, Word) find them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extract.captions import caption_lines
from extract.document import Block, Document, Source, Table
from extract.explicit import SpanCell, table_from_rows
from extract.hints import LayoutHints

SPACES = re.compile(r"\s+")


@dataclass
class FlowBuilder:
    """Prose blocks and tables in reading order, as the HTML and Word readers find them.

    A table's caption is the title lines right above it (after the previous table: see
    extract/captions.py), as in the text reader, so table kinds and captions come out the same.
    """

    hints: LayoutHints
    engine: str
    blocks: list[Block] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)

    def add_text(self, text: str, source: Source) -> None:
        """One block a line; empty lines and page furniture (``- 7 -``, 主办:…) dropped."""
        for line in text.split("\n"):
            clean = SPACES.sub(" ", line).strip()
            if clean and not self.hints.is_chrome(clean):
                self.blocks.append(Block(clean, source))

    def prepend_text(self, text: str, source: Source) -> None:
        """Text that comes before everything read so far (a page's <title>)."""
        count = len(self.blocks)
        self.add_text(text, source)
        added = self.blocks[count:]
        self.blocks[:] = added + self.blocks[:count]
        self.positions[:] = [p + len(added) for p in self.positions]

    def add_table(self, rows: list[list[SpanCell]], caption: list[str]) -> Table | None:
        """A data table from stated rows; None, with nothing added, when no row holds figures."""
        start = self.positions[-1] if self.positions else 0
        above = caption_lines([b.text for b in self.blocks[start:]])
        table = table_from_rows(
            rows,
            self.hints,
            index=len(self.tables),
            caption=above + caption,
            engine=self.engine,
        )
        if table is not None:
            self.positions.append(len(self.blocks))
            self.tables.append(table)
        return table

    def document(self, name: str, fmt: str, encoding: str) -> Document:
        """The Document read so far."""
        return Document(name, fmt, encoding, self.blocks, self.tables, self.positions)


def nested_warning(row: int, before: int, after: int) -> str:
    """The flag on a table one of whose cells (in 0-based ``row``) holds a nested table."""
    read_as = f"read as table {after}" if after > before else "read as prose"
    return f"a cell in row {row + 1} holds a nested table, {read_as}"
