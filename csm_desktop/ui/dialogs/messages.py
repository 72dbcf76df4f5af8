"""How failures reach the user: a clear message for a ``UserError``, a calm one for a bug."""

from __future__ import annotations

import logging

import shiboken6
from PySide6.QtWidgets import QMessageBox, QWidget

from csm_desktop.errors import UserError
from csm_desktop.paths import log_dir

log = logging.getLogger(__name__)


def show_failure(parent: QWidget | None, what: str, exc: BaseException) -> None:
    """Tell the user ``what`` failed; a ``UserError`` says why, a bug points at the log.
    Over a window that has been closed and deleted meanwhile, it is only logged."""
    if parent is not None and not shiboken6.isValid(parent):
        log.warning("%s failed after its window closed", what, exc_info=exc)
        return
    if isinstance(exc, UserError):
        QMessageBox.warning(parent, what, str(exc))
        return
    log.error("%s failed", what, exc_info=(type(exc), exc, exc.__traceback__))
    QMessageBox.critical(
        parent,
        what,
        f"{what} failed because of an error in CSM Desktop ({type(exc).__name__}). "
        f"Nothing you saved earlier is lost. The details are in the log folder "
        f"{log_dir()}; please send them to support.",
    )
