"""What each line of a text bulletin is: a pipe row, a tab cell, a cell between blank lines,
a line of the site's metadata block, or prose.

Sites and exports write table cells several ways: ``cell |`` (one or many to a line,
with or without a leading pipe), a tab before the cell, or one cell per line with blank
lines between. A metadata block (索引号 / 发布机构 / 发文日期 …) is never a table, even
when written as pipe rows; a paragraph a forum wrapped in ``|`` is prose.
"""

from __future__ import annotations

import re
from functools import lru_cache

from extract.hints import LayoutHints, fold
from extract.layout import INDEX, TEXT, VALUE, cell_kind

PIPE, TAB, BLANK, PROSE, META, CELL = "pipe", "tab", "blank", "prose", "meta", "cell"
JUNK, RULE = "junk", "rule"
# A forum's anti-copy string: letters and digits without a Chinese character or a space.
JUNK_RE = re.compile(r"^(?=.*[A-Za-z])(?=.*\d)[A-Za-z0-9]{6,32}$")
# A forum's "jammer": runs of one to three ASCII characters with spaces between, letters
# and punctuation among them (3 t& k+ Y2 V" l), printed between the lines of a repost.
JAMMER_RE = re.compile(
    r"^(?=.*[A-Za-z])(?=.*[!-/:-@\[-`{-~])[!-~]{1,3}(?:[ \u3000]+[!-~]{1,3}){3,}$"
)
# A ruled line between rows: a markdown separator (|:---|---:|), a text grid's border
# (+----+----+), box drawing (├──┼──┤); nothing but rules, colons and joints.
RULE_RE = re.compile(r"^(?=(?:.*[-=─━]){3})[-=─━:|+ \t┌┬┐├┼┤└┴┘│]+$")
# Full-width and box-drawing pipes (｜, │, ┃), as sites and converters write them.
WIDE_PIPES = str.maketrans({"｜": "|", "│": "|", "┃": "|"})
YEAR = re.compile(r"\d{4}\s*年")  # a title or date line, never a name header
SENTENCE_MARKS = re.compile(r"[。；！？]|，.*，")
# Longest text a cell written between blank lines may hold.
MAX_CELL_CHARS = 40
# A run of blank-separated cells is a table only with this many cells and values.
MIN_RUN_CELLS, MIN_RUN_VALUES = 6, 2
# Distinct lines and cell texts the pure classifiers below remember (memory stays flat).
MEMO_SIZE = 1 << 11
# Longest line whose kind is remembered (cells and rows recur; paragraphs do not).
MEMO_LINE = 200


def narrow_pipes(line: str) -> str:
    """A line whose cells are fenced by full-width or box-drawing pipes (｜区人社局｜1032｜)
    with ASCII pipes; a line with one such character only (a title's separator) as is."""
    if line.count("｜") + line.count("│") + line.count("┃") < 2:  # (no generator: every line)
        return line
    return line.translate(WIDE_PIPES)


def pipe_parts(line: str) -> list[str]:
    """The cells of a pipe line: ``a | b |``, ``| a | b |``, ``a | b`` (no trailing pipe)."""
    stripped = line.strip()
    if stripped.startswith("|") and stripped.strip("| "):
        stripped = stripped[1:]
    parts = stripped.split("|")
    return parts[:-1] if stripped.endswith("|") else parts


def is_sentence(text: str) -> bool:
    """Prose rather than a cell: long, or punctuated as a sentence."""
    return SENTENCE_MARKS.search(text) is not None and len(text) >= 20


def meta_key(text: str, hints: LayoutHints) -> str | None:
    """The metadata field a cell names (索引号, 发布机构 …), when it names one."""
    return _meta_key(text, hints.metadata_keys)


@lru_cache(maxsize=MEMO_SIZE)
def _meta_key(text: str, keys: frozenset[str]) -> str | None:
    folded = fold(text).split(":", 1)[0]
    return folded if folded in keys else None


def line_kinds(lines: list[str], hints: LayoutHints) -> list[str]:
    """Classify every line; then mark runs of cells written between blank lines."""
    keys = hints.metadata_keys
    # _kind_of, written out: one call a line
    work_out = _line_kind.__wrapped__
    kinds = [
        _line_kind(line, keys) if len(line) <= MEMO_LINE else work_out(line, keys) for line in lines
    ]
    for n in range(1, len(kinds)):
        # A metadata value written as its own pipe or tab line right after a key alone.
        if kinds[n] in (PIPE, TAB) and kinds[n - 1] == META and _key_alone(lines[n - 1], hints):
            kinds[n] = META
    pipes = [
        line.count("|") if kind == PROSE and not line.strip().startswith("|") else 0
        for line, kind in zip(lines, kinds, strict=True)
    ]
    last = len(kinds) - 1
    for n, count in enumerate(pipes):
        # Rows of two cells with no pipe at either end (单位 | 工单数), several in a row.
        if count and ((n > 0 and pipes[n - 1] == count) or (n < last and pipes[n + 1] == count)):
            kinds[n] = PIPE
    mark_cell_runs(lines, kinds, hints)
    return kinds


def line_kind(line: str, hints: LayoutHints) -> str:
    """Classify one line of a text bulletin."""
    return _kind_of(line, hints.metadata_keys)


