"""Run Python's cyclic garbage collector on the UI thread only, while the window runs.

Python collects reference cycles on whichever thread happens to allocate when a threshold is
crossed; with the window's background work that is often a pool thread. A cycle holding a Qt
object (a dialog and a lambda connected to its signal, a model and its view) was then
destroyed off the UI thread, which Qt does not allow: under load the window crashed with
SIGSEGV or "free(): invalid pointer" (1 run in 5 of ``--start-check`` on a busy machine).
So the automatic collector is off while the window runs, and a timer on the UI thread makes
the same collections at the same thresholds. Reference counting frees everything else as
usual, on any thread.

A big reading ends by freezing what it made (``services.gc_pause.collector_paused``), and
with it the reference cycles that were garbage then: its own SQL statements (a Today reading
at 50,000 accounts: ~1,700 objects, ~170 KB) and whatever the timer had not collected yet,
never collected again. So once the window has been left for ``COMPACT_AFTER_MS`` (the
application inactive or hidden) after something was frozen, the collector unfreezes,
collects everything and freezes again (``compact``): one full pass over every object
(~1 s of CPU at 50,000 accounts, walking ~800,000) while no one waits on the window; and
again each ``COMPACT_AFTER_MS`` the user stays away, if a reading froze more meanwhile.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication

from csm_desktop.services.gc_pause import freezes, is_paused

INTERVAL_MS = 200  # a collection at most this late; each check costs a microsecond
COMPACT_AFTER_MS = 60_000  # the window left this long: the frozen garbage is collected


class UiThreadCollector(QObject):
    """``start()`` switches the automatic collector off and collects from a UI-thread timer;
    ``stop()`` switches it back on (if it was on)."""

    def __init__(
        self, parent: QObject | None = None, *, compact_after_ms: int = COMPACT_AFTER_MS
    ) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.collect_due)
        self.compacted_at = 0
        """``gc_pause.freezes()`` when the frozen objects were last collected (``compact``)."""
        self._away = QTimer(self)
        self._away.setSingleShot(True)
        self._away.setInterval(compact_after_ms)
        self._away.timeout.connect(self._away_long)
        self._listening = False  # to the application's state (``start``)

    def start(self) -> None:
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer.start()
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication) and not self._listening:
            app.applicationStateChanged.connect(self._state_changed)
            self._listening = True

    def stop(self) -> None:
        self._timer.stop()
        self._away.stop()
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication) and self._listening:
            app.applicationStateChanged.disconnect(self._state_changed)
            self._listening = False
        if self._was_enabled:
            gc.enable()

    def _state_changed(self, state: Qt.ApplicationState) -> None:
        """The user left the window (another application, minimized): compact once they
        have stayed away a while; back in the window, not."""
        if state == Qt.ApplicationState.ApplicationActive:
            self._away.stop()
        elif not self._away.isActive():
            self._away.start()

    def _away_long(self) -> None:
        """Compact, and look again a while later while the user stays away: readings made
        meanwhile (a teammate's changes on a team book) freeze more."""
        if not is_paused():  # else a big reading is under way: after it
            self.compact()
        self._away.start()

    def collect_due(self) -> None:
        """The collection the automatic collector would have made by now, if any: the
        oldest generation whose count passed its threshold (collecting it collects the
        younger ones too). None while a big book is read (``services.gc_pause``)."""
        if self._thresholds[0] == 0 or is_paused():  # threshold 0: collection switched off
            return
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self._thresholds[generation]:
                gc.collect(generation)
                return

    def compact(self) -> int:
        """Collect the frozen objects too, then freeze again what lives: the reference
        cycles a freeze caught are freed. Nothing while a big book is read, when nothing
        was frozen since the last time, or with collection switched off. The number of
        unreachable objects found."""
        if self._thresholds[0] == 0 or is_paused() or freezes() == self.compacted_at:
            return 0
        self.compacted_at = freezes()
        gc.unfreeze()
        found = gc.collect()
        gc.freeze()  # what lives stays out of the passes above, as the readings left it
        return found
