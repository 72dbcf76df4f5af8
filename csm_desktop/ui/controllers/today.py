"""The Today page's controller: loads the ranked list in a worker, logs touchpoints, marks
milestones achieved; the view never sees the store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog

from csm_desktop.services.opening import Database
from csm_desktop.ui import workers
from csm_desktop.ui.dialogs.touchpoint_dialog import TouchpointRequest
from csm_desktop.ui.views.today_view import TodayView

if TYPE_CHECKING:  # the service (and the ORM behind it) loads when Today first fills
    from csm_desktop.services.today import TodayItem


class TodayController(QObject):
    """Loads the Today list in a worker and logs touchpoints; the view never sees the store."""

    status = Signal(str)  # a short message for the status bar
    touchpoint_logged = Signal(int)  # account id whose timeline changed
    loaded = Signal()  # a fresh list is on show
    achieved = Signal(int, int)  # account id, milestone id just marked achieved

    def __init__(
        self,
        view: TodayView,
        database: Database,
        today: Callable[[], dt.date] = dt.date.today,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.view = view
        self.database = database
        self.today = today
        self.loading = False
        view.refresh_requested.connect(self.refresh)
        view.touchpoint_requested.connect(self.log)
        view.achieved_requested.connect(self.mark_achieved)

    def refresh(self) -> None:
        database, today = self.database, self.today()
        self.loading = True

        def work(progress: workers.Progress) -> list[TodayItem]:
            # Imported here, on the worker: the service brings the ORM models, which the
            # window does not need to show its first screen.
            from csm_desktop.services.today import today_list

            return today_list(database, today)

        workers.run(
            work,
            lambda items: self._show(items, today),
            what="Loading today's list",
            owner=self,
            shown_over=self.view,
            on_finished=self._done,
        )

    def _done(self) -> None:
        self.loading = False

    def _show(self, items: list[TodayItem], today: dt.date) -> None:
        self.view.set_items(items, today)
        self.loaded.emit()

    def log(self, request: TouchpointRequest) -> None:
        database = self.database
        workers.run(
            lambda progress: _log_touchpoint(
                database,
                request.account_id,
                request.channel,
                request.on,
                request.template,
                contact_id=request.contact_id,
                milestone_id=request.milestone_id,
                note=request.note,
                said=request.said,
                sentiment=request.sentiment,
                quotable=request.quotable,
            ),
            lambda _id: self._logged(request),
            what="Logging the touchpoint",
            owner=self,
            shown_over=self.view,
        )

    def mark_achieved(
        self, account_id: int, milestone_id: int, milestone: str, offered: dt.date | None
    ) -> None:
        """Ask for the date (the day the criterion was met, when it was) and mark achieved.

        Confirming a met usage criterion records "usage" as the evidence; offering today
        instead would push time-to-first-value later than it really was.
        """
        from csm_desktop.domain.vocabulary import Evidence, Status
        from csm_desktop.ui.dialogs.account_dialogs import StatusDialog

        dialog = StatusDialog(milestone, Status.ACHIEVED, self.today(), self.view, offered=offered)
        self.status_dialog = dialog  # kept so a test can read the offered date
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        database, on = self.database, dialog.chosen_date()
        evidence = Evidence.USAGE if offered is not None else Evidence.MANUAL

        def work(progress: workers.Progress) -> object:
            from csm_desktop.services.account_edits import set_status

            return set_status(database, milestone_id, Status.ACHIEVED, on=on, evidence=evidence)

        def done(_before: object) -> None:
            self.status.emit(f"“{milestone}” marked achieved on {on.isoformat()}")
            self.achieved.emit(account_id, milestone_id)
            self.refresh()

        workers.run(
            work, done, what="Marking the milestone achieved", owner=self, shown_over=self.view
        )

    def _logged(self, request: TouchpointRequest) -> None:
        self.status.emit(f"Touchpoint logged: {request.channel}, {request.template}")
        self.touchpoint_logged.emit(request.account_id)
        self.refresh()


def _log_touchpoint(*args: Any, **kwargs: Any) -> Any:
    """The service, imported on first use (it brings the ORM models); what the customer
    said, when written down, is kept as feedback with the touchpoint."""
    from csm_desktop.services.feedback import log_touchpoint_with_feedback

    return log_touchpoint_with_feedback(*args, **kwargs)
