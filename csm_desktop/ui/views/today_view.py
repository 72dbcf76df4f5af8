"""Today: what needs the CSM this morning, ranked, with the message ready to send.

``TodayView`` is layout: the ranked list on the left, the filled message on the right with
a tab per channel, Copy buttons, a live template editor and "Log touchpoint…". It takes
``TodayItem`` rows and emits what the user wants. ``TodayController`` calls the services in
workers and feeds the view; the main window owns one of each.

At about 530 lines it is over the project's ~500: the list, the message pane and the
template editor are laid out together because the list's selection drives both panes and
the streamed snapshots (issue 17) must keep the line on show and its unsaved template edit
across refills. The message pane with its editor is the part to move into its own widget.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from csm_desktop.domain.nudges import NudgeKind
from csm_desktop.domain.templates import Rendered, render
from csm_desktop.domain.vocabulary import Channel
from csm_desktop.ui.models.nudge_model import Column, ItemRole, NudgeModel
from csm_desktop.ui.palette import current, warning_style
from csm_desktop.ui.read_only import writes
from csm_desktop.ui.views.copy_row import CopyRow
from csm_desktop.ui.views.delegates import paint_text_unshaped
from csm_desktop.ui.views.empty_state import EmptyState, StartActions, empty_book_state

if TYPE_CHECKING:  # the service (and the ORM behind it) loads when Today first fills
    from csm_desktop.services.today import TodayItem
    from csm_desktop.services.today_stream import TodaySnapshot
    from csm_desktop.ui.dialogs.touchpoint_dialog import LogTouchpointDialog

EVERYONE = "Everyone"
ROWS_SEARCHED = 2_000  # a new snapshot keeps the line on show if it is among the first ones
CELL_PADDING = 14  # a cell's margins and focus frame around its text
COLUMN_LIMITS = {
    Column.RANK: 10_000,
    Column.KIND: 10_000,
    Column.ACCOUNT: 170,
    Column.MILESTONE: 210,
    Column.DUE: 10_000,
    Column.OWNER: 10_000,
}
REASON_MIN_WIDTH = 140  # below this the "Why" column is left out (the detail panel says it)
CHANNEL_TABS = (Channel.IN_APP, Channel.EMAIL, None)  # None: the help article tab


def template_label(item: TodayItem) -> str:
    """The template as people name it: a milestone's template is stored under its key
    ("pu-first-workflow"), which the CSM knows as the milestone's title."""
    name = item.filled.template.name
    if item.nudge.milestone and re.fullmatch(r"[a-z0-9_-]+", name):
        return item.nudge.milestone
    return name


