"""The window's pages: visible navigation with counts, shortcuts in its order, Help, empty
states with buttons that act, accent-insensitive search, right-click menus, Today's
"Confirm achieved" dated on the day the usage criterion was met."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QLabel

from csm_desktop.domain.nudges import NudgeKind
from csm_desktop.services.accounts import account_detail
from csm_desktop.services.today import today_list
from csm_desktop.store.database import Database
from csm_desktop.ui import workers
from csm_desktop.ui.dialogs import account_dialogs
from csm_desktop.ui.dialogs.tracker_import import TrackerImportDialog
from csm_desktop.ui.main_window import MainWindow
from csm_desktop.ui.menus import shortcut_rows
from csm_desktop.ui.navigation import Page
from csm_desktop.ui.views import book_view
from tests.ui.saving import saved

TODAY = dt.date(2026, 11, 26)


def make_window(qtbot, database: Database, tmp_path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(database, today=lambda: TODAY, settings=settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.loading, timeout=10000)
    return window


@pytest.fixture
def demo_window(qtbot, open_demo: Callable[[dt.date], Database], tmp_path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    window = make_window(qtbot, open_demo(TODAY), tmp_path)
    qtbot.waitUntil(lambda: window.navigation.counts[Page.TODAY] is not None, timeout=10000)
    return window


@pytest.fixture
def empty_window(qtbot, book: Database, tmp_path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    return make_window(qtbot, book, tmp_path)


def test_navigation_lists_the_pages_with_counts_in_shortcut_order(
    demo_window: MainWindow,
) -> None:
    """Demo book: 46 active accounts (and 2 archived), 2 playbooks (Standard, Enterprise),
    1 experiment; Today's count is the open items of today_list."""
    window = demo_window
    nav = window.navigation
    open_items = sum(not i.nudge.handled for i in today_list(window.database, TODAY))
    assert [nav.item(r).text() for r in range(nav.count())] == [
        f"Today   {open_items}",
        "Book   46",
        "Dashboard",
        "Playbooks   2",
        "Experiments   1",
    ]
    view_actions = [
        (a.text(), a.shortcut().toString()) for a in window.view_menu.actions() if a.text()
    ]
    assert view_actions[:5] == [
        ("&Today", "Ctrl+1"),
        ("&Book", "Ctrl+2"),
        ("&Dashboard", "Ctrl+3"),
        ("&Playbooks", "Ctrl+4"),
        ("&Experiments", "Ctrl+5"),
    ]
    assert nav.current_page() is Page.TODAY  # the window opens on Today


def test_clicking_the_navigation_switches_pages_and_follows_them(
    qtbot, demo_window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    window = demo_window
    window.navigation.setCurrentRow(1)  # Book
    assert window.pages.currentWidget() is window.book_view
    window.view_menu.actions()[4].trigger()  # Experiments, from the menu
    assert window.pages.currentWidget() is window.experiments_view
    assert window.navigation.current_page() is Page.EXPERIMENTS
    window.open_account(window.book_view.model.rows()[0].account_id)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.account_view)
    assert window.navigation.current_page() is Page.BOOK  # an account lives in the Book


def test_help_menu_has_the_guide_and_the_shortcuts(demo_window: MainWindow) -> None:
    window = demo_window
    texts = [a.text() for a in window.help_menu.actions() if a.text()]
    assert texts[:2] == ["&User guide", "&Keyboard shortcuts"]
    rows = shortcut_rows(window)
    assert ("View", "Today", "Ctrl+1") in rows
    assert ("Account ladder", "Mark achieved", "A") in rows
    assert ("Account ladder", "Move due date", "D") in rows
    from csm_desktop.ui.dialogs.help import UserGuideDialog

    guide = UserGuideDialog(window)
    assert "Your first minutes" in guide.browser.toPlainText()
    guide.deleteLater()


def test_empty_book_everywhere_says_what_to_do_with_buttons_that_act(
    qtbot, empty_window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    window = empty_window
    book = window.book_view
    assert book.pages.currentWidget() is book.empty
    labels = list(book.empty.buttons)
    assert labels == ["Import tracker", "Import usage", "New account", "Open demo book"]
    # the help text is laid out at its full height (it was cut top and bottom)
    text = book.empty.text
    assert text.height() >= text.heightForWidth(text.width())

    window.show_today()
    assert window.today_view.list_pages.currentWidget() is window.today_view.empty_book
    window.show_dashboard()
    assert window.pages.currentWidget() is window.empty_book_page
    assert window.navigation.current_page() is Page.DASHBOARD
    assert "Portfolio figures" in window.empty_book_page.text.text()
    window.show_experiments()
    assert window.pages.currentWidget() is window.empty_book_page
    assert window.navigation.current_page() is Page.EXPERIMENTS

    book.empty.buttons["Import tracker"].click()
    assert isinstance(window.files.tracker_import_dialog, TrackerImportDialog)
    assert window.files.tracker_import_dialog.isVisible()
    window.files.tracker_import_dialog.close()
    book.empty.buttons["Import usage"].click()
    assert window.files.import_wizard.isVisible()
    window.files.import_wizard.close()

    window.empty_book_page.buttons["Open demo book"].click()
    qtbot.waitUntil(lambda: book.model.rowCount() == 46, timeout=20000)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.experiments_view)
    workers.wait_all()


