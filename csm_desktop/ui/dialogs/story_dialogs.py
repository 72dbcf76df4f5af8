"""Dialogs for the QBR's story on an account: re-plan past-due milestones, keep an ask.

Layout only: the controller (``ui.views.account_story``) passes the values to
``services.account_story`` and shows any refusal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from csm_desktop.domain.review import day_text
from csm_desktop.ui.dialogs.dialog_parts import date_edit, from_qdate, ok_cancel
from csm_desktop.ui.dialogs.save_refusals import SavesOnOk

ID_ROLE = Qt.ItemDataRole.UserRole + 41
REPLAN_DAYS_AHEAD = 14


class ReplanDialog(QDialog):
    """Tick the past-due milestones to move and pick their new date."""

    def __init__(
        self,
        candidates: Sequence[tuple[int, str, dt.date | None]],
        today: dt.date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Re-plan past-due milestones")
        self.today = today
        self.list = QListWidget()
        self.list.setAccessibleName("Milestones to re-plan")
        for milestone_id, title, planned in candidates:
            item = QListWidgetItem(f"{title} — planned for {day_text(planned)}")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            item.setData(ID_ROLE, milestone_id)
            self.list.addItem(item)
        self.date = date_edit(today + dt.timedelta(days=REPLAN_DAYS_AHEAD))
        self.date.setMinimumDate(QDate(today.year, today.month, today.day))
        note = QLabel(
            "The customer's QBR shows the new date with “moved from …” in grey. The original "
            "due date stays, so on-time and overdue figures are not flattered."
        )
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow("New date", self.date)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Open milestones whose date has passed:"))
        layout.addWidget(self.list, 1)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(ok_cancel(self, "Re-plan"))
        self.resize(520, 360)

    def chosen(self) -> list[int]:
        return [
            int(self.list.item(i).data(ID_ROLE))
            for i in range(self.list.count())
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def new_date(self) -> dt.date:
        return from_qdate(self.date.date())


class AskDialog(SavesOnOk):
    """A risk or an ask for the customer, optionally started from a blocked milestone; OK
    saves it (``SavesOnOk``: refused, the dialog stays open with what was typed)."""

    def __init__(
        self,
        today: dt.date,
        blocked: Sequence[tuple[int, str, str]],
        owners: Sequence[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a risk or an ask")
        self.kind = QComboBox()
        self.kind.addItem("Ask — what we need from the customer", "ask")
        self.kind.addItem("Risk — what could stop the plan", "risk")
        self.start_from = QComboBox()
        self.start_from.addItem("(none)", None)
        for milestone_id, title, reason in blocked:
            self.start_from.addItem(f"Blocked: {title}", (milestone_id, title, reason))
        self.start_from.currentIndexChanged.connect(self._start_from_blocked)
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText("e.g. Sign off the security review so automation can go live")
        self.owner = QComboBox()
        self.owner.setEditable(True)
        self.owner.addItems(["", *owners])
        self.due = date_edit(today + dt.timedelta(days=REPLAN_DAYS_AHEAD))
        form = QFormLayout(self)
        form.addRow("Kind", self.kind)
        if blocked:
            form.addRow("Start from", self.start_from)
        form.addRow("What", self.text)
        form.addRow("Owner", self.owner)
        form.addRow("By", self.due)
        form.addRow(ok_cancel(self, "Add"))
        self.resize(520, 320)

    def _start_from_blocked(self) -> None:
        chosen = self.start_from.currentData()
        if chosen is None:
            return
        _milestone_id, title, reason = chosen
        self.kind.setCurrentIndex(0)
        self.text.setPlainText(reason or f"Unblock “{title}”")

    def values(self) -> tuple[str, str, str, dt.date, int | None]:
        """(kind, text, owner, due on, linked milestone id)."""
        chosen = self.start_from.currentData()
        return (
            str(self.kind.currentData()),
            self.text.toPlainText(),
            self.owner.currentText(),
            from_qdate(self.due.date()),
            chosen[0] if chosen else None,
        )


__all__ = ["AskDialog", "ReplanDialog"]
