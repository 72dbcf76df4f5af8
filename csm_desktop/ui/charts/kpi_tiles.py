"""Big-number tiles for the dashboard's key figures; a click asks for the accounts behind one.

Plain Qt (no pyqtgraph): a tile is a title, a value and a caption, set from text.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from csm_desktop.ui.charts import theme
from csm_desktop.ui.palette import card_style, current


class KpiTile(QFrame):
    """One key figure: title, value, caption (e.g. "17 of 25 accounts")."""

    clicked = Signal()  # the user wants the accounts behind this figure

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kpiTile")
        self.setStyleSheet(card_style("kpiTile", hover=True))
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.title_label = QLabel(title.upper())
        self.title_label.setFont(theme.font(8.5, bold=True))
        self.title_label.setStyleSheet(f"color: {current().muted}; letter-spacing: 0.5px;")
        self.title_label.setWordWrap(True)  # a narrow tile shows its whole title
        self.value_label = QLabel("–")
        self.value_label.setFont(theme.font(22, bold=True))
        self.caption_label = QLabel("")
        self.caption_label.setFont(theme.font(9))
        self.caption_label.setStyleSheet(f"color: {current().muted};")
        self.caption_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(2)
        layout.addWidget(self.title_label)
        layout.addWidget(self.value_label)
        layout.addWidget(self.caption_label)
        self.set_value("–", "")

    def set_value(self, value: str, caption: str, colour: str | None = None) -> None:
        """Show ``value`` in ``colour`` (the scheme's ink when not given)."""
        self.value_label.setText(value)
        self.value_label.setStyleSheet(f"color: {colour or current().ink};")
        self.caption_label.setText(caption)
        self.setToolTip(f"{self.title_label.text().capitalize()}: {value} {caption}".strip())

    @property
    def value(self) -> str:
        return self.value_label.text()

    @property
    def caption(self) -> str:
        return self.caption_label.text()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.clicked.emit()
        super().mouseReleaseEvent(event)
