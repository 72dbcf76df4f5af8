"""Controller of the account page: turns the view's requests into service calls and undo steps.

Status and due-date edits go through a ``QUndoStack`` (Edit → Undo/Redo). Each edit is
committed as it is made; undo writes the previous state back and logs that too. An edit
that the service refuses (a missing reason, a deleted milestone) is shown and never pushed.

Team mode (issue 16): every edit is saved only over the version the page showed, and an
undo only over the version its edit left. When someone else saved first the save is
refused with who and when, the page reloads to show their change, and the account and
kickoff dialogs stay open with what the user typed (``SavesOnOk``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from csm_desktop.domain.text import plural
from csm_desktop.domain.vocabulary import Status
from csm_desktop.errors import ConflictError, UserError
from csm_desktop.services.opening import Database
from csm_desktop.ui.controllers.account_learning import AccountLearningController
from csm_desktop.ui.controllers.account_story import AccountStoryController
from csm_desktop.ui.controllers.account_versions import OwnSaves
from csm_desktop.ui.controllers.value import ValueController
from csm_desktop.ui.dialogs.messages import show_failure
from csm_desktop.ui.views.account_view import AccountView

if TYPE_CHECKING:
    from csm_desktop.services.account_edits import MilestoneState
    from csm_desktop.ui.dialogs.save_refusals import SavesOnOk


class MilestoneEdit(QUndoCommand):
    """One status or due-date edit that was already applied when pushed.

    Undo puts back the state the edit replaced, redo the edit, each only over the version
    ``OwnSaves.expect`` gives: the window's latest own version of the milestone while it
    still holds the state to start from, else the version the step left (the milestone has
    moved on: refused). When someone else changed the milestone in between, their change
    stays, the step is dropped and the refusal says who and when."""

    def __init__(
        self,
        text: str,
        reapply: Callable[[int | None], MilestoneState],
        undo_to: MilestoneState,
        restore: Callable[[MilestoneState], int],
        changed: Callable[[], None],
        own: OwnSaves,
        key: tuple[str, int],
    ) -> None:
        super().__init__(text)
        self._reapply = reapply
        self._before = undo_to
        self._restore = restore
        self._changed = changed
        self._own, self._key = own, key
        self._over = undo_to.was_at  # the state the edit was saved over …
        self._left = undo_to.left_at  # … and the version holding the state it made
        self._applied = True  # the first redo() (from push) must not apply it twice

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        expected = self._own.expect(self._key, self._over)
        try:
            self._before = self._reapply(expected)
            self._own.wrote(self._key, self._before.left_at, restores=self._left)
        except UserError as exc:
            self._refused("Redo", exc, self._over)
        self._changed()

    def undo(self) -> None:
        expected = self._own.expect(self._key, self._left)
        try:
            left = self._restore(replace(self._before, left_at=expected))
            self._own.wrote(self._key, left, restores=self._over)
        except UserError as exc:
            self._refused("Undo", exc, self._left)
        self._changed()

    def _refused(self, title: str, exc: UserError, state_at: int | None) -> None:
        self.setObsolete(True)
        if isinstance(exc, ConflictError):
            from csm_desktop.ui.dialogs.save_refusals import explain

            between = self._own.author_between(self._key, state_at)
            if between is not None:  # name whoever changed it between the window's edits
                exc = ConflictError(exc.what, *between, exc.version)
            explain(None, title, exc, kept=f"{title} was not applied; their change stays.")
        else:
            QMessageBox.warning(None, title, str(exc))


class AccountController(QObject):
    changed = Signal(int)  # the account (id) was edited: reload it and the Book
    achieved = Signal(int, int)  # account id, milestone id just marked achieved

    def __init__(
        self,
        view: AccountView,
        database: Callable[[], Database],
        today: Callable[[], dt.date],
        parent: QObject | None = None,
        undo_stack: QUndoStack | None = None,
    ) -> None:
        super().__init__(parent)
        self.view = view
        self.database = database
        self.today = today
        self.undo_stack = undo_stack or QUndoStack(self)
        # The versions this window's own saves left: a second edit made before the page has
        # reloaded saves over them, and undo follows the chain of its own edits.
        self.own = OwnSaves()
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
        self.story = AccountStoryController(view.risks_asks, database, today, self, self.own)
        self.story.changed.connect(self.changed)
        view.replan_requested.connect(self.story.replan)
        self.value = ValueController(view.value, database, today, self.undo_stack, self)
        self.value.changed.connect(self.changed)

    @property
    def _parent_widget(self) -> QWidget:
        return self.view

    def _seen(self, kind: str, row_id: int, shown: int | None) -> int | None:
        """The latest version of the row this window knows: shown, or left by its own save."""
        return self.own.seen((kind, row_id), shown)

    def _left(self, kind: str, row_id: int, version: int | None) -> None:
        self.own.wrote((kind, row_id), version)

    def _account_id(self) -> int | None:
        return self.view.detail.id if self.view.detail else None

    def _emit_changed(self) -> None:
        account_id = self._account_id()
        if account_id is not None:
            self.changed.emit(account_id)

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
        on, reason = self.today(), ""
        if status is Status.ACHIEVED or status.needs_reason:
            offered = step.criterion_met_on if status is Status.ACHIEVED else None
            dialog = dialogs.StatusDialog(
                step.title, status, self.today(), self._parent_widget, offered=offered
            )
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            on, reason = dialog.chosen_date(), dialog.chosen_reason()
        database = self.database()

        def apply(seen: int | None) -> MilestoneState:
            return account_edits.set_status(
                database, milestone_id, status, on=on, reason=reason, seen=seen
            )

        pushed = self._push(
            f"Mark “{step.title}” {status.value}", apply, milestone_id, step.version
        )
        account_id = self._account_id()
        if pushed and status is Status.ACHIEVED and account_id is not None:
            self.achieved.emit(account_id, milestone_id)

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
        database, due_on = self.database(), dialog.chosen_date()
        self._push(
            f"Move “{step.title}” due date",
            lambda seen: account_edits.set_due_date(
                database, milestone_id, due_on, on=self.today(), seen=seen
            ),
            milestone_id,
            step.version,
        )

    def _push(
        self,
        text: str,
        apply: Callable[[int | None], MilestoneState],
        milestone_id: int,
        seen: int | None,
    ) -> bool:
        """Apply an edit over version ``seen`` and put it on the undo stack; False when the
        service refused it (refused over someone else's change: the page reloads to show it)."""
        from csm_desktop.services import account_edits

        database, own, key = self.database(), self.own, ("milestone", milestone_id)

        def applied(seen: int | None) -> MilestoneState:
            state = apply(seen)
            own.edited_over(key, state.was_at, state.was_by, state.was_changed_at)
            own.wrote(key, state.left_at)
            return state

        def restore(state: MilestoneState) -> int:
            return account_edits.restore_milestone(database, milestone_id, state, on=self.today())

        try:
            before = applied(self._seen("milestone", milestone_id, seen))
        except ConflictError as exc:
            from csm_desktop.ui.dialogs.save_refusals import explain

            explain(self._parent_widget, text, exc, kept="Nothing was changed; their change stays.")
            self._emit_changed()
            return False
        except Exception as exc:
            show_failure(self._parent_widget, text, exc)
            return False
        self.undo_stack.push(
            MilestoneEdit(text, applied, before, restore, self._emit_changed, own, key)
        )
        self._emit_changed()
        return True

    def edit_kickoff(self) -> None:
        # The edit services and their dialogs load on the first edit (they bring the ORM).
        from csm_desktop.services import account_edits
        from csm_desktop.ui.dialogs import account_dialogs as dialogs

        detail = self.view.detail
        if detail is None:
            return
        database = self.database()
        dialog = dialogs.KickoffDialog(
            detail.kickoff,
            detail.kickoff_on,
            account_edits.role_names(database),
            [c.name for c in detail.contacts],
            self._parent_widget,
        )
        self.kickoff_value = self.value.add_to_kickoff(dialog, detail.id)
        seen: list[int | None] = [detail.kickoff_version]
        moved = [0]

        def save() -> None:
            moved[0] = account_edits.save_kickoff(
                database,
                detail.id,
                dialog.fields(self.today()),
                move_open_due_dates=dialog.move_due_dates.isChecked(),
                seen=seen[0],
            )

        self._save_on_ok(dialog, "Saving the kickoff", save, seen)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        if moved[0]:
            self.view.notify(f"Kickoff moved; {moved[0]} open due dates moved with it.")
        self._emit_changed()

    def _save_on_ok(
        self,
        dialog: SavesOnOk,
        what: str,
        save: Callable[[], None],
        seen: list[int | None],
    ) -> None:
        """Make the dialog's OK run ``save``; when it is refused over someone else's change
        the page reloads to show it, the dialog stays open with the user's edit, and OK
        again saves over the version now shown."""

        def refused(exc: ConflictError) -> None:
            if exc.version is not None:
                seen[0] = exc.version
            self._emit_changed()

        dialog.save, dialog.refused, dialog.saving_what = save, refused, what

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
        seen: list[int | None] = [self._seen("account", detail.id, detail.version)]

        def save() -> None:
            left = account_edits.update_account(database, detail.id, dialog.fields(), seen=seen[0])
            self._left("account", detail.id, left)

        self._save_on_ok(dialog, "Saving the account", save, seen)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._emit_changed()

    def apply_playbook(self) -> None:
        # The edit services and their dialogs load on the first edit (they bring the ORM).
        from csm_desktop.services import account_edits
        from csm_desktop.ui.dialogs import account_dialogs as dialogs

        detail = self.view.detail
        if detail is None:
            return
        database = self.database()
        choices = account_edits.playbook_choices(database)
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
        try:
            added = account_edits.apply_playbook_to_account(database, detail.id, playbook_id)
        except Exception as exc:
            show_failure(self._parent_widget, "Applying the playbook", exc)
            return
        self.view.notify(f"{plural(added, 'milestone')} added to the ladder.")
        self._emit_changed()

    def tick_criterion(self, criterion_id: int, met: bool) -> None:
        """Tick a line of the definition of done over the kickoff's version on show."""
        from csm_desktop.services import account_edits

        detail = self.view.detail
        if detail is None:
            return
        database, on = self.database(), self.today() if met else None
        seen = self._seen("kickoff", detail.id, detail.kickoff_version)

        def tick() -> None:
            left = account_edits.tick_done_criterion(database, criterion_id, on, seen=seen)
            self._left("kickoff", detail.id, left)

        self._run("Ticking the criterion", tick)

    def _contact_dialog(self, contact_id: int | None) -> None:
        """Add (``contact_id`` None) or edit a contact over the account's version on show;
        refused over someone else's change, the dialog stays open with what was typed."""
        # The edit services and their dialogs load on the first edit (they bring the ORM).
        from csm_desktop.services import account_edits
        from csm_desktop.ui.dialogs import account_dialogs as dialogs

        detail = self.view.detail
        if detail is None:
            return
        contact = next((c for c in detail.contacts if c.id == contact_id), None)
        if contact_id is not None and contact is None:
            return
        database = self.database()
        dialog = dialogs.ContactDialog(
            account_edits.role_names(database), contact, self._parent_widget
        )
        seen: list[int | None] = [self._seen("account", detail.id, detail.version)]

        def save() -> None:
            if contact_id is None:
                _id, left = account_edits.add_contact(
                    database, detail.id, dialog.fields(), seen=seen[0]
                )
            else:
                left = account_edits.update_contact(
                    database, contact_id, dialog.fields(), seen=seen[0]
                )
            self._left("account", detail.id, left)

        what = "Adding the contact" if contact_id is None else "Saving the contact"
        self._save_on_ok(dialog, what, save, seen)
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
        database = self.database()
        seen = self._seen("account", detail.id, detail.version)

        def remove() -> None:
            left = account_edits.remove_contact(database, contact_id, seen=seen)
            self._left("account", detail.id, left)

        self._run("Removing the contact", remove)

    def _run(self, what: str, action: Callable[[], object]) -> None:
        """Run an edit; refused over someone else's change, the page reloads to show it."""
        try:
            action()
        except ConflictError as exc:
            from csm_desktop.ui.dialogs.save_refusals import explain

            self._emit_changed()
            explain(self._parent_widget, what, exc, kept="Nothing was changed; their change stays.")
            return
        except Exception as exc:
            show_failure(self._parent_widget, what, exc)
            return
        self._emit_changed()
