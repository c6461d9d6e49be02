"""Which prose lines right above a table are its caption, the same for every reader.

A caption is a title (``附件1``, ``二、各县区办理情况``, ``…办件情况统计表``): short and not a
sentence. The paragraph of figures that often comes before the heading is prose, not a
caption: taking it would put its words into the table's kind and hide where it starts.
"""

from __future__ import annotations

import re

from extract.hints import fold

# Up to this many lines right above a table are its caption (附件1 / title).
CAPTION_LINES = 2
# Longer than this, a line is a paragraph (the caption patterns use the same limit).
CAPTION_CHARS = 60
# A sentence ends before the line does: prose, however short (…件。其中…).
INNER_STOP = re.compile(r"[。！？；;](?=.)")


def reads_as_caption(text: str) -> bool:
    """True for a line short enough to be a title, with no sentence ending inside it."""
    folded = fold(text)
    return 0 < len(folded) <= CAPTION_CHARS and not INNER_STOP.search(folded.rstrip("。"))


def caption_lines(above: list[str]) -> list[str]:
    """The last lines of ``above`` that read as a caption, up to CAPTION_LINES, stopping
    at the first (from the table upwards) that reads as prose."""
    out: list[str] = []
    for text in reversed(above):
        if len(out) == CAPTION_LINES or not reads_as_caption(text):
            break
        out.append(text)
    return out[::-1]
