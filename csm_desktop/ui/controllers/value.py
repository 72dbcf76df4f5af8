"""The Value panel's controller: runs ``services.value_metrics`` for the panel and puts every
edit on the account page's undo stack (Edit → Undo), so adding, measuring, editing and
deleting can be taken back; each is logged in the timeline.

Every read and write runs off the UI thread (``ui.workers.run``), one at a time through a
``WorkQueue``: an undo queued while its edit is still being saved runs after it, never
before, and the panel's buttons are off while its work runs.

Team mode (issue 16): an edit is saved only over the version of the metric the panel
showed, an undo or redo only over the version its edit left. When someone else saved the
metric first, the refusal says who and when, the panel reloads to show their change, and
the dialog opens again with the value the user typed, to save it over theirs or cancel.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QMessageBox,
    QVBoxLayout,
)

from csm_desktop.errors import ConflictError
from csm_desktop.services.book_settings import load_book_settings
from csm_desktop.services.opening import Database
from csm_desktop.services.value_metrics import (
    MetricChange,
    MetricSnapshot,
    account_metrics,
    delete_measurement,
    delete_metric,
    reapply,
    record_measurement,
    revert,
    save_metric,
)
from csm_desktop.ui.controllers.account_undo import show_step_failure
from csm_desktop.ui.controllers.account_versions import OwnSaves
from csm_desktop.ui.dialogs.messages import show_failure
from csm_desktop.ui.dialogs.save_refusals import explain
from csm_desktop.ui.dialogs.value_dialogs import MeasurementDialog, MetricDialog
from csm_desktop.ui.views.value_panel import ValuePanel
from csm_desktop.ui.workers import WorkQueue


def metric_key(account_id: int, metric: MetricSnapshot | None) -> tuple[int, str] | None:
    """A metric's key in ``OwnSaves``: its account and its name folded (None: no metric)."""
    if metric is None:
        return None
    return account_id, " ".join(metric.name.split()).casefold()


def wrote_change(own: OwnSaves, change: MetricChange) -> None:
    """A new edit of the panel was saved: record the version it left (and who made the one
    it was saved over, should that not be the window's own)."""
    before, key = change.before, metric_key(change.account_id, change.after)
    if before is not None and (over := metric_key(change.account_id, before)) is not None:
        own.edited_over(over, before.version, before.changed_by, before.changed_at)
    if key is not None:
        own.wrote(key, change.left_at)


class MetricEdit(QUndoCommand):
    """One value-metric edit, already applied when pushed; undo and redo are logged.

    Undo and redo are queued behind any save still running and report when done. Each
    follows the chain of this window's own edits of the metric (``OwnSaves.expect``): it
    expects the window's latest own version while that holds the state to start from,
    else the version the step itself left (refused: someone else changed it between)."""

    def __init__(
        self,
        change: MetricChange,
        database: Callable[[], Database],
        today: Callable[[], dt.date],
        changed: Callable[[], None],
        queue: WorkQueue,
        own: OwnSaves,
    ) -> None:
        super().__init__(change.text)
        self.change = change
        self._database = database
        self._today = today
        self._changed = changed
        self._queue = queue
        self._own = own
        self._undone_at: int | None = None  # the metric's version the undo left
        self._applied = True  # push() calls redo(): the edit is already in the book

    def _keys(self) -> tuple[tuple[int, str] | None, tuple[int, str] | None]:
        change = self.change
        return metric_key(change.account_id, change.before), metric_key(
            change.account_id, change.after
        )

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        database, change, on, own = self._database(), self.change, self._today(), self._own
        before_key, after_key = self._keys()
        over = change.before.version if change.before is not None else None

        def work() -> MetricChange:
            seen = self._undone_at
            if before_key is not None:
                seen = own.expect(before_key, over)
            redone = reapply(database, change, on=on, seen=seen)
            if after_key is not None:
                own.wrote(after_key, redone.left_at, restores=change.left_at)
            return redone

        def redone(result: MetricChange) -> None:
            self.change = result
            self._changed()

        self._run("Redo", work, redone, before_key, over)

    def undo(self) -> None:
        database, change, on, own = self._database(), self.change, self._today(), self._own
        before_key, after_key = self._keys()
        over = change.before.version if change.before is not None else None

        def work() -> int | None:
            expected = change.left_at
            if after_key is not None:
                expected = own.expect(after_key, change.left_at)
            left = revert(database, replace(change, left_at=expected), on=on)
            if before_key is not None:
                own.wrote(before_key, left, restores=over)
            return left

        def undone(left: int | None) -> None:
            self._undone_at = left
            self._changed()

        self._run("Undo", work, undone, after_key, change.left_at)

    def _run(
        self,
        title: str,
        action: Callable[[], Any],
        done: Callable[[Any], None],
        key: tuple[int, str] | None,
        state_at: int | None,
    ) -> None:
        def failed(exc: BaseException) -> None:
            self.setObsolete(True)  # dropped from the stack the next time it is touched
            show_step_failure(title, exc, self._own, key, state_at)
            self._changed()

        self._queue.add(title, action, done, failed)


