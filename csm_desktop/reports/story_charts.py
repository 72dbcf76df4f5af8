"""The QBR's story charts (vector, reportlab.graphics): an outcome's trend, users vs seats.

Drawn from plain values in the book's accent colour. Labels that come from people (a metric's
name) go through ``fonts.label`` so they render in any script and are cut to fit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from csm_desktop.domain.vocabulary import Direction
from csm_desktop.reports.charts import (
    BEFORE,
    GRID,
    _axis_top,
    _colour,
    _style_axis,
    nice_step,
    weekly_bars,
)
from csm_desktop.reports.fonts import FONT, FONT_BOLD, fit, label
from csm_desktop.reports.layout import GOOD
from csm_desktop.reports.qbr_model import ValueStory
from csm_desktop.reports.qbr_text import number
from csm_desktop.reports.text import INK, MUTED


def value_trend(story: ValueStory, width: float, accent: str, height: float = 120) -> Any:
    """An outcome's measurements over time (baseline first), with its target dashed."""
    from reportlab.graphics.charts.lineplots import LinePlot
    from reportlab.graphics.shapes import Drawing, Line, String

    line = story.line
    drawing = Drawing(width, height)
    drawing.add(
        label(0, height - 11, fit(line.metric, FONT_BOLD, 8.5, width), FONT_BOLD, 8.5, _colour(INK))
    )
    better = "lower is better" if line.direction is Direction.LOWER else "higher is better"
    unit = f"{line.unit}, " if line.unit else ""
    drawing.add(label(0, height - 22, fit(unit + better, FONT, 7, width), FONT, 7, _colour(MUTED)))
    points = list(story.measurements)
    if not points:
        drawing.add(String(0, height / 2, "not measured yet", fontName=FONT, fontSize=8))
        return drawing
    origin = points[0][0]
    days = [(day - origin).days for day, _v in points]
    values = [v for _d, v in points]
    known = [*values, *([line.target] if line.target is not None else [])]
    low = min(0.0, min(known))
    top = max(known) or 1.0
    step = nice_step(top - low, 3)
    plot = LinePlot()
    plot.x, plot.y = 30, 20
    plot.width, plot.height = width - 40, height - 20 - 30
    span = max(days[-1], 1)
    plot.data = [list(zip(days, values, strict=True))]
    plot.lines[0].strokeColor = _colour(accent)
    plot.lines[0].strokeWidth = 2
    plot.lines[0].symbol = None
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = 0, span
    plot.xValueAxis.visibleLabels = False
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax = low, _axis_top(top, step)
    plot.yValueAxis.valueStep = step
    plot.yValueAxis.labelTextFormat = lambda v: number(v)
    plot.yValueAxis.visibleGrid = True
    plot.yValueAxis.gridStrokeColor = _colour(GRID)
    _style_axis(plot.xValueAxis)
    _style_axis(plot.yValueAxis, 6.5)
    drawing.add(plot)
    y_top = plot.yValueAxis.valueMax
    if line.target is not None and y_top > low:
        y = plot.y + plot.height * (line.target - low) / (y_top - low)
        drawing.add(
            Line(plot.x, y, plot.x + plot.width, y, strokeColor=_colour(GOOD),
                 strokeWidth=1, strokeDashArray=(3, 2))
        )  # fmt: skip
        drawing.add(
            String(plot.x + plot.width, y + 2, f"target {number(line.target)}", fontName=FONT,
                   fontSize=6.5, fillColor=_colour(GOOD), textAnchor="end")
        )  # fmt: skip
    for day, text_ in ((points[0][0], "before"), (points[-1][0], "now")):
        x = plot.x + plot.width * (day - origin).days / span
        drawing.add(
            String(x, 6, f"{text_} · {day.day} {day:%b}", fontName=FONT, fontSize=6.5,
                   fillColor=_colour(MUTED), textAnchor="start" if text_ == "before" else "end")
        )  # fmt: skip
    return drawing


def users_and_seats(
    weeks: Sequence[tuple[dt.date, int | None]],
    seats: int | None,
    width: float,
    accent: str,
    height: float = 150,
) -> Any:
    """Weekly active users as bars against the licensed seats as a dashed line."""
    from reportlab.graphics.shapes import Drawing, Line, String

    drawing = Drawing(width, height)
    counts = [count or 0 for _monday, count in weeks]
    top = max([*counts, seats or 0, 1])
    chart = weekly_bars([monday for monday, _count in weeks], counts, accent, top, 4)
    chart.x, chart.y = 34, 22
    chart.width, chart.height = width - 44, height - 22 - 18
    chart.groupSpacing = 4
    drawing.add(chart)
    for index, (_monday, count) in enumerate(weeks):
        if count is None:  # no usage data for this week: say so instead of drawing a zero
            x = chart.x + chart.width * (index + 0.5) / len(weeks)
            drawing.add(
                String(x, chart.y + 3, "–", fontName=FONT, fontSize=7,
                       fillColor=_colour(MUTED), textAnchor="middle")
            )  # fmt: skip
    if seats:
        y = chart.y + chart.height * seats / chart.valueAxis.valueMax
        drawing.add(
            Line(chart.x, y, chart.x + chart.width, y, strokeColor=_colour(BEFORE),
                 strokeWidth=1.4, strokeDashArray=(4, 3))
        )  # fmt: skip
        drawing.add(
            String(chart.x + chart.width, y + 3, f"{seats:,} licensed seats", fontName=FONT,
                   fontSize=7, fillColor=_colour(MUTED), textAnchor="end")
        )  # fmt: skip
    drawing.add(
        String(chart.x, height - 9, "active users per week", fontName=FONT, fontSize=7,
               fillColor=_colour(MUTED))
    )  # fmt: skip
    return drawing
