"""Controller of the account page's "Risks & asks" tab and its Re-plan action.

The panel (``ui.views.account_story.RisksAsksPanel``) is layout. ``AccountStoryController``
loads it and runs the edits and the re-plan of past-due milestones in workers
(``services.account_story``), then says ``changed`` so the page and its timeline reload.

Team mode (issue 16): a risk or ask is saved over the account's version the page showed
(or the one this window's own last save left, ``OwnSaves``), a re-plan over the version
of each milestone the re-plan dialog read. Refused over someone else's change, the page
reloads to show it and the refusal says who and when; nothing is changed. Every edit goes on
Edit → Undo: a re-plan as one step, an ask's addition, resolve or removal as its own
(``ui.controllers.ask_undo``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from textwrap import shorten
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QMessageBox

from csm_desktop.domain.text import plural
from csm_desktop.errors import ConflictError
from csm_desktop.services.account_edits import MilestoneState
from csm_desktop.services.account_story import AskEntry, BlockedReason, ReplanCandidate
from csm_desktop.services.accounts import AccountDetail
from csm_desktop.services.opening import Database
from csm_desktop.ui import workers
from csm_desktop.ui.controllers.account_versions import WindowSaves
from csm_desktop.ui.dialogs.story_dialogs import AskDialog, ReplanDialog
from csm_desktop.ui.views.account_story import RisksAsksPanel

_Saved = tuple[AskEntry | None, int | None, int | None]
"""An ask's edit saved: the ask as stored before it, the version it was saved over, and the
version it left."""


class AccountStoryController(QObject):
    """Loads and edits the risks and asks of the account on show; re-plans its milestones."""

    changed = Signal(int)  # account id whose asks or plan dates changed

    def __init__(
        self,
        panel: RisksAsksPanel,
        database: Callable[[], Database],
        today: Callable[[], dt.date],
        parent: QObject | None = None,
        saves: WindowSaves | None = None,
    ) -> None:
        super().__init__(parent)
        # The window's queue: an edit of the asks runs after the page's earlier saves, and
        # each expects the version the one before it left; a re-plan goes on Edit → Undo.
        self.saves = saves or WindowSaves.of_its_own(self)
        self.own, self.queue = self.saves.own, self.saves.queue
        self.panel = panel
        self.database = database
        self.today = today
        panel.load_requested.connect(self.load)
        panel.add_requested.connect(self.add_ask)
        panel.resolve_requested.connect(self.toggle_resolved)
        panel.remove_requested.connect(self.remove_ask)

    def _account_id(self) -> int | None:
        return self.panel.detail.id if self.panel.detail is not None else None

    def load(self, account_id: int) -> None:
        from csm_desktop.services.account_story import list_asks

        database = self.database()

        def show(entries: list[AskEntry]) -> None:
            if self._account_id() == account_id:
                self.panel.show_entries(entries)

        workers.run(lambda progress: list_asks(database, account_id), show,
                    what="Loading risks and asks", owner=self)  # fmt: skip

    def _apply(
        self,
        verb: str,
        ask_id: int,
        after: Callable[[AskEntry], AskEntry | None],
        work: Callable[[Database, int | None], int | None],
    ) -> None:
        """Run an edit of the ask over the account's version in a worker (``work(database,
        seen)`` returns the version it left); once saved it goes on Edit → Undo as ``verb``,
        from the ask as stored to ``after`` of it (None: removed), and the page reloads; a
        refusal over someone else's change reloads it too and says who and when."""
        from csm_desktop.services.account_story import list_asks

        detail = self.panel.detail
        if detail is None:
            return
        key = ("account", detail.id)

        def save(db: Database) -> _Saved:
            over = self.own.seen(key, detail.version)
            # As stored (the page may not show an edit queued before this one yet); a
            # change made after this read moves the version, and the save is refused.
            before = next((a for a in list_asks(db, detail.id) if a.id == ask_id), None)
            left = work(db, over)
            self.own.wrote(key, left)
            return before, over, left

        def saved(done: _Saved) -> None:
            before, over, left = done
            if before is not None and left is not None:  # else: it was gone already
                self._undoable(verb, detail.id, ask_id, before, after(before), (over, left))

        self._run("Saving the ask" if verb != "Remove" else "Removing the ask", save, saved)

    def _undoable(
        self,
        verb: str,
        account_id: int,
        ask_id: int,
        before: AskEntry | None,
        after: AskEntry | None,
        versions: tuple[int | None, int | None],
    ) -> None:
        from csm_desktop.ui.controllers.ask_undo import AskEdit

        shown = after or before
        assert shown is not None
        text = f"{verb} {shown.kind} “{shorten(shown.text, 40, placeholder='…')}”"
        if before is None:  # a new ask: no line of moves leads through its id
            self.saves.moves("account_ask").fresh(ask_id)
        self.saves.undo_stack.push(
            AskEdit(
                text,
                account_id,
                ask_id,
                before,
                after,
                versions,
                self.database,
                self.saves,
                lambda: self.changed.emit(account_id),
            )
        )

    def _run(
        self,
        what: str,
        work: Callable[[Database], Any],
        then: Callable[[Any], None] | None = None,
    ) -> None:
        """Run ``work`` in the page's queue; then ``then`` has its result and the page
        reloads (also when refused over someone else's change, which is then explained)."""
        account_id = self._account_id()
        if account_id is None:
            return
        database = self.database()

        def saved(result: Any) -> None:
            if then is not None:
                then(result)
            self.changed.emit(account_id)

        from csm_desktop.ui.dialogs.save_refusals import save_failed

        failed = save_failed(self.panel, what, lambda: self.changed.emit(account_id))
        self.queue.add(what, lambda: work(database), saved, failed)

    def add_ask(self) -> None:
        """Read the blocked reasons off the UI thread, then ask for the new ask."""
        from csm_desktop.services.account_story import blocked_reasons

        detail = self.panel.detail
        if detail is None:
            return
        database = self.database()
        workers.run(
            lambda progress: blocked_reasons(database, detail.id),
            lambda reasons: self._ask_dialog(detail, reasons),
            what="Reading blocked milestones",
            owner=self,
        )

    def _ask_dialog(self, detail: AccountDetail, reasons: list[BlockedReason]) -> None:
        from csm_desktop.services.account_story import add_ask

        if self._account_id() != detail.id:
            return
        blocked = [(b.milestone_id, b.title, b.reason) for b in reasons]
        dialog = AskDialog(self.today(), blocked, [c.name for c in detail.contacts], self.panel)
        database, key = self.database(), ("account", detail.id)
        seen: list[int | None] = [detail.version]

        def read() -> Callable[[], None]:  # on OK: what was typed, saved in the page's queue
            kind, text, owner, due_on, milestone_id = dialog.values()
            today = self.today()

            def save() -> None:  # over the version known once the page's earlier saves ran
                over = self.own.seen(key, seen[0])
                ask_id, left = add_ask(database, detail.id, kind, text, owner=owner,
                                       due_on=due_on, milestone_id=milestone_id,
                                       created_on=today, seen=over)  # fmt: skip
                self.own.wrote(key, left)
                entry = AskEntry(ask_id, kind, text.strip(), owner.strip(), due_on, milestone_id,
                                 "", today, None)  # fmt: skip
                added.append((entry, over, left))

            return save

        added: list[tuple[AskEntry, int | None, int]] = []

        def saved(_none: None) -> None:
            entry, over, left = added[-1]
            self._undoable("Add", detail.id, entry.id, None, entry, (over, left))

        def refused(exc: ConflictError) -> None:  # the page shows theirs; OK again saves
            if exc.version is not None:
                seen[0] = exc.version
            self.changed.emit(detail.id)

        dialog.save, dialog.saved, dialog.refused = read, saved, refused
        dialog.saving_what = "Saving the ask"
        dialog.queue = self.queue
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.changed.emit(detail.id)

    def toggle_resolved(self, ask_id: int) -> None:
        from csm_desktop.services.account_story import resolve_ask

        entry = self.panel.entries.get(ask_id)
        if entry is None:
            return
        on = None if entry.resolved_on is not None else self.today()
        self._apply("Resolve" if on else "Reopen", ask_id, lambda ask: replace(ask, resolved_on=on),
                    lambda db, seen: resolve_ask(db, ask_id, on, seen=seen))  # fmt: skip

    def remove_ask(self, ask_id: int) -> None:
        from csm_desktop.services.account_story import delete_ask

        if ask_id in self.panel.entries:
            self._apply("Remove", ask_id, lambda _ask: None,
                        lambda db, seen: delete_ask(db, ask_id, seen=seen))  # fmt: skip

    def replan(self) -> None:
        """Offer the past-due open milestones and move the chosen ones to a new date."""
        from csm_desktop.services.account_story import replan_candidates

        account_id = self._account_id()
        if account_id is None:
            return
        database, today = self.database(), self.today()
        workers.run(
            lambda progress: replan_candidates(database, account_id, today),
            lambda candidates: self._replan_dialog(account_id, today, candidates),
            what="Reading past-due milestones",
            owner=self,
        )

    def _replan_dialog(
        self, account_id: int, today: dt.date, candidates: list[ReplanCandidate]
    ) -> None:
        from csm_desktop.services.account_story import replan_milestones

        if self._account_id() != account_id:
            return
        parent = self.panel.window()
        if not candidates:
            QMessageBox.information(
                parent, "Re-plan", "No open milestone of this account is past its date."
            )
            return
        dialog = ReplanDialog([(c.id, c.title, c.planned_on) for c in candidates], today, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        chosen, new_date = dialog.chosen(), dialog.new_date()
        # Each milestone only over the version the dialog read (or this window's own later).
        seen = {
            c.id: version
            for c in candidates
            if (version := self.own.seen(("milestone", c.id), c.version)) is not None
        }

        from csm_desktop.ui.controllers.account_undo import own_save

        def replan(db: Database) -> dict[int, MilestoneState]:
            replaced = replan_milestones(db, chosen, new_date, today=today, seen=seen)
            for milestone_id, state in replaced.items():  # the next save of one expects it
                own_save(self.own, ("milestone", milestone_id), state)
            return replaced

        titles = {c.id: c.title for c in candidates}
        self._run(
            "Re-planning milestones",
            replan,
            lambda replaced: self._undoable_replan(account_id, replaced, titles, new_date, today),
        )

    def _undoable_replan(
        self,
        account_id: int,
        replaced: dict[int, MilestoneState],
        titles: dict[int, str],
        new_date: dt.date,
        today: dt.date,
    ) -> None:
        """Put a re-plan, already saved, on Edit → Undo as one step: undo puts each
        milestone's plan date back, redo re-plans it, each over the version its last step
        left (``MilestoneEdit``), so a teammate's change in between is refused naming them."""
        from csm_desktop.services.account_edits import restore_milestone
        from csm_desktop.services.account_story import replan_milestones
        from csm_desktop.ui.controllers.account_undo import undo_step

        database, saves = self.database(), self.saves
        stack = saves.undo_stack
        stack.beginMacro(f"Re-plan {plural(len(replaced), 'milestone')} to {new_date.isoformat()}")
        for milestone_id, before in replaced.items():

            def again(seen: int | None, milestone_id: int = milestone_id) -> MilestoneState:
                over = None if seen is None else {milestone_id: seen}
                moved = replan_milestones(
                    database, [milestone_id], new_date, today=today, seen=over
                )
                return moved[milestone_id]

            def restore(state: MilestoneState, milestone_id: int = milestone_id) -> int:
                return restore_milestone(database, milestone_id, state, on=today)

            text = f"Re-plan “{titles.get(milestone_id, '')}”"
            stack.push(
                undo_step(
                    text,
                    again,
                    before,
                    restore,
                    milestone_id,
                    saves,
                    lambda: self.changed.emit(account_id),
                )
            )
        stack.endMacro()