class ValueController(QObject):
    """Loads the account's value metrics into a panel and turns its requests into edits."""

    changed = Signal(int)  # account id whose value metrics (and timeline) changed

    def __init__(
        self,
        panel: ValuePanel,
        database: Callable[[], Database],
        today: Callable[[], dt.date],
        undo_stack: QUndoStack,
        parent: QObject | None = None,
        queue: WorkQueue | None = None,
        own: OwnSaves | None = None,
    ) -> None:
        super().__init__(parent)
        self.own = own or OwnSaves()
        self.panel = panel
        self.database = database
        self.today = today
        self.undo_stack = undo_stack
        self.queue = queue or WorkQueue(self)
        self.queue.busy_changed.connect(self._busy)
        panel.set_busy(self.queue.busy)
        self.account_id: int | None = None
        panel.load_requested.connect(self.load)
        panel.add_requested.connect(self.add_metric)
        panel.edit_requested.connect(self.edit_metric)
        panel.record_requested.connect(self.record)
        panel.delete_requested.connect(self.delete)
        panel.delete_measurement_requested.connect(self.delete_measurement)

    def _busy(self, busy: bool) -> None:
        if shiboken6.isValid(self.panel):
            self.panel.set_busy(busy)

    def load(self, account_id: int, then: Callable[[], None] | None = None) -> None:
        """Show the account's metrics, read off the UI thread; then run ``then``."""
        self.account_id = account_id
        database, today = self.database(), self.today()

        def read() -> tuple[list[MetricSnapshot], str]:
            currency = load_book_settings(database).currency_code
            return account_metrics(database, account_id), currency

        def show(result: tuple[list[MetricSnapshot], str]) -> None:
            if shiboken6.isValid(self.panel) and self.account_id == account_id:
                self.panel.show_metrics(result[0], today, result[1])
                if then is not None:
                    then()

        what = "Loading the value metrics"
        self.queue.add(what, read, show, self._failed(what))

    def _failed(self, what: str) -> Callable[[BaseException], None]:
        def show(exc: BaseException) -> None:
            show_failure(self.panel if shiboken6.isValid(self.panel) else None, what, exc)

        return show

    def _metric(self, name: str) -> MetricSnapshot | None:
        return next((m for m in self.panel.metrics if m.name == name), None)

    def _apply(
        self,
        what: str,
        edit: Callable[[Database, int], MetricChange],
        then: Callable[[], None] | None = None,
        refused: Callable[[ConflictError], None] | None = None,
    ) -> None:
        """Save ``edit`` off the UI thread; once saved, it goes on the undo stack (so its
        undo can never run before it) and the panel is reloaded, then ``then`` runs.

        Refused over someone else's change: the panel reloads to show it, then ``refused``
        runs (by default the refusal is explained and nothing else happens)."""
        account_id = self.account_id
        if account_id is None:
            return
        database = self.database()

        def saved(change: MetricChange) -> None:
            self.undo_stack.push(
                MetricEdit(change, self.database, self.today, self._reload, self.queue, self.own)
            )
            self._reload(then)

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, ConflictError):
                self._failed(what)(exc)
                return
            if refused is not None:
                self._reload(lambda: refused(exc))
                return
            self._reload()
            if shiboken6.isValid(self.panel):
                explain(self.panel, what, exc, kept="Nothing was changed; their change stays.")

        def work() -> MetricChange:
            change = edit(database, account_id)
            wrote_change(self.own, change)
            return change

        self.queue.add(what, work, saved, failed)

    def _through_dialog(
        self,
        dialog: QDialog,
        what: str,
        read: Callable[[], Callable[[Database, int, int | None], MetricChange]],
        seen: int | None,
    ) -> None:
        """Run ``dialog``; when accepted, save the edit ``read`` makes of what was typed over
        version ``seen``. Refused over someone else's change: once the panel shows it, the
        same dialog, with what the user typed, opens again to save over that version."""
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        edit = read()

        def refused(exc: ConflictError) -> None:
            if not shiboken6.isValid(self.panel):
                return
            explain(
                self.panel,
                what,
                exc,
                kept="What you typed is kept: the panel now shows their change. Press OK to "
                "save yours over it, or Cancel to keep theirs.",
            )
            self._through_dialog(dialog, what, read, exc.version)

        self._apply(what, lambda db, account: edit(db, account, seen), refused=refused)

    def _reload(self, then: Callable[[], None] | None = None) -> None:
        account_id = self.account_id
        if account_id is None:
            return
        self.load(account_id, then)
        self.changed.emit(account_id)

    def add_metric(self) -> None:
        dialog = MetricDialog(self.today(), self.panel)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            metric = dialog.chosen_metric()
            on = self.today()
            self._apply(
                "Adding the value metric",
                lambda db, account: save_metric(db, account, metric, on=on),
                then=lambda: self._select(" ".join(metric.name.split())),
            )

    def _select(self, name: str) -> None:
        if shiboken6.isValid(self.panel):
            self.panel.select_metric(name)

    def edit_metric(self, name: str) -> None:
        current = self._metric(name)
        if current is None:
            return
        dialog = MetricDialog(self.today(), self.panel, current)

        def read() -> Callable[[Database, int, int | None], MetricChange]:
            metric, on = dialog.chosen_metric(), self.today()
            return lambda db, account, seen: save_metric(
                db, account, metric, replacing=name, on=on, seen=seen
            )

        self._through_dialog(dialog, "Saving the value metric", read, current.version)

    def record(self, name: str) -> None:
        current = self._metric(name)
        if current is None:
            return
        dialog = MeasurementDialog(current, self.today(), self.panel)

        def read() -> Callable[[Database, int, int | None], MetricChange]:
            (day, value), on = dialog.measurement(), self.today()
            return lambda db, account, seen: record_measurement(
                db, account, name, value, day, on=on, seen=seen
            )

        self._through_dialog(dialog, "Recording the measurement", read, current.version)

    def delete(self, name: str) -> None:
        answer = QMessageBox.question(
            self.panel,
            "Delete value metric",
            f"Delete “{name}” and its measurements? Edit → Undo brings them back.",
        )
        current = self._metric(name)
        if answer == QMessageBox.StandardButton.Yes and current is not None:
            on, seen = self.today(), current.version
            self._apply(
                "Deleting the value metric",
                lambda db, account: delete_metric(db, account, name, on=on, seen=seen),
            )

    def delete_measurement(self, name: str, day: Any) -> None:
        current = self._metric(name)
        if current is None:
            return
        on, seen = self.today(), current.version
        self._apply(
            "Deleting the measurement",
            lambda db, account: delete_measurement(db, account, name, day, on=on, seen=seen),
        )

    def add_to_kickoff(self, dialog: QDialog, account_id: int) -> ValueController:
        """A Value panel of its own below the kickoff dialog's fields (before its buttons):
        outcomes are agreed at kickoff. Its edits are saved at once and go on the same undo
        stack, whether the kickoff itself is saved or cancelled."""
        layout = dialog.layout()
        assert isinstance(layout, QVBoxLayout)
        panel = ValuePanel(dialog)
        panel.tree.setMinimumHeight(110)
        at = max(layout.count() - 1, 0)  # the dialog's last item is its button box
        layout.insertWidget(at, QLabel("<b>Value metrics</b> — outcomes agreed with the customer"))
        layout.insertWidget(at + 1, panel, 1)
        controller = ValueController(
            panel, self.database, self.today, self.undo_stack, dialog, self.queue, self.own
        )
        controller.changed.connect(self.changed)
        dialog.resize(dialog.width(), dialog.height() + 200)
        controller.load(account_id)
        return controller
