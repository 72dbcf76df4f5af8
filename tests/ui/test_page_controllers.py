"""Page controllers work without the main window: a ``Host`` (a bare page stack, the book, the
date and a worker runner) and the views and routes they are given are all they need."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QStackedWidget, QWidget

from csm_desktop.services.book import book_rows
from csm_desktop.services.opening import Database
from csm_desktop.ui import workers
from csm_desktop.ui.controllers.account_page import AccountPageController
from csm_desktop.ui.controllers.account_versions import OwnSaves, WindowSaves
from csm_desktop.ui.controllers.dashboard import DashboardController
from csm_desktop.ui.controllers.host import Host
from csm_desktop.ui.navigation import Page
from csm_desktop.ui.views.book_view import BookView
from csm_desktop.ui.views.empty_state import StartActions

TODAY = dt.date(2026, 11, 26)


class Routes:
    """What the controllers asked of the window they are not in."""

    def __init__(self) -> None:
        self.refreshed = 0
        self.empty_pages: list[Page] = []
        self.opened: list[int] = []
        self.messages: list[str] = []


@pytest.fixture
def parts(qtbot, open_demo: Callable[[dt.date], Database]) -> tuple[Host, BookView, Routes]:  # type: ignore[no-untyped-def]
    database = open_demo(TODAY)
    parent = QWidget()
    qtbot.addWidget(parent)
    pages = QStackedWidget(parent)
    routes = Routes()

    def run_task(
        work: Any, on_success: Any, *, what: str, busy_text: str | None = None
    ) -> workers.Task:
        return workers.run(work, on_success, what=what, owner=parent)

    def refresh() -> None:
        routes.refreshed += 1

    host = Host(
        window=parent,
        pages=pages,
        database=lambda: database,
        today=lambda: TODAY,
        run_task=run_task,
        status=lambda text, _ms: routes.messages.append(text),
        refresh=refresh,
    )
    book = BookView(StartActions(parent))
    pages.addWidget(book)
    book.set_rows(book_rows(database, TODAY))
    return host, book, routes


def test_the_account_page_opens_an_account_into_a_bare_page_stack(qtbot, parts) -> None:  # type: ignore[no-untyped-def]
    """The demo book's first Book row, opened by id: the page is built on first use, added
    to the stack and shown with that account; the Book's rows name it."""
    host, book, routes = parts
    row = book.model.rows()[0]
    accounts = AccountPageController(
        host,
        lambda: book,
        WindowSaves(OwnSaves(), workers.WorkQueue(), QUndoStack()),
        show_book=lambda: None,
        log_touchpoint=lambda request: None,
    )
    assert accounts.view is None and not accounts.on_show()
    accounts.open(row.account_id)
    qtbot.waitUntil(accounts.on_show, timeout=10000)
    assert accounts.view is not None and accounts.view.detail is not None
    assert accounts.view.detail.name == row.name == accounts.account_name(row.account_id)
    assert accounts.current_id == row.account_id
    assert host.pages.indexOf(accounts.view) == 1  # after the Book
    assert routes.refreshed == 0 and routes.messages == []


def test_the_dashboard_of_an_empty_book_routes_to_the_empty_page(parts) -> None:  # type: ignore[no-untyped-def]
    host, book, routes = parts
    dashboard = DashboardController(
        host,
        lambda: book,
        book_is_empty=lambda: True,
        show_empty_book=routes.empty_pages.append,
        open_account=routes.opened.append,
        export_report=lambda: None,
    )
    dashboard.show()
    assert routes.empty_pages == [Page.DASHBOARD]
    assert dashboard.view is None and host.pages.count() == 1


def test_the_dashboard_takes_the_books_segment_and_gives_back_its_owner(qtbot, parts) -> None:  # type: ignore[no-untyped-def]
    """15 of the demo book's 46 active accounts are Enterprise: the Book's segment filter
    carries over to the dashboard's figures, and an owner chosen on the dashboard carries
    back."""
    host, book, routes = parts
    dashboard = DashboardController(
        host,
        lambda: book,
        book_is_empty=lambda: False,
        show_empty_book=routes.empty_pages.append,
        open_account=routes.opened.append,
        export_report=lambda: None,
    )
    book.segment_filter.setCurrentText("Enterprise")
    dashboard.show()
    view = dashboard.view
    assert view is not None and host.pages.currentWidget() is view
    assert view.filters().segment == "Enterprise"
    qtbot.waitUntil(lambda: view.caption.text() == "15 accounts · on 2026-11-26", timeout=10000)
    owner = view.owner_filter.itemText(1)
    view.owner_filter.setCurrentText(owner)
    assert book.owner_filter.currentText() == owner
    assert routes.empty_pages == []
