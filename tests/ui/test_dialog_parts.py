"""The one date field and OK / Cancel row every small dialog is built from."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QDialog, QDialogButtonBox

from csm_desktop.ui.dialogs.dialog_parts import date_edit, from_qdate, ok_cancel, optional_date


def test_a_date_field_shows_iso_and_gives_back_the_day(qtbot) -> None:  # type: ignore[no-untyped-def]
    edit = date_edit(dt.date(2026, 2, 28))
    qtbot.addWidget(edit)
    assert edit.text() == "2026-02-28"
    assert edit.calendarPopup()
    assert from_qdate(edit.date()) == dt.date(2026, 2, 28)


def test_an_optional_date_left_alone_is_none(qtbot) -> None:  # type: ignore[no-untyped-def]
    edit = date_edit(None, optional=True)
    qtbot.addWidget(edit)
    assert edit.text() == "none"
    assert optional_date(edit) is None


def test_ok_says_what_it_does_and_cancel_rejects(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = QDialog()
    qtbot.addWidget(dialog)
    buttons = ok_cancel(dialog, "Re-plan")
    assert buttons.button(QDialogButtonBox.StandardButton.Ok).text() == "Re-plan"
    buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert dialog.result() == QDialog.DialogCode.Rejected
