"""The Value panel's controller: runs ``services.value_metrics`` for the panel and puts every
edit on the account page's undo stack (Edit → Undo), so adding, measuring, editing and
deleting can be taken back; each is logged in the timeline.

Every read and write runs off the UI thread (``ui.workers.run``), one at a time through a
``WorkQueue``: an undo queued while its edit is still being saved runs after it, never
before, and the panel's buttons are off while its work runs.

Team mode (issue 16): an edit is saved only over the metric's row and version the panel
showed, an undo or redo only over the version its edit left (``value_undo``). When someone
else saved the metric first, the refusal says who and when, the panel reloads to show their
change, and the dialog opens again with the value the user typed, to save it over theirs
or cancel. A metric's save writes only what the user changed in the dialog, so a retry
keeps the teammate's measurement (``domain.changed_parts``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack
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
    record_measurement,
    save_metric,
)
from csm_desktop.ui.controllers.account_versions import OwnSaves
from csm_desktop.ui.controllers.value_undo import MetricEdit, MetricRows, wrote_change
from csm_desktop.ui.dialogs.messages import show_failure
from csm_desktop.ui.dialogs.save_refusals import NOTHING_CHANGED, explain
from csm_desktop.ui.dialogs.value_dialogs import MeasurementDialog, MetricDialog
from csm_desktop.ui.views.value_panel import ValuePanel
from csm_desktop.ui.workers import WorkQueue


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
        rows: MetricRows | None = None,
    ) -> None:
        super().__init__(parent)
        self.own = own or OwnSaves()
        self.rows = rows or MetricRows()  # where the window's own undos moved its metrics
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
                MetricEdit(
                    change, self.database, self.today, self._reload, self.queue, self.own, self.rows
                )
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
                explain(self.panel, what, exc, kept=NOTHING_CHANGED)

        def work() -> MetricChange:
            change = edit(database, account_id)
            wrote_change(self.own, self.rows, change)
            return change

        self.queue.add(what, work, saved, failed)

    def _through_dialog(
        self,
        dialog: QDialog,
        what: str,
        read: Callable[[], Callable[[Database, int, MetricSnapshot], MetricChange]],
        shown: MetricSnapshot,
    ) -> None:
        """Run ``dialog``; when accepted, save the edit ``read`` makes of what was typed over
        the metric as ``shown`` (its row, at its version). Refused over someone else's
        change: once the panel shows it, the same dialog, with what the user typed, opens
        again to save over the metric now shown."""
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        edit = read()

        def refused(exc: ConflictError) -> None:
            if not shiboken6.isValid(self.panel):
                return
            now = self._shown(shown)
            if now is None:  # deleted meanwhile: nothing to save over
                explain(self.panel, what, exc, kept=NOTHING_CHANGED)
                return
            explain(
                self.panel,
                what,
                exc,
                kept="What you typed is kept: the panel now shows their change. Press OK to "
                "save yours over it, or Cancel to keep theirs.",
            )
            self._through_dialog(dialog, what, read, now)

        self._apply(what, lambda db, account: edit(db, account, shown), refused=refused)

    def _shown(self, metric: MetricSnapshot) -> MetricSnapshot | None:
        """The panel's metric on ``metric``'s row (a teammate may have renamed it), else the
        one of its name (a teammate may have made it anew)."""
        same_row = (m for m in self.panel.metrics if metric.id is not None and m.id == metric.id)
        return next(same_row, None) or self._metric(metric.name)

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
        # What the dialog reads back before any typing: the fields the user leaves alone
        # compare equal to it (a number shown and read again may differ from the stored one).
        opened = dialog.chosen_metric()

        def read() -> Callable[[Database, int, MetricSnapshot], MetricChange]:
            metric, on = dialog.chosen_metric(), self.today()
            # Only what the user changed is written: OK again after a refusal keeps the
            # teammate's measurement or target.
            return lambda db, account, over: save_metric(
                db, account, metric, replacing=over.name, on=on, seen=over.version,
                row=over.id, opened=opened,
            )  # fmt: skip

        self._through_dialog(dialog, "Saving the value metric", read, current)

    def record(self, name: str) -> None:
        current = self._metric(name)
        if current is None:
            return
        dialog = MeasurementDialog(current, self.today(), self.panel)

        def read() -> Callable[[Database, int, MetricSnapshot], MetricChange]:
            (day, value), on = dialog.measurement(), self.today()
            return lambda db, account, over: record_measurement(
                db, account, over.name, value, day, on=on, seen=over.version, row=over.id
            )

        self._through_dialog(dialog, "Recording the measurement", read, current)

    def delete(self, name: str) -> None:
        answer = QMessageBox.question(
            self.panel,
            "Delete value metric",
            f"Delete “{name}” and its measurements? Edit → Undo brings them back.",
        )
        current = self._metric(name)
        if answer == QMessageBox.StandardButton.Yes and current is not None:
            on, seen, row = self.today(), current.version, current.id
            self._apply(
                "Deleting the value metric",
                lambda db, account: delete_metric(db, account, name, on=on, seen=seen, row=row),
            )

    def delete_measurement(self, name: str, day: Any) -> None:
        current = self._metric(name)
        if current is None:
            return
        on, seen, row = self.today(), current.version, current.id
        self._apply(
            "Deleting the measurement",
            lambda db, account: delete_measurement(
                db, account, name, day, on=on, seen=seen, row=row
            ),
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
            panel,
            self.database,
            self.today,
            self.undo_stack,
            dialog,
            self.queue,
            self.own,
            self.rows,
        )
        controller.changed.connect(self.changed)
        dialog.resize(dialog.width(), dialog.height() + 200)
        controller.load(account_id)
        return controller
