"""The window's always-visible navigation: Today, Book, Dashboard, Playbooks, Experiments.

A slim list down the left edge, each entry with a count (things to do, accounts, playbooks,
experiments), in the order of the View menu and of the shortcuts Ctrl+1 … Ctrl+5. It only
says where the user wants to go (``page_requested``); the window switches pages and tells
it which one is on show (``mark``).
"""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QFrame, QListWidget, QListWidgetItem, QWidget

PAGE_ROLE = Qt.ItemDataRole.UserRole + 40


class Page(StrEnum):
    """The top-level pages, in navigation order (Ctrl+1 … Ctrl+5)."""

    TODAY = "Today"
    BOOK = "Book"
    DASHBOARD = "Dashboard"
    PLAYBOOKS = "Playbooks"
    EXPERIMENTS = "Experiments"


TIPS = {
    Page.TODAY: "What needs you today, ranked, with the message ready",
    Page.BOOK: "Every account: ladder, health, next milestone",
    Page.DASHBOARD: "Portfolio figures, funnel, cohorts",
    Page.PLAYBOOKS: "Milestone ladders and their templates",
    Page.EXPERIMENTS: "A/B tests of ladder order and timing",
}


class NavigationBar(QListWidget):
    page_requested = Signal(str)  # the Page (its value) the user chose

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Pages")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setStyleSheet("QListWidget::item { padding: 8px 10px; }")
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.05)
        self.setFont(font)
        self.counts: dict[Page, int | None] = {}
        for number, page in enumerate(Page, 1):
            item = QListWidgetItem(page.value)
            item.setData(PAGE_ROLE, page.value)
            item.setToolTip(f"{TIPS[page]} (Ctrl+{number})")
            self.addItem(item)
            self.counts[page] = None
        self.currentItemChanged.connect(self._chosen)
        self._fit_width()

    def set_count(self, page: Page, count: int | None) -> None:
        """Show ``count`` beside the page's name (None hides it)."""
        self.counts[page] = count
        item = self.item(list(Page).index(page))
        item.setText(page.value if count is None else f"{page.value}   {count:,}")
        item.setData(Qt.ItemDataRole.AccessibleTextRole, item.text())
        self._fit_width()

    def mark(self, page: Page | None) -> None:
        """Highlight ``page`` as the one on show, without asking to switch again."""
        self.blockSignals(True)
        if page is None:
            self.setCurrentRow(-1)
        else:
            self.setCurrentRow(list(Page).index(page))
        self.blockSignals(False)

    def current_page(self) -> Page | None:
        item = self.currentItem()
        return Page(item.data(PAGE_ROLE)) if item is not None else None

    def _chosen(self, current: QListWidgetItem | None, _previous: object) -> None:
        if current is not None:
            self.page_requested.emit(current.data(PAGE_ROLE))

    def _fit_width(self) -> None:
        metrics = self.fontMetrics()
        widest = max(
            metrics.horizontalAdvance(f"{page.value}   {max(self.counts[page] or 0, 999):,}")
            for page in Page
        )
        self.setFixedWidth(widest + 28)

    def sizeHint(self) -> QSize:
        return QSize(self.width(), 5 * 40)
