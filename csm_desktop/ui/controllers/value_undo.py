"""Edit → Undo and Redo of the Value panel's edits, and the rows they are about.

A value metric's versions count the saves of one stored row (issue 16). The panel's edits
and their undos name the row they were made on, so that a teammate's metric made anew under
the same name is never taken for it (``services.value_metrics`` refuses). The window's own
undone delete or redone add puts a metric back on a new row, though, and the edits next to
it on the stack still name the old one: ``MetricRows`` says which row each is on now, and
keys the chain of the window's own versions (``OwnSaves``) by the first row of the line, as
the chain goes on across the window's own deletes and re-creations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtGui import QUndoCommand

from csm_desktop.services.opening import Database
from csm_desktop.services.value_metrics import (
    MetricChange,
    MetricLeft,
    MetricSnapshot,
    reapply,
    revert,
)
from csm_desktop.ui.controllers.account_undo import show_step_failure
from csm_desktop.ui.controllers.account_versions import OwnSaves, RowMoves
from csm_desktop.ui.workers import WorkQueue


class MetricRows:
    """``RowMoves`` of the value metrics, read off their snapshots (a metric's row ids never
    come back: ``store.queries.value_rows``)."""

    def __init__(self, moves: RowMoves | None = None) -> None:
        self._moves = moves or RowMoves()

    def moved(self, old: int | None, new: int | None) -> None:
        """An own undo or redo put the metric of row ``old`` back on row ``new``."""
        self._moves.moved(old, new)

    def now(self, metric: MetricSnapshot | None) -> MetricSnapshot | None:
        """``metric`` on the row it is on now."""
        if metric is None or metric.id is None:
            return metric
        return replace(metric, id=self._moves.now(metric.id))

    def key(self, metric: MetricSnapshot | None) -> tuple[str, int] | None:
        """The metric's key in ``OwnSaves`` (None: no metric, or not stored)."""
        if metric is None or metric.id is None:
            return None
        return "metric", self._moves.first(metric.id)

    def current(self, change: MetricChange) -> MetricChange:
        """``change`` with its metrics on the rows they are on now."""
        return replace(change, before=self.now(change.before), after=self.now(change.after))


def wrote_change(own: OwnSaves, rows: MetricRows, change: MetricChange) -> None:
    """A new edit of the panel was saved: record the version it left (and who made the one
    it was saved over, should that not be the window's own)."""
    before, key = change.before, rows.key(change.after)
    if before is not None and (over := rows.key(before)) is not None:
        own.edited_over(over, before.version, before.changed_by, before.changed_at)
    if key is not None:
        own.wrote(key, change.left_at)


class MetricEdit(QUndoCommand):
    """One value-metric edit, already applied when pushed; undo and redo are logged.

    Undo and redo are queued behind any save still running and report when done. Each
    follows the chain of this window's own edits of the metric (``OwnSaves.expect``): it
    expects the window's latest own version while that holds the state to start from, else
    the version the step itself left (refused: someone else changed it between). The rows
    are looked up when the step runs (``MetricRows``), after the steps queued before it."""

    def __init__(
        self,
        change: MetricChange,
        database: Callable[[], Database],
        today: Callable[[], dt.date],
        changed: Callable[[], None],
        queue: WorkQueue,
        own: OwnSaves,
        rows: MetricRows,
    ) -> None:
        super().__init__(change.text)
        self.change = change
        self._database = database
        self._today = today
        self._changed = changed
        self._queue = queue
        self._own = own
        self._rows = rows
        self._undone_at: int | None = None  # the metric's version the undo left
        self._applied = True  # push() calls redo(): the edit is already in the book

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        database, on, own, rows = self._database(), self._today(), self._own, self._rows
        change = self.change
        before_key, after_key = rows.key(change.before), rows.key(change.after)
        over = change.before.version if change.before is not None else None

        def work() -> MetricChange:
            seen = self._undone_at
            if before_key is not None:
                seen = own.expect(before_key, over)
            now = rows.current(change)
            redone = reapply(database, now, on=on, seen=seen)
            if now.after is not None and redone.after is not None:
                rows.moved(now.after.id, redone.after.id)
            if after_key is not None:
                own.wrote(after_key, redone.left_at, restores=change.left_at)
            return redone

        def redone(result: MetricChange) -> None:
            self.change = replace(change, left_at=result.left_at)
            self._changed()

        self._run("Redo", work, redone, before_key, over)

    def undo(self) -> None:
        database, on, own, rows = self._database(), self._today(), self._own, self._rows
        change = self.change
        before_key, after_key = rows.key(change.before), rows.key(change.after)
        over = change.before.version if change.before is not None else None

        def work() -> MetricLeft:
            expected = change.left_at
            if after_key is not None:
                expected = own.expect(after_key, change.left_at)
            now = rows.current(change)
            left = revert(database, replace(now, left_at=expected), on=on)
            if now.before is not None:
                rows.moved(now.before.id, left.id)
            if before_key is not None:
                own.wrote(before_key, left.version, restores=over)
            return left

        def undone(left: MetricLeft) -> None:
            self._undone_at = left.version
            self._changed()

        self._run("Undo", work, undone, after_key, change.left_at)

    def _run(
        self,
        title: str,
        action: Callable[[], Any],
        done: Callable[[Any], None],
        key: tuple[str, int] | None,
        state_at: int | None,
    ) -> None:
        def failed(exc: BaseException) -> None:
            self.setObsolete(True)  # dropped from the stack the next time it is touched
            show_step_failure(title, exc, self._own, key, state_at)
            self._changed()

        self._queue.add(title, action, done, failed)
