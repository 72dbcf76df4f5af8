"""One way for every long job (usage import, QBR batch, exports) to report and be cancelled.

A job receives a ``Progress``: it calls ``progress(done, total, text)`` as it goes (this
never raises: work that has already committed must not be reported as cancelled) and reads
``progress.cancelled`` where stopping is still safe, raising ``errors.Cancelled`` there. The
window's worker (``ui.workers.Progress``) implements it over Qt signals; the command line and
tests use ``NO_PROGRESS`` or ``progress_of``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from csm_desktop.errors import Cancelled

__all__ = ["NO_PROGRESS", "Cancelled", "Progress", "progress_of"]


class Progress(Protocol):
    def __call__(self, done: int, total: int, text: str = "", /) -> None:
        """Report ``done`` of ``total`` steps and what is happening now."""

    @property
    def cancelled(self) -> bool:
        """True once the user asked to stop."""


class _Callbacks:
    def __init__(
        self,
        report: Callable[[int, int, str], object] | None,
        cancelled: Callable[[], bool] | None,
    ) -> None:
        self._report = report
        self._cancelled = cancelled

    def __call__(self, done: int, total: int, text: str = "", /) -> None:
        if self._report is not None:
            self._report(done, total, text)

    @property
    def cancelled(self) -> bool:
        return self._cancelled is not None and self._cancelled()


def progress_of(
    report: Callable[[int, int, str], object] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Progress:
    """A ``Progress`` from plain functions: ``report(done, total, text)`` and ``cancelled()``."""
    return _Callbacks(report, cancelled)


NO_PROGRESS: Progress = _Callbacks(None, None)
"""Reports nowhere and is never cancelled: for the command line and tests."""
