"""Charts as inline SVG, drawn on the server: no script, no network, nothing to load.

A line chart puts every month from the first to the last on its axis, so a month with
no figure is a gap in the line rather than a shortcut between its neighbours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2")
FONT = 'font-family="sans-serif" font-size="11"'
BAR_HEIGHT = 18
BAR_LABEL_WIDTH = 220


@dataclass
class Series:
    """One line: a value (or None) for each month it has."""

    name: str
    values: dict[str, float | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Frame:
    """The drawing area inside the axes."""

    width: int
    height: int
    left: int = 56
    top: int = 12
    right: int = 28
    bottom: int = 34

    @property
    def inner_width(self) -> int:
        return self.width - self.left - self.right

    @property
    def inner_height(self) -> int:
        return self.height - self.top - self.bottom


def is_month(period: str) -> bool:
    """Whether a period label is a single month (YYYY-MM)."""
    return MONTH_RE.match(period) is not None


def months_between(first: str, last: str) -> list[str]:
    """Every month label from ``first`` to ``last`` (YYYY-MM), both included."""
    y, m = map(int, first.split("-"))
    end = tuple(map(int, last.split("-")))
    out = []
    while (y, m) <= end:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def axis_months(series: list[Series]) -> list[str]:
    """The months of the x axis: the whole span of the series' months."""
    months = sorted({p for s in series for p in s.values if is_month(p)})
    return months_between(months[0], months[-1]) if months else []


def nice_max(value: float) -> float:
    """A round number at or above ``value`` for the top of an axis."""
    if value <= 0:
        return 1.0
    step = 10 ** (len(str(int(value))) - 1)
    for factor in (1, 2, 2.5, 5, 10):
        if value <= factor * step:
            return float(factor * step)
    return float(10 * step)


def runs(points: list[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """Consecutive present points, split at every missing one."""
    out: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            if out[-1]:
                out.append([])
        else:
            out[-1].append(point)
    return [run for run in out if run]


def line_chart(series: list[Series], title: str, width: int = 720, height: int = 300) -> Markup:
    """Lines of monthly values; a missing month breaks its line."""
    months = axis_months(series)
    frame = Frame(width, height)
    present = [v for s in series for p, v in s.values.items() if v is not None and is_month(p)]
    top = nice_max(max(present, default=0.0))
    parts = [_axes(frame, top), _month_ticks(frame, months)]
    for i, one in enumerate(series):
        colour = PALETTE[i % len(PALETTE)]
        points = [_point(frame, months, top, m, one.values.get(m)) for m in months]
        parts.append(_lines(one.name, points, colour))
    parts.append(_legend(frame, series))
    return _svg(width, height, title, "line", "".join(parts))


def bar_chart(items: list[tuple[str, float]], title: str, width: int = 720) -> Markup:
    """Horizontal bars, one per labelled value, in the order given."""
    height = 24 + BAR_HEIGHT * max(len(items), 1)
    top = nice_max(max((v for _, v in items), default=0.0))
    inner = width - BAR_LABEL_WIDTH - 70
    parts = []
    for i, (label, value) in enumerate(items):
        y = 12 + i * BAR_HEIGHT
        length = inner * value / top if top else 0
        parts.append(
            f'<text x="{BAR_LABEL_WIDTH - 6}" y="{y + 12}" text-anchor="end" {FONT}>'
            f"{escape(label)}</text>"
            f'<rect class="bar" x="{BAR_LABEL_WIDTH}" y="{y + 2}" width="{length:.1f}" '
            f'height="{BAR_HEIGHT - 4}" fill="{PALETTE[0]}"><title>{escape(label)}: '
            f"{_number(value)}</title></rect>"
            f'<text x="{BAR_LABEL_WIDTH + length + 4:.1f}" y="{y + 12}" {FONT}>'
            f"{_number(value)}</text>"
        )
    return _svg(width, height, title, "bar", "".join(parts))


def sparkline(one: Series, months: list[str], title: str) -> Markup:
    """A small line chart of one series over the given months."""
    frame = Frame(260, 90, left=40, top=8, right=24, bottom=20)
    present = [v for m, v in one.values.items() if v is not None and m in months]
    top = nice_max(max(present, default=0.0))
    points = [_point(frame, months, top, m, one.values.get(m)) for m in months]
    ticks = _month_ticks(frame, [months[0], months[-1]] if len(months) > 1 else months)
    body = _axes(frame, top) + ticks + _lines(one.name, points, PALETTE[0])
    return _svg(frame.width, frame.height, title, "spark", body)


def _point(
    frame: Frame, months: list[str], top: float, month: str, value: float | None
) -> tuple[float, float] | None:
    if value is None or month not in months:
        return None
    step = frame.inner_width / max(len(months) - 1, 1)
    x = frame.left + (months.index(month) * step if len(months) > 1 else frame.inner_width / 2)
    y = frame.top + frame.inner_height * (1 - value / top)
    return (x, y)


def _lines(name: str, points: list[tuple[float, float] | None], colour: str) -> str:
    out = []
    for run in runs(points):
        coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
        out.append(
            f'<polyline class="series" points="{coords}" fill="none" stroke="{colour}" '
            f'stroke-width="2"><title>{escape(name)}</title></polyline>'
        )
    for point in points:
        if point is not None:
            out.append(
                f'<circle class="point" cx="{point[0]:.1f}" cy="{point[1]:.1f}" r="3" '
                f'fill="{colour}"/>'
            )
    return "".join(out)


def _axes(frame: Frame, top: float) -> str:
    bottom = frame.top + frame.inner_height
    right = frame.left + frame.inner_width
    out = [
        f'<line x1="{frame.left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#999"/>',
        f'<line x1="{frame.left}" y1="{frame.top}" x2="{frame.left}" y2="{bottom}" stroke="#999"/>',
    ]
    for fraction in (0.0, 0.5, 1.0):
        y = frame.top + frame.inner_height * (1 - fraction)
        out.append(
            f'<text x="{frame.left - 4}" y="{y + 4:.1f}" text-anchor="end" {FONT}>'
            f"{_number(top * fraction)}</text>"
        )
    return "".join(out)


def _month_ticks(frame: Frame, months: list[str]) -> str:
    if not months:
        return ""
    every = max(1, len(months) // 8)
    step = frame.inner_width / max(len(months) - 1, 1)
    out = []
    last = len(months) - 1
    for i, month in enumerate(months):
        # every few months, and the last; a regular tick too close to the last is left out
        if i != last and (i % every or last - i < every):
            continue
        x = frame.left + (i * step if len(months) > 1 else frame.inner_width / 2)
        out.append(
            f'<text x="{x:.1f}" y="{frame.height - frame.bottom + 16}" text-anchor="middle" '
            f"{FONT}>{month}</text>"
        )
    return "".join(out)


def _legend(frame: Frame, series: list[Series]) -> str:
    out = []
    for i, one in enumerate(series):
        colour = PALETTE[i % len(PALETTE)]
        y = frame.top + 4 + 14 * i
        x = frame.left + 8
        out.append(
            f'<rect x="{x}" y="{y}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14}" y="{y + 9}" {FONT}>{escape(one.name)}</text>'
        )
    return "".join(out)


def _svg(width: int, height: int, title: str, kind: str, body: str) -> Markup:
    return Markup(
        f'<svg class="bulletins-chart chart-{kind}" xmlns="http://www.w3.org/2000/svg" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def _number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"
