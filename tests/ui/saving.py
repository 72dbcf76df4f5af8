"""Waiting for the account page's saves, which run off the UI thread (issue 16)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialogButtonBox

from csm_desktop.ui.dialogs.save_refusals import SavesOnOk
from csm_desktop.ui.main_window import MainWindow


def press_ok(qtbot: Any, dialog: SavesOnOk) -> int:
    """Click the dialog's OK and wait for the save it starts; the dialog's result then
    (Accepted once saved; Rejected while it stays open, e.g. refused)."""
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10000)
    return dialog.result()


def saved(qtbot: Any, window: MainWindow) -> None:
    """Wait until every milestone save (and undo, redo) the window queued has run: the
    account page's and Today's share one queue."""
    qtbot.waitUntil(lambda: not window.saves.queue.busy, timeout=10000)
