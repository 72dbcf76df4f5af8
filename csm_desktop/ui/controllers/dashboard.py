"""The portfolio dashboard page: built on first use, fed from services in workers.

The dashboard loads pyqtgraph, so it is imported and built only when the CSM first opens it.
Its segment and owner filters are shared with the Book (either page's choice carries over), and
only the newest metrics request is shown: a later choice supersedes a slower earlier one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from csm_desktop.ui.navigation import Page

if TYPE_CHECKING:
    from csm_desktop.ui.main_window import MainWindow


class DashboardController(QObject):
    """Shows and refreshes ``window.dashboard_view`` (None until first shown)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.request = 0  # only the newest metrics request is shown

    def show(self) -> None:
        """The portfolio dashboard, imported and built on first use (it loads pyqtgraph)."""
        from csm_desktop.ui.views.dashboard_view import DashboardFilters, DashboardView

        w = self.window
        if w.book_is_empty():
            w.show_empty_book(Page.DASHBOARD)
            return
        if w.dashboard_view is None:
            w.dashboard_view = DashboardView()
            w.dashboard_view.set_today(w.today())
            w.dashboard_view.account_activated.connect(w.open_account)
            w.dashboard_view.filters_changed.connect(self.filters_changed)
            w.dashboard_view.today_changed.connect(self.refresh)
            w.dashboard_view.report_requested.connect(w.reports.export_portfolio_report)
            w.pages.addWidget(w.dashboard_view)
        rows = w.book_view.model.rows()
        view = w.dashboard_view
        view.set_filter_options(
            sorted({r.segment for r in rows if r.segment}),
            sorted({r.owner for r in rows if r.owner}),
            sorted({r.playbook for r in rows if r.playbook}),
        )
        w.pages.setCurrentWidget(view)
        view.drill_list.list.setFocus()

        def chosen(combo: Any) -> str | None:
            return None if combo.currentText() in ("", "All") else combo.currentText()

        # The Book's segment and owner carry over; set_filters emits filters_changed → one refresh.
        view.set_filters(
            DashboardFilters(
                segment=chosen(w.book_view.segment_filter),
                owner=chosen(w.book_view.owner_filter),
                playbook=view.filters().playbook,
            )
        )

    def filters_changed(self) -> None:
        """Filters are shared: the Book follows the dashboard's segment and owner."""
        w = self.window
        filters = w.dashboard_view.filters()
        w.book_view.segment_filter.setCurrentText(filters.segment or "All")
        w.book_view.owner_filter.setCurrentText(filters.owner or "All")
        self.refresh()

    def refresh(self) -> None:
        """Compute the portfolio metrics for the dashboard's date and filters in a worker."""
        from csm_desktop.services.long_term import long_term
        from csm_desktop.services.metrics import portfolio_metrics

        w = self.window
        view = w.dashboard_view
        if view is None:
            return
        database, today, filters = w.database, view.today(), view.filters()
        self.request += 1
        request = self.request

        def show(figures: Any) -> None:
            if request == self.request:  # a newer choice supersedes this one
                view.show_metrics(figures[0])
                view.show_long_term(figures[1])
                view.set_busy(False)

        view.set_busy(True)
        w.run_task(
            lambda progress: (
                portfolio_metrics(database, today, **filters.as_kwargs()),
                long_term(database, today, **filters.as_kwargs()),
            ),
            show,
            what="Computing the portfolio metrics",
        )
