"""The running state of the prose reader: the subject of the text, the sentence's figures."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from extract.document import Block
from normalize.facts import Fact
from normalize.tables import slug

# How much of a sentence before a figure is read for its label, goal words, period and
# change basis: a bulletin's sentence is far shorter; a text of one endless line (a
# scraped page without stops) stays linear.
SAID_MAX = 400


@dataclass
class State:
    """The running subject of the text and the last level figure of the sentence."""

    scope: tuple[str, str]
    pattern: re.Pattern[str]
    # The scope a paragraph starts from: its section heading's, else the bulletin's (the
    # title's or the publisher's, else the first the text names).
    bulletin: tuple[str, str] | None = None
    section: tuple[str, str] | None = None
    ended: bool = True  # the paragraph before ended its sentence
    last: Fact | None = None  # the sentence's last figure of a known label (a change's base)
    last_any: Fact | None = None  # its last figure, when none has a known label
    # Its last figure of a known label in each unit: what a category's count divides when
    # a rate came between (受理20500件，按时办结率97.5%。其中：城市管理（4100件）).
    last_of_unit: dict[str, Fact] = field(default_factory=dict)
    # Its first, in each unit: the sentence's main figure (收到来信3412封，已办结3360封，办结率
    # 98.48%。其中咨询类1620封…: the categories divide the letters received, not those done).
    first_of_unit: dict[str, Fact] = field(default_factory=dict)
    # 分别为 x、y: (unit or None for the scope, metric, label) still waiting for a figure.
    respectively: list[tuple[str | None, str, str]] | None = None
    # The one unit the sentence is about since it was named (市住建局受理2130件，办结率97.2%):
    # later clauses without a subject of their own belong to it.
    unit: str | None = None
    # A clause naming a unit and a measure whose figure follows after a comma.
    pending: tuple[str, str, str] | None = None
    # 按诉求类型分: (metric, printed label) of the figure whose categories the sentence lists.
    breakdown: tuple[str, str] | None = None
    # 受理量居前三位的是：: (metric, printed label) of the measure of the units listed next.
    measure: tuple[str, str] | None = None
    after: str = ""  # the clause's text right after the figure being read (a few characters)
    in_list: bool = False  # the figure being read is an item of a list joined by 、
    # the figure being read took the total's measure for its period words (其中4月2.1万件)
    period_only: bool = False
    # the figure being read went to a name 分别 listed; more figures than names were printed
    respective_given: bool = False
    respective_over: bool = False
    said: str = ""  # the sentence before the figure being read (its last SAID_MAX characters)
    warnings: list[str] = field(default_factory=list)


def unknown(fact: Fact) -> bool:
    """A figure under a label the vocabulary does not know (its metric is the label's slug)."""
    return fact.needs_review and fact.metric == slug(fact.header)


def scope_fact(
    state: State, block: Block, value: float, printed: str, unit: str, header: str = ""
) -> Fact:
    """A figure of the prose as the fact of the scope the sentence is about (row role
    ``total``); its metric is decided later."""
    return Fact(
        table_index=None,
        table_kind="headline",
        entity_raw=state.scope[0],
        name_key=state.scope[1],
        parent_raw=None,
        row_label=state.scope[0],
        row_role="total",
        metric="",
        header=header,
        value=value,
        value_raw=printed,
        unit=unit,
        note=None,
        row=None,
        col=None,
        line=block.source.line_start,
        page=block.source.page,
        bbox=block.source.bbox,
        needs_review=False,
    )


def of_unit(fact: Fact, unit: str) -> Fact:
    """The fact as the figure of one named unit (row role ``item``)."""
    return replace(fact, entity_raw=unit, name_key=unit, row_label=unit, row_role="item")
