"""Live refresh's timing (issue 16): notices arriving together make one refresh, and
refreshes are spaced, so a busy team does not keep a big book's window reading. No server
needed: the notices are handed to the controller as its feed would."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget

from csm_desktop.services.live_changes import Changes
from csm_desktop.ui.controllers import live_refresh
from csm_desktop.ui.main_window import MainWindow

TODAY = dt.date(2026, 11, 26)


class _Window(QWidget):
    """Stands for the main window: records when and what it was asked to refresh."""

    def __init__(self) -> None:
        super().__init__()
        self.refreshed: list[tuple[float, Changes]] = []

    def refresh_for(self, changes: Changes) -> None:
        self.refreshed.append((time.monotonic(), changes))


def test_notices_are_gathered_and_refreshes_spaced(qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Three notices within the settling time make one refresh of all their accounts; a
    notice right after it waits until the minimum gap since that refresh has passed."""
    monkeypatch.setattr(live_refresh, "MIN_GAP_MS", 1500)
    window = _Window()
    qtbot.addWidget(window)
    live = live_refresh.LiveRefresh(window)  # type: ignore[arg-type]
    started = time.monotonic()
    for account_id in (3, 4, 3):
        live._gather(Changes(frozenset({account_id})))
    qtbot.waitUntil(lambda: len(window.refreshed) == 1, timeout=5000)
    first_at, first = window.refreshed[0]
    assert first == Changes(frozenset({3, 4}))
    assert first_at - started >= live_refresh.SETTLE_MS / 1000 - 0.05
    live._gather(Changes(everything=True))
    qtbot.waitUntil(lambda: len(window.refreshed) == 2, timeout=5000)
    second_at, second = window.refreshed[1]
    assert second.everything
    assert second_at - first_at >= 1.5 - 0.05


def test_a_hidden_book_is_read_again_when_shown_and_today_after_it_loaded(
    qtbot, open_demo, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A teammate's change while Today is on show: the hidden Book is not read (it is, once
    shown); Today, still loading, is read again once it has loaded."""
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(open_demo(TODAY), today=lambda: TODAY, settings=settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(
        lambda: not window.loading and not window.today_controller.loading, timeout=20000
    )
    reads: list[str] = []
    load_book, refresh_today = window._load_book, window.today_controller.refresh
    monkeypatch.setattr(window, "_load_book", lambda **kw: (reads.append("book"), load_book(**kw)))
    monkeypatch.setattr(
        window.today_controller, "refresh", lambda: (reads.append("today"), refresh_today())
    )
    window.show_today()  # Today loads (one read)
    assert window.today_controller.loading
    window.refresh_for(Changes(frozenset({3})))
    assert reads == ["today"]  # neither the hidden Book nor Today, which is loading
    qtbot.waitUntil(lambda: reads == ["today", "today"], timeout=20000)  # once it loaded
    window.show_book()
    assert reads == ["today", "today", "book"]
    qtbot.waitUntil(lambda: not window.loading, timeout=20000)
    window.show_book()
    assert reads == ["today", "today", "book"]  # read once, not at every showing
    window.database.close()


def test_changes_while_the_book_on_show_loads_read_it_once_more_after_not_again_and_again(
    qtbot, open_demo, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The Book on show is being read when three teammates' changes come in: the read is
    not restarted (on a busy server a slow read would never end); once it is shown, the
    Book is read once more, and then no more."""
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(open_demo(TODAY), today=lambda: TODAY, settings=settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.loading, timeout=20000)
    window.show_book()
    reads: list[str] = []
    load_book = window._load_book
    monkeypatch.setattr(window, "_load_book", lambda **kw: (reads.append("book"), load_book(**kw)))
    window.refresh_for(Changes(everything=True))  # a whole read starts
    assert reads == ["book"] and window.loading
    for account_id in (3, 4, 5):
        window.refresh_for(Changes(frozenset({account_id})))
    assert reads == ["book"]
    qtbot.waitUntil(lambda: reads == ["book", "book"], timeout=20000)
    qtbot.waitUntil(lambda: not window.loading, timeout=20000)
    qtbot.wait(200)
    assert reads == ["book", "book"]
    window.database.close()


def test_a_feed_opened_for_a_window_that_stopped_following_is_closed(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The window closes (or switches books) while its feed is being opened: the feed that
    arrives then is closed, not listened to."""

    class Feed:
        closed = False

        def close(self) -> None:
            self.closed = True

    window = _Window()
    qtbot.addWidget(window)
    live = live_refresh.LiveRefresh(window)  # type: ignore[arg-type]
    follows = live.follows
    live.stop()
    feed = Feed()
    live._connected(feed, follows)  # type: ignore[arg-type]
    assert feed.closed and not live.listening


def test_a_teammates_first_playbook_shows_on_an_empty_playbooks_page(
    qtbot, book, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Playbooks is on show with no playbook yet; a teammate creates the first one (a `*`
    notice): the page reads its list again and shows it (it waited for the next visit)."""
    from csm_desktop.services.playbook_edits import create_playbook

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(book, today=lambda: TODAY, settings=settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.loading, timeout=20000)
    window.show_playbooks()
    editor = window.playbook_editor
    assert editor is not None and editor.detail is None
    create_playbook(book, "Team standard", today=TODAY)
    window.refresh_for(Changes(everything=True))
    qtbot.waitUntil(lambda: editor.detail is not None, timeout=10000)  # read in a worker
    assert editor.detail is not None and editor.detail.summary.name == "Team standard"
