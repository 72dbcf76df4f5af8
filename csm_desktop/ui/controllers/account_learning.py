"""Controller of the account page's learning-loop tabs, "After day 90" and "Feedback".

The panels (``ui.views.account_learning``) are layout. ``AccountLearningController`` runs the
services (``services.renewals``, ``services.feedback``) in workers, opens the dialogs, and says
``changed`` after an edit so the page (and its timeline) reloads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QMessageBox

from csm_desktop.domain.feedback import Remark
from csm_desktop.services.opening import Database
from csm_desktop.services.renewals import AdvocacyEntry, RenewalEntry
from csm_desktop.ui import workers
from csm_desktop.ui.dialogs.learning_dialogs import (
    AdvocacyDialog,
    FeedbackDialog,
    RenewalDialog,
    RenewalValues,
)
from csm_desktop.ui.views.account_learning import AfterDay90Panel, FeedbackPanel


@dataclass(frozen=True, slots=True)
class _Loaded:
    renewals: list[RenewalEntry]
    advocacy: list[AdvocacyEntry]
    feedback: list[Remark]


class AccountLearningController(QObject):
    """Loads and edits renewals, advocacy and feedback of the account on show."""

    changed = Signal(int)  # account id whose renewals, advocacy or feedback changed

    def __init__(
        self,
        after_day_90: AfterDay90Panel,
        feedback: FeedbackPanel,
        database: Callable[[], Database],
        today: Callable[[], dt.date],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.after_day_90 = after_day_90
        self.feedback = feedback
        self.database = database
        self.today = today
        after_day_90.load_requested.connect(self.load)
        after_day_90.renewal_add_requested.connect(lambda: self.edit_renewal(None))
        after_day_90.renewal_edit_requested.connect(self.edit_renewal)
        after_day_90.renewal_remove_requested.connect(self.remove_renewal)
        after_day_90.advocacy_add_requested.connect(self.add_advocacy)
        after_day_90.advocacy_remove_requested.connect(self.remove_advocacy)
        feedback.add_requested.connect(self.add_feedback)
        feedback.remove_requested.connect(self.remove_feedback)

    def _account_id(self) -> int | None:
        detail = self.after_day_90.detail
        return detail.id if detail is not None else None

    def load(self, account_id: int) -> None:
        from csm_desktop.services import feedback, renewals

        database = self.database()

        def work(progress: workers.Progress) -> _Loaded:
            return _Loaded(
                renewals.list_renewals(database, account_id),
                renewals.list_advocacy(database, account_id),
                feedback.account_feedback(database, account_id),
            )

        def show(loaded: _Loaded) -> None:
            if self._account_id() == account_id:  # the page still shows that account
                self.after_day_90.show_entries(loaded.renewals, loaded.advocacy)
                self.feedback.show_remarks(loaded.feedback)

        workers.run(work, show, what="Loading renewals and feedback", owner=self)

    def _confirm(self, question: str) -> bool:
        answer = QMessageBox.question(self.after_day_90, "Remove", question)
        return answer == QMessageBox.StandardButton.Yes

    def _apply(self, what: str, work: Callable[[Database], Any]) -> None:
        """Run an edit in a worker; on success the page reloads, a refusal is shown."""
        workers.run_account_edit(
            self._account_id(), self.database(), work, self.changed.emit,
            what=what, owner=self, shown_over=self.after_day_90,
        )  # fmt: skip

    def edit_renewal(self, renewal_id: int | None) -> None:
        from csm_desktop.services.renewals import save_renewal

        detail = self.after_day_90.detail
        if detail is None:
            return
        current = self.after_day_90.renewals_by_id.get(renewal_id) if renewal_id else None
        values = (
            RenewalValues(
                current.renewal_on, current.outcome, current.arr_before, current.arr_after
            )
            if current
            else None
        )
        dialog = RenewalDialog(
            detail.renewal_on or self.today(), detail.arr, self.after_day_90, values=values
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        chosen = dialog.values()
        self._apply(
            "Saving the renewal",
            lambda db: save_renewal(
                db,
                detail.id,
                chosen.renewal_on,
                chosen.outcome,
                chosen.arr_before,
                chosen.arr_after,
                renewal_id=renewal_id,
                opened=current,  # a teammate's change since is refused, not overwritten
            ),
        )

    def remove_renewal(self, renewal_id: int) -> None:
        from csm_desktop.services.renewals import delete_renewal

        if self._confirm("Remove this renewal? The long-term figures will no longer count it."):
            self._apply("Removing the renewal", lambda db: delete_renewal(db, renewal_id))

    def add_advocacy(self) -> None:
        from csm_desktop.services.renewals import add_advocacy

        account_id = self._account_id()
        if account_id is None:
            return
        dialog = AdvocacyDialog(self.today(), self.after_day_90)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        kind, on, note = dialog.values()
        self._apply("Saving the advocacy", lambda db: add_advocacy(db, account_id, kind, on, note))

    def remove_advocacy(self, advocacy_id: int) -> None:
        from csm_desktop.services.renewals import delete_advocacy

        if self._confirm("Remove this advocacy entry?"):
            self._apply("Removing the advocacy", lambda db: delete_advocacy(db, advocacy_id))

    def add_feedback(self) -> None:
        from csm_desktop.services.feedback import add_feedback

        detail = self.feedback.detail
        if detail is None:
            return
        dialog = FeedbackDialog(
            self.today(),
            [(c.id, c.name) for c in detail.contacts],
            [(step.id, step.title) for step in detail.ladder],
            self.feedback,
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        v = dialog.values()
        self._apply(
            "Saving the feedback",
            lambda db: add_feedback(
                db,
                detail.id,
                v.given_on,
                v.text,
                v.sentiment,
                contact_id=v.contact_id,
                milestone_id=v.milestone_id,
                quotable=v.quotable,
            ),
        )

    def remove_feedback(self, feedback_id: int) -> None:
        from csm_desktop.services.feedback import delete_feedback

        if self._confirm("Remove this feedback? What the customer said will be gone for good."):
            self._apply("Removing the feedback", lambda db: delete_feedback(db, feedback_id))
