"""The window shows the Book's first screenful before the rest (issue 17) when the Book is
on show and empty (a book just opened); that those lines are the whole Book's first lines
is tests/store/test_book_first_screenful.py."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings
from sqlalchemy import text

from csm_desktop.services import book as book_service
from csm_desktop.store.database import Database
from csm_desktop.ui import main_window
from csm_desktop.ui.main_window import MainWindow

TODAY = dt.date(2026, 11, 26)


def test_a_book_just_opened_shows_its_first_lines_then_all(
    qtbot, open_demo: Callable[[dt.date], Database], tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Switching to another book empties the Book at once (not the last book's rows under
    the new name), shows the new book's first 5 lines in the Next-due order, then all 46."""
    monkeypatch.setattr(book_service, "FIRST_SCREENFUL", 5)
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(open_demo(TODAY), today=lambda: TODAY, settings=settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.loading, timeout=20000)
    shown: list[int] = []
    window.book_view.model.modelReset.connect(lambda: shown.append(window.book_view.model.total()))
    window.use_database(open_demo(TODAY))
    qtbot.waitUntil(
        lambda: not window.loading and window.book_view.model.total() == 46, timeout=20000
    )
    assert shown[0] == 0 and shown[-1] == 46
    assert 5 in shown, shown
    window.database.close()


def test_a_slow_read_of_the_last_book_never_lands_in_the_next(
    qtbot, open_demo: Callable[[dt.date], Database], tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A refresh of book A (46 active accounts) still reading when the window switches to book B
    (5 active accounts): A's rows, arriving last, are dropped; the Book shows B's 5."""
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    first = open_demo(TODAY)
    window = MainWindow(first, today=lambda: TODAY, settings=settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.loading, timeout=20000)
    second = open_demo(TODAY + dt.timedelta(days=1))
    with second.engine.begin() as connection:
        connection.execute(text("UPDATE account SET archived = 1 WHERE id > 5"))
    read_book = main_window._book_and_counts
    slow_done: list[bool] = []

    def slowly_for_the_first(database: Database, today: dt.date) -> object:
        if database is first:
            time.sleep(1.5)  # a big server book's read
            slow_done.append(True)
        return read_book(database, today)

    monkeypatch.setattr(main_window, "_book_and_counts", slowly_for_the_first)
    window.refresh()  # as a teammate's change does
    window.use_database(second)
    qtbot.waitUntil(lambda: bool(slow_done) and not window.loading, timeout=20000)
    qtbot.wait(300)  # the slow read's rows reach the UI thread, and are dropped
    assert window.book_view.model.total() == 5
    window.database.close()
