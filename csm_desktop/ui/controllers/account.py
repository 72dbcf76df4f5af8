"""Controller of the account page: turns the view's requests into service calls and undo steps.

Status and due-date edits go through a ``QUndoStack`` (Edit → Undo/Redo, ``account_undo``).
Each edit is committed as it is made; undo writes the previous state back and logs that
too. An edit that the service refuses (a missing reason, a deleted milestone) is shown and
never pushed.

Every save runs off the UI thread (on a team server it is a round trip over the network):
one at a time, in the order asked, through the page's ``WorkQueue`` (shared with the Value
panel), so an undo queued while its edit is still being saved runs after it. The account,
kickoff and contact dialogs save on OK in a worker and close once saved (``SavesOnOk``).

Team mode (issue 16): every edit is saved only over the version the page showed, and an
undo only over the version its edit left (``OwnSaves``). When someone else saved first the
save is refused with who and when, the page reloads to show their change, and the account,
kickoff and contact dialogs stay open with what the user typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QMessageBox

from csm_desktop.domain.criteria import achieved_evidence
from csm_desktop.domain.text import plural
from csm_desktop.domain.vocabulary import Status
from csm_desktop.services.opening import Database
from csm_desktop.ui.controllers.account_learning import AccountLearningController
from csm_desktop.ui.controllers.account_saving import PageSaves
from csm_desktop.ui.controllers.account_story import AccountStoryController
from csm_desktop.ui.controllers.account_versions import WindowSaves
from csm_desktop.ui.controllers.value import ValueController
from csm_desktop.ui.controllers.value_undo import MetricRows
from csm_desktop.ui.views.account_view import AccountView

if TYPE_CHECKING:
    from csm_desktop.services.account_edits import MilestoneState


class AccountController(PageSaves):
    achieved = Signal(int, int)  # account id, milestone id just marked achieved

    def __init__(
        self,
        view: AccountView,
        database: Callable[[], Database],
        today: Callable[[], dt.date],
        parent: QObject | None = None,
        saves: WindowSaves | None = None,
    ) -> None:
        super().__init__(view, database, today, parent, saves)
        view.status_requested.connect(self.change_status)
        view.due_date_requested.connect(self.move_due_date)
        view.kickoff_requested.connect(self.edit_kickoff)
        view.edit_requested.connect(self.edit_account)
        view.apply_playbook_requested.connect(self.apply_playbook)
        view.contact_add_requested.connect(self.add_contact)
        view.contact_edit_requested.connect(self.edit_contact)
        view.contact_remove_requested.connect(self.remove_contact)
        view.criterion_toggled.connect(self.tick_criterion)
        self.learning = AccountLearningController(
            view.after_day_90, view.feedback, database, today, self
        )
        self.learning.changed.connect(self.changed)
        self.story = AccountStoryController(view.risks_asks, database, today, self, self.saves)
        self.story.changed.connect(self.changed)
        view.replan_requested.connect(self.story.replan)
        self.value = ValueController(
            view.value, database, today, self.undo_stack, self, self.queue, self.own,
            MetricRows(self.saves.moves("value_metric")),
        )  # fmt: skip
        self.value.changed.connect(self.changed)

    def change_status(self, milestone_id: int, status_value: str) -> None:
        # The edit services and their dialogs load on the first edit (they bring the ORM).
        from csm_desktop.services import account_edits
        from csm_desktop.ui.dialogs import account_dialogs as dialogs

        step = self.view.step(milestone_id)
        if step is None:
            return
        status = Status(status_value)
        if status == step.status:
            return
        on, reason, offered = self.today(), "", None
        if status is Status.ACHIEVED or status.needs_reason:
            offered = step.criterion_met_on if status is Status.ACHIEVED else None
            dialog = dialogs.StatusDialog(
                step.title, status, self.today(), self._parent_widget, offered=offered
            )
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            on, reason = dialog.chosen_date(), dialog.chosen_reason()
        database, evidence = self.database(), achieved_evidence(offered, on)

        def apply(seen: int | None) -> MilestoneState:
            return account_edits.set_status(
                database, milestone_id, status, on=on, reason=reason, evidence=evidence, seen=seen
            )

        account_id = self._account_id()

        def pushed() -> None:
            if status is Status.ACHIEVED and account_id is not None:
                self.achieved.emit(account_id, milestone_id)

        self._push(f"Mark “{step.title}” {status.value}", apply, milestone_id, step.version, pushed)

    def move_due_date(self, milestone_id: int) -> None:
        # The edit services and their dialogs load on the first edit (they bring the ORM).
        from csm_desktop.services import account_edits
        from csm_desktop.ui.dialogs import account_dialogs as dialogs

        step = self.view.step(milestone_id)
        if step is None or step.due_on is None:
            return
        dialog = dialogs.DueDateDialog(step.title, step.due_on, self._parent_widget)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.chosen_date() == step.due_on:
            return
        database, due_on, on = self.database(), dialog.chosen_date(), self.today()
        self._push(
            f"Move “{step.title}” due date",
            lambda seen: account_edits.set_due_date(
                database, milestone_id, due_on, on=on, seen=seen
            ),
            milestone_id,
            step.version,
        )

    def _push(
        self,
        text: str,
        apply: Callable[[int | None], MilestoneState],
        milestone_id: int,
        shown: int | None,
        then: Callable[[], None] | None = None,
    ) -> None:
        """Save an edit (off the UI thread) over the version on show, or over the one this
        window's own last save left; once saved it goes on the undo stack and ``then`` runs.
        Refused over someone else's change: the page reloads to show it, nothing is pushed."""
        from csm_desktop.services import account_edits
        from csm_desktop.ui.controllers.account_undo import save_undoable

        database, today = self.database(), self.today()

        def saved() -> None:
            self._emit_changed()
            if then is not None:
                then()

        save_undoable(
            text,
            apply,
            lambda state: account_edits.restore_milestone(database, milestone_id, state, on=today),
            milestone_id,
            shown,
            saves=self.saves,
            changed=self._emit_changed,
            saved=saved,
            failed=self._save_failed(text),
        )

    def edit_kickoff(self) -> None:
        """Read the roles off the UI thread, then open the kickoff dialog."""
        # The edit services and their dialogs load on the first edit (they bring the ORM).
        from csm_desktop.services import account_edits

        if self.view.detail is None:
            return

        database = self.database()
        self._read_then(
            "Reading the roles", lambda: account_edits.role_names(database), self._kickoff_dialog
        )

    def _kickoff_dialog(self, roles: list[str]) -> None:
        from csm_desktop.services import account_edits
        from csm_desktop.ui.dialogs import account_dialogs as dialogs

        detail, database = self.view.detail, self.database()
        if detail is None:
            return
        dialog = dialogs.KickoffDialog(
            detail.kickoff,
            detail.kickoff_on,
            roles,
            [c.name for c in detail.contacts],
            self._parent_widget,
        )
        self.kickoff_value = self.value.add_to_kickoff(dialog, detail.id)
        key = ("kickoff", detail.id)
        moved = [0]
        opened = dialog.fields(self.today())  # a retry writes only the parts changed from these

        def read() -> Callable[[int | None], account_edits.KickoffSaved]:
            fields, on = dialog.fields(self.today()), dialog.move_due_dates.isChecked()

            def save(seen: int | None) -> account_edits.KickoffSaved:  # in the page's queue
                result = account_edits.save_kickoff(
                    database, detail.id, fields, move_open_due_dates=on, seen=seen, opened=opened
                )
                # A new date moved the account's K and due dates: their versions are this
                # window's own (the kickoff's is recorded by _save_on_ok).
                self._left("account", detail.id, result.account_version)
                for milestone_id, version in result.milestones:
                    self._left("milestone", milestone_id, version)
                return result

            return save

        def saved(result: account_edits.KickoffSaved) -> None:
            moved[0] = result.moved

        self._save_on_ok(dialog, "Saving the kickoff", read, key, detail.kickoff_version, saved)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        if moved[0]:
            self.view.notify(f"Kickoff moved; {moved[0]} open due dates moved with it.")
        self._emit_changed()

    def edit_account(self) -> None:
        # The edit services and their dialogs load on the first edit (they bring the ORM).
        from csm_desktop.services import account_edits
        from csm_desktop.ui.dialogs import account_dialogs as dialogs

        detail = self.view.detail
        if detail is None:
            return
        database = self.database()
        current = account_edits.AccountFields(
            name=detail.name,
            external_id=detail.external_id,
            segment=detail.segment,
            industry=detail.industry,
            seats=detail.seats,
            arr=detail.arr,
            owner=detail.owner,
            signed_on=detail.signed_on,
            kickoff_on=detail.kickoff_on,
            renewal_on=detail.renewal_on,
        )
        owners = [detail.owner] if detail.owner else []
        dialog = dialogs.NewAccountDialog(
            [], owners, self.today(), self._parent_widget, existing=current
        )
        # What the dialog gives back before any typing: a field the user leaves alone
        # compares equal to it (the dialog shows no "no signed-on date", ARR in whole units).
        opened = dialog.fields()

        def read() -> Callable[[int | None], int]:
            fields = dialog.fields()
            return lambda seen: account_edits.update_account(
                database, detail.id, fields, seen=seen, opened=opened
            )

        key = ("account", detail.id)
        self._save_on_ok(dialog, "Saving the account", read, key, detail.version)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._emit_changed()

    def apply_playbook(self) -> None:
        """Read the playbooks off the UI thread, then offer them."""
        # The edit services and their dialogs load on the first edit (they bring the ORM).
        from csm_desktop.services import account_edits

        if self.view.detail is None:
            return
        database = self.database()
        self._read_then(
            "Reading the playbooks",
            lambda: account_edits.playbook_choices(database),
            self._apply_playbook_dialog,
        )

    def _apply_playbook_dialog(self, choices: list[tuple[int, str]]) -> None:
        from csm_desktop.services import account_edits
        from csm_desktop.ui.dialogs import account_dialogs as dialogs

        detail, database = self.view.detail, self.database()
        if detail is None:
            return
        if not choices:
            QMessageBox.information(
                self._parent_widget,
                "Apply playbook",
                "There is no playbook yet: create one "
                "in the playbook editor (View → Playbooks) first.",
            )
            return
        dialog = dialogs.ApplyPlaybookDialog(choices, bool(detail.ladder), self._parent_widget)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        playbook_id = dialog.playbook_id()
        if playbook_id is None:
            return

        def added(count: int) -> None:
            self.view.notify(f"{plural(count, 'milestone')} added to the ladder.")
            self._emit_changed()

        self._queue(
            "Applying the playbook",
            lambda: account_edits.apply_playbook_to_account(database, detail.id, playbook_id),
            added,
        )

    def tick_criterion(self, criterion_id: int, met: bool) -> None:
        """Tick a line of the definition of done over the kickoff's version on show."""
        from csm_desktop.services import account_edits

        detail = self.view.detail
        if detail is None:
            return
        database, on = self.database(), self.today() if met else None
        key = ("kickoff", detail.id)

        def tick() -> int:
            seen = self.own.seen(key, detail.kickoff_version)
            left = account_edits.tick_done_criterion(database, criterion_id, on, seen=seen)
            self.own.wrote(key, left)
            return left

        self._queue("Ticking the criterion", tick)

    def _contact_dialog(self, contact_id: int | None) -> None:
        """Add (``contact_id`` None) or edit a contact over the account's version on show;
        refused over someone else's change, the dialog stays open with what was typed. The
        roles are read off the UI thread first."""
        # The edit services and their dialogs load on the first edit (they bring the ORM).
        from csm_desktop.services import account_edits

        if self.view.detail is None:
            return
        database = self.database()
        self._read_then(
            "Reading the roles",
            lambda: account_edits.role_names(database),
            lambda roles: self._open_contact_dialog(contact_id, roles),
        )

    def _open_contact_dialog(self, contact_id: int | None, roles: list[str]) -> None:
        from csm_desktop.services import account_edits
        from csm_desktop.ui.dialogs import account_dialogs as dialogs

        detail, database = self.view.detail, self.database()
        if detail is None:
            return
        contact = next((c for c in detail.contacts if c.id == contact_id), None)
        if contact_id is not None and contact is None:
            return
        dialog = dialogs.ContactDialog(roles, contact, self._parent_widget)
        opened = dialog.fields()  # a retry writes only what the user changed from these

        def read() -> Callable[[int | None], int]:
            fields = dialog.fields()
            if contact_id is None:
                return lambda seen: (
                    account_edits.add_contact(database, detail.id, fields, seen=seen).version
                )
            return lambda seen: account_edits.update_contact(
                database, contact_id, fields, seen=seen, opened=opened
            )

        what = "Adding the contact" if contact_id is None else "Saving the contact"
        self._save_on_ok(dialog, what, read, ("account", detail.id), detail.version)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._emit_changed()

    def add_contact(self) -> None:
        self._contact_dialog(None)

    def edit_contact(self, contact_id: int) -> None:
        self._contact_dialog(contact_id)

    def remove_contact(self, contact_id: int) -> None:
        from csm_desktop.services import account_edits

        detail = self.view.detail
        contact = next((c for c in detail.contacts if c.id == contact_id), None) if detail else None
        if detail is None or contact is None:
            return
        answer = QMessageBox.question(
            self._parent_widget,
            "Remove contact",
            f"Remove {contact.name} from this account? Touchpoints logged with them are kept.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        database, key = self.database(), ("account", detail.id)

        def remove() -> int | None:
            seen = self.own.seen(key, detail.version)
            left = account_edits.remove_contact(database, contact_id, seen=seen)
            self.own.wrote(key, left)
            return left

        self._queue("Removing the contact", remove)
