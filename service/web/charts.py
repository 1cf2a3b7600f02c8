"""Letters over time as server-rendered SVG: readable without script, offline, and allowed by a
strict Content-Security-Policy (presentation attributes only, no inline style or script).

Drawn by hand because the charts are a handful of rectangles and labels; a plotting library
would add a large dependency or a script loaded at view time for no gain in what a reader sees.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from markupsafe import Markup, escape

# The same hues as the kind badges in app.css, so the legend needs no translation.
KIND_COLOURS = {"letter": "#2f6fd1", "message": "#2e8b57", "telegram": "#c06a14",
                "greetings": "#8e44ad", "note": "#0f8a8a", "invitation": "#b0306b"}
OTHER_COLOURS = ("#6b7a90", "#a0522d", "#556b2f", "#8b6914")

WIDE, NARROW, PLOT_TOP, BAR_AREA = 760, 380, 12, 140
LEFT, RIGHT = 34, 8


def colour(kind: str, kinds: list[str]) -> str:
    """A kind's fill: its own hue when it is a common kind, else one of a few greys and browns."""
    if kind in KIND_COLOURS:
        return KIND_COLOURS[kind]
    others = [k for k in kinds if k not in KIND_COLOURS]
    return OTHER_COLOURS[others.index(kind) % len(OTHER_COLOURS)] if kind in others else "#888"


@dataclass
class Timeline:
    """Counts per period and kind: ``up`` drawn above the axis, ``down`` (if any) below it."""

    unit: str  # "year" or "month"
    periods: list[str]
    up: dict[str, dict[str, int]] = field(default_factory=dict)
    down: dict[str, dict[str, int]] | None = None
    up_label: str = "letters"
    down_label: str = ""
    undated: int = 0
    coarse: int = 0  # letters dated to the year only, left out of a chart by month

    @property
    def kinds(self) -> list[str]:
        """Kinds present, the most frequent first (the stacking order)."""
        totals: dict[str, int] = {}
        for side in (self.up, self.down or {}):
            for counts in side.values():
                for k, n in counts.items():
                    totals[k] = totals.get(k, 0) + n
        return sorted(totals, key=lambda k: (-totals[k], k))

    def total(self, side: Mapping[str, Mapping[str, int]] | None) -> int:
        return sum(sum(c.values()) for c in (side or {}).values())


def periods_between(first: str, last: str, unit: str) -> list[str]:
    """Every year or month from first to last, so gaps in time show as gaps."""
    if unit == "year":
        return [str(y) for y in range(int(first[:4]), int(last[:4]) + 1)]
    y, m = int(first[:4]), int(first[5:7])
    end = (int(last[:4]), int(last[5:7]))
    out = []
    while (y, m) <= end:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def nice_max(n: int) -> int:
    """The axis top: the smallest of 2, 4, 10, 20, 40, 100... at or above n (even, so the
    middle gridline is a whole number)."""
    scale = 1
    while True:
        for step in (2, 4, 10):
            if step * scale >= n:
                return step * scale
        scale *= 10


def _label_every(count: int, room: float) -> int:
    """Show every n-th period label so that labels of about 40 units do not overlap."""
    n = 1
    while count and room * n / count < 40:
        n += 1
    return n


def responsive(t: Timeline, title: str, chart_id: str) -> Markup:
    """The chart drawn twice, wide and narrow, of which the style sheet shows the one that
    fits the screen: an SVG scales as a whole, so one drawing has labels either too large on
    a desktop or too small on a phone."""
    return svg(t, title, chart_id, WIDE, "wide") + svg(t, title, chart_id + "-narrow", NARROW,
                                                       "narrow")