def test_search_ignores_accents_and_case_and_says_when_nothing_matches(
    demo_window: MainWindow,
) -> None:
    view = demo_window.book_view
    demo_window.show_book()
    view.search.setText("cafe")
    assert [view.model.index(r, 0).data() for r in range(view.model.rowCount())] == [
        "Café Lumière SARL"
    ]
    view.search.setText("LODZ")
    assert view.model.rowCount() == 1
    assert view.model.index(0, 0).data() == "Łódź Freight Sp. z o.o."
    assert view.count_label.text() == "1 of 46 accounts"
    view.search.setText("no such account")
    assert view.pages.currentWidget() is view.no_match
    assert view.count_label.text() == "0 of 46 accounts"
    view.no_match.buttons["Clear search and filters"].click()
    assert view.search.text() == ""
    assert view.pages.currentWidget() is view.table


def test_book_row_menu_opens_copies_and_exports(qtbot, demo_window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window = demo_window
    window.show_book()
    table = window.book_view.table
    menu = window.book_view.row_menu_for(table.model().index(0, 0))
    assert [a.text() for a in menu.actions() if a.text()] == [
        "Open account",
        "Mark next milestone achieved…",
        "Log touchpoint…",
        "Export QBR report…",
        "Copy name",
    ]
    name = table.model().index(0, 0).data()
    menu.actions()[-1].trigger()
    assert QGuiApplication.clipboard().text() == name
    menu.actions()[0].trigger()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.account_view)
    assert window.account_view.detail.name == name


