"""When a save is refused, the user's edit stays where they typed it (issue 16).

In team mode someone else may save the same account, milestone, kickoff or value metric
first; the service refuses the second save with a ``ConflictError`` ("… was changed by Maya
Chen at 14:02 — reload to see it."). ``SavesOnOk`` is a dialog whose OK saves at once and,
when the save is refused, stays open with everything typed: the page behind is reloaded
(``refused`` is told), so the user sees the other change and may press OK again to save
theirs over it, or Cancel. ``explain`` is the one wording of such a refusal.

The save itself runs off the UI thread (``ui.workers.run``, or the page's ``WorkQueue``;
on a team server it is a round trip over the network): OK reads what was typed on the UI
thread, the save runs in a worker, and the dialog closes when it has succeeded. Meanwhile
the dialog's buttons are off (``busy``), and the window keeps painting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox, QWidget

from csm_desktop.errors import ConflictError, UserError
from csm_desktop.ui.dialogs.messages import show_failure

if TYPE_CHECKING:
    from csm_desktop.ui.workers import WorkQueue

KEPT = (
    "Your edit is kept: the page now shows their change. Press OK to save yours over it, "
    "or Cancel to keep theirs."
)


NOTHING_CHANGED = "Nothing was changed; their change stays."


def explain(parent: QWidget | None, title: str, exc: ConflictError, *, kept: str = KEPT) -> None:
    """Show the refusal: who changed it and when (one line), then what happens to the edit."""
    QMessageBox.warning(parent, title, f"{exc}\n\n{kept}")


def save_failed(
    parent: QWidget, what: str, reread: Callable[[], None]
) -> Callable[[BaseException], None]:
    """What a failed save ``what`` with no dialog to keep open does: refused over someone
    else's change, ``reread`` shows their change and the refusal says who and when; any
    other failure is shown."""

    def failed(exc: BaseException) -> None:
        if not isinstance(exc, ConflictError):
            show_failure(parent, what, exc)
            return
        reread()
        explain(parent, what, exc, kept=NOTHING_CHANGED)

    return failed


class SavesOnOk(QDialog):
    """A dialog whose OK saves (when ``save`` is set) and closes only once that succeeded.

    ``save`` runs on the UI thread when OK is pressed: it reads what was typed and returns
    the work that stores it, which runs in a worker: in ``queue`` when set (the page's, so
    it runs after the page's own saves still under way, never racing them), else on its
    own. ``saved`` then gets the work's result on the UI thread, just before the dialog
    closes."""

    save: Callable[[], Callable[[], Any]] | None = None
    saved: Callable[[Any], None] | None = None
    refused: Callable[[ConflictError], None] | None = None
    queue: WorkQueue | None = None
    saving_what = "Saving"
    busy = False

    def accept(self) -> None:
        if self.save is None:
            super().accept()
            return
        if self.busy:
            return  # OK pressed again while the save runs
        try:
            work = self.save()
        except UserError as exc:
            QMessageBox.warning(self, self.saving_what, str(exc))
            return
        from csm_desktop.ui import workers

        self._set_busy(True)
        if self.queue is not None:
            self.queue.add(self.saving_what, work, self._done, self._failed)
            return
        workers.run(
            lambda _progress: work(),
            self._done,
            what=self.saving_what,
            owner=self,
            on_failure=self._failed,
        )

    def reject(self) -> None:
        if not self.busy:  # a save under way finishes first: its outcome is shown
            super().reject()

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for box in self.findChildren(QDialogButtonBox):
            box.setEnabled(not busy)

    def _done(self, result: Any) -> None:
        self._set_busy(False)
        if self.saved is not None:
            self.saved(result)
        super().accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, ConflictError):
            if self.refused is not None:
                self.refused(exc)
            explain(self, self.saving_what, exc)
        elif isinstance(exc, UserError):
            QMessageBox.warning(self, self.saving_what, str(exc))
        else:  # a bug: logged, and the dialog keeps what was typed
            show_failure(self, self.saving_what, exc)
