"""The window's read-only mode: the banner saying why, "Try again", and writes on or off.

A book open in another window opens here read-only (two windows never overwrite each
other). This controller switches every writing control off to match, shows the reason, polls
until the other window lets go, and on "Try again" reopens the book for changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from csm_desktop.ui.dialogs.messages import show_failure
from csm_desktop.ui.read_only import ReadOnlyBanner, set_writes_enabled

if TYPE_CHECKING:
    from csm_desktop.ui.main_window import MainWindow

POLL_MS = 2000  # how often a read-only window asks whether the book is free again


class ReadOnlyController(QObject):
    """Owns the banner and the free-book poll of one window."""

    def __init__(self, window: MainWindow, reason: str | None) -> None:
        super().__init__(window)
        self.window = window
        self.reason = reason  # why the book opened read-only, if the opener said
        self.banner = ReadOnlyBanner()
        self.banner.try_again_requested.connect(self.try_again)
        self.free_poll = QTimer(self)  # in a read-only window: has the other window let go?
        self.free_poll.setInterval(POLL_MS)
        self.free_poll.timeout.connect(self.poll_book_free)

    def apply(self, *, built_now: bool = False) -> None:
        """Switch every control that writes off (or on) to match the book, say why.

        ``built_now``: the window was just built, every control is still enabled, so a
        writable book has nothing to switch on and the walk over every widget (about 20 ms
        of start-up, issue 17) is skipped."""
        w = self.window
        writable = not w.read_only
        if not (writable and built_now):
            set_writes_enabled(w, writable)
        w.today_view.writable = writable
        if w.book_view_if_built is not None:  # else it is built knowing (start-up, issue 17)
            w.book_view_if_built.writable = writable
        w.setAcceptDrops(writable)
        if writable:
            w.undo_action.setEnabled(w.undo_stack.canUndo())
            w.redo_action.setEnabled(w.undo_stack.canRedo())
            self.banner.setVisible(False)
            self.free_poll.stop()
            return
        reason = self.reason or (
            f"{w.database.name} is open read-only, so that two windows cannot "
            "overwrite each other's changes."
        )
        self.banner.show_reason(reason)
        self.free_poll.start()

    def poll_book_free(self) -> None:
        from csm_desktop.services.opening import book_is_free

        w = self.window
        if w.read_only and book_is_free(w.database.file_path):
            self.free_poll.stop()
            self.banner.show_reason("", free=True)

    def try_again(self) -> None:
        """Take the book over for changes if no other window holds it any more."""
        from csm_desktop.errors import DatabaseLocked
        from csm_desktop.services.opening import open_for_window

        w = self.window
        try:
            opened = open_for_window(w.database.file_path)
        except DatabaseLocked:
            w.statusBar().showMessage(
                "The book is still open in another window: close it there, then try again.",
                8000,
            )
            return
        except Exception as exc:
            show_failure(w, "Opening the book for changes", exc)
            return
        if not w.leave_book():
            opened.database.close()
            if opened.lock is not None:
                opened.lock.release()
            return
        w.database.close()
        w.book_lock = opened.lock
        self.reason = None
        w.use_database(opened.database)
        w.statusBar().showMessage("The book is open for changes in this window.", 6000)
