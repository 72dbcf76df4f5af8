"""Item delegates: painted cells that stay cheap for thousands of rows."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QStyledItemDelegate, QTableView

from csm_desktop.ui.palette import current

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStyleOptionViewItem


def paint_text_unshaped(table: QTableView) -> None:
    """The table's cells lay their text out without shaping, but for cells whose text
    needs it: their model answers a shaped font for those (``cell_roles.cell_font``:
    Arabic joins and runs right to left, Indic scripts reorder). Latin text loses only
    kerning (glyphs move by a fraction of a pixel). Laying out each cell's text twice with
    HarfBuzz was a fifth of every repaint of the Book and Today lists (issue 17: a Book
    keystroke's repaint 72.6 -> 58.5 M instructions). Only the strategy is set: family and
    size still follow the application's font."""
    font = QFont()
    font.setStyleStrategy(QFont.StyleStrategy.PreferNoShaping)
    table.setFont(font)


@functools.cache
def _selected_state() -> Any:
    """QStyle's "selected" flag. QStyle's Python type (hundreds of enum members) is made
    when first used, at the Book's first paint, not at start-up (5 ms, issue 17); read once,
    not at every cell painted (an import statement per cell costs shiboken's import hook)."""
    from PySide6.QtWidgets import QStyle

    return QStyle.StateFlag.State_Selected


class ProgressDelegate(QStyledItemDelegate):
    """Draws a 0–1 fraction (the model's answer for ``role``) as a slim bar with the
    percentage beside it."""

    def __init__(self, role: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.role = role

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        value = index.data(self.role)
        if value is None:
            super().paint(painter, option, index)
            return
        painter.save()
        rect: QRect = option.rect
        if option.state & _selected_state():
            painter.fillRect(rect, option.palette.highlight())
        text = f"{value:.0%}"
        text_width = 40
        bar = rect.adjusted(6, rect.height() // 2 - 4, -text_width - 4, -(rect.height() // 2 - 4))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        colours = current()
        painter.setBrush(QColor(colours.track))
        painter.drawRoundedRect(bar, 3, 3)
        if value > 0:
            filled = QRect(bar)
            filled.setWidth(max(4, round(bar.width() * min(value, 1.0))))
            painter.setBrush(QColor(colours.green if value >= 1 else colours.blue))
            painter.drawRoundedRect(filled, 3, 3)
        painter.setPen(option.palette.text().color())
        text_rect = QRect(rect.right() - text_width, rect.top(), text_width - 4, rect.height())
        painter.drawText(
            text_rect, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), text
        )
        painter.restore()
