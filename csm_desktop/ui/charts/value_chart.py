"""Value metrics before and after: per customer outcome, the baseline against the latest
measurement, the target marked, and the change printed as better or worse. Outcomes sit side
by side, each on its own scale (hours and tickets do not share an axis).
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from csm_desktop.ui.charts import theme
from csm_desktop.ui.charts.base import text_item
from csm_desktop.ui.palette import card_style, current

METRIC_HEIGHT = 150


def change_text(change_percent: float | None) -> tuple[str, str]:
    """("36 % better", green) / ("12 % worse", red) / ("no change yet", grey)."""
    if change_percent is None:
        return "no measurement yet", current().faint
    if round(change_percent) == 0:
        return "no change", current().muted
    word = "better" if change_percent > 0 else "worse"
    colour = current().good if change_percent > 0 else current().bad
    return f"{abs(change_percent):.0f} % {word}", colour


def number(value: float) -> str:
    return f"{value:,.1f}".rstrip("0").rstrip(".")


class ValueChart(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        theme.configure()
        self.setObjectName("chartCard")
        self.setStyleSheet(card_style())
        title = QLabel("Value: before and now")
        title.setFont(theme.font(11, bold=True))
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setFrameShape(QFrame.Shape.NoFrame)
        self.empty_label = QLabel()
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setStyleSheet(f"color: {current().faint}; font-size: 11pt;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.addWidget(title)
        layout.addWidget(self.graphics, 1)
        layout.addWidget(self.empty_label, 1)
        self.metrics = 0
        self.titles: list[str] = []
        self.fits: list[
            tuple[pg.PlotItem, list[tuple[float | None, pg.TextItem]], float, float | None]
        ] = []
        self.clear()

    def clear(self) -> None:
        self.graphics.clear()
        self.metrics = 0
        self.titles = []
        self.fits = []
        self.graphics.setVisible(False)
        self.empty_label.setVisible(True)
        self.empty_label.setText("No value metrics yet: record a baseline at kickoff.")

    def add_metric(
        self,
        name: str,
        unit: str,
        baseline: float | None,
        latest: float | None,
        target: float | None,
        change_percent: float | None,
    ) -> None:
        """One panel: two bars (baseline, now) on the metric's own scale, target dashed."""
        self.graphics.setVisible(True)
        self.empty_label.setVisible(False)
        self.metrics += 1
        self.graphics.setMinimumHeight(METRIC_HEIGHT)
        change, colour = change_text(change_percent)
        title = f"<b>{name}</b><br><span style='color:{colour}'>{change}</span>"
        if target is not None:
            title += f"  <span style='color:{current().blue_dark}'>┆ target {number(target)}</span>"
        self.titles.append(f"{name}: {change}")
        plot = self.graphics.addPlot()
        plot.setTitle(
            f"<span style='color:{current().ink};font-size:9pt'>{title}</span>", justify="left"
        )
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setMouseEnabled(x=False, y=False)
        plot.hideAxis("bottom")
        plot.invertY(True)
        left = plot.getAxis("left")
        left.setTicks([[(0, "Baseline"), (1, "Now")]])
        left.setTickFont(theme.font(9))
        left.setTextPen(current().muted)
        left.setPen(pg.mkPen(None))
        left.setWidth(62)
        values = [baseline or 0.0, latest or 0.0]
        better = change_percent is not None and change_percent > 0
        brushes = [QColor(current().grey), QColor(current().green if better else current().amber)]
        plot.addItem(
            pg.BarGraphItem(
                x0=0, y=[0, 1], width=values, height=0.6, brushes=brushes, pen=pg.mkPen(None)
            )
        )
        scale = max([*values, target or 0.0, 1e-9])
        labels = []
        for y, value in ((0, baseline), (1, latest)):
            text = "&nbsp;–" if value is None else f"&nbsp;<b>{number(value)}</b> {unit}"
            label = text_item(text, (0, 0.5))
            label.setPos(value or 0.0, y)
            plot.addItem(label)
            labels.append((value, label))
        if target is not None:
            plot.addItem(
                pg.InfiniteLine(
                    target,
                    angle=90,
                    pen=pg.mkPen(current().blue_dark, width=1.5, style=Qt.PenStyle.DashLine),
                )
            )
        plot.setYRange(-0.5, 1.5, padding=0)
        index = len(self.fits)
        self.fits.append((plot, labels, scale, target))
        plot.vb.sigResized.connect(lambda _vb: self._fit(index))
        self._fit(index)

    def _fit(self, index: int) -> None:
        """Scale the x axis so every bar's printed value fits to its right. A value the
        target's line would strike through starts just right of the line instead."""
        plot, labels, scale, target = self.fits[index]
        width = plot.vb.width()
        starts = [value or 0.0 for value, _label in labels]
        needed = scale * 1.05
        for _ in range(2):  # a label moved past the target needs room, which widens spans
            for n, (value, label) in enumerate(labels):
                text_px = label.boundingRect().width() + 8
                span = text_px * max(needed, 1e-9) / max(width, 1.0)
                if value is not None and target is not None and value <= target <= value + span:
                    starts[n] = target  # a missing value's dash stays at 0
                needed = max(needed, room_for(starts[n], text_px, width))
        for start, (_value, label) in zip(starts, labels, strict=True):
            label.setPos(start, label.pos().y())
        plot.setXRange(0, needed, padding=0)


def room_for(start: float, text_px: float, width: float) -> float:
    """The x range a label of ``text_px`` pixels starting at ``start`` needs to fit."""
    if width > text_px + 40:
        return start * width / (width - text_px)
    return start * 2
