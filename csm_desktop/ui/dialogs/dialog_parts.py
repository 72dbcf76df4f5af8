"""The pieces every small dialog is built from: a calendar date field and OK / Cancel.

One owner for how a date is picked in a dialog (ISO display, calendar pop-up, "none" for an
optional date) so the account, value, renewal, feedback and re-plan dialogs behave alike.
Qt only: it stays light enough for dialogs opened from the first screen.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QDialog, QDialogButtonBox

NO_DATE = QDate(1900, 1, 1)


def to_qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def date_edit(value: dt.date | None, *, optional: bool = False) -> QDateEdit:
    """A calendar date field; optional ones show "none" at their minimum."""
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    if optional:
        edit.setMinimumDate(NO_DATE)
        edit.setSpecialValueText("none")
    edit.setDate(to_qdate(value) if value else (NO_DATE if optional else QDate.currentDate()))
    return edit


def optional_date(edit: QDateEdit) -> dt.date | None:
    return None if edit.date() == NO_DATE else from_qdate(edit.date())


def ok_cancel(dialog: QDialog, ok_text: str = "") -> QDialogButtonBox:
    """OK and Cancel wired to accept and reject; ``ok_text`` names what OK does."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    if ok_text:
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons
