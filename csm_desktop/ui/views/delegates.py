"""Item delegates: painted cells that stay cheap for thousands of rows."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QStyledItemDelegate

from csm_desktop.ui.models.book_model import SortRole
from csm_desktop.ui.palette import current

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStyleOptionViewItem


@functools.cache
def _selected_state() -> Any:
    """QStyle's "selected" flag. QStyle's Python type (hundreds of enum members) is made
    when first used, at the Book's first paint, not at start-up (5 ms, issue 17); read once,
    not at every cell painted (an import statement per cell costs shiboken's import hook)."""
    from PySide6.QtWidgets import QStyle

    return QStyle.StateFlag.State_Selected


class ProgressDelegate(QStyledItemDelegate):
    """Draws a 0–1 fraction (from ``SortRole``) as a slim bar with the percentage beside it."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        value = index.data(SortRole)
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
