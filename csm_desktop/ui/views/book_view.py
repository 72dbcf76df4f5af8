"""The Book: every account in one sortable, filterable table, or an empty state with the demo.

Layout and view wiring only; rows arrive ready-made through ``set_rows``.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QByteArray, QModelIndex, QSettings, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from csm_desktop.services.book import BookRow
from csm_desktop.ui.models.book_model import AccountIdRole, BookModel, Column, FilterProxy
from csm_desktop.ui.views.delegates import ProgressDelegate

ALL = "All"


class EmptyBook(QWidget):
    """What a new user sees instead of an empty table."""

    open_demo_requested = Signal()  # the user asked to fill this book with the demo data

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("<h2>Your book is empty</h2>")
        text = QLabel(
            "Add your accounts by importing a book workbook (File → Import book workbook…), "
            "or explore the app with the demo book: 40 accounts with ladders, usage and value "
            "metrics."
        )
        text.setWordWrap(True)
        text.setMaximumWidth(520)
        self.demo_button = QPushButton("Open demo book")
        self.demo_button.setDefault(True)
        self.demo_button.clicked.connect(self.open_demo_requested)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for widget in (title, text, self.demo_button):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)


class BookView(QWidget):
    account_activated = Signal(int)  # account id the user opened (double-click or Enter)
    open_demo_requested = Signal()  # forwarded from the empty state

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = BookModel(self)
        self.proxy = FilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search accounts, IDs, owners, milestones…  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.set_search)
        self.segment_filter = QComboBox()
        self.segment_filter.setAccessibleName("Segment filter")
        self.owner_filter = QComboBox()
        self.owner_filter.setAccessibleName("Owner filter")
        self.segment_filter.currentTextChanged.connect(
            lambda text: self.proxy.set_segment(None if text == ALL else text)
        )
        self.owner_filter.currentTextChanged.connect(
            lambda text: self.proxy.set_owner(None if text == ALL else text)
        )
        self.count_label = QLabel()

        bar = QHBoxLayout()
        bar.addWidget(self.search, 3)
        bar.addWidget(QLabel("Segment"))
        bar.addWidget(self.segment_filter, 1)
        bar.addWidget(QLabel("Owner"))
        bar.addWidget(self.owner_filter, 1)
        bar.addWidget(self.count_label)

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.NEXT_DUE, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setWordWrap(False)
        self.table.setItemDelegateForColumn(Column.COMPLETION, ProgressDelegate(self.table))
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in DEFAULT_WIDTHS.items():
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(self._activate)
        self.table.activated.connect(self._activate)

        self.empty = EmptyBook()
        self.empty.open_demo_requested.connect(self.open_demo_requested)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.table)
        self.pages.addWidget(self.empty)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 0)
        layout.addLayout(bar)
        layout.addWidget(self.pages)

        QShortcut(QKeySequence.StandardKey.Find, self, self.search.setFocus)
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)

    def set_rows(self, rows: Sequence[BookRow]) -> None:
        """Show ``rows``, keeping the current filters where they still apply."""
        self.model.set_rows(rows)
        self._refill(self.segment_filter, sorted({r.segment for r in rows if r.segment}))
        self._refill(self.owner_filter, sorted({r.owner for r in rows if r.owner}))
        self.pages.setCurrentWidget(self.table if rows else self.empty)
        self._update_count()

    @staticmethod
    def _refill(combo: QComboBox, values: list[str]) -> None:
        current = combo.currentText() or ALL
        combo.blockSignals(True)
        combo.clear()
        combo.addItems([ALL, *values])
        combo.setCurrentText(current if current in values else ALL)
        combo.blockSignals(False)
        combo.currentTextChanged.emit(combo.currentText())

    def selected_account_ids(self) -> list[int]:
        rows = self.table.selectionModel().selectedRows()
        return [int(index.data(AccountIdRole)) for index in rows]

    def _activate(self, index: QModelIndex) -> None:
        self.account_activated.emit(int(index.data(AccountIdRole)))

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count_label.setText(
            f"{total} accounts" if shown == total else f"{shown} of {total} accounts"
        )

    def save_state(self, settings: QSettings) -> None:
        settings.setValue("book/header", self.table.horizontalHeader().saveState())

    def restore_state(self, settings: QSettings) -> None:
        state = settings.value("book/header")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.table.horizontalHeader().restoreState(state)


DEFAULT_WIDTHS = {
    Column.NAME: 200,
    Column.SEGMENT: 90,
    Column.OWNER: 100,
    Column.KICKOFF: 90,
    Column.AGE: 70,
    Column.PHASE: 80,
    Column.COMPLETION: 130,
    Column.HEALTH: 90,
    Column.NEXT_MILESTONE: 215,
    Column.NEXT_DUE: 90,
    Column.OVERDUE: 65,
    Column.ARR: 85,
    Column.RENEWAL: 90,
}
