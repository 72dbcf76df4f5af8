"""The window's last line of defence: a bug in a slot is logged and explained, not fatal.

An exception that escapes a Qt slot reaches ``sys.excepthook``. Python's default hook only
prints to a console the CSM never sees. ``install_crash_guard`` replaces it: the traceback
goes to the rotating log in ``paths.log_dir()``, the CSM gets one calm message that says the
book is safe and where the details are, and the event loop keeps running. A ``UserError``
that escaped is shown as the plain message it is. Boxes are rate-limited so a bug in a paint
handler cannot bury the screen in dialogs; every occurrence is still logged.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from csm_desktop import APP_NAME
from csm_desktop.errors import UserError
from csm_desktop.printable import PrintableFormatter

log = logging.getLogger("csm_desktop.crash")

LOG_FILE_NAME = "csm-desktop.log"
QUIET_SECONDS = 3.0  # after a box, further bugs within this time are only logged

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


class CrashGuard:
    """The installed hook: logs every uncaught exception and tells the user once."""

    def __init__(
        self,
        parent: Callable[[], QWidget | None],
        log_folder: Path,
        previous: ExceptHook,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.parent = parent
        self.log_folder = log_folder
        self.previous = previous
        self.clock = clock
        self.showing = False
        self.last_shown = -QUIET_SECONDS
        self.caught = 0

    def __call__(
        self,
        kind: type[BaseException],
        error: BaseException,
        traceback: TracebackType | None,
    ) -> None:
        if issubclass(kind, KeyboardInterrupt | SystemExit):
            self.previous(kind, error, traceback)
            return
        self.caught += 1
        if isinstance(error, UserError):
            log.warning("Uncaught user error: %s", error)
        else:
            log.error("Uncaught exception (bug)", exc_info=(kind, error, traceback))
        if QApplication.instance() is None or self.showing:
            return
        if self.clock() - self.last_shown < QUIET_SECONDS:
            return
        self.showing = True
        try:
            self._tell_user(error)
        except Exception:  # a failing message box must not recurse into this hook
            log.exception("Could not show the error message")
        finally:
            self.last_shown = self.clock()
            self.showing = False

    def _tell_user(self, error: BaseException) -> None:
        parent = self.parent()
        if isinstance(error, UserError):
            QMessageBox.warning(parent, APP_NAME, str(error))
            return
        QMessageBox.critical(
            parent,
            f"{APP_NAME}: something went wrong",
            f"An error in {APP_NAME} stopped that action ({type(error).__name__}). Your book "
            "is safe: everything saved before is kept, and you can keep working. The details "
            f"are in the log folder {self.log_folder}; please send the file {LOG_FILE_NAME} "
            "to support.",
        )


def ensure_log_file(folder: Path) -> Path:
    """Make sure the root logger writes to the rotating log in ``folder`` (once)."""
    path = folder / LOG_FILE_NAME
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler, RotatingFileHandler) and Path(handler.baseFilename) == path:
            return path
    handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(PrintableFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    return path


def install_crash_guard(
    parent: Callable[[], QWidget | None] = lambda: None, *, log_folder: Path | None = None
) -> CrashGuard:
    """Route uncaught exceptions (main thread and other threads) to the log and a message.

    ``parent`` returns the window to put the message over. Returns the installed guard;
    ``uninstall_crash_guard`` puts the previous hooks back.
    """
    if log_folder is None:
        from csm_desktop.paths import log_dir

        log_folder = log_dir()
    ensure_log_file(log_folder)
    previous = sys.excepthook
    if isinstance(previous, CrashGuard):
        previous = previous.previous
    guard = CrashGuard(parent, log_folder, previous)
    sys.excepthook = guard
    threading.excepthook = _log_thread_exception
    return guard


def uninstall_crash_guard() -> None:
    """Restore the hooks that were there before ``install_crash_guard``."""
    if isinstance(sys.excepthook, CrashGuard):
        sys.excepthook = sys.excepthook.previous
    threading.excepthook = threading.__excepthook__


def _log_thread_exception(args: threading.ExceptHookArgs) -> None:
    """A bug in a plain thread: logged (a message box may only be shown by the UI thread)."""
    if args.exc_type is SystemExit:
        return
    log.error(
        "Uncaught exception in thread %s (bug)",
        args.thread.name if args.thread else "?",
        exc_info=(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback),
    )


__all__ = [
    "CrashGuard",
    "ensure_log_file",
    "install_crash_guard",
    "uninstall_crash_guard",
]
