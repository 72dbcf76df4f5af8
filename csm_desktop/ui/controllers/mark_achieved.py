"""Marking one milestone achieved from a list (Today, the Book's row menu): the date asked
(the day its usage criterion was met, when it was), the evidence that day gives
(``domain.criteria.achieved_evidence``), the save over the version the list read, and
Edit → Undo, as on the account page (``account_undo.save_undoable``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QWidget

from csm_desktop.services.opening import Database
from csm_desktop.ui.controllers.account_versions import WindowSaves


def confirm_achieved(
    parent: QWidget,
    database: Database,
    today: dt.date,
    saves: WindowSaves,
    milestone_id: int,
    milestone: str,
    offered: dt.date | None,
    seen: int | None,
    *,
    saved: Callable[[dt.date], None],
    reread: Callable[[], None],
    account: str | None = None,
) -> None:
    """Ask for the day ``milestone`` was achieved (``offered`` proposed) and mark it so over
    version ``seen``; ``saved(day)`` runs once stored. ``reread`` shows the book again after
    an undo or redo, and after a refusal: when someone else changed the milestone since the
    list was read, nothing is changed and the refusal says who and when. ``account`` names
    the account in the dialog where the list does not show it beside the dialog."""
    from csm_desktop.domain.criteria import achieved_evidence
    from csm_desktop.domain.vocabulary import Status
    from csm_desktop.services.account_edits import restore_milestone, set_status
    from csm_desktop.ui.controllers.account_undo import save_undoable
    from csm_desktop.ui.dialogs.account_dialogs import StatusDialog
    from csm_desktop.ui.dialogs.save_refusals import save_failed

    dialog = StatusDialog(
        milestone, Status.ACHIEVED, today, parent, offered=offered, account=account
    )
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return
    on = dialog.chosen_date()
    evidence = achieved_evidence(offered, on)
    what = f"Mark “{milestone}” achieved"

    save_undoable(
        what,
        lambda over: set_status(
            database, milestone_id, Status.ACHIEVED, on=on, evidence=evidence, seen=over
        ),
        lambda state: restore_milestone(database, milestone_id, state, on=today),
        milestone_id,
        seen,
        saves=saves,
        changed=reread,
        saved=lambda: saved(on),
        failed=save_failed(parent, what, reread),
    )
