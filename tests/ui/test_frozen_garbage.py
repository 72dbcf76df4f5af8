"""``ui.ui_thread_gc``'s compaction: reference cycles that died inside a big reading are
frozen with what it made (``services.gc_pause.collector_paused``) and never collected by
the window's passes; once the user has left the window a while, they are."""

from __future__ import annotations

import datetime as dt
import gc
import weakref
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt

from csm_desktop.services.gc_pause import collector_paused, freezes, gc_paused
from csm_desktop.store.database import Database
from csm_desktop.ui.controllers.today import TodayController
from csm_desktop.ui.ui_thread_gc import UiThreadCollector
from csm_desktop.ui.views.today_view import TodayView

TODAY = dt.date(2026, 11, 26)


class Node:
    """A reference cycle of one: freed by the cyclic collector only."""

    def __init__(self) -> None:
        self.me = self


def died_in_a_reading() -> weakref.ref[Node]:
    """A cycle made and dropped inside a big reading (as a reading's SQL statements are)."""
    with collector_paused():
        node = Node()
        dead = weakref.ref(node)
        del node
    return dead


@pytest.fixture
def collector(qapp) -> Iterator[UiThreadCollector]:  # type: ignore[no-untyped-def]
    """A window's collector that compacts as soon as the user has left."""
    collector = UiThreadCollector(compact_after_ms=0)
    collector.start()
    yield collector
    collector.stop()
    # Back: the test session's own collector (tests/conftest.py) stops waiting to compact.
    qapp.applicationStateChanged.emit(Qt.ApplicationState.ApplicationActive)


def leave_the_window(qapp) -> None:  # type: ignore[no-untyped-def]
    qapp.applicationStateChanged.emit(Qt.ApplicationState.ApplicationInactive)


def test_a_cycle_frozen_by_a_reading_is_collected_once_the_user_left(  # type: ignore[no-untyped-def]
    qtbot, qapp, collector: UiThreadCollector
) -> None:
    dead = died_in_a_reading()
    gc.collect()
    assert dead() is not None  # frozen: no pass of the collector sees it
    leave_the_window(qapp)
    qtbot.waitUntil(lambda: dead() is None)
    # Still away: a reading meanwhile (a teammate's change) is compacted too.
    later = died_in_a_reading()
    qtbot.waitUntil(lambda: later() is None)


def test_no_compaction_during_a_reading_nor_without_a_freeze_since(  # type: ignore[no-untyped-def]
    qtbot, collector: UiThreadCollector
) -> None:
    """A reading under way keeps its objects out of every pass (it freezes them at its
    end); once compacted, nothing is walked again until a reading froze more."""
    dead = died_in_a_reading()
    with gc_paused():
        assert collector.compact() == 0
    assert dead() is not None
    assert collector.compact() > 0
    assert dead() is None
    before = gc.get_freeze_count()
    assert collector.compact() == 0
    assert gc.get_freeze_count() == before


def test_todays_readings_leave_no_garbage_frozen_once_the_user_left(  # type: ignore[no-untyped-def]
    qtbot, qapp, collector: UiThreadCollector, open_demo: Callable[[dt.date], Database]
) -> None:
    """Three Today readings over the demo book (each freezes at its end, with the cycles
    its statements made); the user leaves the window; then nothing frozen is garbage."""
    view = TodayView()
    qtbot.addWidget(view)
    controller = TodayController(view, open_demo(TODAY), lambda: TODAY)
    frozen = freezes()
    for reading in range(1, 4):
        with qtbot.waitSignal(controller.loaded, timeout=20000):
            controller.refresh()
        qtbot.waitUntil(lambda: freezes() >= frozen + reading)  # noqa: B023 (waited here)
    compacted = freezes()
    leave_the_window(qapp)
    qtbot.waitUntil(lambda: collector.compacted_at == compacted)
    gc.collect()  # what died since, as the window's passes would
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        gc.unfreeze()
        left = gc.collect()
        pinned = [type(found).__qualname__ for found in gc.garbage]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.collect()
        gc.freeze()
    assert left == 0, pinned[:20]
