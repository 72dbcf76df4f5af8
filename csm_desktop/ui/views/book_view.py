"""The Book: every account in one sortable, filterable table, or an empty state with the demo.

Layout and view wiring only; rows arrive ready-made through ``set_rows``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QByteArray,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPoint,
    QSettings,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from csm_desktop.domain.text import plural
from csm_desktop.ui.models.book_model import (
    HEADERS,
    AccountIdRole,
    BookModel,
    Column,
    SortRole,
)
from csm_desktop.ui.views.delegates import ProgressDelegate, paint_text_unshaped
from csm_desktop.ui.views.empty_state import EmptyState, StartActions, empty_book_state

if TYPE_CHECKING:  # the service (and the metrics behind it) loads with the Book's rows
    from csm_desktop.services.book import BookRow

ALL = "All"


class BookView(QWidget):
    account_activated = Signal(int)  # account id the user opened (double-click or Enter)
    # From the right-click menu on a row: the action's name and the account id.
    row_action_requested = Signal(str, int)

    def __init__(self, starts: StartActions | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.starts = starts or StartActions(self)
        self.writable = True  # False in a read-only window: row actions that write are off
        self.model = BookModel(self)

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search accounts, IDs, owners, milestones…  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(
            lambda text: self._keeping_selection(lambda: self.model.set_search(text))
        )
        self.segment_filter = QComboBox()
        self.segment_filter.setAccessibleName("Segment filter")
        self.owner_filter = QComboBox()
        self.owner_filter.setAccessibleName("Owner filter")
        self.segment_filter.currentTextChanged.connect(
            lambda text: self._keeping_selection(
                lambda: self.model.set_segment(None if text == ALL else text)
            )
        )
        self.owner_filter.currentTextChanged.connect(
            lambda text: self._keeping_selection(
                lambda: self.model.set_owner(None if text == ALL else text)
            )
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
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.NEXT_DUE, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setWordWrap(False)
        paint_text_unshaped(self.table)
        self.table.setItemDelegateForColumn(
            Column.COMPLETION, ProgressDelegate(SortRole, self.table)
        )
        header = self.table.horizontalHeader()
        # Columns fit their content once rows arrive; the next milestone takes the spare width.
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.NEXT_MILESTONE, QHeaderView.ResizeMode.Stretch)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        self.table.setColumnHidden(Column.KICKOFF, True)  # shown from the header's menu
        self.columns_fitted = False
        self.table.doubleClicked.connect(self._activate)
        self.table.activated.connect(self._activate)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._row_menu)

        self.empty = empty_book_state(self.starts, "Book")
        self.no_match = EmptyState(
            "No accounts match",
            "No account's name, ID, owner, segment or next milestone contains what you "
            "typed (case and accents are ignored), with the segment and owner chosen.",
            [("Clear search and filters", self.clear_filters)],
        )
        self.pages = QStackedWidget()
        self.pages.addWidget(self.table)
        self.pages.addWidget(self.empty)
        self.pages.addWidget(self.no_match)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 0)
        layout.addLayout(bar)
        layout.addWidget(self.pages)

        QShortcut(QKeySequence.StandardKey.Find, self, self.search.setFocus)
        self.model.rowsInserted.connect(self._update_count)
        self.model.rowsRemoved.connect(self._update_count)
        self.model.modelReset.connect(self._update_count)
        self.model.layoutChanged.connect(self._update_count)

    def set_rows(self, rows: Sequence[BookRow]) -> None:
        """Show ``rows`` (every account), keeping the user's place."""
        self._keeping_place(lambda: self.model.set_rows(rows))
        if rows and not self.columns_fitted and self.isVisible():
            self.fit_columns()  # hidden (Today is shown first): fitted when first shown

    def replace_rows(self, changed: Collection[int], rows: Sequence[BookRow]) -> bool:
        """Put the fresh lines of the ``changed`` accounts in place; False when that needs
        the whole Book read again (``BookModel.replacement``). Lines that stay on show (or
        hidden) change in place, and the selection and scroll need no restoring; otherwise
        the user's place is kept as ``set_rows`` does."""
        replacement = self.model.replacement(changed, rows)
        if replacement is None:
            return False
        if replacement.in_place:
            self.model.apply(replacement)
            self._refill_filters()
        else:
            self._keeping_place(lambda: self.model.apply(replacement))
        return True

    def _keeping_place(self, change: Callable[[], None]) -> None:
        """Change the rows, keeping the filters where they still apply, the selection and
        the scroll position (a reload after a teammate's change must not lose the user's
        place)."""
        scrolled = self.table.verticalScrollBar().value()
        self._keeping_selection(change)
        self.table.verticalScrollBar().setValue(scrolled)
        self._refill_filters()
        self._update_count()

    def _refill_filters(self) -> None:
        """List the book's segments and owners in the filters (a few tens of values, from
        the model's counts: no pass over 50,000 accounts)."""
        self._refill(self.segment_filter, self.model.segments())
        self._refill(self.owner_filter, self.model.owners())

    def first_screenful_order(self) -> tuple[str, bool] | None:
        """How the Book, empty and on show, can have its first lines read before the rest:
        (``"name"`` or ``"next_due"``, descending) when sorted by one of those columns;
        None otherwise (another column's first lines need every row to be known)."""
        if self.model.total() or not self.isVisible():
            return None
        column, order = self.model.sort_order()
        by = {Column.NAME: "name", Column.NEXT_DUE: "next_due"}.get(column)  # type: ignore[arg-type]
        return None if by is None else (by, order == Qt.SortOrder.DescendingOrder)

    def showEvent(self, event: QShowEvent) -> None:
        """Columns are measured the first time the Book is shown with rows, not at start-up
        behind the Today page (issue 17: start-up within 1.5x the floor)."""
        super().showEvent(event)
        if not self.columns_fitted and self.model.total() > 0:
            self.fit_columns()

    def fit_columns(self) -> None:
        """Size every column to its header and content (a sample of rows keeps it quick)."""
        header = self.table.horizontalHeader()
        header.setResizeContentsPrecision(200)
        for column in Column:
            if column is Column.NEXT_MILESTONE:
                continue
            if column is Column.COMPLETION:
                self.table.setColumnWidth(column, 120)
                continue
            self.table.resizeColumnToContents(column)
            if column is Column.NAME:
                self.table.setColumnWidth(column, min(self.table.columnWidth(column), 240))
        self.columns_fitted = True

    def clear_filters(self) -> None:
        self.search.clear()
        self.segment_filter.setCurrentText(ALL)
        self.owner_filter.setCurrentText(ALL)

    @staticmethod
    def _refill(combo: QComboBox, values: list[str]) -> None:
        if [combo.itemText(i) for i in range(combo.count())] == [ALL, *values]:
            return  # listed already: the user's choice and the popup stay as they are
        current = combo.currentText() or ALL
        combo.blockSignals(True)
        combo.clear()
        combo.addItems([ALL, *values])
        combo.setCurrentText(current if current in values else ALL)
        combo.blockSignals(False)
        if combo.currentText() != current:  # the chosen segment or owner is gone
            combo.currentTextChanged.emit(combo.currentText())

    def _keeping_selection(self, change: Callable[[], None]) -> None:
        """Apply a filter change; the selected accounts still shown stay selected, and the
        current one stays current (the model shows the matches anew on each change)."""
        chosen = set(self.selected_account_ids())
        current = self.table.currentIndex()
        current_id = int(current.data(AccountIdRole)) if current.isValid() else None
        change()
        if not chosen and current_id is None:
            return
        selection = QItemSelection()
        shown = self.model.shown_rows_of(chosen | {current_id} if current_id else chosen)
        for account_id, row in shown.items():
            if account_id in chosen:
                index = self.model.index(row, 0)
                selection.select(index, index)
            if account_id == current_id:
                self.table.selectionModel().setCurrentIndex(
                    self.model.index(row, current.column()),
                    QItemSelectionModel.SelectionFlag.NoUpdate,
                )
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        self.table.selectionModel().select(selection, flags)

    def selected_account_ids(self) -> list[int]:
        rows = self.table.selectionModel().selectedRows()
        return [int(index.data(AccountIdRole)) for index in rows]

    def _activate(self, index: QModelIndex) -> None:
        self.account_activated.emit(int(index.data(AccountIdRole)))

    def _update_count(self) -> None:
        shown, total = self.model.rowCount(), self.model.total()
        self.count_label.setText(
            plural(total, "account")
            if shown == total
            else f"{shown:,} of {plural(total, 'account')}"
        )
        if not total:
            self.pages.setCurrentWidget(self.empty)
        elif not shown:
            self.pages.setCurrentWidget(self.no_match)
        else:
            self.pages.setCurrentWidget(self.table)

    def _row_menu(self, point: QPoint) -> None:
        menu = self.row_menu_for(self.table.indexAt(point))
        if menu is not None:
            menu.popup(self.table.viewport().mapToGlobal(point))

    def row_menu_for(self, index: QModelIndex) -> QMenu | None:
        """The right-click menu of a row: what a CSM does with one account."""
        if not index.isValid():
            return None
        account_id = int(index.data(AccountIdRole))
        upcoming = self.model.row_at(index.row()).next_milestone
        menu = QMenu(self)
        for action in ROW_ACTIONS:
            if action is None:
                menu.addSeparator()
                continue
            item = menu.addAction(action)
            item.triggered.connect(
                lambda _=False, a=action: self.row_action_requested.emit(a, account_id)
            )
            if action in WRITES:
                item.setEnabled(self.writable and (action != MARK_NEXT or upcoming is not None))
            if action == MARK_NEXT and upcoming is not None:
                item.setToolTip(f"Next up: {upcoming}")
        return menu

    def _header_menu(self, point: QPoint) -> None:
        """Right-click on the header: show or hide columns."""
        menu = QMenu(self)
        for column in Column:
            if column is Column.NAME:
                continue
            action = menu.addAction(HEADERS[column])
            action.setCheckable(True)
            action.setChecked(not self.table.isColumnHidden(column))
            action.toggled.connect(lambda on, c=column: self.table.setColumnHidden(c, not on))
        menu.popup(self.table.horizontalHeader().mapToGlobal(point))

    def save_state(self, settings: QSettings) -> None:
        settings.setValue(HEADER_KEY, self.table.horizontalHeader().saveState())

    def restore_state(self, settings: QSettings) -> None:
        state = settings.value(HEADER_KEY)
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.table.horizontalHeader().restoreState(state)
            self.columns_fitted = True  # the user's own widths win


HEADER_KEY = "book/header-v2"  # v1 widths pushed ARR and Renewal off a 1280-pixel screen
OPEN, MARK_NEXT, TOUCHPOINT, QBR, COPY_NAME = (
    "Open account",
    "Mark next milestone achieved…",
    "Log touchpoint…",
    "Export QBR report…",
    "Copy name",
)
ROW_ACTIONS = (OPEN, MARK_NEXT, TOUCHPOINT, None, QBR, COPY_NAME)
WRITES = (MARK_NEXT, TOUCHPOINT)  # off in a read-only window
