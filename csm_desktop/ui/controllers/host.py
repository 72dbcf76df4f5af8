"""What a page controller may use of the window it lives in, handed over at construction.

A controller is given a ``Host`` and the views and routes it needs, never the ``MainWindow``:
it can be read, and built in a test, knowing only these few things. The window makes one
``Host`` and routes between the pages; each controller owns the page it builds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtWidgets import QStackedWidget, QWidget

from csm_desktop.services.opening import Database
from csm_desktop.ui import workers


class RunTask(Protocol):
    """``MainWindow.run_task``: a service call in a worker, with the status-bar progress."""

    def __call__(
        self,
        work: Callable[[workers.Progress], Any],
        on_success: Callable[[Any], Any],
        *,
        what: str,
        busy_text: str | None = None,
    ) -> workers.Task: ...


@dataclass(frozen=True, slots=True)
class Host:
    """The window's shared services for its page controllers."""

    window: QWidget  # parent of the dialogs and messages a controller opens
    pages: QStackedWidget  # the page stack: a page built on first use is added here
    database: Callable[[], Database]  # the book on show (File → Open switches it)
    today: Callable[[], dt.date]
    run_task: RunTask
    status: Callable[[str, int], None]  # a message in the status bar for so many ms
    refresh: Callable[[], None]  # the book changed: reload the Book and the page on show
