"""A titled chart card: one pyqtgraph plot, or a sentence when there is nothing to draw.

Every dashboard and account chart is one of these, so they share a look, never pan or zoom
by accident (a wall screen must stay put), and map a mouse click to data coordinates the same
way. A subclass draws from plain values and overrides ``click_at(x, y)``.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from csm_desktop.ui.charts import theme
from csm_desktop.ui.palette import card_style, current


class ChartPanel(QFrame):
    """A card with a title, an optional subtitle and header widgets, and one plot."""

    def __init__(self, title: str, subtitle: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        theme.configure()
        self.setObjectName("chartCard")
        self.setStyleSheet(card_style())
        self.title_label = QLabel(title)
        self.title_label.setFont(theme.font(11, bold=True))
        self.title_label.setStyleSheet(f"color: {current().ink};")
        self.subtitle_label = QLabel(subtitle)
        self.subtitle_label.setFont(theme.font(9))
        self.subtitle_label.setStyleSheet(f"color: {current().muted};")
        self.subtitle_label.setVisible(bool(subtitle))
        self.subtitle_label.setWordWrap(True)
        self.header = QHBoxLayout()
        self.header.setSpacing(8)
        self.header.addWidget(self.title_label)
        self.header.addStretch(1)

        self.plot_widget = pg.PlotWidget()
        self.plot_widget.setFrameShape(QFrame.Shape.NoFrame)
        self.plot = self.plot_widget.getPlotItem()
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.vb.disableAutoRange()
        for name in ("left", "bottom", "top", "right"):
            axis = self.plot.getAxis(name)
            axis.setTickFont(theme.font(9))
            axis.setTextPen(current().muted)
            axis.setPen(current().grid)
        self.plot_widget.scene().sigMouseClicked.connect(self._scene_clicked)

        self.empty_label = QLabel()
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet(f"color: {current().faint}; font-size: 11pt;")
        self.body = QStackedWidget()
        self.body.addWidget(self.plot_widget)
        self.body.addWidget(self.empty_label)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.setSpacing(4)
        layout.addLayout(self.header)
        layout.addWidget(self.subtitle_label)
        layout.addWidget(self.body, 1)

    def set_subtitle(self, text: str) -> None:
        self.subtitle_label.setText(text)
        self.subtitle_label.setVisible(bool(text))

    def show_empty(self, text: str) -> None:
        """Replace the plot by a sentence saying why there is nothing to draw."""
        self.plot.clear()
        self.empty_label.setText(text)
        self.body.setCurrentWidget(self.empty_label)

    def show_plot(self) -> None:
        self.body.setCurrentWidget(self.plot_widget)

    @property
    def is_empty(self) -> bool:
        return self.body.currentWidget() is self.empty_label

    # --- clicks ------------------------------------------------------------------------

    def _scene_clicked(self, event: object) -> None:
        button = event.button()  # type: ignore[attr-defined]
        if button != Qt.MouseButton.LeftButton or self.is_empty:
            return
        position = event.scenePos()  # type: ignore[attr-defined]
        if not self.plot.vb.sceneBoundingRect().contains(position):
            return
        point = self.plot.vb.mapSceneToView(position)
        self.click_at(point.x(), point.y())

    def click_at(self, x: float, y: float) -> None:
        """A left click at data coordinates (x, y); subclasses emit what was hit."""

    def widget_point(self, x: float, y: float) -> QPoint:
        """Where data point (x, y) is in the plot widget's viewport, e.g. to click it."""
        scene = self.plot.vb.mapViewToScene(QPointF(x, y))
        point: QPoint = self.plot_widget.mapFromScene(scene)
        return point


def axis_labels_width(labels: list[str], *, limit: int = 260) -> int:
    """Pixels a category axis needs for ``labels`` (tick font), at most ``limit``."""
    metrics = QFontMetrics(theme.font(9))
    widest = max((metrics.horizontalAdvance(label) for label in labels), default=0)
    return min(widest + 14, limit)


def elide(label: str, width: int) -> str:
    """``label`` shortened with an ellipsis to fit ``width`` pixels of the tick font."""
    return QFontMetrics(theme.font(9)).elidedText(label, Qt.TextElideMode.ElideRight, width - 14)


def text_item(html: str, anchor: tuple[float, float]) -> pg.TextItem:
    """A label that keeps its pixel size whatever the data range (rich text allowed)."""
    item = pg.TextItem(html=html, anchor=anchor)
    item.setFont(theme.font(9))
    return item


FittedText = tuple[pg.TextItem, str, str]
"""A printed value: its item, its long text and the short one for narrow cells or columns."""


def fit_texts(texts: list[FittedText], width_px: float) -> None:
    """Print every long text when all fit ``width_px`` (less a small margin), else every
    short one: one chart never mixes the two. A text's width is its own, without the
    margins of the document that holds it."""
    for item, long, _short in texts:
        item.setHtml(long)
    if any(_text_px(item) > width_px - 4 for item, _long, _short in texts):
        for item, _long, short in texts:
            item.setHtml(short)


def _text_px(item: pg.TextItem) -> float:
    document = item.textItem.document()
    return float(document.idealWidth() - 2 * document.documentMargin())
