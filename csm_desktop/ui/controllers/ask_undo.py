"""Edit → Undo and Redo of adding, resolving and removing a risk or ask.

An ask has no version of its own: each edit moves its account's, so the steps follow the
chain of this window's own versions of the account (``OwnSaves``, key ("account", id)),
like a milestone edit's follow the milestone's. A removal undone, or an addition redone,
stores the ask again under a new id: ``RowMoves`` says which id each step's ask has now.
Refused over someone else's change of the account in between, the step is dropped, their
change stays and the refusal says who and when.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from csm_desktop.services.account_story import AskEntry, put_ask
from csm_desktop.services.opening import Database
from csm_desktop.ui.controllers.account_undo import show_step_failure
from csm_desktop.ui.controllers.account_versions import WindowSaves


class AskEdit(QUndoCommand):
    """One edit of an ask, already saved when pushed: ``before`` → ``after`` (None: no ask),
    saved over the account's version ``over``, leaving ``left``."""

    def __init__(
        self,
        text: str,
        account_id: int,
        ask_id: int,
        before: AskEntry | None,
        after: AskEntry | None,
        versions: tuple[int | None, int | None],
        database: Callable[[], Database],
        saves: WindowSaves,
        changed: Callable[[], None],
    ) -> None:
        super().__init__(text)
        self._account_id, self._ask = account_id, ask_id
        self._before, self._after = before, after
        self._over, self._left = versions
        self._database = database
        self._saves = saves
        self._ids = saves.moves("account_ask")
        self._changed = changed
        self._applied = True  # push() calls redo(): the edit is already in the book

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self._put("Redo", self._before, self._after, self._over, self._left)

    def undo(self) -> None:
        self._put("Undo", self._after, self._before, self._left, self._over)

    def _put(
        self,
        title: str,
        now: AskEntry | None,
        wanted: AskEntry | None,
        state_at: int | None,
        restores: int | None,
    ) -> None:
        """Make the ask go from ``now`` to ``wanted`` over the window's version of the account
        that holds the state of version ``state_at``; the version left stands for
        ``restores``."""
        own, ids, key = self._saves.own, self._ids, ("account", self._account_id)
        database, account_id = self._database(), self._account_id

        def work() -> None:
            stored = ids.now(self._ask) if now is not None else None
            seen = own.expect(key, state_at)
            ask_id, left = put_ask(database, account_id, stored, wanted, seen=seen)
            if stored is None:
                ids.moved(ids.now(self._ask), ask_id)
            own.wrote(key, left, restores=restores)

        def failed(exc: BaseException) -> None:
            self.setObsolete(True)  # dropped from the stack the next time it is touched
            show_step_failure(title, exc, own, key, state_at)
            self._changed()

        self._saves.queue.add(title, work, lambda _none: self._changed(), failed)