def test_book_row_marks_the_next_milestone_achieved_and_undo_takes_it_back(
    qtbot, demo_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """The Book row's "Mark next milestone achieved…" asks about the milestone the row
    shows as next (today offered when its criterion is not met), marks it achieved by the
    CSM's word, and the row moves on to the next one; Edit → Undo puts it back."""
    window = demo_window
    window.show_book()
    model = window.book_view.model
    number, row = next(
        (n, r)
        for n in range(model.rowCount())
        if (r := model.row_at(n)).next_milestone is not None
        and all(
            s.criterion_met_on is None
            for s in account_detail(window.database, r.account_id, TODAY).ladder
            if s.title == r.next_milestone
        )
    )
    asked: list[tuple[str, str, dt.date]] = []

    def accept(dialog: account_dialogs.StatusDialog) -> int:
        said = " ".join(label.text() for label in dialog.findChildren(QLabel))
        asked.append((dialog.windowTitle(), said, dialog.chosen_date()))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(account_dialogs.StatusDialog, "exec", accept)
    menu = window.book_view.row_menu_for(model.index(number, 0))
    mark = next(a for a in menu.actions() if a.text() == book_view.MARK_NEXT)
    assert mark.isEnabled() and mark.toolTip() == f"Next up: {row.next_milestone}"
    mark.trigger()
    qtbot.waitUntil(lambda: bool(asked), timeout=10000)
    title, said, offered = asked[0]
    assert (title, offered) == ("Mark as achieved", TODAY)
    assert f"{row.name}: <b>{row.next_milestone}</b> → achieved" in said
    saved(qtbot, window)
    step = next(
        s
        for s in account_detail(window.database, row.account_id, TODAY).ladder
        if s.title == row.next_milestone
    )
    assert shown(step) == ("achieved", TODAY, "manual")
    qtbot.waitUntil(
        lambda: (
            next(r for r in model.rows() if r.account_id == row.account_id).next_milestone
            != row.next_milestone
        ),
        timeout=10000,
    )

    window.undo_action.trigger()
    saved(qtbot, window)
    step = next(
        s for s in account_detail(window.database, row.account_id, TODAY).ladder if s.id == step.id
    )
    assert step.status.value != "achieved" and step.achieved_on is None
    qtbot.waitUntil(
        lambda: (
            next(r for r in model.rows() if r.account_id == row.account_id).next_milestone
            == row.next_milestone
        ),
        timeout=10000,
    )
    workers.wait_all()


def test_today_confirm_achieved_offers_the_day_the_criterion_was_met(
    qtbot, demo_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """The demo has one "criterion met" item; the dialog offers its met day, not today, and
    the milestone is stored achieved on that day with evidence "usage"."""
    window = demo_window
    view = window.today_view
    row = criterion_met_row(window)
    nudge = view.current.nudge
    assert nudge.criterion_met_on is not None and nudge.criterion_met_on < TODAY
    assert view.confirm_button.isVisible()
    menu = view.row_menu_for(view.model.index(row, 0))
    assert [a.text() for a in menu.actions() if a.text()] == [
        "Open account",
        "Confirm achieved…",
        "Copy message",
        "Log touchpoint…",
    ]
    offered: list[dt.date] = []

    def accept(dialog: account_dialogs.StatusDialog) -> int:
        offered.append(dialog.chosen_date())
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(account_dialogs.StatusDialog, "exec", accept)
    view.confirm_button.click()
    assert offered == [nudge.criterion_met_on]
    qtbot.waitUntil(lambda: window.celebration_notice is not None, timeout=10000)
    assert shown(milestone_step(window, nudge)) == ("achieved", nudge.criterion_met_on, "usage")
    workers.wait_all()


def test_confirm_achieved_from_today_is_undone_and_redone_by_edit_undo(
    qtbot, demo_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Confirming on Today goes on the window's Edit → Undo like an edit on the account
    page: undo puts the milestone back as it was (not achieved, no evidence) and Today
    shows the line again; redo marks it achieved on the same day with the same evidence."""
    window = demo_window
    view = window.today_view
    criterion_met_row(window)
    nudge = view.current.nudge
    before = milestone_step(window, nudge)
    monkeypatch.setattr(
        account_dialogs.StatusDialog, "exec", lambda _dialog: QDialog.DialogCode.Accepted
    )
    assert not window.undo_action.isEnabled()
    view.confirm_button.click()
    saved(qtbot, window)
    assert window.undo_action.isEnabled()
    assert window.undo_action.text() == f"&Undo Mark “{nudge.milestone}” achieved"
    achieved = ("achieved", nudge.criterion_met_on, "usage")
    assert shown(milestone_step(window, nudge)) == achieved

    window.undo_action.trigger()
    saved(qtbot, window)
    assert shown(milestone_step(window, nudge)) == shown(before)
    assert before.status.value != "achieved"
    qtbot.waitUntil(  # Today, read again, offers the confirmation again
        lambda: any(
            view.model.row_at(r).nudge.milestone_id == nudge.milestone_id
            and view.model.row_at(r).nudge.kind is NudgeKind.CRITERION_MET
            for r in range(view.model.rowCount())
        ),
        timeout=10000,
    )

    window.redo_action.trigger()
    saved(qtbot, window)
    assert shown(milestone_step(window, nudge)) == achieved
    workers.wait_all()


def milestone_step(window: MainWindow, nudge: Any) -> Any:
    return next(
        s
        for s in account_detail(window.database, nudge.account_id, TODAY).ladder
        if s.id == nudge.milestone_id
    )


def shown(step: Any) -> tuple[str, dt.date | None, str | None]:
    return step.status.value, step.achieved_on, step.evidence


def criterion_met_row(window: MainWindow) -> int:
    """Select the demo's Today line whose usage criterion is met but not confirmed; its row."""
    view = window.today_view
    row = next(
        r
        for r in range(view.model.rowCount())
        if view.model.index(r, 0).data(view_item_role()).nudge.kind is NudgeKind.CRITERION_MET
    )
    view.table.selectRow(row)
    return row


def view_item_role() -> int:
    from csm_desktop.ui.models.nudge_model import ItemRole

    return ItemRole


def test_book_columns_fit_a_1280_pixel_window(demo_window: MainWindow) -> None:
    """At 1280×720 every Book column is on screen and the next milestone takes the rest."""
    window = demo_window
    window.resize(1280, 720)
    window.show_book()
    table = window.book_view.table
    header = table.horizontalHeader()
    visible = [c for c in range(header.count()) if not table.isColumnHidden(c)]
    right = max(header.sectionViewportPosition(c) + header.sectionSize(c) for c in visible)
    assert right <= table.viewport().width()
    assert header.sectionSize(book_view.Column.NEXT_MILESTONE) >= 150


def test_single_qbr_export_suggests_the_batch_file_name(
    demo_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One account's QBR is offered under the name a batch export gives the same account."""
    from PySide6.QtWidgets import QFileDialog

    from csm_desktop.services.reports import batch_file_names

    window = demo_window
    row = next(r for r in window.book_view.model.rows() if r.name == "Café Lumière SARL")
    offered: list[str] = []
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *args: (offered.append(args[2]), ("", ""))[1]
    )
    window.reports.export_qbr_report(row.account_id)
    expected = batch_file_names([(row.account_id, row.name)], TODAY)[row.account_id]
    assert expected == "Café Lumière SARL - QBR 2026-11-26.pdf"
    assert Path(offered[0]).name == expected
