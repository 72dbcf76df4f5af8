""" "Log touchpoint…": the dialog and the request it produces.

Today's detail panel and the account page both open it; ``TodayController.log`` turns a
``TouchpointRequest`` into a stored touchpoint (and feedback, if the customer said something).
Kept out of ``today_view`` so the view file is layout only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from csm_desktop.domain.vocabulary import Channel
from csm_desktop.ui.dialogs.learning_dialogs import FeedbackFields


@dataclass(frozen=True, slots=True)
class TouchpointRequest:
    """What the CSM entered in "Log touchpoint…"."""

    account_id: int
    channel: str
    on: dt.date
    template: str
    contact_id: int | None
    milestone_id: int | None
    note: str
    said: str = ""
    """What the customer said, if the CSM wrote it down: stored as a feedback entry."""
    sentiment: str = "neutral"
    quotable: bool = False


class LogTouchpointDialog(QDialog):
    """Channel, date, template and an optional note; opened non-blocking with ``open()``."""

    def __init__(
        self, channel: Channel, on: dt.date, template: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Log touchpoint")
        self.setMinimumSize(380, 200)
        self.channel = QComboBox()
        self.channel.addItems([c.value for c in Channel])
        self.channel.setCurrentText(channel.value)
        self.date = QDateEdit(QDate(on.year, on.month, on.day))
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.template = QLineEdit(template)
        self.note = QLineEdit()
        self.note.setPlaceholderText("Optional: what was said or agreed")
        form = QFormLayout(self)
        form.addRow("Channel", self.channel)
        form.addRow("Date", self.date)
        form.addRow("Template", self.template)
        form.addRow("Note", self.note)
        self.feedback = QGroupBox("What the customer said (optional: kept as feedback)")
        self.feedback_fields = FeedbackFields()
        QVBoxLayout(self.feedback).addWidget(self.feedback_fields)
        form.addRow(self.feedback)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Log")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple[str, dt.date, str, str]:
        """(channel, date, template, note) as entered."""
        day = self.date.date()
        return (
            self.channel.currentText(),
            dt.date(day.year(), day.month(), day.day()),
            self.template.text(),
            self.note.text(),
        )
