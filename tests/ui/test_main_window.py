"""The main window over real books, driven with qtbot."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLineEdit

from csm_desktop.store.database import Database, open_database
from csm_desktop.ui import workers
from csm_desktop.ui.main_window import MainWindow
from csm_desktop.ui.models.book_model import Column

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def demo_book(open_demo: Callable[[dt.date], Database]) -> Database:
    return open_demo(TODAY)


def make_window(qtbot, database: Database, settings: QSettings) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(database, today=lambda: TODAY, settings=settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.loading, timeout=10000)
    return window


def test_the_book_page_is_built_once_todays_lines_are_in(
    qtbot, demo_book: Database, settings: QSettings
) -> None:  # type: ignore[no-untyped-def]
    """Start-up builds Today, the page shown first; the Book page (its module, model and
    delegates: ~30 ms, issue 17) is built when its rows are read, after Today's first
    lines, and then holds all 46 active demo accounts."""
    window = MainWindow(database=demo_book, today=lambda: TODAY, settings=settings)
    qtbot.addWidget(window)
    assert window.book_view_if_built is None
    window.show()
    qtbot.waitUntil(lambda: window.today_view.model.rowCount() > 0, timeout=10000)
    qtbot.waitUntil(lambda: not window.loading, timeout=10000)
    view = window.book_view_if_built
    assert view is not None and view.model.rowCount() == 46
    assert window.pages.currentWidget() is window.today_view
    assert window.pages.indexOf(view) >= 0


def test_window_shows_the_demo_book(qtbot, demo_book: Database, settings: QSettings) -> None:  # type: ignore[no-untyped-def]
    window = make_window(qtbot, demo_book, settings)
    view = window.book_view
    assert view.model.rowCount() == 46
    assert view.count_label.text() == "46 accounts"
    assert view.pages.currentWidget() is view.table
    assert not window.demo_action.isEnabled()
    menus = [action.text() for action in window.menuBar().actions()]
    assert menus == ["&File", "&Edit", "&View", "&Reports", "&Help"]
    assert window.pages.currentWidget() is window.today_view  # the morning view


def test_typing_in_search_filters_the_table(
    qtbot, demo_book: Database, settings: QSettings
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(qtbot, demo_book, settings)
    qtbot.keyClicks(window.book_view.search, "freight")
    assert window.book_view.model.rowCount() == 2  # Tailspin Freight, Łódź Freight Sp. z o.o.
    assert window.book_view.count_label.text() == "2 of 46 accounts"
    window.book_view.search.setText("ŁÓDŹ")
    assert window.book_view.model.rowCount() == 1
    window.book_view.segment_filter.setCurrentText("Enterprise")
    window.book_view.search.clear()
    assert window.book_view.model.rowCount() == 15


def test_double_click_opens_the_account(qtbot, demo_book: Database, settings: QSettings) -> None:  # type: ignore[no-untyped-def]
    window = make_window(qtbot, demo_book, settings)
    window.show_book()
    table = window.book_view.table
    index = table.model().index(0, Column.NAME)
    name = index.data()
    rect = table.visualRect(index)
    # A real double-click is press, release, then the double-click event.
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.account_view, timeout=5000)
    assert window.account_view.detail is not None
    assert window.account_view.detail.name == name
    assert window.account_view.ladder.topLevelItemCount() == 3  # one group per role
    window.account_view.back_button.click()
    assert window.pages.currentWidget() is window.book_view


def test_empty_book_offers_the_demo_and_loads_it(
    qtbot, book: Database, settings: QSettings
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(qtbot, book, settings)
    view = window.book_view
    assert view.pages.currentWidget() is view.empty
    assert window.demo_action.isEnabled()
    view.empty.buttons["Open demo book"].click()
    qtbot.waitUntil(lambda: view.model.rowCount() == 46, timeout=20000)
    assert view.pages.currentWidget() is view.table
    workers.wait_all()


def tmp_settings(settings: QSettings) -> QSettings:
    return QSettings(settings.fileName() + ".fresh.ini", QSettings.Format.IniFormat)


def again_default_size(qtbot, book: Database, settings: QSettings):  # type: ignore[no-untyped-def]
    return make_window(qtbot, book, settings).size()


def test_window_geometry_is_remembered(qtbot, book: Database, settings: QSettings) -> None:  # type: ignore[no-untyped-def]
    window = make_window(qtbot, book, settings)
    window.resize(790, 590)  # the offscreen screen may clip, so compare with what it got
    size = window.size()
    assert size != again_default_size(qtbot, book, tmp_settings(settings))
    window.close()
    again = make_window(qtbot, book, settings)
    assert again.size() == size


def test_dropping_a_usage_file_opens_the_wizard_with_it(
    qtbot, book: Database, settings: QSettings, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    usage = tmp_path / "usage.csv"
    usage.write_text("Account,Date,Feature,Count\nNorthwind,2026-01-02,login,3\n", encoding="utf-8")
    window = make_window(qtbot, book, settings)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(usage))])
    event = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    window.dropEvent(event)
    assert window.files.import_wizard.isVisible()
    assert str(usage) in window.files.import_wizard.findChildren(QLineEdit)[0].text()
    window.files.import_wizard.close()


def test_view_playbooks_opens_the_editor_on_the_demo_playbooks(
    qtbot, demo_book: Database, settings: QSettings
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(qtbot, demo_book, settings)
    window.show_playbooks()
    assert window.pages.currentWidget() is window.playbook_editor
    pages = window.pages.count()
    window.show_book()
    window.show_playbooks()  # the second time reuses the page
    assert window.pages.count() == pages


def test_dashboard_follows_the_book_filters_and_opens_accounts(
    qtbot, demo_book: Database, settings: QSettings
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(qtbot, demo_book, settings)
    window.book_view.segment_filter.setCurrentText("Enterprise")
    window.show_dashboard()
    view = window.dashboard_view
    qtbot.waitUntil(lambda: view.controller.metrics is not None, timeout=10000)
    assert view.controller.metrics.accounts == 15
    view.segment_filter.setCurrentText("All")
    qtbot.waitUntil(lambda: view.controller.metrics.accounts == 46, timeout=10000)
    assert window.book_view.segment_filter.currentText() == "All"
    view.account_activated.emit(window.book_view.model.row_at(0).account_id)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.account_view, timeout=5000)


def test_account_charts_tab_draws_the_account(
    qtbot, demo_book: Database, settings: QSettings
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(qtbot, demo_book, settings)
    account_id = window.book_view.model.row_at(0).account_id
    window.open_account(account_id)
    qtbot.waitUntil(
        lambda: window.account_view is not None and window.account_view.detail is not None,
        timeout=5000,
    )
    window.account_view.tabs.setCurrentWidget(window.account_view.charts_page)
    qtbot.waitUntil(lambda: window.account_view.charts is not None, timeout=10000)


def test_back_up_then_restore_from_the_file_menu(
    qtbot, book: Database, settings: QSettings, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QInputDialog

    from csm_desktop.services import account_edits
    from csm_desktop.services.account_edits import AccountFields
    from csm_desktop.store.backups import list_backups

    account_edits.create_account(book, AccountFields(name="Kept in the backup"), None)
    window = make_window(qtbot, book, settings)
    window.files.back_up_now()
    qtbot.waitUntil(lambda: len(list_backups(book.path)) == 1, timeout=5000)
    account_edits.create_account(window.database, AccountFields(name="Added later"), None)

    monkeypatch.setattr(QInputDialog, "getItem", lambda *args: (args[3][0], True))
    window.files.restore_backup()
    qtbot.waitUntil(lambda: window.book_view.model.rowCount() == 1, timeout=5000)
    assert [row.name for row in window.book_view.model.rows()] == ["Kept in the backup"]
    window.database.close()


def test_switching_to_a_book_another_window_holds_is_refused(
    qtbot, book: Database, settings: QSettings, tmp_path: Path, message_boxes
) -> None:  # type: ignore[no-untyped-def]
    from csm_desktop.store.lock import acquire_book_lock

    other = tmp_path / "other.sqlite3"
    open_database(other).close()
    window = make_window(qtbot, book, settings)
    with acquire_book_lock(other):
        window.files.switch_book(other)
    assert window.database.path == book.path
    assert any("already open in another" in text for text in message_boxes.texts())


def test_portfolio_report_from_the_dashboard_uses_its_date(
    qtbot, demo_book: Database, settings: QSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader
    from PySide6.QtCore import QDate
    from PySide6.QtGui import QDesktopServices
    from PySide6.QtWidgets import QFileDialog

    target = tmp_path / "portfolio.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: True)
    window = make_window(qtbot, demo_book, settings)
    window.show_dashboard()
    window.dashboard_view.today_edit.setDate(QDate(2026, 10, 31))
    window.dashboard_view.report_button.click()
    qtbot.waitUntil(target.exists, timeout=20000)
    text = PdfReader(target).pages[0].extract_text()
    assert "31 October 2026" in text


def test_a_book_read_that_fails_says_so_and_the_next_visit_reads_it_again(
    qtbot, demo_book: Database, settings: QSettings, monkeypatch, message_boxes
) -> None:  # type: ignore[no-untyped-def]
    """The first read of the Book fails (the connection was lost): the CSM is told, the
    window no longer counts as loading, and opening the Book reads it again: 46 active accounts."""
    from csm_desktop.errors import ConnectionLost
    from csm_desktop.ui import main_window

    real = main_window._book_and_counts
    calls: list[int] = []

    def lost_once(database: Database, today: dt.date):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionLost("The connection to the team server was lost.")
        return real(database, today)

    monkeypatch.setattr(main_window, "_book_and_counts", lost_once)
    window = make_window(qtbot, demo_book, settings)
    assert message_boxes.texts() == ["The connection to the team server was lost."]
    assert window.book_view.model.rowCount() == 0
    window.show_book()
    qtbot.waitUntil(lambda: window.book_view.model.rowCount() == 46, timeout=10000)
    assert len(calls) == 2 and not window.loading


def test_a_restore_waits_for_a_save_in_flight_and_leaves_no_undo_into_the_old_book(
    qtbot, demo_book: Database, settings: QSettings, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """A milestone marked achieved is still being saved when the CSM restores a backup:
    the save reaches the book first, and Edit → Undo offers nothing afterwards (its step
    would write to the book the restore put aside)."""
    import time

    from PySide6.QtWidgets import QDialog, QInputDialog

    from csm_desktop.services import account_edits
    from csm_desktop.services.accounts import account_detail
    from csm_desktop.store.backups import list_backups
    from csm_desktop.ui.dialogs import account_dialogs

    window = make_window(qtbot, demo_book, settings)
    window.files.back_up_now()
    qtbot.waitUntil(lambda: len(list_backups(demo_book.path)) == 1, timeout=5000)
    account_id = window.book_view.model.row_at(0).account_id
    step = next(
        s for s in account_detail(window.database, account_id, TODAY).ladder if s.status.is_open
    )
    slow_set_status = account_edits.set_status

    def set_status(*args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(0.5)  # the save outlasts the restore's questions
        return slow_set_status(*args, **kwargs)

    monkeypatch.setattr(account_edits, "set_status", set_status)
    monkeypatch.setattr(
        account_dialogs.StatusDialog, "exec", lambda _dialog: QDialog.DialogCode.Accepted
    )
    monkeypatch.setattr(QInputDialog, "getItem", lambda *args: (args[3][0], True))
    window.today_controller.mark_achieved(account_id, step.id, step.title, None, step.version)
    assert window.saves.queue.busy
    window.files.restore_backup()
    assert not window.saves.queue.busy
    qtbot.wait(50)  # any late callback would have landed
    assert not window.undo_action.isEnabled()
    workers.wait_all()
    window.database.close()
