"""A second window on a book another window is writing: read-only, says why, can take over."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QSettings, Qt
from PySide6.QtWidgets import QWidget

from csm_desktop.errors import DatabaseLocked
from csm_desktop.services.opening import open_database
from csm_desktop.store.lock import acquire_book_lock
from csm_desktop.ui import workers
from csm_desktop.ui.dialogs.account_dialogs import Status
from csm_desktop.ui.main_window import MainWindow
from csm_desktop.ui.read_only import WRITES
from csm_desktop.ui.views import book_view

TODAY = dt.date(2026, 11, 26)
REASON = "The book is open in another CSM Desktop window (on this computer)."


def switched_off(widget: QWidget) -> bool:
    """Disabled itself, not only because the panel around it is."""
    return widget.testAttribute(Qt.WidgetAttribute.WA_ForceDisabled)


def test_read_only_window_switches_writes_off_and_takes_over_when_free(
    qtbot, demo_copy: Callable[[dt.date], Path], tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    path = demo_copy(TODAY)
    other_window = acquire_book_lock(path)  # the first window holds the book
    database = open_database(path, read_only=True)
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(database, today=lambda: TODAY, settings=settings, read_only_reason=REASON)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.loading, timeout=10000)

    assert window.banner.isVisible()
    assert REASON in window.banner.text.text()
    assert "(read-only)" in window.windowTitle()
    actions = {a.text(): a for a in window.file_menu.actions()}
    assert not actions["New &account…"].isEnabled()
    assert not actions["&Import usage…"].isEnabled()
    assert actions["&Export book workbook…"].isEnabled()  # reading is fine
    assert not window.acceptDrops()
    assert switched_off(window.today_view.confirm_button)
    assert switched_off(window.today_view.log_button)
    menu = window.book_view.row_menu_for(window.book_view.model.index(0, 0))
    enabled = {a.text(): a.isEnabled() for a in menu.actions() if a.text()}
    assert enabled[book_view.TOUCHPOINT] is False and enabled[book_view.OPEN] is True
    assert enabled[book_view.MARK_NEXT] is False

    window.open_account(window.book_view.model.rows()[0].account_id)
    qtbot.waitUntil(
        lambda: window.account_view is not None and window.account_view.detail is not None
    )
    view = window.account_view
    assert not view.status_actions[Status.ACHIEVED].isEnabled()
    assert not view.edit_button.isEnabled()
    assert not view.kickoff_button.isEnabled()

    window.writing.try_again()  # the other window still holds it
    assert window.database.read_only
    assert "still open in another window" in window.statusBar().currentMessage()

    other_window.release()  # the first window closes
    window.writing.poll_book_free()
    assert "The other window has closed the book" in window.banner.text.text()
    window.banner.try_again.click()
    workers.wait_all()
    assert not window.database.read_only
    assert not window.banner.isVisible()
    assert actions["New &account…"].isEnabled()
    assert not switched_off(window.today_view.log_button)
    assert window.acceptDrops()
    with pytest.raises(DatabaseLocked):
        acquire_book_lock(path)  # this window now holds the book
    window.close()
    window.database.close()


def test_a_writable_window_starts_with_every_writing_control_on(
    qtbot, demo_copy: Callable[[dt.date], Path], tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """A window just built on a writable book skips the walk that switches the writing
    controls on (issue 17): each control marked ``writes`` must be on already. Undo and
    Redo are the exceptions: they follow the undo stack, empty at start."""
    database = open_database(demo_copy(TODAY))
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(database, today=lambda: TODAY, settings=settings)
    qtbot.addWidget(window)
    marked = [obj for obj in window.findChildren(QObject) if obj.property(WRITES)]
    # Log touchpoint and Confirm on Today, 7 File and View items, Undo, Redo, and the
    # empty pages' buttons.
    assert len(marked) >= 11
    for control in marked:
        if control in (window.undo_action, window.redo_action):
            assert not control.isEnabled()
        elif isinstance(control, QWidget):
            assert not switched_off(control), control.objectName() or control
        else:
            assert control.isEnabled(), control.text()  # type: ignore[attr-defined]
    window.show()
    qtbot.waitUntil(lambda: not window.loading, timeout=10000)
    window.close()
    window.database.close()
