"""A heat map of shares (rows × columns) with each cell's value printed in it.

Used for cohorts: kickoff month × day 30/60/90. Cells with nothing to count are grey with a
dash, never coloured as 0 %. A book two years old has 24 kickoff months, more than a panel's
height can print legibly: the map shows the last rows that fit (``MIN_ROW_PX`` each), says
so under its title, and the user drags it up or down for the others.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import Signal

from csm_desktop.ui.charts import theme
from csm_desktop.ui.charts.base import (
    ChartPanel,
    FittedText,
    axis_labels_width,
    fit_texts,
    text_item,
)

GAP = 0.05
MIN_ROW_PX = 13  # a row's label and cell texts (9 pt) stay legible down to this height


class HeatMap(ChartPanel):
    """Rows top to bottom, columns left to right; click a cell to name it."""

    cell_clicked = Signal(int, int)  # row, column of the cell the user clicked

    def __init__(self, title: str, subtitle: str = "") -> None:
        super().__init__(title, subtitle)
        self.subtitle = subtitle
        self.shape = (0, 0)
        self.shown_rows = 0
        """How many rows fit and show at once (all of them when they fit)."""
        self.cells: list[FittedText] = []
        self.plot.vb.sigResized.connect(self._fit)
        self.plot.invertY(True)
        self.plot.hideAxis("bottom")
        self.plot.showAxis("top")
        for name in ("left", "top"):
            self.plot.getAxis(name).setPen(pg.mkPen(None))

    def set_cells(
        self,
        rows: Sequence[str],
        columns: Sequence[str],
        fractions: Sequence[Sequence[float | None]],
        texts: Sequence[Sequence[str]],
        short_texts: Sequence[Sequence[str]] | None = None,
    ) -> None:
        """``fractions[r][c]`` colours cell (r, c); ``texts[r][c]`` (rich text) prints in it,
        or ``short_texts[r][c]`` when the cells are too narrow for the long one."""
        self.plot.clear()
        self.cells = []
        self.shape = (len(rows), len(columns))
        if not rows or not columns:
            return
        self.show_plot()
        x0, y0, brushes = [], [], []
        for r, row in enumerate(fractions):
            for c, fraction in enumerate(row):
                x0.append(c + GAP)
                y0.append(r + GAP)
                brushes.append(theme.heat_colour(fraction))
        cells = pg.BarGraphItem(
            x0=x0, y0=y0, width=1 - 2 * GAP, height=1 - 2 * GAP, brushes=brushes, pen=pg.mkPen(None)
        )
        self.plot.addItem(cells)
        for r, row_texts in enumerate(texts):
            for c, text in enumerate(row_texts):
                item = text_item(text, (0.5, 0.5))
                item.setPos(c + 0.5, r + 0.5)
                item.setZValue(10)
                self.plot.addItem(item)
                short = short_texts[r][c] if short_texts is not None else text
                self.cells.append((item, text, short))
        left = self.plot.getAxis("left")
        left.setWidth(axis_labels_width(list(rows)))
        left.setTicks([[(r + 0.5, label) for r, label in enumerate(rows)]])
        self.plot.getAxis("top").setTicks([[(c + 0.5, label) for c, label in enumerate(columns)]])
        self.plot.setXRange(0, len(columns), padding=0)
        self.shown_rows = 0
        self._fit()

    def _fit(self) -> None:
        self._fit_rows()
        self._fit_texts()

    def _fit_rows(self) -> None:
        """Show the last rows that fit the plot's height; the rest are a drag away."""
        rows = self.shape[0]
        if not rows:
            return
        fit = max(1, min(rows, int(self.plot.vb.height() // MIN_ROW_PX)))
        if fit == self.shown_rows:
            return
        self.shown_rows = fit
        vb = self.plot.vb
        vb.setLimits(yMin=0, yMax=rows, minYRange=fit, maxYRange=fit)
        vb.setMouseEnabled(x=False, y=fit < rows)  # the range cannot grow: a drag pans
        self.plot.setYRange(rows - fit, rows, padding=0)
        hidden = rows - fit
        self.set_subtitle(
            self.subtitle
            if not hidden
            else f"{self.subtitle} · last {fit} of {rows}, drag for earlier"
        )

    def _fit_texts(self) -> None:
        """Print the short texts when the long ones would spill out of their cells."""
        if not self.cells or not self.shape[1]:
            return
        fit_texts(self.cells, self.plot.vb.width() / self.shape[1] * (1 - 2 * GAP))

    def click_at(self, x: float, y: float) -> None:
        row, column = math.floor(y), math.floor(x)
        if 0 <= row < self.shape[0] and 0 <= column < self.shape[1]:
            self.cell_clicked.emit(row, column)
