"""Weekly use of an account's key features as small multiples, one panel per feature, with a
marker on the day each milestone unlocked (or proved) the feature.

Each panel has its own count scale (a workflow run and an API call are not comparable) and
all share the days-since-kickoff axis of the burn-up.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from csm_desktop.ui.charts import theme
from csm_desktop.ui.palette import card_style, current

PANEL_HEIGHT = 165
TITLE_CHARS = 30


def _short(title: str) -> str:
    """A milestone title cut to fit a small panel's heading."""
    return title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 1].rstrip() + "…"


@dataclass(frozen=True, slots=True)
class FeaturePanel:
    """What one small panel draws: weekly counts at week-start days, and milestone marks."""

    feature: str
    week_days: Sequence[int]
    counts: Sequence[int]
    marks: Sequence[tuple[str, int]]
    """(milestone title, day from kickoff)."""


class UsageChart(QFrame):
    def __init__(self, parent: QWidget | None = None, *, columns: int = 3) -> None:
        super().__init__(parent)
        theme.configure()
        self.columns = columns
        self.setObjectName("chartCard")
        self.setStyleSheet(card_style())
        title = QLabel("Weekly usage of key features")
        title.setFont(theme.font(11, bold=True))
        subtitle = QLabel("counts per week · ✔ the day a milestone unlocked or proved the feature")
        subtitle.setStyleSheet(f"color: {current().muted};")
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet(f"color: {current().muted}; font-size: 8.5pt;")
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setFrameShape(QFrame.Shape.NoFrame)
        self.empty_label = QLabel()
        self.empty_label.setStyleSheet(f"color: {current().faint}; font-size: 11pt;")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addWidget(self.graphics, 1)
        layout.addWidget(self.empty_label, 1)
        layout.addWidget(self.note)
        self.plots: list[pg.PlotItem] = []

    def set_features(self, panels: Sequence[FeaturePanel], today_day: int, note: str = "") -> None:
        """One panel per feature, ``columns`` to a row; ``note`` prints under them."""
        self.graphics.clear()
        self.plots = []
        self.note.setText(note)
        self.note.setVisible(bool(note))
        self.empty_label.setVisible(not panels)
        self.graphics.setVisible(bool(panels))
        if not panels:
            self.empty_label.setText("No usage of the ladder's features has been imported yet.")
            self.setMinimumHeight(200)
            return
        rows = (len(panels) + self.columns - 1) // self.columns
        self.graphics.setFixedHeight(rows * PANEL_HEIGHT)
        first: pg.PlotItem | None = None
        for index, panel in enumerate(panels):
            if index and index % self.columns == 0:
                self.graphics.nextRow()
            plot = self.graphics.addPlot()
            self._draw(plot, panel, today_day)
            if first is None:
                first = plot
            else:
                plot.setXLink(first)
            self.plots.append(plot)

    def _draw(self, plot: pg.PlotItem, panel: FeaturePanel, today_day: int) -> None:
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setMouseEnabled(x=False, y=False)
        marks = "; ".join(f"{_short(title)}, day {day}" for title, day in panel.marks)
        plot.setTitle(
            f"<span style='color:{current().ink};font-size:9pt'><b>{html.escape(panel.feature)}</b>"
            f"</span><br><span style='color:{current().muted};font-size:8pt'>"
            + (f"✔ {html.escape(marks)}" if marks else "no milestone achieved on it yet")
            + "</span>",
            justify="left",
        )
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            axis.setTickFont(theme.font(8))
            axis.setTextPen(current().muted)
            axis.setPen(current().grid)
        plot.getAxis("left").setWidth(34)
        bars = pg.BarGraphItem(
            x0=[d + 0.5 for d in panel.week_days],
            y0=0,
            width=6,
            height=list(panel.counts),
            brush=QColor(current().blue),
            pen=pg.mkPen(None),
        )
        plot.addItem(bars)
        for _title, day in panel.marks:
            plot.addItem(
                pg.InfiniteLine(
                    day,
                    angle=90,
                    pen=pg.mkPen(current().green, width=2, style=Qt.PenStyle.DashLine),
                )
            )
        top = max(max(panel.counts, default=0), 1)
        plot.setYRange(0, top * 1.1, padding=0)
        start = min(panel.week_days[0], 0) if panel.week_days else 0
        plot.setXRange(start, today_day + 7, padding=0)
