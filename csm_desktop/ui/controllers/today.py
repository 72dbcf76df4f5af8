"""The Today page's controller: streams the ranked list from a worker, logs touchpoints,
marks milestones achieved; the view never sees the store.

A big book is read in pages (``services.today_stream``): the most urgent lines read so far
reach the view after the first page, then after half a second, a second, two …, the whole
list at the end.
A new refresh, or pointing the controller at another book, cancels the stream in flight and
ignores whatever it still delivers.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

from csm_desktop.services.opening import Database
from csm_desktop.ui import workers
from csm_desktop.ui.controllers.account_versions import WindowSaves
from csm_desktop.ui.views.today_view import TodayView

if TYPE_CHECKING:  # the service (and the ORM behind it) loads when Today first fills
    from csm_desktop.services.today_stream import TodaySnapshot
    from csm_desktop.ui.dialogs.touchpoint_dialog import TouchpointRequest


SHOW_WAIT = 0.5  # seconds the reading waits at most for the window to show a snapshot
PAINT_TIME_MS = 20  # the window's paint after a snapshot, before the reading goes on
PAINT_WATCH_MS = 150  # paints after a snapshot hold the reading this long at most


class TodayController(QObject):
    """Streams the Today list in a worker and logs touchpoints; the view never sees the store."""

    status = Signal(str)  # a short message for the status bar
    touchpoint_logged = Signal(int)  # account id whose timeline changed
    loaded = Signal()  # a fresh, complete list is on show
    settled = Signal()  # a refresh showed lines (maybe not all yet), or ended without any
    achieved = Signal(int, int)  # account id, milestone id just marked achieved
    reread = Signal()  # a milestone marked here was undone, redone or refused: read again

    def __init__(
        self,
        view: TodayView,
        database: Database,
        today: Callable[[], dt.date] = dt.date.today,
        parent: QObject | None = None,
        saves: WindowSaves | None = None,
    ) -> None:
        super().__init__(parent)
        self.view = view
        # The window's (one of its own when none is given): marking achieved goes on its
        # Edit → Undo, behind its other saves, over the versions its own saves left.
        self.saves = saves or WindowSaves.of_its_own(self)
        self._database = database
        self.today = today
        self.loading = False
        self._refreshes = 0  # numbers each refresh; a snapshot of an older one is dropped
        self._task: workers.Task | None = None
        self.reading: dict[str, Any] = {}
        """Overrides of ``today_snapshots``' page sizes and pace (tests read in tiny pages)."""
        self._painted: threading.Event | None = None  # set once the list's paints are over
        self._quiet = QTimer(self)
        self._quiet.setSingleShot(True)
        self._quiet.setInterval(PAINT_TIME_MS)
        self._quiet.timeout.connect(self._let_reading_go_on)
        self._watch_ends = QTimer(self)  # a user scrolling meanwhile does not hold it longer
        self._watch_ends.setSingleShot(True)
        self._watch_ends.setInterval(PAINT_WATCH_MS)
        self._watch_ends.timeout.connect(self._let_reading_go_on)
        view.table.viewport().installEventFilter(self)
        view.refresh_requested.connect(self.refresh)
        view.touchpoint_requested.connect(self.log)
        view.achieved_requested.connect(self.mark_achieved)

    @property
    def database(self) -> Database:
        return self._database

    @database.setter
    def database(self, database: Database) -> None:
        """Another book: the list being read from the old one is cancelled."""
        self._cancel()
        self._database = database

    def _cancel(self) -> None:
        self._refreshes += 1
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self._let_reading_go_on()  # a reading waiting for a paint stops at once
        self.loading = False

    def refresh(self) -> None:
        self._cancel()
        database, today, reading = self.database, self.today(), self.reading
        number = self._refreshes
        self.loading = True

        def work(progress: workers.Progress) -> None:
            # Imported here, on the worker: the service brings the ORM models, which the
            # window does not need to show its first screen.
            from csm_desktop.services.today_stream import today_snapshots

            snapshots = today_snapshots(database, today, progress=progress, **reading)
            for snapshot in snapshots:
                shown = threading.Event()
                progress.send((today, snapshot, shown))
                # The window lays out and paints the new lines without this thread taking
                # the interpreter from it at every call into Python (100-200 ms stalls).
                shown.wait(SHOW_WAIT)

        self._task = workers.run(
            work,
            lambda _none: None,
            what="Loading today's list",
            owner=self,
            on_failure=lambda exc: self._failed(number, exc),
            on_finished=lambda: self._done(number),
            on_partial=lambda delivered: self._arrived(number, delivered),
        )

    def _failed(self, number: int, exc: BaseException) -> None:
        if number == self._refreshes:  # a stream cancelled for another book may fail: unheard
            from csm_desktop.ui.dialogs.messages import show_failure

            show_failure(self.view, "Loading today's list", exc)

    def _done(self, number: int) -> None:
        if number == self._refreshes:
            self.loading = False
            self._task = None
        self.settled.emit()

    def _arrived(
        self, number: int, delivered: tuple[dt.date, TodaySnapshot, threading.Event]
    ) -> None:
        today, snapshot, shown = delivered
        if number != self._refreshes:
            shown.set()
            return  # a newer refresh (or another book) replaced this stream
        self.view.show_snapshot(snapshot, today)
        self.settled.emit()
        self._painted = shown
        self._quiet.start()
        self._watch_ends.start()
        if snapshot.complete:
            self.loading = False
            self.loaded.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A paint of the list while the reading waits puts its going on back: the reader
        goes on ``PAINT_TIME_MS`` after the list's last paint, or ``PAINT_WATCH_MS`` after
        the snapshot when the user keeps the list painting (scrolling). Each of the paint's
        calls into Python would otherwise wait for the reader to let go of the interpreter,
        and the first lines paint twice (fitting the columns repaints them): 50-70 ms
        stalls."""
        if self._painted is not None and event.type() == QEvent.Type.Paint:
            self._quiet.start()
        return False

    def _let_reading_go_on(self) -> None:
        self._quiet.stop()
        self._watch_ends.stop()
        painted, self._painted = self._painted, None
        if painted is not None:
            painted.set()

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
        self,
        account_id: int,
        milestone_id: int,
        milestone: str,
        offered: dt.date | None,
        seen: int | None = None,
    ) -> None:
        """Ask for the date (the day the criterion was met, when it was: offering today
        instead would push time-to-first-value later than it really was) and mark achieved
        over version ``seen`` of the milestone, the one the list read; Edit → Undo takes it
        back (``mark_achieved.confirm_achieved``)."""
        from csm_desktop.ui.controllers.mark_achieved import confirm_achieved

        def saved(on: dt.date) -> None:
            self.status.emit(f"“{milestone}” marked achieved on {on.isoformat()}")
            self.achieved.emit(account_id, milestone_id)
            self.refresh()

        confirm_achieved(
            self.view,
            self.database,
            self.today(),
            self.saves,
            milestone_id,
            milestone,
            offered,
            seen,
            saved=saved,
            reread=self.reread.emit,
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
