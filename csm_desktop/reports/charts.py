"""Vector charts for the PDF reports, drawn with reportlab.graphics from plain values.

Charts stay vector (sharp when a customer zooms in or prints) and use the bundled font, so
a Greek feature name renders like the rest of the report. Every function returns a
``Drawing`` of the width it is given; none reads the book.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

from reportlab import rl_config

from csm_desktop.domain.vocabulary import Status
from csm_desktop.reports.fonts import fit, label, string_width
from csm_desktop.reports.model import FeatureWeeks, MilestoneLine
from csm_desktop.reports.text import ACCENT, FONT, FONT_BOLD, INK, MUTED, RULE, plain

# reportlab checks every attribute set on a chart shape against its type: a development aid
# that doubles the time to draw our charts (fixed code, covered by tests), so it is off.
rl_config.shapeChecking = 0

PLAN = "#8c959f"
GRID = "#eaeef2"
BEFORE = "#afb8c1"


def _colour(hex_code: str) -> Any:
    from reportlab.lib import colors

    return colors.HexColor(hex_code)


def nice_step(top: float, ticks: int = 5, *, whole: bool = False) -> float:
    """A round axis step (1, 2, 2.5 or 5 × 10ⁿ) giving about ``ticks`` steps up to ``top``.

    ``whole`` keeps the step at 1 or more, for axes that count things.
    """
    if top <= 0:
        return 1.0
    raw = top / ticks
    if whole and raw <= 1:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return float(factor * magnitude)
    return float(10 * magnitude)


def _whole_count_axis(axis: Any, top: float, step: float) -> None:
    """A value axis of whole counts from 0 to a round top, with a light grid."""
    axis.valueMin, axis.valueMax = 0, _axis_top(top, step)
    axis.valueStep = step
    axis.labelTextFormat = "%d"
    axis.visibleGrid = True
    axis.gridStrokeColor = _colour(GRID)


def _axis_top(top: float, step: float) -> float:
    return max(step, math.ceil(top / step) * step)


def _style_axis(axis: Any, size: float = 7) -> None:
    axis.labels.fontName = FONT
    axis.labels.fontSize = size
    axis.labels.fillColor = _colour(MUTED)
    axis.strokeColor = _colour(RULE)


def _steps(events: Sequence[int], end: int) -> list[tuple[int, int]]:
    """A cumulative step line: +1 at each event day, from day 0 to ``end``."""
    points = [(0, 0)]
    total = 0
    for day in sorted(events):
        if day > end:
            break
        points.append((day, total))
        total += 1
        points.append((day, total))
    points.append((end, total))
    return points


def burn_up(
    milestones: Sequence[MilestoneLine],
    kickoff: dt.date,
    today: dt.date,
    width: float,
    height: float = 190,
    accent: str = ACCENT,
) -> Any:
    """Milestones achieved so far against the plan (due dates), by day since kickoff.

    Skipped milestones are left out of both lines, as they are of completion.
    """
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.charts.lineplots import LinePlot
    from reportlab.graphics.shapes import Drawing, Line, String

    counted = [m for m in milestones if m.status is not Status.SKIPPED]
    age = max((today - kickoff).days, 0)
    plan_days = [max((m.due_on - kickoff).days, 0) if m.due_on else m.target_day for m in counted]
    done_days = [
        max((m.achieved_on - kickoff).days, 0)
        for m in counted
        if m.status is Status.ACHIEVED and m.achieved_on is not None
    ]
    end = max([age, *plan_days, *done_days, 30])
    x_step = nice_step(end, 8, whole=True)
    x_top = _axis_top(end, x_step)
    total = max(len(counted), 1)
    y_step = nice_step(total, 5, whole=True)
    y_top = _axis_top(total, y_step)

    drawing = Drawing(width, height)
    plot = LinePlot()
    plot.x, plot.y = 34, 34
    plot.width, plot.height = width - 34 - 10, height - 34 - 26
    plot.data = [_steps(plan_days, int(x_top)), _steps(done_days, min(age, int(x_top)))]
    plot.lines[0].strokeColor = _colour(PLAN)
    plot.lines[0].strokeWidth = 1.2
    plot.lines[0].strokeDashArray = (4, 3)
    plot.lines[1].strokeColor = _colour(accent)
    plot.lines[1].strokeWidth = 2.2
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = 0, x_top
    plot.xValueAxis.valueStep = x_step
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax = 0, y_top
    plot.yValueAxis.valueStep = y_step
    plot.yValueAxis.labelTextFormat = "%d"
    plot.xValueAxis.labelTextFormat = "%d"
    plot.yValueAxis.visibleGrid = True
    plot.yValueAxis.gridStrokeColor = _colour(GRID)
    _style_axis(plot.xValueAxis)
    _style_axis(plot.yValueAxis)
    drawing.add(plot)

    today_x = plot.x + plot.width * min(age, x_top) / x_top
    drawing.add(
        Line(
            today_x,
            plot.y,
            today_x,
            plot.y + plot.height,
            strokeColor=_colour(MUTED),
            strokeWidth=0.6,
            strokeDashArray=(1, 2),
        )
    )
    drawing.add(
        String(
            today_x,
            plot.y + plot.height + 3,
            f"today (day {age})",
            fontName=FONT,
            fontSize=7,
            fillColor=_colour(MUTED),
            textAnchor="end" if today_x > width - 60 else "middle",
        )
    )
    drawing.add(
        String(
            plot.x + plot.width / 2,
            6,
            "days since kickoff",
            fontName=FONT,
            fontSize=7,
            fillColor=_colour(MUTED),
            textAnchor="middle",
        )
    )
    legend = Legend()
    legend.x, legend.y = plot.x + 6, height - 4
    legend.fontName, legend.fontSize = FONT, 7.5
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 150
    legend.dx, legend.dy = 14, 3
    legend.colorNamePairs = [
        (_colour(PLAN), "plan: milestones due"),
        (_colour(accent), "achieved"),
    ]
    drawing.add(legend)
    return drawing


def weekly_usage(
    usage: FeatureWeeks, width: float, height: float = 120, accent: str = ACCENT
) -> Any:
    """Bars of one key feature's weekly use, with its own scale and the week's Monday below."""
    from reportlab.graphics.shapes import Drawing, String

    drawing = Drawing(width, height)
    total = (
        f"{usage.total:,} {'use' if usage.total == 1 else 'uses'} in {len(usage.weeks)} "
        f"{'week' if len(usage.weeks) == 1 else 'weeks'}"
    )
    title = fit(plain(usage.feature), FONT_BOLD, 8.5, width - string_width(total, FONT, 7) - 8)
    drawing.add(label(0, height - 11, title, FONT_BOLD, 8.5, _colour(INK)))
    drawing.add(
        String(
            width,
            height - 11,
            f"{usage.total:,} {'use' if usage.total == 1 else 'uses'} in {len(usage.weeks)} "
            f"{'week' if len(usage.weeks) == 1 else 'weeks'}",
            fontName=FONT,
            fontSize=7,
            fillColor=_colour(MUTED),
            textAnchor="end",
        )
    )
    counts = [count for _monday, count in usage.weeks]
    chart = weekly_bars(
        [monday for monday, _count in usage.weeks], counts, accent, max(counts, default=0), 3
    )
    chart.x, chart.y = 30, 22
    chart.width, chart.height = width - 34, height - 22 - 20
    chart.groupSpacing = 3
    drawing.add(chart)
    return drawing


def weekly_bars(
    mondays: Sequence[dt.date], counts: Sequence[int], accent: str, top: int, ticks: int
) -> Any:
    """One bar per week on a whole-count axis up to ``top`` (about ``ticks`` steps), the
    weeks' Mondays below; the caller places and sizes it.

    With more than seven weeks every other Monday is named, counting back from the latest
    week, so the dates never overlap and the newest week is always named.
    """
    from reportlab.graphics.charts.barcharts import VerticalBarChart

    chart = VerticalBarChart()
    chart.data = [list(counts) or [0]]
    chart.bars[0].fillColor = _colour(accent)
    chart.bars[0].strokeColor = None
    chart.barSpacing = 1
    _whole_count_axis(chart.valueAxis, top, nice_step(top, ticks, whole=True))
    every = 1 if len(mondays) <= 7 else 2
    latest = len(mondays) - 1
    chart.categoryAxis.categoryNames = [
        f"{monday.day} {monday:%b}" if (latest - index) % every == 0 else ""
        for index, monday in enumerate(mondays)
    ] or [""]
    _style_axis(chart.categoryAxis, 6.5)
    _style_axis(chart.valueAxis, 6.5)
    return chart


def share_bars(
    rows: Sequence[tuple[str, float | None, str]],
    width: float,
    *,
    bar_height: float = 11,
    label_width: float = 190,
) -> Any:
    """One horizontal 0–100 % bar per row: (label, share, text after the bar)."""
    from reportlab.graphics.shapes import Drawing, Rect, String

    gap = 5
    height = len(rows) * (bar_height + gap) + 4
    drawing = Drawing(width, height)
    track = width - label_width - 70
    for index, (name, fraction, after) in enumerate(rows):
        y = height - (index + 1) * (bar_height + gap)
        shown = fit(plain(name), FONT, 7.5, label_width - 6)
        drawing.add(label(0, y + 2.5, shown, FONT, 7.5, _colour(INK)))
        drawing.add(
            Rect(label_width, y, track, bar_height, fillColor=_colour(GRID), strokeColor=None)
        )
        if fraction:
            drawing.add(
                Rect(
                    label_width,
                    y,
                    track * max(0.0, min(fraction, 1.0)),
                    bar_height,
                    fillColor=_colour(ACCENT),
                    strokeColor=None,
                )
            )
        drawing.add(
            String(
                label_width + track + 4,
                y + 2.5,
                after,
                fontName=FONT,
                fontSize=7.5,
                fillColor=_colour(MUTED),
            )
        )
    return drawing


def health_bar(counts: Sequence[tuple[str, int, str]], width: float, height: float = 34) -> Any:
    """A stacked bar of the book by health: (label, accounts, colour), with a legend below."""
    from reportlab.graphics.shapes import Drawing, Rect, String

    drawing = Drawing(width, height)
    total = sum(n for _label, n, _colour_code in counts) or 1
    x = 0.0
    for _label, n, colour in counts:
        part = width * n / total
        if n:
            drawing.add(Rect(x, 16, part, 16, fillColor=_colour(colour), strokeColor=None))
        x += part
    x = 0.0
    for name, n, colour in counts:
        drawing.add(Rect(x, 2, 8, 8, fillColor=_colour(colour), strokeColor=None))
        text = f"{name}: {n}"
        drawing.add(String(x + 11, 2.5, text, fontName=FONT, fontSize=8, fillColor=_colour(INK)))
        x += 24 + 5.2 * len(text)
    return drawing
