"""Edit → Undo of the account page's status and due-date edits (issue 16, team mode).

A ``MilestoneEdit`` is pushed once its save succeeded. Its undo puts back the state the edit
replaced, its redo the edit; both run off the UI thread through the page's ``WorkQueue``,
behind any save still running, so they reach the book in the order the CSM asked.

Each is saved only over the version ``OwnSaves.expect`` gives: the window's latest own
version of the milestone while it still holds the state to start from, else the version the
step left (the milestone has moved on: refused by ``store.queries.edits.saving``). When
someone else changed the milestone in between, their change stays, the step is dropped and
the refusal names them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QMessageBox

from csm_desktop.errors import ConflictError, UserError
from csm_desktop.ui.controllers.account_versions import OwnSaves, WindowSaves
from csm_desktop.ui.dialogs.messages import show_failure
from csm_desktop.ui.workers import WorkQueue

if TYPE_CHECKING:
    from csm_desktop.services.account_edits import MilestoneState


def save_undoable(
    text: str,
    apply: Callable[[int | None], MilestoneState],
    restore: Callable[[MilestoneState], int],
    milestone_id: int,
    shown: int | None,
    *,
    saves: WindowSaves,
    changed: Callable[[], None],
    saved: Callable[[], None],
    failed: Callable[[BaseException], None],
) -> None:
    """Save a milestone edit off the UI thread, behind the window's other saves, over the
    version on show or the one this window's own last save left; once saved it goes on
    Edit → Undo and ``saved`` runs. The account page and Today both save this way, so an
    undo follows the chain of every own edit of the milestone, whichever page made it.
    ``changed`` runs after each undo or redo."""
    own, key = saves.own, ("milestone", milestone_id)

    def pushed(before: MilestoneState) -> None:
        saves.undo_stack.push(undo_step(text, apply, before, restore, milestone_id, saves, changed))
        saved()

    def work() -> MilestoneState:
        return own_save(own, key, apply(own.seen(key, shown)))

    saves.queue.add(text, work, pushed, failed)


def undo_step(
    text: str,
    apply: Callable[[int | None], MilestoneState],
    before: MilestoneState,
    restore: Callable[[MilestoneState], int],
    milestone_id: int,
    saves: WindowSaves,
    changed: Callable[[], None],
) -> MilestoneEdit:
    """Edit → Undo's step for a milestone edit already saved over ``before``: undo
    ``restore``s it, redo ``apply``s the edit again, each recorded as this window's own."""
    key = ("milestone", milestone_id)
    return MilestoneEdit(
        text,
        lambda seen: own_save(saves.own, key, apply(seen)),
        before,
        restore,
        changed,
        saves.queue,
        saves.own,
        key,
    )


def own_save(own: OwnSaves, key: tuple[str, int], state: MilestoneState) -> MilestoneState:
    """Record that this window's save replaced ``state`` (who saved it and when, for a
    refusal of its undo) and left the row at ``state.left_at``; returns ``state``."""
    own.edited_over(key, state.was_at, state.was_by, state.was_changed_at)
    own.wrote(key, state.left_at)
    return state


class MilestoneEdit(QUndoCommand):
    """One status or due-date edit that was already applied when pushed."""

    def __init__(
        self,
        text: str,
        reapply: Callable[[int | None], MilestoneState],
        undo_to: MilestoneState,
        restore: Callable[[MilestoneState], int],
        changed: Callable[[], None],
        queue: WorkQueue,
        own: OwnSaves,
        key: tuple[str, int],
    ) -> None:
        super().__init__(text)
        self._reapply = reapply
        self._before = undo_to
        self._restore = restore
        self._changed = changed
        self._queue = queue
        self._own, self._key = own, key
        self._over = undo_to.was_at  # the state the edit was saved over …
        self._left = undo_to.left_at  # … and the version holding the state it made
        self._applied = True  # the first redo() (from push) must not apply it twice

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return

        def work() -> MilestoneState:
            state = self._reapply(self._own.expect(self._key, self._over))
            self._own.wrote(self._key, state.left_at, restores=self._left)
            return state

        def redone(state: MilestoneState) -> None:
            self._before = state
            self._changed()

        self._run("Redo", work, redone, self._over)

    def undo(self) -> None:
        def work() -> int:
            expected = self._own.expect(self._key, self._left)
            left = self._restore(replace(self._before, left_at=expected))
            self._own.wrote(self._key, left, restores=self._over)
            return left

        self._run("Undo", work, lambda _left: self._changed(), self._left)

    def _run(
        self,
        title: str,
        work: Callable[[], Any],
        done: Callable[[Any], None],
        state_at: int | None,
    ) -> None:
        def failed(exc: BaseException) -> None:
            self.setObsolete(True)  # dropped from the stack the next time it is touched
            show_step_failure(title, exc, self._own, self._key, state_at)
            self._changed()

        self._queue.add(title, work, done, failed)


def show_step_failure(
    title: str, exc: BaseException, own: OwnSaves, key: Any, state_at: int | None
) -> None:
    """Say why an undo or redo (``title``) was not applied: a refusal names whoever changed
    the row after one's own edit (even between two of one's own edits), a user error is
    one line, anything else is a bug report. The account page's steps and the Value
    panel's share it."""
    if isinstance(exc, ConflictError):
        from csm_desktop.ui.dialogs.save_refusals import explain

        between = own.author_between(key, state_at) if key else None
        if between is not None:  # name whoever changed it between own edits
            exc = ConflictError(exc.what, *between, exc.version)
        explain(None, title, exc, kept=f"{title} was not applied; their change stays.")
    elif isinstance(exc, UserError):
        QMessageBox.warning(None, title, str(exc))
    else:
        show_failure(None, title, exc)
