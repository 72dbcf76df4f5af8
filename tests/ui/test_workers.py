"""``ui.workers`` and ``ui.ui_thread_gc``: background work never touches a deleted window, and
Python's cycle collector runs on the UI thread only (a worker that collected a cycle holding a
Qt object crashed the window under load: SIGSEGV, "free(): invalid pointer")."""

from __future__ import annotations

import gc
import threading
import time
import weakref

import shiboken6
from PySide6.QtCore import QObject

from csm_desktop.errors import BadInput
from csm_desktop.services.gc_pause import gc_paused
from csm_desktop.ui import workers
from csm_desktop.ui.ui_thread_gc import INTERVAL_MS, UiThreadCollector


class _Cycle:
    """An object in a reference cycle: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


def test_an_owner_deleted_while_its_work_runs_hears_nothing(qtbot) -> None:  # type: ignore[no-untyped-def]
    owner = QObject()
    go_on = threading.Event()
    heard: list[str] = []

    def work(progress: workers.Progress) -> int:
        go_on.wait(5)
        progress.send("partial")
        return 42

    task = workers.run(
        work,
        lambda value: heard.append(f"success {value}"),
        what="Testing",
        owner=owner,
        on_partial=lambda value: heard.append(value),
        on_finished=lambda: heard.append("finished"),
    )
    shiboken6.delete(owner)  # the window closed while the work ran
    go_on.set()
    qtbot.waitUntil(lambda: task.released.is_set(), timeout=5000)
    qtbot.wait(50)  # the queued signals are delivered (to nobody)
    assert heard == []
    assert shiboken6.isValid(task)  # the task itself outlived its owner, as it must


def test_partial_results_arrive_in_order_before_the_result(qtbot) -> None:  # type: ignore[no-untyped-def]
    owner = QObject()
    heard: list[object] = []

    def work(progress: workers.Progress) -> str:
        for page in range(3):
            progress.send(page)
        return "all"

    workers.run(work, heard.append, what="Testing", owner=owner, on_partial=heard.append)
    qtbot.waitUntil(lambda: "all" in heard, timeout=5000)
    assert heard == [0, 1, 2, "all"]


def test_finished_tasks_are_let_go_once_their_thread_has(qtbot) -> None:  # type: ignore[no-untyped-def]
    owner = QObject()
    heard: list[int] = []
    tasks = [
        workers.run(lambda _progress: None, lambda _none: None, what="Testing", owner=owner)
        for _ in range(5)
    ]
    assert workers.wait_all(5000)
    qtbot.waitUntil(lambda: all(task.heard for task in tasks), timeout=5000)
    # The next task to finish lets go of every earlier one (their threads let go long ago).
    workers.run(lambda _progress: 1, heard.append, what="Testing", owner=owner)
    qtbot.waitUntil(lambda: heard == [1], timeout=5000)
    qtbot.waitUntil(lambda: not any(task in workers._running for task in tasks), timeout=5000)


def test_cycles_are_collected_by_the_ui_thread_timer(qtbot) -> None:  # type: ignore[no-untyped-def]
    collector = UiThreadCollector()
    collector.start()
    try:
        assert not gc.isenabled()  # no collection on whichever thread allocates
        cycle = weakref.ref(_Cycle())
        kept = [[] for _ in range(5 * gc.get_threshold()[0])]  # many times a collection's worth
        assert cycle() is not None  # allocating did not collect it
        qtbot.waitUntil(lambda: cycle() is None, timeout=20 * INTERVAL_MS)
        del kept
    finally:
        collector.stop()


def test_no_collection_while_a_big_book_is_read(qtbot) -> None:  # type: ignore[no-untyped-def]
    collector = UiThreadCollector()
    collector.start()
    try:
        with gc_paused():
            cycle = weakref.ref(_Cycle())
            kept = [[] for _ in range(5 * gc.get_threshold()[0])]
            qtbot.wait(3 * INTERVAL_MS)
            assert cycle() is not None
        qtbot.waitUntil(lambda: cycle() is None, timeout=20 * INTERVAL_MS)
        del kept
    finally:
        collector.stop()


def test_stopping_the_collector_switches_automatic_collection_back_on(qapp) -> None:  # type: ignore[no-untyped-def]
    was_enabled = gc.isenabled()
    gc.enable()
    try:
        collector = UiThreadCollector()
        collector.start()
        assert not gc.isenabled()
        collector.stop()
        assert gc.isenabled()
    finally:
        if not was_enabled:
            gc.disable()


def test_outcomes_delivered_after_stop_listening_go_unheard(qtbot) -> None:  # type: ignore[no-untyped-def]
    owner = QObject()
    heard: list[object] = []
    workers.run(lambda _progress: 1, heard.append, what="Testing", owner=owner)
    assert workers.wait_all(5000)  # done, its outcome still queued for the UI thread
    workers.stop_listening()
    qtbot.wait(50)
    assert heard == []
    workers.run(lambda _progress: 2, heard.append, what="Testing", owner=owner)
    qtbot.waitUntil(lambda: heard == [2], timeout=5000)  # later tasks are heard as usual


def test_a_failure_over_a_deleted_window_is_logged_not_shown(qtbot, message_boxes, caplog) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QWidget

    from csm_desktop.errors import UserError
    from csm_desktop.ui.dialogs.messages import show_failure

    window = QWidget()
    shiboken6.delete(window)
    show_failure(window, "Loading today's list", UserError("The book was closed."))
    assert message_boxes.shown == []
    assert "Loading today's list failed after its window closed" in caplog.text


class _Held:
    pass


def test_a_failed_task_lets_go_of_its_traceback_without_waiting_for_another(  # type: ignore[no-untyped-def]
    qtbot, monkeypatch
) -> None:
    """The failure's traceback holds the work's frame and its locals (an open stream, a
    reader thread): they are let go once the task is over, not when some later task ends.
    The UI thread usually hears ``finished`` before the pool thread lets go; here always."""
    delivered = workers.Task.run

    def deliver_then_wait_until_heard(task: workers.Task) -> None:
        delivered(task)
        while not task.heard:
            time.sleep(0.001)

    monkeypatch.setattr(workers.Task, "run", deliver_then_wait_until_heard)
    owner = QObject()
    held: list[weakref.ref[_Held]] = []
    failures: list[str] = []

    def work(_progress: object) -> None:
        local = _Held()
        held.append(weakref.ref(local))
        raise BadInput("refused")

    workers.run(
        work,
        lambda _none: None,
        what="Testing",
        owner=owner,
        on_failure=lambda exc: failures.append(str(exc)),
    )
    qtbot.waitUntil(lambda: failures == ["refused"], timeout=5000)
    qtbot.waitUntil(lambda: not workers._running, timeout=5000)
    gc.collect()  # as the window's collector does on its timer (a task's signals hold it)
    assert held[0]() is None
