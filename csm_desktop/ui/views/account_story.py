"""The account page's QBR story tab, "Risks & asks", and its Re-plan action.

``RisksAsksPanel`` lists what the CSM needs from the customer (open first) with Add…,
Resolve and Remove; ``AccountStoryController`` loads it and runs the edits and the re-plan
of past-due milestones in workers (``services.account_story``), then says ``changed`` so the
page and its timeline reload.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from csm_desktop.domain.review import day_text
from csm_desktop.services.account_story import AskEntry, BlockedReason, ReplanCandidate
from csm_desktop.services.accounts import AccountDetail
from csm_desktop.services.opening import Database
from csm_desktop.ui import workers
from csm_desktop.ui.dialogs.story_dialogs import AskDialog, ReplanDialog
from csm_desktop.ui.palette import current
from csm_desktop.ui.read_only import writes

ID_ROLE = Qt.ItemDataRole.UserRole + 42


class RisksAsksPanel(QWidget):
    """The account's risks and asks: kind, what, owner, by; resolved ones greyed."""

    load_requested = Signal(int)  # account id whose risks and asks to read
    add_requested = Signal()
    resolve_requested = Signal(int)  # ask id to mark resolved (or open again)
    remove_requested = Signal(int)  # ask id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail: AccountDetail | None = None
        self.entries: dict[int, AskEntry] = {}
        self.list = QTreeWidget()
        self.list.setHeaderLabels(["", "What", "Owner", "By"])
        self.list.setRootIsDecorated(False)
        self.list.setWordWrap(True)
        self.list.setAccessibleName("Risks and asks")
        header = self.list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column in (0, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        add = QPushButton("Add…")
        add.setToolTip("Keep a risk or an ask for the QBR; a blocked milestone's reason can "
                       "be the starting point")  # fmt: skip
        add.clicked.connect(self.add_requested)
        self.resolve = QPushButton("Resolved")
        self.resolve.clicked.connect(lambda: self._emit(self.resolve_requested))
        remove = QPushButton("Remove")
        remove.clicked.connect(lambda: self._emit(self.remove_requested))
        writes(add, self.resolve, remove)
        buttons = QHBoxLayout()
        for button in (add, self.resolve, remove):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)

    def set_account(self, detail: AccountDetail) -> None:
        self.detail = detail
        self.load_requested.emit(detail.id)

    def show_entries(self, entries: Sequence[AskEntry]) -> None:
        self.list.clear()
        self.entries = {e.id: e for e in entries}
        for entry in entries:
            what = entry.text + (f" (for “{entry.milestone}”)" if entry.milestone else "")
            item = QTreeWidgetItem(
                ["Risk" if entry.kind == "risk" else "Ask", what, entry.owner,
                 day_text(entry.due_on, "")]
            )  # fmt: skip
            item.setToolTip(1, entry.text)
            item.setData(0, ID_ROLE, entry.id)
            if entry.resolved_on is not None:
                grey = QBrush(QColor(current().faint))
                for column in range(4):
                    item.setForeground(column, grey)
                item.setText(3, f"resolved {day_text(entry.resolved_on)}")
            self.list.addTopLevelItem(item)

    def _emit(self, signal: Any) -> None:
        item = self.list.currentItem()
        if item is not None:
            signal.emit(int(item.data(0, ID_ROLE)))


class AccountStoryController(QObject):
    """Loads and edits the risks and asks of the account on show; re-plans its milestones."""

    changed = Signal(int)  # account id whose asks or plan dates changed

    def __init__(
        self,
        panel: RisksAsksPanel,
        database: Callable[[], Database],
        today: Callable[[], dt.date],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.panel = panel
        self.database = database
        self.today = today
        panel.load_requested.connect(self.load)
        panel.add_requested.connect(self.add_ask)
        panel.resolve_requested.connect(self.toggle_resolved)
        panel.remove_requested.connect(self.remove_ask)

    def _account_id(self) -> int | None:
        return self.panel.detail.id if self.panel.detail is not None else None

    def load(self, account_id: int) -> None:
        from csm_desktop.services.account_story import list_asks

        database = self.database()

        def show(entries: list[AskEntry]) -> None:
            if self._account_id() == account_id:
                self.panel.show_entries(entries)

        workers.run(lambda progress: list_asks(database, account_id), show,
                    what="Loading risks and asks", owner=self)  # fmt: skip

    def _apply(self, what: str, work: Callable[[Database], Any]) -> None:
        account_id, database = self._account_id(), self.database()
        if account_id is None:
            return
        workers.run(
            lambda progress: work(database),
            lambda _result: self.changed.emit(account_id),
            what=what,
            owner=self,
            shown_over=self.panel,
        )

    def add_ask(self) -> None:
        """Read the blocked reasons off the UI thread, then ask for the new ask."""
        from csm_desktop.services.account_story import blocked_reasons

        detail = self.panel.detail
        if detail is None:
            return
        database = self.database()
        workers.run(
            lambda progress: blocked_reasons(database, detail.id),
            lambda reasons: self._ask_dialog(detail, reasons),
            what="Reading blocked milestones",
            owner=self,
        )

    def _ask_dialog(self, detail: AccountDetail, reasons: list[BlockedReason]) -> None:
        from csm_desktop.services.account_story import add_ask

        if self._account_id() != detail.id:
            return
        blocked = [(b.milestone_id, b.title, b.reason) for b in reasons]
        dialog = AskDialog(self.today(), blocked, [c.name for c in detail.contacts], self.panel)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        kind, text, owner, due_on, milestone_id = dialog.values()
        today = self.today()
        self._apply(
            "Saving the ask",
            lambda db: add_ask(db, detail.id, kind, text, owner=owner, due_on=due_on,
                               milestone_id=milestone_id, created_on=today),
        )  # fmt: skip

    def toggle_resolved(self, ask_id: int) -> None:
        from csm_desktop.services.account_story import resolve_ask

        entry = self.panel.entries.get(ask_id)
        if entry is None:
            return
        on = None if entry.resolved_on is not None else self.today()
        self._apply("Saving the ask", lambda db: resolve_ask(db, ask_id, on))

    def remove_ask(self, ask_id: int) -> None:
        from csm_desktop.services.account_story import delete_ask

        self._apply("Removing the ask", lambda db: delete_ask(db, ask_id))

    def replan(self) -> None:
        """Offer the past-due open milestones and move the chosen ones to a new date."""
        from csm_desktop.services.account_story import replan_candidates

        account_id = self._account_id()
        if account_id is None:
            return
        database, today = self.database(), self.today()
        workers.run(
            lambda progress: replan_candidates(database, account_id, today),
            lambda candidates: self._replan_dialog(account_id, today, candidates),
            what="Reading past-due milestones",
            owner=self,
        )

    def _replan_dialog(
        self, account_id: int, today: dt.date, candidates: list[ReplanCandidate]
    ) -> None:
        from csm_desktop.services.account_story import replan_milestones

        if self._account_id() != account_id:
            return
        parent = self.panel.window()
        if not candidates:
            QMessageBox.information(
                parent, "Re-plan", "No open milestone of this account is past its date."
            )
            return
        dialog = ReplanDialog([(c.id, c.title, c.planned_on) for c in candidates], today, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        chosen, new_date = dialog.chosen(), dialog.new_date()
        self._apply(
            "Re-planning milestones",
            lambda db: replan_milestones(db, chosen, new_date, today=today),
        )
