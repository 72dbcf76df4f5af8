"""The Today page streamed: the first lines show while the book is read, the line on show
stays selected as more arrive, the end is the full ranking, and another book cancels."""

from __future__ import annotations

import datetime as dt
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

from csm_desktop.services.opening import open_book_for_reading
from csm_desktop.services.today import today_list
from csm_desktop.services.today_stream import today_snapshots
from csm_desktop.store.database import Database
from csm_desktop.ui.controllers.today import TodayController
from csm_desktop.ui.models.nudge_model import Column
from csm_desktop.ui.views.today_view import TodayView

TODAY = dt.date(2026, 11, 26)


def nudges(view: TodayView) -> list[object]:
    return [item.nudge for item in view.model.items()]


def test_snapshots_stream_in_and_end_with_the_full_ranking(  # type: ignore[no-untyped-def]
    qtbot, open_demo: Callable[[dt.date], Database]
) -> None:
    """Pages of 10 accounts, a snapshot after each: the first one says how far the
    reading is; the last one is today_list, line for line, counted as before."""
    book = open_demo(TODAY)
    expected = today_list(book, TODAY)
    view = TodayView()
    qtbot.addWidget(view)
    view.resize(1300, 760)
    view.show()
    controller = TodayController(view, book, lambda: TODAY)
    controller.reading = {"first": 10, "size": 10, "every": 0.0}
    seen: list[tuple[bool, int, str]] = []
    shown = view.show_snapshot

    def record(snapshot, today):  # type: ignore[no-untyped-def]
        shown(snapshot, today)
        seen.append((snapshot.complete, view.model.rowCount(), view.count_label.text()))

    view.show_snapshot = record  # type: ignore[method-assign]
    with qtbot.waitSignal(controller.loaded, timeout=20000):
        controller.refresh()
    assert len(seen) >= 3
    complete, rows, label = seen[0]
    assert not complete and 0 < rows < len(expected)
    assert label.endswith(f"reading 10 of {seen_accounts(book)} accounts…")
    assert [c for c, _r, _l in seen] == [False] * (len(seen) - 1) + [True]
    assert nudges(view) == [item.nudge for item in expected]
    assert view.count_label.text() == f"{len(expected)} to do"
    assert view.model.index(0, Column.RANK).data() == "1"
    assert not controller.loading


def seen_accounts(book: Database) -> int:
    return next(today_snapshots(book, TODAY, first=10)).accounts


def test_snapshots_come_less_and_less_often_after_the_first(
    open_demo: Callable[[dt.date], Database],
) -> None:
    """One account a page, a clock that moves a quarter second each time it is read (once
    per page after the first snapshot, once per snapshot): the first lines come at once,
    the next half a second later, then after 1 s, 2 s, 4 s …; the last one is complete."""
    book = open_demo(TODAY)
    ticks = iter(range(10_000))
    snapshots = list(
        today_snapshots(book, TODAY, first=1, size=1, clock=lambda: next(ticks) * 0.25)
    )
    accounts = snapshots[-1].accounts
    assert accounts > 15
    gaps = [n for n in (1, 3, 7, 15, 31, 63, 127) if n < accounts]
    assert [s.accounts_read for s in snapshots] == [*gaps, accounts]
    assert [s.complete for s in snapshots] == [False] * len(gaps) + [True]


