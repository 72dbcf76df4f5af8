"""Run Python's cyclic garbage collector on the UI thread only, while the window runs.

Python collects reference cycles on whichever thread happens to allocate when a threshold is
crossed; with the window's background work that is often a pool thread. A cycle holding a Qt
object (a dialog and a lambda connected to its signal, a model and its view) was then
destroyed off the UI thread, which Qt does not allow: under load the window crashed with
SIGSEGV or "free(): invalid pointer" (1 run in 5 of ``--start-check`` on a busy machine).
So the automatic collector is off while the window runs, and a timer on the UI thread makes
the same collections at the same thresholds. Reference counting frees everything else as
usual, on any thread.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

from csm_desktop.services.gc_pause import is_paused

INTERVAL_MS = 200  # a collection at most this late; each check costs a microsecond


class UiThreadCollector(QObject):
    """``start()`` switches the automatic collector off and collects from a UI-thread timer;
    ``stop()`` switches it back on (if it was on)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.collect_due)

    def start(self) -> None:
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        if self._was_enabled:
            gc.enable()

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
