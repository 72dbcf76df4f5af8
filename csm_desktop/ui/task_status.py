"""The status bar's permanent widgets: the book's path and the background-work progress.

Every controller runs services through the window's ``run_task``, which lands here: the work
runs off the UI thread (ui/workers.py), its progress shows in the bar, failures are reported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QLabel, QMainWindow, QProgressBar

from csm_desktop.ui import workers


class TaskStatus:
    """The path label and progress bar of one window's status bar."""

    def __init__(self, window: QMainWindow, path: str) -> None:
        self.window = window
        self.path_label = QLabel(path)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setVisible(False)
        window.statusBar().addPermanentWidget(self.progress)
        window.statusBar().addPermanentWidget(self.path_label)

    def run(
        self,
        work: Callable[[workers.Progress], Any],
        on_success: Callable[[Any], Any],
        *,
        what: str,
        busy_text: str | None = None,
        on_partial: Callable[[Any], Any] | None = None,
        on_failure: Callable[[BaseException], Any] | None = None,
    ) -> workers.Task:
        """Run ``work`` off the UI thread with the status-bar progress; report failures
        (or hand them to ``on_failure``). ``on_partial`` receives what the work sends before
        it ends."""
        if busy_text:
            self.progress.setRange(0, 0)
            self.progress.setVisible(True)
            self.window.statusBar().showMessage(busy_text)
        return workers.run(
            work,
            on_success,
            what=what,
            owner=self.window,
            on_progress=self._on_progress,
            on_finished=lambda: self.progress.setVisible(False),
            on_partial=on_partial,
            on_failure=on_failure,
        )

    def _on_progress(self, done: int, total: int, text: str) -> None:
        self.progress.setVisible(True)
        self.progress.setRange(0, max(total, 0))
        self.progress.setValue(done)
        if text:
            self.window.statusBar().showMessage(text)