def test_the_line_on_show_stays_selected_with_its_edit_when_more_lines_arrive(  # type: ignore[no-untyped-def]
    qtbot, open_demo: Callable[[dt.date], Database]
) -> None:
    """The CSM picks the 3rd line of the first snapshot and edits its template; the complete
    list arrives: the same line (same kind, account, milestone) is selected, the edit kept."""
    book = open_demo(TODAY)
    first, *_middle, last = list(today_snapshots(book, TODAY, first=10, size=100, every=0.0))
    assert not first.complete and last.complete and len(first.items) > 3
    view = TodayView()
    qtbot.addWidget(view)
    view.show()
    view.show_snapshot(first, TODAY)
    view.table.selectRow(2)
    picked = view.current
    assert picked is not None and picked.nudge == first.items[2].nudge
    view.edit_button.setChecked(True)
    view.in_app.template_edit.setPlainText("Hello {account}")
    view.show_snapshot(last, TODAY)
    row = [item.nudge for item in last.items].index(picked.nudge)
    assert view.table.currentIndex().row() == row
    assert view.current is not None and view.current.nudge == picked.nudge
    assert view.in_app.template_edit.toPlainText() == "Hello {account}"
    assert view.in_app.text() == f"Hello {picked.nudge.account}"


def test_switching_books_mid_stream_cancels_the_old_list(  # type: ignore[no-untyped-def]
    qtbot, open_demo: Callable[[dt.date], Database], tmp_path: Path
) -> None:
    """The demo book is being read one account a page when the window moves to a copy of it
    a week later: what shows at the end is the copy's list for its own day, complete."""
    book = open_demo(TODAY)
    later = TODAY + dt.timedelta(days=7)
    copy = tmp_path / "later.sqlite3"
    shutil.copy(book.path, copy)
    view = TodayView()
    qtbot.addWidget(view)
    day = [TODAY]
    controller = TodayController(view, book, lambda: day[0])
    controller.reading = {"first": 1, "size": 1, "every": 0.0}
    controller.refresh()
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=20000)
    with open_book_for_reading(copy) as other:
        expected = today_list(other, later)
        assert [i.nudge for i in expected] != [i.nudge for i in today_list(book, TODAY)]
        day[0] = later
        controller.database = other
        controller.reading = {}
        with qtbot.waitSignal(controller.loaded, timeout=20000):
            controller.refresh()
        assert nudges(view) == [item.nudge for item in expected]
        qtbot.waitUntil(lambda: not controller.loading, timeout=20000)
        qtbot.wait(200)  # anything the old stream still sends is dropped
        assert nudges(view) == [item.nudge for item in expected]


def test_the_reading_goes_on_only_once_the_list_has_stopped_painting(  # type: ignore[no-untyped-def]
    qtbot, open_demo: Callable[[dt.date], Database]
) -> None:
    """After a snapshot is shown the reading waits; every paint of the list puts its going
    on back (the first lines paint twice), so it goes on once the paints are over, or once
    the watch ends when the user keeps the list painting (scrolling). A refresh lets a
    waiting reading go at once (it then stops, cancelled)."""
    book = open_demo(TODAY)
    view = TodayView()
    qtbot.addWidget(view)
    view.resize(1300, 760)
    view.show()
    controller = TodayController(view, book, lambda: TODAY)
    controller._quiet.setInterval(3000)  # wide enough for a loaded machine's timers
    controller._watch_ends.setInterval(60_000)
    snapshot = next(today_snapshots(book, TODAY, first=10))
    painted = threading.Event()
    controller._arrived(controller._refreshes, (TODAY, snapshot, painted))
    for _ in range(30):  # 1.5 s of paints, never 3 s apart
        qtbot.wait(50)
        view.table.viewport().repaint()
        assert not painted.is_set()
    qtbot.waitUntil(painted.is_set, timeout=10_000)
    controller._watch_ends.setInterval(300)
    scrolled = threading.Event()
    controller._arrived(controller._refreshes, (TODAY, snapshot, scrolled))
    for _ in range(200):  # painting all along (10 s at most): the watch ends after 0.3 s
        if scrolled.is_set():
            break
        qtbot.wait(50)
        view.table.viewport().repaint()
    assert scrolled.is_set()
    waiting = threading.Event()
    controller._arrived(controller._refreshes, (TODAY, snapshot, waiting))
    assert not waiting.is_set()
    controller.database = book  # another book (here the same): the stream is cancelled
    assert waiting.is_set()
