"""Bar charts from plain numbers: horizontal share bars (funnel, adoption) and vertical bars
(health, phases), each with its value printed and a click that names the bar.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtGui import QColor

from csm_desktop.ui.charts import theme
from csm_desktop.ui.charts.base import (
    ChartPanel,
    FittedText,
    axis_labels_width,
    elide,
    fit_texts,
    text_item,
)
from csm_desktop.ui.palette import current

BAR_HEIGHT = 0.62
TEXT_GAP = 0.02  # between the end of the 100 % track and its printed value, in share units


class ShareBars(ChartPanel):
    """One horizontal bar per row: a light 100 % track and the share filled in on it."""

    bar_clicked = Signal(int)  # row index of the bar the user clicked

    def __init__(self, title: str, subtitle: str = "", *, label_limit: int = 250) -> None:
        super().__init__(title, subtitle)
        self.label_limit = label_limit
        self.rows = 0
        self.texts: list[pg.TextItem] = []
        self.plot.vb.sigResized.connect(self._fit_texts)
        self.plot.hideAxis("bottom")
        self.plot.invertY(True)
        self.plot.getAxis("left").setPen(pg.mkPen(None))

    def set_bars(
        self,
        labels: Sequence[str],
        fractions: Sequence[float | None],
        texts: Sequence[str],
        colours: Sequence[str] | None = None,
    ) -> None:
        """Draw one bar per label; ``texts`` (rich text) print right of each track."""
        self.plot.clear()
        self.rows = len(labels)
        self.texts = []
        if not labels:
            return
        self.show_plot()
        ys = list(range(len(labels)))
        track = pg.BarGraphItem(
            x0=0, y=ys, width=1.0, height=BAR_HEIGHT, brush=current().track, pen=pg.mkPen(None)
        )
        filled = pg.BarGraphItem(
            x0=0,
            y=ys,
            width=[f or 0.0 for f in fractions],
            height=BAR_HEIGHT,
            brushes=[QColor(c) for c in (colours or [current().blue] * len(labels))],
            pen=pg.mkPen(None),
        )
        self.plot.addItem(track)
        self.plot.addItem(filled)
        for y, text in zip(ys, texts, strict=True):
            item = text_item(text, (0, 0.5))
            item.setPos(1 + TEXT_GAP, y)
            self.plot.addItem(item)
            self.texts.append(item)
        width = axis_labels_width(list(labels), limit=self.label_limit)
        axis = self.plot.getAxis("left")
        axis.setWidth(width)
        axis.setTicks([[(y, elide(label, width)) for y, label in zip(ys, labels, strict=True)]])
        self.plot.setYRange(-0.5, len(labels) - 0.5, padding=0)
        self._fit_texts()

    def _fit_texts(self) -> None:
        """Leave exactly enough room right of the tracks for the widest printed value."""
        if not self.texts:
            return
        text_px = max(item.boundingRect().width() for item in self.texts) + 6
        view_px = self.plot.vb.width()
        # The text starts at x = 1 + gap and needs text_px pixels before the right edge:
        # (1 + gap) · view_px / x_max + text_px ≤ view_px.
        room = view_px / (view_px - text_px) if view_px > text_px + 24 else 4.0
        self.plot.setXRange(0, (1 + TEXT_GAP) * room, padding=0)

    def click_at(self, x: float, y: float) -> None:
        row = round(y)
        if 0 <= row < self.rows and abs(y - row) <= 0.5 and x >= 0:
            self.bar_clicked.emit(row)


class ColumnBars(ChartPanel):
    """Vertical bars over named categories, each with its value printed on top."""

    bar_clicked = Signal(int)  # index of the category the user clicked

    def __init__(self, title: str, subtitle: str = "") -> None:
        super().__init__(title, subtitle)
        self.columns = 0
        self.values: list[FittedText] = []
        self.plot.vb.sigResized.connect(self._fit_values)
        self.plot.hideAxis("left")
        self.plot.getAxis("bottom").setPen(pg.mkPen(current().grid))
        self.plot.getAxis("bottom").setTickFont(theme.font(9.5))

    def set_bars(
        self,
        labels: Sequence[str],
        values: Sequence[float],
        texts: Sequence[str],
        colours: Sequence[str],
        *,
        top: float | None = None,
        short_texts: Sequence[str] | None = None,
    ) -> None:
        """Bars of ``values`` on a scale up to ``top`` (default: the largest value), each
        with its text printed on top, or ``short_texts`` when a text is wider than its
        column (a big book's counts in a narrow panel)."""
        self.plot.clear()
        self.values = []
        self.columns = len(labels)
        if not labels:
            return
        self.show_plot()
        xs = list(range(len(labels)))
        scale = top if top is not None else max(max(values, default=0), 1)
        bars = pg.BarGraphItem(
            x=xs,
            y0=0,
            height=list(values),
            width=0.58,
            brushes=[QColor(c) for c in colours],
            pen=pg.mkPen(None),
        )
        self.plot.addItem(bars)
        shorts = texts if short_texts is None else short_texts
        for x, value, text, short in zip(xs, values, texts, shorts, strict=True):
            item = text_item(text, (0.5, 1))
            item.setPos(x, value + scale * 0.02)
            self.plot.addItem(item)
            self.values.append((item, text, short))
        self.plot.getAxis("bottom").setTicks([list(zip(xs, labels, strict=True))])
        self.plot.setXRange(-0.6, len(labels) - 0.4, padding=0)
        self.plot.setYRange(0, scale * 1.32, padding=0)
        self._fit_values()

    def _fit_values(self) -> None:
        """A value may be 1.2 columns wide: the x range leaves 0.6 of a column beyond the
        centres of the first and last bars, where a wider one would be cut."""
        if self.values:
            column_px = self.plot.vb.width() / (self.columns + 0.2)
            fit_texts(self.values, 1.2 * column_px)

    def click_at(self, x: float, y: float) -> None:
        column = round(x)
        if 0 <= column < self.columns and abs(x - column) <= 0.4:
            self.bar_clicked.emit(column)
