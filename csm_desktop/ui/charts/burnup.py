"""Burn-up of an account's ladder: milestones due by each day (the plan) against milestones
achieved, over days since kickoff, with the 30/60/90-day phases and today marked.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from csm_desktop.ui.charts.base import ChartPanel, text_item
from csm_desktop.ui.palette import current, qcolor

PHASES = ((0, 30, "early"), (30, 60, "mid"), (60, 90, "late"))
# Heights as multiples of the ladder's size: lines stay below 1, the "today" label sits in
# its own row under the phase names, so the two never print over each other.
TOP = 1.4
PHASE_ROW = 1.3
TODAY_ROW = 1.12


def step_line(points: Sequence[tuple[int, int]], until: int) -> tuple[list[float], list[float]]:
    """x, y of a staircase through cumulative ``(day, count)`` points, held flat to ``until``."""
    xs: list[float] = []
    ys: list[float] = []
    for index, (day, count) in enumerate(points):
        if index:
            xs.append(day)
            ys.append(ys[-1])
        xs.append(day)
        ys.append(count)
    if points and until > points[-1][0]:
        xs.append(until)
        ys.append(ys[-1])
    return xs, ys


class BurnUpChart(ChartPanel):
    def __init__(self) -> None:
        super().__init__("Ladder burn-up")
        self.legend = QLabel(
            f"<span style='color:{current().grey}'>╌╌</span> plan (due) &nbsp; "
            f"<span style='color:{current().green}'>━━</span> achieved"
        )
        self.legend.setStyleSheet(f"color: {current().muted};")
        self.header.addWidget(self.legend)
        self.plot.getAxis("left").setLabel("milestones", color=current().muted)
        self.plot.getAxis("bottom").setLabel("days since kickoff", color=current().muted)
        self.plot.showGrid(x=False, y=True, alpha=0.12)

    def set_burnup(
        self,
        planned: Sequence[tuple[int, int]],
        achieved: Sequence[tuple[int, int]],
        total: int,
        today_day: int,
    ) -> None:
        """Draw the plan and the achieved staircase; the achieved one stops at today."""
        self.plot.clear()
        if not total:
            self.show_empty("No milestones on this account's ladder yet.")
            return
        self.show_plot()
        last_due = planned[-1][0] if planned else 0
        start = min(0, planned[0][0] if planned else 0, achieved[0][0] if achieved else 0)
        end = max(today_day, last_due, 90) + 6
        colours = current()
        for low, high, name in PHASES:
            band = pg.LinearRegionItem(
                (low, high),
                movable=False,
                brush=qcolor(colours.selection_overlay, 255 if name == "mid" else 0),
                pen=pg.mkPen(None),
            )
            band.setZValue(-20)
            self.plot.addItem(band)
            label = text_item(f"<span style='color:{colours.faint}'>{name}</span>", (0.5, 0.5))
            label.setPos((low + high) / 2, total * PHASE_ROW)
            self.plot.addItem(label)
        xs, ys = step_line(planned, end)
        self.plot.plot(xs, ys, pen=pg.mkPen(current().grey, width=2, style=Qt.PenStyle.DashLine))
        xs, ys = step_line(achieved, max(today_day, achieved[-1][0] if achieved else 0))
        self.plot.plot(
            xs,
            ys,
            pen=pg.mkPen(current().green, width=2.5),
            fillLevel=0,
            brush=qcolor(colours.green, 40),
        )
        # The label reads away from the nearer edge: right of the line for a young account.
        on_right = today_day - start < (end - start) / 2
        anchor = (-0.05, 0.5) if on_right else (1.05, 0.5)
        today = pg.InfiniteLine(
            today_day,
            angle=90,
            pen=pg.mkPen(colours.blue_dark, width=1.5, style=Qt.PenStyle.DotLine),
            label=f"today · day {today_day}",
            labelOpts={
                "position": TODAY_ROW / TOP,
                "color": colours.blue_dark,
                "anchors": [anchor, anchor],
            },
        )
        self.plot.addItem(today)
        self.plot.getAxis("bottom").setTicks(
            [[(d, str(d)) for d in range(0, end + 1, 30 if end <= 200 else 60)]]
        )
        self.plot.setXRange(start, end, padding=0)
        self.plot.setYRange(0, total * TOP, padding=0)
