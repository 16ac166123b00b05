"""Chart geometry for the page: plain numbers and SVG path strings, drawn by the templates.

Everything is computed here (scales, ticks, paths) so the templates only place elements and every
label passes through Jinja2's autoescaping. No JavaScript library and no CDN: the page stays one
self-contained file that works offline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

# One colour per system, in order of `system_id`; readable on white and distinct for the usual 4-5.
PALETTE = ("#3b5bdb", "#e8590c", "#2b8a3e", "#ae3ec9", "#c92a2a", "#1098ad", "#5c940d", "#495057")


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str  # the tooltip: what the point is, in words


@dataclass(frozen=True)
class Series:
    name: str
    color: str
    path: str  # SVG path data; a gap (a missing value) starts a new sub-path
    points: list[Point]


@dataclass(frozen=True)
class Reference:
    """A dashed straight line with its label (break-even, the diagonal of perfect calibration)."""

    x1: float
    y1: float
    x2: float
    y2: float
    label: str


@dataclass(frozen=True)
class Tick:
    pos: float
    label: str


@dataclass
class LineChart:
    chart_id: str
    title: str
    width: int
    height: int
    left: int
    top: int
    right: int
    bottom: int
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    x_title: str = ""
    y_title: str = ""

    @property
    def n_points(self) -> int:
        return sum(len(s.points) for s in self.series)

    @property
    def empty(self) -> bool:
        return self.n_points == 0


WIDTH, HEIGHT = 520, 260
MARGIN = {"left": 48, "top": 28, "right": 28, "bottom": 40}  # right: room for the last date label


def _frame(chart_id: str, title: str, x_title: str, y_title: str) -> LineChart:
    return LineChart(
        chart_id,
        title,
        WIDTH,
        HEIGHT,
        left=MARGIN["left"],
        top=MARGIN["top"],
        right=WIDTH - MARGIN["right"],
        bottom=HEIGHT - MARGIN["bottom"],
        x_title=x_title,
        y_title=y_title,
    )


def _scale(lo: float, hi: float, a: float, b: float):
    span = (hi - lo) or 1.0
    return lambda v: round(a + (v - lo) / span * (b - a), 1)


def _path(coords: list[tuple[float, float] | None]) -> str:
    """`M x y L x y ...`; None breaks the line so a missing day is not drawn as a slope."""
    parts, pen_down = [], False
    for c in coords:
        if c is None:
            pen_down = False
            continue
        parts.append(f"{'L' if pen_down else 'M'}{c[0]} {c[1]}")
        pen_down = True
    return " ".join(parts)


def nice_top(value: float, step: float) -> float:
    """The smallest multiple of `step` at or above `value` (at least one step)."""
    steps = max(1, -(-value // step))
    return steps * step


def colors(system_ids: list[str]) -> dict[str, str]:
    return {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(sorted(system_ids))}


def daily_chart(
    systems_doc: dict[str, Any],
    metric: str,
    chart_id: str,
    title: str,
    y_title: str,
    y_format,
    y_range: tuple[float, float] | None = None,
    reference: tuple[float, str] | None = None,
) -> LineChart:
    """One line per system of a daily metric (`mae`, `hit_rate`) over the document's daily records.
    Colours follow `colors()` of every system in the document, the same in every chart of the page."""
    chart = _frame(chart_id, title, "game date (ET)", y_title)
    systems = systems_doc.get("systems") or []
    days = sorted({d["game_date"] for s in systems for d in s["daily"]})
    if not days:
        return chart
    values = [d[metric] for s in systems for d in s["daily"] if d[metric] is not None]
    if y_range is None:
        top = nice_top(max([*values, 1.0]) * 1.1, 2.0)
        y_range = (0.0, top)
    lo, hi = y_range
    first, last = dt.date.fromisoformat(days[0]), dt.date.fromisoformat(days[-1])
    span = max((last - first).days, 1)
    x = _scale(0, span, chart.left, chart.right)
    y = _scale(lo, hi, chart.bottom, chart.top)

    def xd(day: str) -> float:
        return x((dt.date.fromisoformat(day) - first).days)

    # About six date ticks whatever the window: every k-th day from the first.
    every = max(1, -(-span // 6))
    chart.x_ticks = [
        Tick(x(i), (first + dt.timedelta(days=i)).strftime("%b %d")) for i in range(0, span + 1, every)
    ]
    chart.y_ticks = [Tick(y(lo + (hi - lo) * k / 4), y_format(lo + (hi - lo) * k / 4)) for k in range(5)]
    palette = colors([s["system_id"] for s in systems])
    for s in systems:
        by_day = {d["game_date"]: d for d in s["daily"]}
        coords: list[tuple[float, float] | None] = []
        points = []
        for day in days:
            value = by_day.get(day, {}).get(metric)
            if value is None:
                coords.append(None)
                continue
            c = (xd(day), y(min(max(value, lo), hi)))
            coords.append(c)
            points.append(Point(c[0], c[1], f"{s['system_id']} {day}: {y_format(value)} ({by_day[day]['graded']} graded, {by_day[day]['picks']} picks)"))
        chart.series.append(Series(s["system_id"], palette[s["system_id"]], _path(coords), points))
    if reference is not None and lo <= reference[0] <= hi:
        chart.references.append(Reference(chart.left, y(reference[0]), chart.right, y(reference[0]), reference[1]))
    return chart


def calibration_chart(
    calibration: dict[str, Any] | None, palette: dict[str, str] | None = None, chart_id: str = "chart-calibration"
) -> LineChart:
    """Reliability diagram: per bucket of predicted P(over), the mean prediction (x) against the observed
    over rate (y), one line per system; on the diagonal a system is calibrated."""
    chart = _frame(chart_id, "Calibration of P(over)", "predicted P(over), bucket mean", "observed over rate")
    chart.width = chart.height = 300
    chart.right, chart.bottom = chart.width - MARGIN["right"], chart.height - MARGIN["bottom"]
    x = _scale(0.0, 1.0, chart.left, chart.right)
    y = _scale(0.0, 1.0, chart.bottom, chart.top)
    chart.x_ticks = [Tick(x(k / 5), f"{k / 5:.1f}") for k in range(6)]
    chart.y_ticks = [Tick(y(k / 5), f"{k / 5:.1f}") for k in range(6)]
    chart.references.append(Reference(x(0), y(0), x(1), y(1), "perfect calibration"))
    systems = (calibration or {}).get("systems") or []
    palette = palette or colors([s["system_id"] for s in systems])
    for s in systems:
        points = [
            Point(
                x(b["mean_p_over"]),
                y(b["observed_over"]),
                f"{s['system_id']} {b['bucket']}: predicted {b['mean_p_over']:.2f}, observed {b['observed_over']:.2f} "
                f"({b['rows']} rows)",
            )
            for b in s["buckets"]
        ]
        chart.series.append(Series(s["system_id"], palette[s["system_id"]], _path([(p.x, p.y) for p in points]), points))
    return chart


def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.0f}%"


def pct1(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def points(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def points2(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


@dataclass(frozen=True)
class Bar:
    y: float
    length: float
    color: str
    value_label: str
    tooltip: str


@dataclass
class BarChart:
    chart_id: str
    title: str
    width: int
    height: int
    label_width: int
    rows: list[tuple[float, str, list[Bar]]]  # (y of the label, system_id, its bars)
    reference: Reference | None = None


def bar_chart(
    systems: list[dict[str, Any]], metric: str, chart_id: str, title: str, fmt, top: float, reference: float | None
) -> BarChart:
    """Horizontal bars per system: the last 7 days (dark) and 30 days (light) of one window metric."""
    row_h, label_w, bar_w, pad = 26, 110, 220, 6
    height = pad * 2 + 16 + row_h * max(len(systems), 1)
    rows = []
    for i, s in enumerate(systems):
        y0 = pad + 18 + i * row_h
        bars = []
        for j, (window, color) in enumerate((("last_7_days", "#3b5bdb"), ("last_30_days", "#a5b4fc"))):
            value = s[window][metric]
            length = 0.0 if value is None else round(max(0.0, min(value / top, 1.0)) * bar_w, 1)
            label = f"{s['system_id']} {window.replace('_', ' ')}: {fmt(value)}"
            bars.append(Bar(y0 + 2 + j * 11, length, color, fmt(value), label))
        rows.append((y0 + 14, s["system_id"], bars))
    ref = None
    if reference is not None:
        x = round(label_w + reference / top * bar_w, 1)
        ref = Reference(x, pad + 16, x, height - pad, "")
    return BarChart(chart_id, title, label_w + bar_w + 70, height, label_w, rows, ref)