class TodayView(QWidget):
    account_activated = Signal(int)  # account id the user wants to open
    refresh_requested = Signal()  # the user asked for a fresh list
    # account id, milestone id, milestone title, the date to offer (criterion met, or None),
    # the milestone's version as the list read it (the save is made only over it)
    achieved_requested = Signal(int, int, str, object, object)
    touchpoint_requested = Signal(object)  # a TouchpointRequest the user confirmed

    def __init__(self, starts: StartActions | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.starts = starts or StartActions(self)
        self.writable = True  # False in a read-only window: row actions that write are off
        # An explicit minimum keeps content changes from resizing a top-level window.
        self.setMinimumSize(640, 400)
        self.today = dt.date.today()
        self.current: TodayItem | None = None
        self._keep_current = False  # re-selecting the line on show after a new snapshot
        self._fill_pending = False  # the current line's message is still to be filled
        self.reading = ""  # while the book is read: how far, after the counts
        self.touchpoint_dialog: LogTouchpointDialog | None = None
        self.model = NudgeModel(self)

        self.heading = QLabel("<h2 style='margin:0'>What needs me today</h2>")
        self.owner_filter = QComboBox()
        self.owner_filter.setAccessibleName("Owner filter")
        self.owner_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.owner_filter.currentTextChanged.connect(
            lambda text: self.model.set_owner(None if text in ("", EVERYONE) else text)
        )
        self.owner_filter.currentTextChanged.connect(lambda _text: self._update_count())
        self.count_label = QLabel()
        refresh = QPushButton("Refresh")
        refresh.clicked.connect(self.refresh_requested)
        bar = QHBoxLayout()
        bar.addWidget(self.heading, 1)
        bar.addWidget(QLabel("Owner"))
        bar.addWidget(self.owner_filter)
        bar.addWidget(self.count_label)
        bar.addWidget(refresh)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        paint_text_unshaped(self.table)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.REASON, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.doubleClicked.connect(self._activate)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._row_menu)

        self.empty = EmptyState(
            "Nothing needs you today",
            "No milestone is overdue or due this week, no usage criterion waits for your "
            "confirmation and no account is stalled. Enjoy the quiet, or look over the Book.",
            [("Refresh", self.refresh_requested.emit)],
        )
        self.empty_book = empty_book_state(self.starts, "Today")
        self.book_empty = False
        self.list_pages = QStackedWidget()
        self.list_pages.addWidget(self.table)
        self.list_pages.addWidget(self.empty)
        self.list_pages.addWidget(self.empty_book)

        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        self.recipient = QLabel()
        self.recipient.setTextFormat(Qt.TextFormat.RichText)
        self.recipient.setWordWrap(True)
        self.warnings = QLabel()
        self.warnings.setObjectName("templateWarnings")
        self.warnings.setStyleSheet(warning_style())
        self.warnings.setWordWrap(True)
        self.warnings.setVisible(False)

        self.in_app = CopyRow("Message", multiline=True)
        self.subject = CopyRow("Subject", multiline=False)
        self.body = CopyRow("Body", multiline=True)
        self.help_article = CopyRow("Link", multiline=False)
        self.help_link = QLabel()
        self.help_link.setOpenExternalLinks(True)
        self.help_link.setTextFormat(Qt.TextFormat.RichText)
        self.help_link.setWordWrap(True)
        self.rows = (self.in_app, self.subject, self.body, self.help_article)
        for row in self.rows:
            editor = row.template_edit
            editor.textChanged.connect(self._rerender)

        self.tabs = QTabWidget()
        in_app_page = QWidget()
        QVBoxLayout(in_app_page).addWidget(self.in_app)
        email_page = QWidget()
        email_layout = QVBoxLayout(email_page)
        email_layout.addWidget(self.subject)
        email_layout.addWidget(self.body, 1)
        help_page = QWidget()
        help_layout = QVBoxLayout(help_page)
        help_layout.addWidget(self.help_article)
        help_layout.addWidget(self.help_link)
        help_layout.addStretch(1)
        self.tabs.addTab(in_app_page, "In-app")
        self.tabs.addTab(email_page, "E-mail")
        self.tabs.addTab(help_page, "Help article")

        self.edit_button = QPushButton("Edit template")
        self.edit_button.setCheckable(True)
        self.edit_button.setToolTip("Show the template with its {placeholders}, with live preview")
        self.edit_button.toggled.connect(self._show_editors)
        self.open_button = QPushButton("Open account")
        self.open_button.clicked.connect(self._open_current)
        self.log_button = QPushButton("Log touchpoint…")
        self.log_button.clicked.connect(self.open_touchpoint_dialog)
        self.confirm_button = QPushButton("Confirm achieved…")
        self.confirm_button.setToolTip(
            "Mark the milestone achieved on the day its usage criterion was met"
        )
        self.confirm_button.clicked.connect(self.request_achieved)
        writes(self.confirm_button, self.log_button)
        actions = QHBoxLayout()
        actions.addWidget(self.edit_button)
        actions.addStretch(1)
        actions.addWidget(self.confirm_button)
        actions.addWidget(self.open_button)
        actions.addWidget(self.log_button)

        self.detail = QWidget()
        detail_layout = QVBoxLayout(self.detail)
        detail_layout.setContentsMargins(8, 0, 0, 0)
        detail_layout.addWidget(self.title)
        detail_layout.addWidget(self.recipient)
        detail_layout.addWidget(self.warnings)
        detail_layout.addWidget(self.tabs, 1)
        detail_layout.addLayout(actions)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.list_pages)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.splitterMoved.connect(lambda _pos, _index: self._fit_reason())
        splitter.setSizes([880, 520])
        self.splitter = splitter

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 0)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        self._show_item(None)

    # --- data in ----------------------------------------------------------------------------

    def set_items(self, items: Sequence[TodayItem], today: dt.date) -> None:
        """Show a fresh, complete, ranked list (its owners and counts from the lines)."""
        owners = tuple(sorted({i.nudge.owner for i in items if i.nudge.owner}))
        self._show_lines(items, today, owners, reading="", open_count=None)

    def show_snapshot(self, snapshot: TodaySnapshot, today: dt.date) -> None:
        """Show the list as far as it is read: the most urgent lines so far, or all of it."""
        reading = (
            ""
            if snapshot.complete
            else f" · reading {snapshot.accounts_read:,} of {snapshot.accounts:,} accounts…"
        )
        known = snapshot.open_lines if snapshot.complete else None
        self._show_lines(snapshot.items, today, snapshot.owners, reading, known)

    def _show_lines(
        self,
        items: Sequence[TodayItem],
        today: dt.date,
        owners: Sequence[str],
        reading: str,
        open_count: int | None,
    ) -> None:
        """Keeps the owner filter and the line on show (or selects the first line)."""
        first_fill = not self.model.rowCount()
        self.today = today
        self.heading.setText(
            f"<h2 style='margin:0'>What needs me today "
            f"<span style='font-weight:normal; color:{current().muted}'>"
            f"{today:%A} {today.isoformat()}"
            "</span></h2>"
        )
        chosen = self.owner_filter.currentText() or EVERYONE
        owner = chosen if chosen in owners else None
        shown = self.current
        self.model.set_rows(items, owner, open_count)
        if first_fill or not reading:
            self.fit_columns()
        self.owner_filter.blockSignals(True)
        self.owner_filter.clear()
        self.owner_filter.addItems([EVERYONE, *owners])
        self.owner_filter.setCurrentText(owner or EVERYONE)
        self.owner_filter.blockSignals(False)
        self.reading = reading
        self._update_count()
        row = self._row_of(shown) if shown is not None else None
        if row is not None:
            self._keep_current = True  # the same line: its message (and any edit) stays
            self.table.selectRow(row)
            self._keep_current = False
            self.current = self.model.row_at(row)
        elif self.model.rowCount() and reading and self.table.isVisible():
            # While the book is read, the first line's message fills once the lines have
            # painted, in an event of its own: the first lines, their message and the
            # paint of both were the UI thread's longest step (issue 17).
            self._keep_current = True
            self.table.selectRow(0)
            self._keep_current = False
            self.current = self.model.row_at(0)
            self._fill_pending = True
            self.table.viewport().installEventFilter(self)
        elif self.model.rowCount():
            self.table.selectRow(0)
        else:
            self._show_item(None)
        if self._fill_pending and not reading:
            self._show_item(self.current)  # the whole list is in: its message with it

    def _row_of(self, item: TodayItem) -> int | None:
        """The row of the line about the same thing as ``item`` (the lines are new objects)."""
        key = (item.nudge.kind, item.nudge.account_id, item.nudge.milestone_id)
        for row in range(min(self.model.rowCount(), ROWS_SEARCHED)):
            nudge = self.model.row_at(row).nudge
            if (nudge.kind, nudge.account_id, nudge.milestone_id) == key:
                return row
        return None

    @property
    def open_items(self) -> int:
        """Lines not handled yet among those on show."""
        return self.model.open_count

    def _update_count(self) -> None:
        shown = self.model.rowCount()
        open_items = self.model.open_count
        self.count_label.setText(
            f"{open_items:,} to do"
            + (f", {shown - open_items:,} done" if shown > open_items else "")
            + self.reading
        )
        if self.book_empty:
            self.list_pages.setCurrentWidget(self.empty_book)
        else:
            self.list_pages.setCurrentWidget(self.table if shown or self.reading else self.empty)
        if not shown:
            self._show_item(None)

    def set_book_empty(self, empty: bool) -> None:
        """An empty book shows how to fill it instead of "nothing needs you"."""
        self.book_empty = empty
        self._update_count()

    def fit_columns(self) -> None:
        """Short columns fit their content; the reason column takes the spare width, and
        is left out when the list is too narrow for it (the panel beside says the reason).
        The first 100 lines (the most urgent, those on screen) set the widths, measured
        here with the font: Qt's own measure asks the model for every role of every cell,
        the biggest wait of start-up (issue 17)."""
        rows = [self.model.row_at(r) for r in range(min(self.model.rowCount(), 100))]
        plain, bold = self.table.fontMetrics(), QFontMetrics(_bold(self.table.font()))
        header = self.table.horizontalHeader()
        for column, limit in COLUMN_LIMITS.items():
            metrics = bold if column is Column.KIND else plain
            texts = {
                NudgeModel.display(item, self.model.line(r), column) for r, item in enumerate(rows)
            }
            widest = max((metrics.horizontalAdvance(text) for text in texts), default=0)
            width = max(widest + CELL_PADDING, header.sectionSizeHint(column))
            self.table.setColumnWidth(column, min(width, limit))
        self._fit_reason()

    def _fit_reason(self) -> None:
        others = sum(
            self.table.columnWidth(column) for column in Column if column is not Column.REASON
        )
        narrow = self.table.viewport().width() - others < REASON_MIN_WIDTH
        self.table.setColumnHidden(Column.REASON, narrow)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_reason()

    # --- selection ----------------------------------------------------------------------------

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not self._keep_current:
            self._show_item(current.data(ItemRole) if current.isValid() else None)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The lines' paint has begun: their message fills just after it."""
        if event.type() == QEvent.Type.Paint and watched is self.table.viewport():
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self, self._fill_current)
        return False

    def _fill_current(self) -> None:
        """The message of the line selected by ``_show_lines``, unless shown meanwhile."""
        if self._fill_pending:
            self._show_item(self.current)

    def _show_item(self, item: TodayItem | None) -> None:
        self._fill_pending = False
        self.current = item
        self.detail.setEnabled(item is not None)
        self.confirm_button.setVisible(
            item is not None and item.nudge.kind is NudgeKind.CRITERION_MET
        )
        if item is None:
            self.title.setText("<i>Select an item to see its message.</i>")
            self.recipient.clear()
            self.warnings.setVisible(False)
            for row in self.rows:
                row.set_template("")
                row.set_preview("")
            self.help_link.clear()
            return
        e = html.escape
        nudge = item.nudge
        milestone = f" — {e(nudge.milestone)}" if nudge.milestone else ""
        self.title.setText(
            f"<h3 style='margin:0'>{e(nudge.account)}{milestone}</h3>{e(nudge.reason)}"
        )
        contact = item.filled.contact
        if contact is not None:
            email = f" &lt;{e(contact.email)}&gt;" if contact.email else ""
            role = f" · {e(contact.role)}" if contact.role else ""
            self.recipient.setText(f"To: <b>{e(contact.name)}</b>{email}{role}")
        else:
            self.recipient.setText(
                f"<span style='color:{current().warn}'>No contact in the role "
                f"{e(nudge.role or '—')}: add one on the account, or pick a person yourself."
                "</span>"
            )
        template = item.filled.template
        for row, text in zip(
            self.rows,
            (template.in_app, template.email_subject, template.email_body, template.help_article),
            strict=True,
        ):
            row.set_template(text)
        self._show_rendered(
            (
                item.filled.message.in_app,
                item.filled.message.email_subject,
                item.filled.message.email_body,
                item.filled.message.help_article,
            )
        )

    def _rerender(self) -> None:
        """Live preview: render the edited templates with the item's values."""
        if self.current is None:
            return
        values = self.current.filled.values
        self._show_rendered(
            tuple(
                render(row.template_text(), values) if row.template_text() else Rendered("")
                for row in self.rows
            )
        )

    def _show_rendered(self, parts: Sequence[Rendered]) -> None:
        warnings: dict[str, None] = {}
        for row, part in zip(self.rows, parts, strict=True):
            row.set_preview(part.text)
            for warning in part.warnings:
                warnings.setdefault(warning, None)
        link = parts[3].text
        if link.startswith(("http://", "https://")):
            self.help_link.setText(f"<a href='{html.escape(link, quote=True)}'>Open in browser</a>")
        else:
            self.help_link.setText(
                "<i>No help-centre article for this milestone.</i>" if not link else ""
            )
        self.warnings.setText("⚠ " + "\n⚠ ".join(warnings) if warnings else "")
        self.warnings.setVisible(bool(warnings))

    def _show_editors(self, shown: bool) -> None:
        for row in self.rows:
            row.template_edit.setVisible(shown)
            row.template_hint.setVisible(shown)

    # --- actions ------------------------------------------------------------------------------

    def _activate(self, index: QModelIndex) -> None:
        item = index.data(ItemRole)
        if item is not None:
            self.account_activated.emit(item.nudge.account_id)

    def request_achieved(self) -> None:
        """Ask to mark the current item's milestone achieved (dated when its criterion met)."""
        item = self.current
        if item is None or item.nudge.milestone_id is None:
            return
        nudge = item.nudge
        self.achieved_requested.emit(
            nudge.account_id,
            nudge.milestone_id,
            nudge.milestone or "",
            nudge.criterion_met_on,
            item.milestone_version,
        )

    def copy_message(self) -> None:
        """Copy the message of the tab on show (the e-mail body on the E-mail tab)."""
        row = (self.in_app, self.body, self.help_article)[self.tabs.currentIndex()]
        row.copy()

    def _row_menu(self, point: QPoint) -> None:
        menu = self.row_menu_for(self.table.indexAt(point))
        if menu is not None:
            menu.popup(self.table.viewport().mapToGlobal(point))

    def row_menu_for(self, index: QModelIndex) -> QMenu | None:
        """The right-click menu of a row: open, confirm or mark achieved, copy, log."""
        if not index.isValid():
            return None
        self.table.selectRow(index.row())
        item = self.current
        if item is None:
            return None
        menu = QMenu(self)
        menu.addAction("Open account", self._open_current)
        if item.nudge.milestone_id is not None:
            met = item.nudge.kind is NudgeKind.CRITERION_MET
            achieve = menu.addAction(
                "Confirm achieved…" if met else "Mark achieved…", self.request_achieved
            )
            achieve.setEnabled(self.writable)
        menu.addSeparator()
        menu.addAction("Copy message", self.copy_message)
        log = menu.addAction("Log touchpoint…", self.open_touchpoint_dialog)
        log.setEnabled(self.writable)
        return menu

    def _open_current(self) -> None:
        if self.current is not None:
            self.account_activated.emit(self.current.nudge.account_id)

    def current_channel(self) -> Channel:
        """The channel of the tab on show (the help article goes out by e-mail)."""
        return CHANNEL_TABS[self.tabs.currentIndex()] or Channel.EMAIL

    def open_touchpoint_dialog(self) -> LogTouchpointDialog | None:
        """Ask for channel, date and template (non-blocking); confirming emits the request."""
        item = self.current
        if item is None:
            return None
        # Imported when first asked for, not at start-up (issue 17).
        from csm_desktop.ui.dialogs.touchpoint_dialog import LogTouchpointDialog, TouchpointRequest

        dialog = LogTouchpointDialog(self.current_channel(), self.today, template_label(item), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def confirmed() -> None:
            channel, on, template, note = dialog.values()
            self.touchpoint_requested.emit(
                TouchpointRequest(
                    account_id=item.nudge.account_id,
                    channel=channel,
                    on=on,
                    template=template,
                    contact_id=item.filled.contact.id if item.filled.contact else None,
                    milestone_id=item.nudge.milestone_id,
                    note=note,
                    said=dialog.feedback_fields.words(),
                    sentiment=dialog.feedback_fields.sentiment.currentText(),
                    quotable=dialog.feedback_fields.quotable.isChecked(),
                )
            )

        dialog.accepted.connect(confirmed)
        self.touchpoint_dialog = dialog
        dialog.open()
        return dialog


def _bold(font: QFont) -> QFont:
    bold = QFont(font)
    bold.setBold(True)
    return bold