def svg(t: Timeline, title: str, chart_id: str, width: int = WIDE, variant: str = "wide") -> Markup:
    """The chart as an inline ``<svg>`` with a text alternative and a tooltip on each bar."""
    kinds = t.kinds
    sides = [(t.up, 1)] + ([(t.down, -1)] if t.down is not None else [])
    peak = max([sum(c.values()) for side, _ in sides for c in side.values()] or [0])
    top = nice_max(peak)
    half = BAR_AREA if t.down is None else BAR_AREA * 0.62
    axis_y = PLOT_TOP + half
    height = axis_y + (half if t.down is not None else 0) + 26
    n = max(len(t.periods), 1)
    room = width - LEFT - RIGHT
    slot = room / n
    bar = max(min(slot * 0.72, 46), 1.5)
    scale = half / top if top else 0

    summary = _summary(t)
    parts: list[str] = [
        f'<svg class="chart {variant}" id="{chart_id}" viewBox="0 0 {width} {height:.0f}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(summary)}</desc>',
    ]
    # Grid: zero, the top and the middle on each side.
    for _side, sign in sides:
        for frac in (0.5, 1.0):
            y = axis_y - sign * half * frac
            value = top * frac
            label = f"{value:g}"
            parts.append(f'<line x1="{LEFT}" x2="{width - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
                         f'stroke="#e3e7ee" stroke-width="1"/>')
            parts.append(f'<text x="{LEFT - 5}" y="{y + 4:.1f}" text-anchor="end" '
                         f'font-size="12" fill="#5d6677">{label}</text>')
    for side, sign in sides:
        for i, period in enumerate(t.periods):
            counts = side.get(period, {})
            x = LEFT + i * slot + (slot - bar) / 2
            acc = 0
            for kind in kinds:
                value = counts.get(kind, 0)
                if not value:
                    continue
                h = value * scale
                y = axis_y - acc * scale - h if sign > 0 else axis_y + acc * scale
                acc += value
                # "2019-06, letter: 2", and on a two-sided chart "2019-06, letter sent: 2"
                which = "" if t.down is None else " " + (t.up_label if sign > 0 else t.down_label)
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                    f'fill="{colour(kind, kinds)}"><title>{escape(period)}, {escape(kind)}'
                    f'{escape(which)}: {value}</title></rect>')
    parts.append(f'<line x1="{LEFT}" x2="{width - RIGHT}" y1="{axis_y:.1f}" y2="{axis_y:.1f}" '
                 f'stroke="#5d6677" stroke-width="1"/>')
    if t.down is not None:
        parts.append(f'<text x="{LEFT + 4}" y="{PLOT_TOP + 10}" font-size="12" fill="#5d6677">'
                     f'▲ {escape(t.up_label)}</text>')
        parts.append(f'<text x="{LEFT + 4}" y="{height - 30:.0f}" font-size="12" '
                     f'fill="#5d6677">▼ {escape(t.down_label)}</text>')
    every = _label_every(len(t.periods), room)
    for i, period in enumerate(t.periods):
        if i % every:
            continue
        x = LEFT + i * slot + slot / 2
        parts.append(f'<text x="{x:.1f}" y="{height - 8:.0f}" text-anchor="middle" '
                     f'font-size="12" fill="#5d6677">{escape(period)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _summary(t: Timeline) -> str:
    """The chart in words, for screen readers and anyone without images."""
    if not t.periods:
        return "No dated letters."
    busiest = max(t.periods, key=lambda p: sum(t.up.get(p, {}).values())
                  + sum((t.down or {}).get(p, {}).values()))
    words = [f"{t.total(t.up)} {t.up_label}"]
    if t.down is not None:
        words.append(f"{t.total(t.down)} {t.down_label}")
    return (f"{' and '.join(words)} by {t.unit} from {t.periods[0]} to {t.periods[-1]}; "
            f"the most in {busiest}.")


def legend(t: Timeline) -> list[tuple[str, str]]:
    """(kind, colour) pairs in stacking order, for an HTML legend beside the chart."""
    kinds = t.kinds
    return [(k, colour(k, kinds)) for k in kinds]
