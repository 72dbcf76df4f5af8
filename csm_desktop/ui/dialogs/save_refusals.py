"""When a save is refused, the user's edit stays where they typed it (issue 16).

In team mode someone else may save the same account, milestone, kickoff or value metric
first; the service refuses the second save with a ``ConflictError`` ("… was changed by Maya
Chen at 14:02 — reload to see it."). ``SavesOnOk`` is a dialog whose OK saves at once and,
when the save is refused, stays open with everything typed: the page behind is reloaded
(``refused`` is told), so the user sees the other change and may press OK again to save
theirs over it, or Cancel. ``explain`` is the one wording of such a refusal.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from csm_desktop.errors import ConflictError, UserError
from csm_desktop.ui.dialogs.messages import show_failure

KEPT = (
    "Your edit is kept: the page now shows their change. Press OK to save yours over it, "
    "or Cancel to keep theirs."
)


def explain(parent: QWidget | None, title: str, exc: ConflictError, *, kept: str = KEPT) -> None:
    """Show the refusal: who changed it and when (one line), then what happens to the edit."""
    QMessageBox.warning(parent, title, f"{exc}\n\n{kept}")


class SavesOnOk(QDialog):
    """A dialog whose OK runs ``save`` (when set) and closes only once it succeeded."""

    save: Callable[[], None] | None = None
    refused: Callable[[ConflictError], None] | None = None
    saving_what = "Saving"

    def accept(self) -> None:
        if self.save is not None:
            try:
                self.save()
            except ConflictError as exc:
                if self.refused is not None:
                    self.refused(exc)
                explain(self, self.saving_what, exc)
                return
            except UserError as exc:
                QMessageBox.warning(self, self.saving_what, str(exc))
                return
            except Exception as exc:  # a bug: logged, and the dialog keeps what was typed
                show_failure(self, self.saving_what, exc)
                return
        super().accept()
