"""Which version of a row this window's own saves left, so its next save and its undo
expect the right one (team mode, issue 16).

A page shows each row at the version it read. A second edit made before the page has
reloaded must be saved over the version the window's own first edit left, not the one
still on screen (that would refuse the user's own change): ``seen`` gives the later of
the two.

Undo walks the chain of the window's own edits of one row. An undo (or redo) puts back
the state of some version; each own undo or redo makes a new version holding the same
state as an older one (``wrote(…, restores=…)``). The undo of an edit may be saved over
the window's latest version of the row only when that version holds the state the edit
left: the edits after it were all the window's own and all undone. When someone else's
change sits in the chain (the user reloaded, saw it, and edited on top of it), the undo
expects the version its own edit left, which the row has left behind, and the save is
refused (``store.queries.edits.saving`` is the one check); ``author_between`` names
whoever made that change, for the refusal.

The page's save queue records its jobs' versions from a worker thread while dialogs record
theirs on the UI thread, so every method holds the one lock.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from PySide6.QtCore import QObject
    from PySide6.QtGui import QUndoStack

    from csm_desktop.ui.workers import WorkQueue

_Method = TypeVar("_Method", bound=Callable[..., Any])


def _locked(method: _Method) -> _Method:
    @wraps(method)
    def holding(self: OwnSaves, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)

    return holding  # type: ignore[return-value]


class OwnSaves:
    """The versions this window's own saves left, by row key (e.g. ("milestone", id))."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._head: dict[Hashable, int] = {}
        self._same: dict[tuple[Hashable, int], int] = {}
        self._authors: dict[tuple[Hashable, int], tuple[str | None, dt.datetime | None]] = {}

    @_locked
    def clear(self) -> None:
        """Forget every version (another book is open)."""
        self._head.clear()
        self._same.clear()
        self._authors.clear()

    @_locked
    def head(self, key: Hashable) -> int | None:
        """The version this window's latest own save of the row left (None: none yet)."""
        return self._head.get(key)

    @_locked
    def seen(self, key: Hashable, shown: int | None) -> int | None:
        """The latest version of the row this window knows: shown, or left by its own save."""
        known = self._head.get(key)
        if shown is None or known is None:
            return shown if known is None else known
        return max(shown, known)

    @_locked
    def wrote(self, key: Hashable, left: int | None, *, restores: int | None = None) -> None:
        """An own save left the row at ``left``; an undo or redo puts back the state of
        version ``restores``, so ``left`` stands for it in the chain."""
        if left is None:
            return
        head = self._head.get(key)
        if head is not None and left <= head:  # deleted and made again: a chain of its own
            self._forget(key)
        self._head[key] = left
        if restores is not None and (root := self._resolve(key, restores)) != left:
            self._same[(key, left)] = root

    def _forget(self, key: Hashable) -> None:
        for table in (self._same, self._authors):
            for stale in [k for k in table if k[0] == key]:
                del table[stale]

    @_locked
    def edited_over(
        self, key: Hashable, over: int | None, by: str | None, at: dt.datetime | None
    ) -> None:
        """A new own edit was saved over version ``over``, made by ``by`` at ``at``: when
        that version is not the window's own, someone else's change sits in the chain."""
        if over is not None and over != self._head.get(key):
            self._authors[(key, over)] = (by, at)

    def _resolve(self, key: Hashable, version: int) -> int:
        """The first version holding the same state as ``version``. A link is only ever
        made to a version that had none, so no chain comes back on itself."""
        while (key, version) in self._same:
            version = self._same[(key, version)]
        return version

    @_locked
    def expect(self, key: Hashable, state_at: int | None) -> int | None:
        """The version an undo or redo that starts from the state of version ``state_at``
        is saved over: the window's latest own version when it still holds that state,
        else ``state_at`` itself (the row has moved on from it: the save is refused)."""
        head = self._head.get(key)
        if head is None or state_at is None:
            return state_at
        if self._resolve(key, head) == self._resolve(key, state_at):
            return head
        return state_at

    @_locked
    def author_between(
        self, key: Hashable, state_at: int | None
    ) -> tuple[str | None, dt.datetime | None] | None:
        """Who made the change that stands between version ``state_at`` and the window's
        latest own version, when it was someone else's (None: none known)."""
        head = self._head.get(key)
        if head is None or state_at is None:
            return None
        return self._authors.get((key, self._resolve(key, head)))


class RowMoves:
    """Where the window's own undos and redos moved the rows of one table: an undone
    removal (or a redone addition) stores the row again under a new id, and the steps next
    to it on the stack still name the old one. Each line of moves also keeps its first row,
    which keys its versions in ``OwnSaves``. Read and written only by the page's jobs, which
    run one at a time in order."""

    def __init__(self) -> None:
        self._now: dict[int, int] = {}  # a row the window's own step removed -> its new row
        self._first: dict[int, int] = {}  # a row made by such a step -> the line's first row

    def moved(self, old: int | None, new: int | None) -> None:
        """An own undo or redo put the row ``old`` back as ``new``."""
        if old is None or new is None or old == new:
            return
        self.fresh(new)  # a book file may give a removed row's id to a new row
        self._now[old] = new
        self._first[new] = self._first.get(old, old)

    def fresh(self, row: int) -> None:
        """``row`` was just made by a new edit: no earlier line of moves leads through it."""
        self._now.pop(row, None)
        self._first.pop(row, None)

    def now(self, row: int) -> int:
        """The id the row ``row`` has now."""
        seen = {row}
        while (row := self._now.get(row, row)) not in seen:
            seen.add(row)
        return row

    def first(self, row: int) -> int:
        """The first row of the line ``row`` is on."""
        return self._first.get(row, row)

    def clear(self) -> None:
        self._now.clear()
        self._first.clear()


@dataclass(frozen=True)
class WindowSaves:
    """What every milestone save of one window shares: the versions its own saves left, the
    queue that runs them in the order asked, and Edit → Undo/Redo. Another book forgets
    both the versions and the steps (``forget``): its rows number from 1 again."""

    own: OwnSaves
    queue: WorkQueue
    undo_stack: QUndoStack
    _moves: dict[str, RowMoves] = field(default_factory=dict)

    @classmethod
    def of_its_own(cls, parent: QObject) -> WindowSaves:
        """Saves owned by ``parent`` alone: a page or controller built without a window's."""
        from PySide6.QtGui import QUndoStack

        from csm_desktop.ui.workers import WorkQueue

        return cls(OwnSaves(), WorkQueue(parent), QUndoStack(parent))

    def moves(self, table: str) -> RowMoves:
        """Where this window's own undos and redos moved the rows of ``table``."""
        return self._moves.setdefault(table, RowMoves())

    def forget(self) -> None:
        self.undo_stack.clear()
        self.own.clear()
        for moves in self._moves.values():
            moves.clear()
