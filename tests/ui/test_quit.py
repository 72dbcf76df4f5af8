"""Quitting the window: no error after a celebration notice closed itself, and the book is free."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog

from csm_desktop.errors import DatabaseLocked
from csm_desktop.store.database import open_database
from csm_desktop.store.lock import acquire_book_lock
from csm_desktop.ui import workers
from csm_desktop.ui.dialogs import account_dialogs
from csm_desktop.ui.main_window import MainWindow

TODAY = dt.date(2026, 11, 26)


def test_quit_after_marking_achieved_and_closing_the_notice(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_copy
) -> None:  # type: ignore[no-untyped-def]
    path = demo_copy(TODAY)
    database = open_database(path)
    lock = acquire_book_lock(path)
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(database, today=lambda: TODAY, settings=settings, book_lock=lock)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.loading, timeout=10000)
    with pytest.raises(DatabaseLocked):
        acquire_book_lock(path)  # this window holds the book

    rows = window.book_view.model.rows()
    window.open_account(min(rows, key=lambda r: r.age_days or 0).account_id)
    qtbot.waitUntil(
        lambda: window.account_view is not None and window.account_view.detail is not None
    )
    step = next(s for s in window.account_view.detail.ladder if s.status.value == "not started")
    monkeypatch.setattr(
        account_dialogs.StatusDialog, "exec", lambda self: QDialog.DialogCode.Accepted
    )
    window.account_view.select_milestone(step.id)
    window.account_view.status_actions[account_dialogs.Status.ACHIEVED].trigger()
    qtbot.waitUntil(lambda: window.celebration_notice is not None, timeout=5000)
    notice = window.celebration_notice
    notice.close()  # it deletes itself on close
    qtbot.waitUntil(lambda: window.celebration_notice is None, timeout=5000)

    window.close()  # an error here would fail the test (pytest-qt captures slot exceptions)
    workers.wait_all()
    assert not window.isVisible()
    again = acquire_book_lock(path)  # the book is free for the next window
    again.release()
    database.close()
