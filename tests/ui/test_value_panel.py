"""The Value panel on the account page and in the kickoff dialog: add, measure, undo, delete."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog

from csm_desktop.services.accounts import account_detail
from csm_desktop.services.book_settings import BookSettings, save_book_settings
from csm_desktop.services.metrics import value_changes
from csm_desktop.services.value_metrics import account_metrics
from csm_desktop.store.database import open_database
from csm_desktop.ui.controllers import value as value_controller
from csm_desktop.ui.dialogs import account_dialogs, value_dialogs
from csm_desktop.ui.dialogs.dialog_parts import to_qdate
from csm_desktop.ui.main_window import MainWindow
from csm_desktop.ui.views.value_panel import ValuePanel

TODAY = dt.date(2026, 11, 26)
NAME = "Hours on shift hand-over"


@pytest.fixture
def window(qtbot, tmp_path: Path, demo_copy: Callable[[dt.date], Path]) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    database = open_database(demo_copy(TODAY))
    save_book_settings(database, BookSettings(currency="EUR"))
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(database, today=lambda: TODAY, settings=settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.loading, timeout=10000)
    yield window
    window.database.close()


def open_account(qtbot, window: MainWindow) -> int:  # type: ignore[no-untyped-def]
    account_id = window.book_view.model.rows()[0].account_id
    window.open_account(account_id)
    qtbot.waitUntil(
        lambda: window.account_view is not None and window.account_view.detail is not None,
        timeout=5000,
    )
    settle(qtbot, window.account_view.value)
    return account_id


def settle(qtbot, panel: ValuePanel) -> None:  # type: ignore[no-untyped-def]
    """Wait for the panel's saves and loads, which run off the UI thread, to finish."""
    qtbot.waitUntil(lambda: not panel.busy, timeout=5000)


def fill_metric(dialog: value_dialogs.MetricDialog) -> int:
    dialog.name.setText(f"  {NAME} ")
    dialog.unit.setText("h")
    dialog.direction.setCurrentIndex(1)  # lower is better
    dialog.baseline.setText("10")
    dialog.baseline_on.setDate(to_qdate(dt.date(2026, 9, 1)))
    dialog.target.setText("4")
    dialog.money.setText("60")
    dialog.rate_per.setCurrentIndex(dialog.rate_per.findData("week"))
    dialog._accept()
    return QDialog.DialogCode.Accepted


def fill_measurement(dialog: value_dialogs.MeasurementDialog) -> int:
    dialog.value.setText("6")
    dialog.measured_on.setDate(to_qdate(dt.date(2026, 11, 20)))
    dialog._accept()
    return QDialog.DialogCode.Accepted


def row_texts(panel: ValuePanel, name: str) -> list[str]:
    for index in range(panel.tree.topLevelItemCount()):
        item = panel.tree.topLevelItem(index)
        assert item is not None
        if item.text(0) == name:
            return [item.text(column) for column in range(6)]
    return []


