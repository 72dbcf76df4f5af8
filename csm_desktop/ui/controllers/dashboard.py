"""The portfolio dashboard page: built on first use, fed from services in workers.

The dashboard loads pyqtgraph, so it is imported and built only when the CSM first opens it.
Its segment and owner filters are shared with the Book (either page's choice carries over), and
only the newest metrics request is shown: a later choice supersedes a slower earlier one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from csm_desktop.ui.controllers.host import Host
from csm_desktop.ui.navigation import Page

if TYPE_CHECKING:
    from csm_desktop.ui.views.book_view import BookView
    from csm_desktop.ui.views.dashboard_view import DashboardView


class DashboardController(QObject):
    """Builds, shows and refreshes the dashboard page (``view`` is None until first shown)."""

    def __init__(
        self,
        host: Host,
        book: Callable[[], BookView],
        *,
        book_is_empty: Callable[[], bool],
        show_empty_book: Callable[[Page], None],
        open_account: Callable[[int], None],
        export_report: Callable[[], None],
    ) -> None:
        super().__init__(host.window)
        self.host = host
        self._book = book  # the Book page (built when first asked for): shares its filters
        self.book_is_empty = book_is_empty
        self.show_empty_book = show_empty_book
        self.open_account = open_account
        self.export_report = export_report
        self.view: DashboardView | None = None
        self.request = 0  # only the newest metrics request is shown

    @property
    def book(self) -> BookView:
        return self._book()

    def show(self) -> None:
        """The portfolio dashboard, imported and built on first use (it loads pyqtgraph)."""
        from csm_desktop.ui.views.dashboard_view import DashboardFilters, DashboardView

        host, book = self.host, self.book
        if self.book_is_empty():
            self.show_empty_book(Page.DASHBOARD)
            return
        if self.view is None:
            self.view = DashboardView()
            self.view.set_today(host.today())
            self.view.account_activated.connect(self.open_account)
            self.view.filters_changed.connect(self.filters_changed)
            self.view.today_changed.connect(self.refresh)
            self.view.report_requested.connect(self.export_report)
            host.pages.addWidget(self.view)
        rows = book.model.rows()
        view = self.view
        view.set_filter_options(
            sorted({r.segment for r in rows if r.segment}),
            sorted({r.owner for r in rows if r.owner}),
            sorted({r.playbook for r in rows if r.playbook}),
        )
        host.pages.setCurrentWidget(view)
        view.drill_list.list.setFocus()

        def chosen(combo: Any) -> str | None:
            return None if combo.currentText() in ("", "All") else combo.currentText()

        # The Book's segment and owner carry over; set_filters emits filters_changed → one refresh.
        view.set_filters(
            DashboardFilters(
                segment=chosen(book.segment_filter),
                owner=chosen(book.owner_filter),
                playbook=view.filters().playbook,
            )
        )

    def filters_changed(self) -> None:
        """Filters are shared: the Book follows the dashboard's segment and owner."""
        if self.view is None:
            return
        filters = self.view.filters()
        self.book.segment_filter.setCurrentText(filters.segment or "All")
        self.book.owner_filter.setCurrentText(filters.owner or "All")
        self.refresh()

    def refresh(self) -> None:
        """Compute the portfolio metrics for the dashboard's date and filters in a worker."""
        from csm_desktop.services.features import load_vocabulary
        from csm_desktop.services.long_term import long_term
        from csm_desktop.services.metrics import portfolio_metrics

        view = self.view
        if view is None:
            return
        database, today, filters = self.host.database(), view.today(), view.filters()
        self.request += 1
        request = self.request

        def show(figures: Any) -> None:
            if request == self.request:  # a newer choice supersedes this one
                view.show_metrics(figures[0], figures[2])
                view.show_long_term(figures[1])
                view.set_busy(False)

        view.set_busy(True)
        self.host.run_task(
            lambda progress: (
                portfolio_metrics(database, today, **filters.as_kwargs()),
                long_term(database, today, **filters.as_kwargs()),
                load_vocabulary(database),
            ),
            show,
            what="Computing the portfolio metrics",
        )
