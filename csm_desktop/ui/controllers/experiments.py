"""Controller of the Experiments page: runs the experiment services in workers, opens the
dialogs (new experiment with its sample-size advice, assignment) and feeds the view.

The view (``ui.views.experiments_view``) is layout only; ``ToolPages`` builds both on first use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox

from csm_desktop.domain.text import plural
from csm_desktop.errors import UserError
from csm_desktop.services.experiment_results import experiment_report
from csm_desktop.services.experiments import (
    AssignmentPlan,
    PlaybookChoice,
    StartReport,
    assign_accounts,
    create_experiment,
    list_experiments,
    playbook_choices,
    preview_assignment,
    segments,
    start_experiment,
)
from csm_desktop.services.opening import Database
from csm_desktop.ui import workers
from csm_desktop.ui.dialogs.experiment_dialog import AssignDialog, NewExperimentDialog
from csm_desktop.ui.dialogs.messages import show_failure
from csm_desktop.ui.views.experiments_view import ExperimentsView


class ExperimentsController(QObject):
    """Runs the experiment services in workers and drives the view and its dialogs."""

    status = Signal(str)  # a short message for the status bar
    ladders_changed = Signal()  # an experiment started: ladders were reordered

    def __init__(
        self,
        view: ExperimentsView,
        database: Database,
        today: Callable[[], dt.date] = dt.date.today,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.view = view
        self.database = database
        self.today = today
        self.busy = 0
        self.new_dialog: NewExperimentDialog | None = None
        self.assign_dialog: AssignDialog | None = None
        view.experiment_selected.connect(self.load_report)
        view.new_requested.connect(self.new_experiment)
        view.assign_requested.connect(self.assign)
        view.start_requested.connect(self.start)

    def _run(
        self,
        what: str,
        work: Callable[[], Any],
        on_success: Callable[[Any], Any],
        on_failure: Callable[[BaseException], Any] | None = None,
    ) -> workers.Task:
        self.busy += 1
        return workers.run(
            lambda progress: work(),
            on_success,
            what=what,
            owner=self,
            on_failure=on_failure or (lambda exc: self._failed(what, exc)),
            on_finished=self._finished,
        )

    def _finished(self) -> None:
        self.busy -= 1

    def _failed(self, what: str, exc: BaseException) -> None:
        show_failure(self.view, what, exc)

    def refresh(self, select: int | None = None, *, keep_results: bool = False) -> None:
        """Read the experiments again; ``keep_results`` keeps the selected experiment's
        results on show when its summary did not change (a teammate's unrelated change)."""
        database = self.database
        self._run(
            "Loading experiments",
            lambda: list_experiments(database),
            lambda found: self.view.set_experiments(found, select, keep_results=keep_results),
        )

    def load_report(self, experiment_id: int) -> None:
        database, today = self.database, self.today()
        self._run(
            "Computing the results",
            lambda: experiment_report(database, experiment_id, today),
            self.view.show_report,
        )

    def new_experiment(self) -> None:
        database = self.database
        self._run("Loading playbooks", lambda: playbook_choices(database), self._open_new_dialog)

    def _open_new_dialog(self, playbooks: list[PlaybookChoice]) -> None:
        dialog = NewExperimentDialog(playbooks, self.today(), self.view)
        dialog.submitted.connect(lambda: self._create(dialog))
        dialog.finished.connect(lambda _result: setattr(self, "new_dialog", None))
        self.new_dialog = dialog
        dialog.open()

    def _create(self, dialog: NewExperimentDialog) -> None:
        name, hypothesis, variants, metric, start = dialog.spec()
        read_on = dialog.planned_read_on()
        database = self.database

        def created(experiment_id: int) -> None:
            dialog.accept()
            self.status.emit(f"Experiment “{name.strip()}” created")
            self.refresh(select=experiment_id)

        self._run(
            "Creating the experiment",
            lambda: create_experiment(
                database,
                name,
                hypothesis,
                variants,
                primary_metric=metric,
                started_on=start,
                read_on=read_on,
            ),
            created,
            lambda exc: self._create_failed(dialog, exc),
        )

    def _create_failed(self, dialog: NewExperimentDialog, exc: BaseException) -> None:
        """A reason the CSM can fix shows in the dialog, which stays open with their input."""
        if isinstance(exc, UserError):
            dialog.show_error(str(exc))
        else:
            show_failure(dialog, "Creating the experiment", exc)

    def assign(self, experiment_id: int) -> None:
        database = self.database
        self._run(
            "Loading segments",
            lambda: segments(database),
            lambda found: self._open_assign_dialog(experiment_id, found),
        )

    def _open_assign_dialog(self, experiment_id: int, found: list[str]) -> None:
        summary = self.view.summaries[experiment_id]
        variants = [v.name for v in summary.variants]
        dialog = AssignDialog(summary.name, found, self.view)
        database = self.database

        def preview(chosen: list[str] | None, only_fresh: bool) -> None:
            self._run(
                "Previewing the assignment",
                lambda: preview_assignment(database, experiment_id, chosen, only_fresh=only_fresh),
                lambda plan: dialog.show_plan(plan, variants),
            )

        def confirmed() -> None:
            chosen, only_fresh = dialog.chosen()
            self._run(
                "Assigning accounts",
                lambda: assign_accounts(database, experiment_id, chosen, only_fresh=only_fresh),
                lambda plan: self._assigned(experiment_id, plan),
            )

        dialog.preview_requested.connect(preview)
        dialog.accepted.connect(confirmed)
        self.assign_dialog = dialog
        dialog.open()
        dialog.request_preview()

    def _assigned(self, experiment_id: int, plan: AssignmentPlan) -> None:
        self.status.emit(f"{plural(len(plan.assignment), 'account')} assigned")
        self.refresh(select=experiment_id)

    def start(self, experiment_id: int) -> None:
        summary = self.view.summaries[experiment_id]
        answer = QMessageBox.question(
            self.view,
            "Start the experiment",
            f"Start “{summary.name}” today with {plural(summary.accounts, 'account')}? "
            "The assignment is then locked, and each account's open milestones are put in "
            "its variant's order.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        database, today = self.database, self.today()

        def started(report: StartReport) -> None:
            self.status.emit(
                f"Started: {plural(report.accounts, 'account')}, {report.ladders_created} ladders "
                f"created, {report.ladders_reordered} reordered"
            )
            self.ladders_changed.emit()
            self.refresh(select=experiment_id)

        self._run(
            "Starting the experiment",
            lambda: start_experiment(database, experiment_id, today),
            started,
        )