def test_add_measure_undo_redo_and_delete_from_the_window(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Baseline 10 h, measured 6 h, lower is better: (6 − 10) ÷ 10 = −40 %, "+40 % better".
    4 hours a week saved at 60 an hour, for a year: 4 × 365.25 ÷ 7 × 60 = 12,522.86."""
    account_id = open_account(qtbot, window)
    view = window.account_view
    panel = view.value
    view.side.setCurrentWidget(panel)
    before = account_metrics(window.database, account_id)
    monkeypatch.setattr(value_dialogs.MetricDialog, "exec", fill_metric)
    monkeypatch.setattr(value_dialogs.MeasurementDialog, "exec", fill_measurement)

    panel.buttons["add"].click()
    settle(qtbot, panel)
    assert row_texts(panel, NAME) == [NAME, "10 h", "–", "4 h", "–", "–"]
    assert panel.selected() == (NAME, None)
    panel.buttons["record"].click()
    settle(qtbot, panel)
    assert row_texts(panel, NAME) == [NAME, "10 h", "6 h", "4 h", "+40 % better", "EUR\u00a012,523"]
    lines = {v.metric: v for v in value_changes(window.database, account_id, TODAY)}
    assert (lines[NAME].latest, lines[NAME].change_percent) == (6.0, pytest.approx(40.0))
    stored = account_metrics(window.database, account_id)[-1]
    assert (stored.money_per_unit, stored.rate_per) == (60.0, "week")

    assert (
        window.undo_action.text() == "&Undo “Hours on shift hand-over” measured 6 h on 2026-11-20"
    )
    window.undo_action.trigger()
    settle(qtbot, window.account_view.value)
    assert row_texts(panel, NAME) == [NAME, "10 h", "–", "4 h", "–", "–"]
    window.undo_action.trigger()
    settle(qtbot, window.account_view.value)
    assert account_metrics(window.database, account_id) == before
    assert row_texts(panel, NAME) == []
    window.redo_action.trigger()
    settle(qtbot, window.account_view.value)
    window.redo_action.trigger()
    settle(qtbot, window.account_view.value)
    assert row_texts(panel, NAME)[2] == "6 h"

    panel.select_metric(NAME)
    panel.buttons["delete"].click()  # the question is answered Yes by the test guard
    settle(qtbot, panel)
    assert row_texts(panel, NAME) == []
    window.undo_action.trigger()
    settle(qtbot, window.account_view.value)
    assert row_texts(panel, NAME) == [NAME, "10 h", "6 h", "4 h", "+40 % better", "EUR\u00a012,523"]

    timeline = [e.text for e in account_detail(window.database, account_id, TODAY).timeline]
    assert timeline[:3] == [
        f"Undone: Value metric “{NAME}” deleted",
        f"Value metric “{NAME}” deleted",
        f"Redone: “{NAME}” measured 6 h on 2026-11-20",
    ]
    qtbot.waitUntil(lambda: view.timeline.topLevelItemCount() >= len(timeline), timeout=5000)


def test_editing_only_the_target_keeps_every_digit_of_the_baseline_and_money_per_unit(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """A metric with baseline 1,234,567 and 0.0123456789 per unit: the Edit dialog shows
    them as typed (it showed 1.23457e+06 and 0.0123457) and changing only the target writes
    only the target (the rest used to come back rounded to six digits: review 14, #1)."""
    account_id = open_account(qtbot, window)
    panel = window.account_view.value
    window.account_view.side.setCurrentWidget(panel)

    def precise(dialog: value_dialogs.MetricDialog) -> int:
        fill_metric(dialog)
        dialog.baseline.setText("1234567")
        dialog.money.setText("0.0123456789")
        dialog._accept()
        return QDialog.DialogCode.Accepted

    shown: list[tuple[str, str]] = []

    def new_target(dialog: value_dialogs.MetricDialog) -> int:
        shown.append((dialog.baseline.text(), dialog.money.text()))
        dialog.target.setText("1000000")
        dialog._accept()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(value_dialogs.MetricDialog, "exec", precise)
    panel.buttons["add"].click()
    settle(qtbot, panel)
    monkeypatch.setattr(value_dialogs.MetricDialog, "exec", new_target)
    panel.select_metric(NAME)
    panel.buttons["edit"].click()
    settle(qtbot, panel)
    assert shown == [("1234567", "0.0123456789")]
    stored = next(m for m in account_metrics(window.database, account_id) if m.name == NAME)
    assert (stored.baseline, stored.money_per_unit, stored.target) == (
        1234567.0, 0.0123456789, 1000000.0,
    )  # fmt: skip


def test_a_bad_baseline_keeps_the_dialog_open_with_the_reason(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = value_dialogs.MetricDialog(TODAY)
    qtbot.addWidget(dialog)
    dialog.name.setText("NPS")
    dialog.baseline.setText("ten")
    dialog._accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.error.text() == "Baseline 'ten' is not a number."


def test_the_kickoff_dialog_shows_the_value_panel(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    account_id = open_account(qtbot, window)
    seen: list[list[str]] = []

    def look(dialog: account_dialogs.KickoffDialog) -> int:
        panel = dialog.findChild(ValuePanel)
        assert panel is not None
        monkeypatch.setattr(value_dialogs.MetricDialog, "exec", fill_metric)
        settle(qtbot, panel)  # its metrics are still loading: the buttons are off meanwhile
        panel.buttons["add"].click()
        settle(qtbot, panel)
        seen.append(row_texts(panel, NAME))
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(account_dialogs.KickoffDialog, "exec", look)
    window.account_view.kickoff_button.click()  # the roles are read first, off the UI thread
    settle(qtbot, window.account_view.value)
    assert seen == [[NAME, "10 h", "–", "4 h", "–", "–"]]
    # Saved at once, whatever becomes of the kickoff, and undoable from the window.
    assert account_metrics(window.database, account_id)[-1].name == NAME
    window.undo_action.trigger()
    settle(qtbot, window.account_view.value)
    assert all(m.name != NAME for m in account_metrics(window.database, account_id))


def test_a_measurement_row_deletes_only_that_measurement_and_undo_restores_it(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    account_id = open_account(qtbot, window)
    panel = window.account_view.value
    monkeypatch.setattr(value_dialogs.MetricDialog, "exec", fill_metric)
    monkeypatch.setattr(value_dialogs.MeasurementDialog, "exec", fill_measurement)
    panel.buttons["add"].click()
    settle(qtbot, panel)
    panel.buttons["record"].click()
    settle(qtbot, panel)
    panel.select_metric(NAME)
    metric_row = panel.tree.currentItem()
    assert metric_row is not None and metric_row.childCount() == 1
    panel.tree.setCurrentItem(metric_row.child(0))
    assert panel.buttons["delete"].text() == "Delete measurement"
    panel.buttons["delete"].click()
    settle(qtbot, panel)
    stored = next(m for m in account_metrics(window.database, account_id) if m.name == NAME)
    assert (stored.baseline, stored.measurements) == (10.0, ())
    window.undo_action.trigger()
    settle(qtbot, window.account_view.value)
    stored = next(m for m in account_metrics(window.database, account_id) if m.name == NAME)
    assert stored.measurements == ((dt.date(2026, 11, 20), 6.0),)


def test_a_save_runs_off_the_ui_thread_with_the_buttons_off_meanwhile(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """The real save_metric runs, but on a pool thread; until it is stored and the panel
    reloaded, the panel's buttons are off and nothing is on the undo stack to undo."""
    account_id = open_account(qtbot, window)
    panel = window.account_view.value
    monkeypatch.setattr(value_dialogs.MetricDialog, "exec", fill_metric)
    threads: list[threading.Thread] = []
    release = threading.Event()
    real_save = value_controller.save_metric

    def save_on_a_thread(*args, **kwargs):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread())
        release.wait(5)
        return real_save(*args, **kwargs)

    monkeypatch.setattr(value_controller, "save_metric", save_on_a_thread)
    undo_count = window.undo_stack.count()
    panel.buttons["add"].click()
    qtbot.waitUntil(lambda: bool(threads), timeout=5000)
    assert panel.busy and not panel.buttons["add"].isEnabled()
    assert window.undo_stack.count() == undo_count
    release.set()
    settle(qtbot, panel)
    assert threads[0] is not threading.main_thread()
    assert window.undo_stack.count() == undo_count + 1
    assert panel.buttons["add"].isEnabled()
    assert account_metrics(window.database, account_id)[-1].name == NAME
    assert row_texts(panel, NAME)[:2] == [NAME, "10 h"]
