"""OK again in the Value panel's metric dialog writes only what the user changed (issue 16).

Ravi works in the window; Maya is the same book opened again (a file, or with ``--backend
postgresql`` the team server). The metric dialog used to send back the measurements it
opened with, so a retry after a refusal deleted the measurement Maya had just recorded.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from PySide6.QtWidgets import QDialog

from csm_desktop.domain.vocabulary import Direction
from csm_desktop.services.value_metrics import (
    MetricSnapshot,
    account_metrics,
    record_measurement,
    save_metric,
)
from csm_desktop.store.database import Database
from csm_desktop.ui.dialogs import value_dialogs
from csm_desktop.ui.main_window import MainWindow
from tests.ui.conftest import MessageBoxes
from tests.ui.test_save_conflicts import REFUSED, TODAY, open_account, refusal
from tests.ui.test_save_conflicts_chain import two

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")
__all__ = ["two"]  # the fixture: Ravi's window and Maya's engine

HOURS = MetricSnapshot("Hours on hand-over", "h", Direction.LOWER, 10.0, TODAY, 4.0)
NOV_20, NOV_24 = dt.date(2026, 11, 20), dt.date(2026, 11, 24)


def test_ok_again_on_the_metric_dialog_keeps_a_teammates_measurement(
    qtbot, two: tuple[MainWindow, Database], message_boxes: MessageBoxes, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Hours (target 4 h, 6 h measured on 20 Nov) is on the panel. Ravi opens Edit on it;
    meanwhile Maya records 8 h on 24 Nov. Ravi sets the target to 3 h and presses OK:
    refused naming Maya; the same dialog opens again still holding 3; OK saves it. The
    stored metric has his target and both measurements, his 6 h and her 8 h."""
    window, maya = two
    account_id = open_account(qtbot, window)
    save_metric(window.database, account_id, HOURS, on=TODAY)
    record_measurement(window.database, account_id, HOURS.name, 6.0, NOV_20, on=TODAY)
    panel = window.account_view.value
    window.account_controller.value.load(account_id)
    qtbot.waitUntil(lambda: any(m.name == HOURS.name for m in panel.metrics), timeout=5000)
    opened: list[str] = []

    def edit(dialog: value_dialogs.MetricDialog) -> int:
        if not opened:  # Maya records hers while Ravi's dialog is open
            record_measurement(maya, account_id, HOURS.name, 8.0, NOV_24, on=TODAY)
            dialog.target.setText("3")
        opened.append(dialog.target.text())
        dialog._accept()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(value_dialogs.MetricDialog, "exec", edit)
    qtbot.waitUntil(lambda: not panel.busy, timeout=5000)
    panel.select_metric(HOURS.name)
    qtbot.waitUntil(panel.buttons["edit"].isEnabled, timeout=5000)
    panel.buttons["edit"].click()
    qtbot.waitUntil(lambda: len(opened) == 2 and not panel.busy, timeout=15000)
    qtbot.waitUntil(lambda: not panel.busy, timeout=5000)
    assert opened == ["3", "3"]  # the second time, the dialog still held what was typed
    assert re.match(f"^“{HOURS.name}” {REFUSED}", refusal(message_boxes))
    (stored,) = [m for m in account_metrics(maya, account_id) if m.name == HOURS.name]
    assert stored.target == 3.0
    assert stored.measurements == ((NOV_20, 6.0), (NOV_24, 8.0))
    (shown,) = [m for m in panel.metrics if m.name == HOURS.name]
    assert (shown.target, len(shown.measurements)) == (3.0, 2)