def _kind_of(line: str, keys: frozenset[str]) -> str:
    """A short line's kind from the memo; a long one's worked out (paragraphs do not recur)."""
    if len(line) <= MEMO_LINE:
        return _line_kind(line, keys)
    return _line_kind.__wrapped__(line, keys)


@lru_cache(maxsize=MEMO_SIZE)
def _line_kind(line: str, keys: frozenset[str]) -> str:
    """A line's kind; of the hints only the metadata keys matter (a cell alone on its
    line, ``0 |`` or ``100.00% |``, recurs down a table and is classified once)."""
    stripped = line.strip()
    if not stripped:
        return BLANK
    if RULE_RE.match(stripped):
        return RULE
    if "|" in stripped:
        parts = [p for p in map(str.strip, pipe_parts(stripped)) if p]
        found = [p for p in parts if _meta_key(p, keys)]
        # Two fields on a line, a field with its colon, or a field name alone: never a
        # table's header that happens to hold one such word (关键词 | 数量).
        if (
            len(found) >= 2
            or (len(parts) == 1 and found == parts)
            or any(":" in k or "：" in k for k in found)
        ):
            return META
        if len(parts) == 1 and is_sentence(parts[0]):
            return PROSE  # a paragraph wrapped in pipes
        if stripped.endswith("|") or stripped.count("|") >= 2:
            return PIPE
    if line.startswith("\t"):
        # a metadata field written as a tab-indented cell is the metadata block's
        return META if _meta_key(stripped, keys) else TAB
    if JUNK_RE.match(stripped) or JAMMER_RE.match(stripped):
        return JUNK
    return PROSE


def _key_alone(line: str, hints: LayoutHints) -> bool:
    parts = [p for p in pipe_parts(line) if p.strip()]
    return len(parts) == 1 and meta_key(parts[0], hints) is not None


def mark_cell_runs(lines: list[str], kinds: list[str], hints: LayoutHints) -> None:
    """Short prose lines one blank line apart, from a header word on, holding values: cells."""
    n = 0
    while n < len(kinds):
        if kinds[n] != PROSE:  # no run starts here (what _blank_separated_run would find)
            n += 1
            continue
        run = _blank_separated_run(lines, kinds, n)
        if len(run) < MIN_RUN_CELLS:
            n += 1
            continue
        start = _header_start(lines, run, hints)
        if start is not None:
            cells = _until_caption(lines, run[start:], hints)
            values = sum(1 for i in cells if _is_value(lines[i], hints))
            if len(cells) >= MIN_RUN_CELLS and values >= MIN_RUN_VALUES:
                for i in cells:
                    kinds[i] = CELL
        n = run[-1] + 1


def _blank_separated_run(lines: list[str], kinds: list[str], n: int) -> list[int]:
    """Lines from n on that are cell-like prose with exactly one blank line between."""
    run: list[int] = []
    i = n
    while i < len(kinds) and kinds[i] == PROSE and _cell_like(lines[i]):
        run.append(i)
        if i + 2 < len(kinds) and kinds[i + 1] == BLANK:
            i += 2
        else:
            break
    return run


def _cell_like(line: str) -> bool:
    text = line.strip()
    return len(text) <= MAX_CELL_CHARS and not is_sentence(text) and "。" not in text


def _header_start(lines: list[str], run: list[int], hints: LayoutHints) -> int | None:
    """Where a run's header starts: a header word (单位, 序号 …), or a name header followed
    by a header label (地市 then 工单数); never inside a metadata block."""
    texts = [lines[i].strip() for i in run]
    after_meta = max((k + 1 for k, t in enumerate(texts) if meta_key(t, hints)), default=0)
    for k in range(after_meta, len(texts)):
        folded = fold(texts[k])
        if folded in hints.index_headers or folded in hints.header_words:
            return k
        if (
            k + 1 < len(texts)
            and cell_kind(texts[k], hints) == TEXT
            and not hints.is_caption(texts[k])
            and not YEAR.search(texts[k])
            and fold(texts[k + 1]) not in hints.header_words | hints.index_headers
            and hints.is_header_like(texts[k + 1])
            and cell_kind(texts[k + 1], hints) == TEXT
        ):
            return k
    return None


def _is_value(line: str, hints: LayoutHints) -> bool:
    return cell_kind(line.strip(), hints) in (VALUE, INDEX)


def _until_caption(lines: list[str], run: list[int], hints: LayoutHints) -> list[int]:
    """Cut a run before a caption-like line that follows a value (the next table's
    caption, or one printed after its table)."""
    seen_value = False
    for k, i in enumerate(run):
        if seen_value and hints.is_caption(lines[i]):
            return run[:k]
        seen_value = seen_value or _is_value(lines[i], hints)
    return run


def meta_texts(lines: list[str], rows: list[int], hints: LayoutHints) -> list[tuple[str, int]]:
    """A metadata block's lines as ``key: value`` texts, each with its 1-based line."""
    out: list[list[str | int]] = []
    for n in rows:
        for part in pipe_parts(lines[n]):
            text = part.strip()
            if not text:
                continue
            if meta_key(text, hints) is not None or not out:
                key, _, value = re.sub("：", ":", text).partition(":")
                out.append([f"{key.strip()}: {value.strip()}".strip(), n + 1])
            else:
                out[-1][0] = f"{out[-1][0]} {text}"
    return [(str(text), int(line)) for text, line in out]
