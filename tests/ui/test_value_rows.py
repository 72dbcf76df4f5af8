"""The Value panel's undo is about the metric's row (issue 16, review finding 12).

Ravi works in the window; Maya is the same book opened again (a file, or with ``--backend
postgresql`` the team server). She deletes his metric and makes her own of the same name,
whose versions start at 1 again: his Undo used to find hers under the name at the version
it expected and delete it with its measurements.
"""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QDialog

from csm_desktop.domain.vocabulary import Direction
from csm_desktop.services.value_metrics import (
    MetricSnapshot,
    account_metrics,
    delete_metric,
    save_metric,
)
from csm_desktop.store.database import Database
from csm_desktop.ui.dialogs import value_dialogs
from csm_desktop.ui.main_window import MainWindow
from tests.ui.conftest import MessageBoxes
from tests.ui.saving import saved
from tests.ui.test_save_conflicts import REFUSED, TODAY, open_account, refusal
from tests.ui.test_save_conflicts_chain import two, undo

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")
__all__ = ["two"]  # the fixture: Ravi's window and Maya's engine

NAME = "Tickets closed"
MAYAS = MetricSnapshot(
    NAME, "tickets", Direction.HIGHER, 35.0, TODAY, 50.0, measurements=((TODAY, 44.0),)
)


def test_undo_of_an_add_refuses_to_delete_a_teammates_metric_of_the_same_name(
    qtbot, two: tuple[MainWindow, Database], message_boxes: MessageBoxes, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Ravi adds Tickets closed (baseline 40) from the panel: his row, version 1. Maya
    deletes it and adds her own Tickets closed (baseline 35, 44 measured today): another
    row, version 1 too. Ravi's Edit → Undo is refused naming Maya and ends "their change
    stays."; her metric and its measurement are still stored, and the panel shows hers."""
    window, maya = two
    account_id = open_account(qtbot, window)
    panel = window.account_view.value

    def add(dialog: value_dialogs.MetricDialog) -> int:
        dialog.name.setText(NAME)
        dialog.baseline.setText("40")
        dialog._accept()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(value_dialogs.MetricDialog, "exec", add)
    qtbot.waitUntil(panel.buttons["add"].isEnabled, timeout=5000)
    panel.buttons["add"].click()
    saved(qtbot, window)
    qtbot.waitUntil(lambda: any(m.name == NAME for m in panel.metrics), timeout=5000)
    (his,) = [m for m in account_metrics(maya, account_id) if m.name == NAME]
    assert (his.version, his.baseline) == (1, 40.0)
    delete_metric(maya, account_id, NAME, on=TODAY, seen=1)
    hers = save_metric(maya, account_id, MAYAS, on=TODAY)
    assert hers.left_at == 1

    undo(qtbot, window)
    text = refusal(message_boxes)
    assert re.match(f"^“{NAME}” {REFUSED}", text) and text.endswith("their change stays.")
    (now,) = [m for m in account_metrics(maya, account_id) if m.name == NAME]
    assert (now.baseline, now.measurements, now.version) == (35.0, ((TODAY, 44.0),), 1)
    qtbot.waitUntil(lambda: not panel.busy, timeout=5000)
    (shown,) = [m for m in panel.metrics if m.name == NAME]
    assert shown.baseline == 35.0

    # The refused step is gone: Redo does not try to add his metric again over hers (which
    # used to be a second refusal), and the stack no longer offers it.
    assert window.undo_stack.canRedo()
    shown_before = len(message_boxes.shown)
    window.redo_action.trigger()
    saved(qtbot, window)
    assert len(message_boxes.shown) == shown_before and not window.undo_stack.canRedo()
    (now,) = [m for m in account_metrics(maya, account_id) if m.name == NAME]
    assert (now.baseline, now.version) == (35.0, 1)
