"""Live refresh of a team book: a teammate's change shows up within seconds (issue 16).

On a server book the window keeps a ``ChangeFeed`` (services.live_changes) and watches its
socket on the UI thread, so nothing waits: a notice wakes the event loop, and the changes
are read without blocking. Notices arriving close together are gathered for ``SETTLE_MS``
and then refresh what is on screen once (``MainWindow.refresh_for``), keeping the user's
selection; refreshes come at most every ``MIN_GAP_MS``, so a busy team does not keep a
big book's window reading all the time. Changes made by this window are not announced to
it: it refreshed already.

When the feed's connection breaks (a server restart, a sleeping laptop) a new one is opened
every ``RETRY_MS``; notices sent meanwhile are lost, so the first refresh after it treats
every account as changed.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSocketNotifier, QTimer

from csm_desktop.ui import workers

if TYPE_CHECKING:
    from csm_desktop.services.live_changes import ChangeFeed, Changes
    from csm_desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)

SETTLE_MS = 700
MIN_GAP_MS = 5000
RETRY_MS = 5000


class LiveRefresh(QObject):
    """The change feed of the window's server book, and the refreshes it calls for."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.feed: ChangeFeed | None = None
        self.notifier: QSocketNotifier | None = None
        self.pending: Changes | None = None
        self.missed = False  # notices may have been lost while the feed was down
        self.last_refresh: float | None = None  # time.monotonic() of the last refresh
        self.follows = 0  # bumped by start and stop: a feed opened for an earlier one is closed
        self.settle = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self.settle.timeout.connect(self._apply)
        self.retry = QTimer(self, singleShot=True, interval=RETRY_MS)
        self.retry.timeout.connect(self._connect)

    @property
    def listening(self) -> bool:
        return self.feed is not None

    def start(self) -> None:
        """Follow the book now on show (after opening or switching books)."""
        self.stop()
        if self.window.database.on_server:
            self._connect()

    def stop(self) -> None:
        self.follows += 1
        self.retry.stop()
        self.settle.stop()
        self.pending = None
        self.missed = False
        self._drop_feed()

    def _connect(self) -> None:
        from csm_desktop.services.live_changes import listen_for_changes

        database, follows = self.window.database, self.follows  # the book followed now
        workers.run(
            lambda progress: listen_for_changes(database),
            lambda feed: self._connected(feed, follows),
            what="Listening for the team's changes",
            owner=self,
            on_failure=lambda exc: self._lost(exc, follows),
        )

    def _connected(self, feed: ChangeFeed | None, follows: int) -> None:
        if follows != self.follows or self.feed is not None:  # stopped, or moved on, meanwhile
            if feed is not None:
                feed.close()
            return
        if feed is None:
            self.missed = True
            self.retry.start()
            return
        self.feed = feed
        self.notifier = QSocketNotifier(feed.fileno(), QSocketNotifier.Type.Read, self)
        self.notifier.activated.connect(self._readable)
        if self.missed:
            self.missed = False
            self._gather(_everything())

    def _lost(self, exc: BaseException, follows: int) -> None:
        log.info("Change notices stopped: %s", exc)
        if follows == self.follows:
            self.missed = True
            self.retry.start()

    def _readable(self) -> None:
        if self.feed is None:
            return
        try:
            changes = self.feed.read()
        except ConnectionError as exc:
            self._drop_feed()
            self._lost(exc, self.follows)
            return
        if changes:
            self._gather(changes)

    def _gather(self, changes: Changes) -> None:
        self.pending = changes if self.pending is None else self.pending | changes
        if not self.settle.isActive():
            wait_ms = SETTLE_MS
            if self.last_refresh is not None:
                since_ms = (time.monotonic() - self.last_refresh) * 1000
                wait_ms = max(wait_ms, int(MIN_GAP_MS - since_ms))
            self.settle.start(wait_ms)

    def _apply(self) -> None:
        changes, self.pending = self.pending, None
        if changes:
            self.last_refresh = time.monotonic()
            self.window.refresh_for(changes)

    def _drop_feed(self) -> None:
        if self.notifier is not None:
            self.notifier.setEnabled(False)
            self.notifier.deleteLater()
            self.notifier = None
        if self.feed is not None:
            self.feed.close()
            self.feed = None


def _everything() -> Changes:
    from csm_desktop.services.live_changes import EVERYTHING

    return EVERYTHING
