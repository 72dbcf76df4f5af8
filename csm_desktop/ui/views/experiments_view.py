"""Experiments: the list of A/B tests of milestone sequencing, one test's setup and results.

``ExperimentsView`` is layout: the list on the left; on the right the hypothesis, variants,
"Assign accounts…" and "Start (lock)", the results table of DESIGN §3 and the verdict in
plain words. ``ExperimentsController`` runs the services in workers, opens the dialogs and
feeds the view; the main window owns one of each.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from csm_desktop.errors import UserError
from csm_desktop.services.experiments import (
    AssignmentPlan,
    ExperimentReport,
    ExperimentSummary,
    PlaybookChoice,
    StartReport,
    assign_accounts,
    create_experiment,
    experiment_report,
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
from csm_desktop.ui.palette import current, span

EXPERIMENT_ID_ROLE = Qt.ItemDataRole.UserRole + 30
RESULT_HEADERS = (
    "Variant",
    "Accounts",
    "First value within target",
    "Median TTFV",
    "Completion at day 30",
    "vs control",
    "p (Fisher)",
)


def verdict_style() -> str:
    c = current()
    return (
        f"QLabel {{ background: {c.note_bg}; color: {c.ink}; border: 1px solid {c.border};"
        " border-radius: 4px; padding: 8px; }"
    )


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


class ExperimentsView(QWidget):
    experiment_selected = Signal(int)  # experiment id whose results to show
    new_requested = Signal()  # the user wants to define a new experiment
    assign_requested = Signal(int)  # experiment id to assign accounts to
    start_requested = Signal(int)  # experiment id to start (lock)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # An explicit minimum keeps content changes from resizing a top-level window.
        self.setMinimumSize(640, 400)
        self.current_id: int | None = None
        self.summaries: dict[int, ExperimentSummary] = {}
        self.list = QListWidget()
        self.list.setAccessibleName("Experiments")
        self.list.currentItemChanged.connect(self._selected)
        self.new_button = QPushButton("New experiment…")
        self.new_button.clicked.connect(self.new_requested)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("<h2 style='margin:0'>Experiments</h2>"))
        left_layout.addWidget(self.list, 1)
        left_layout.addWidget(self.new_button)

        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        self.setup = QLabel()
        self.setup.setTextFormat(Qt.TextFormat.RichText)
        self.setup.setWordWrap(True)
        self.setup.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.assign_button = QPushButton("Assign accounts…")
        self.assign_button.clicked.connect(self._assign)
        self.start_button = QPushButton("Start (lock)")
        self.start_button.setToolTip(
            "Locks the assignment and puts each assigned account's ladder in its variant's order"
        )
        self.start_button.clicked.connect(self._start)
        buttons = QHBoxLayout()
        buttons.addWidget(self.assign_button)
        buttons.addWidget(self.start_button)
        buttons.addStretch(1)
        self.results = QTableWidget(0, len(RESULT_HEADERS))
        self.results.setHorizontalHeaderLabels(list(RESULT_HEADERS))
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.verticalHeader().setVisible(False)
        header = self.results.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.results.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.verdict = QLabel()
        self.verdict.setObjectName("experimentVerdict")
        self.verdict.setWordWrap(True)
        self.verdict.setStyleSheet(verdict_style())
        self.verdict.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 0, 0, 0)
        right_layout.addWidget(self.title)
        right_layout.addWidget(self.setup)
        right_layout.addLayout(buttons)
        right_layout.addWidget(QLabel("<b>Results</b>"))
        right_layout.addWidget(self.results)
        right_layout.addWidget(QLabel("<b>What it means</b>"))
        right_layout.addWidget(self.verdict)
        right_layout.addStretch(1)
        self.detail = right

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([300, 900])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 0)
        layout.addWidget(splitter)
        self.show_summary(None)

    # --- data in ----------------------------------------------------------------------------

    def set_experiments(
        self, experiments: Sequence[ExperimentSummary], select: int | None = None
    ) -> None:
        """Fill the list; select ``select`` (else the current one, else the first)."""
        wanted = select if select is not None else self.current_id
        self.summaries = {e.id: e for e in experiments}
        self.list.blockSignals(True)
        self.list.clear()
        chosen_row = 0
        for row, experiment in enumerate(experiments):
            state = "running" if experiment.locked else "draft"
            item = QListWidgetItem(f"{experiment.name}\n{state} · {experiment.accounts} accounts")
            item.setData(EXPERIMENT_ID_ROLE, experiment.id)
            self.list.addItem(item)
            if experiment.id == wanted:
                chosen_row = row
        self.list.blockSignals(False)
        if experiments:
            self.list.setCurrentRow(chosen_row)
            self._selected(self.list.currentItem(), None)
        else:
            self.current_id = None
            self.show_summary(None)

    def _selected(self, current: QListWidgetItem | None, _previous: Any) -> None:
        if current is None:
            return
        experiment_id = int(current.data(EXPERIMENT_ID_ROLE))
        self.current_id = experiment_id
        self.show_summary(self.summaries.get(experiment_id))
        self.experiment_selected.emit(experiment_id)

    def show_summary(self, summary: ExperimentSummary | None) -> None:
        self.detail.setEnabled(summary is not None)
        self.results.setRowCount(0)
        self._fit_results()
        if summary is None:
            self.title.setText("<i>No experiment yet. Define one with “New experiment…”.</i>")
            self.setup.clear()
            self.verdict.clear()
            return
        e = html.escape
        state = (
            span(f"running since {summary.started_on.isoformat()}", current().good)
            if summary.locked and summary.started_on
            else span("draft: assign accounts, then start", current().warn)
        )
        self.title.setText(f"<h2 style='margin:0'>{e(summary.name)}</h2>{state}")
        variants = "".join(
            f"<li><b>{e(v.name)}</b> ({v.accounts} accounts) — "
            f"{e(v.playbook or 'own playbook')}"
            + (f": {e(' → '.join(v.ordering))}" if v.ordering else "")
            + "</li>"
            for v in summary.variants
        )
        planned = summary.started_on.isoformat() if summary.started_on else "not set"
        self.setup.setText(
            f"<b>Hypothesis</b> {e(summary.hypothesis) or '<i>none written</i>'}<br>"
            f"<b>Primary metric</b> {e(summary.primary_metric)} · <b>Start</b> {planned} · "
            f"<b>Seed</b> {summary.seed}<ul style='margin:2px 0'>{variants}</ul>"
        )
        self.assign_button.setEnabled(not summary.locked)
        self.start_button.setEnabled(not summary.locked and summary.accounts > 0)
        self.verdict.setText("Loading results…")

    def show_report(self, report: ExperimentReport) -> None:
        """The results table and verdict of the selected experiment."""
        if report.summary.id != self.current_id:
            return
        self.show_summary(report.summary)
        comparisons = {c.variant: c for c in report.result.comparisons}
        self.results.setRowCount(len(report.result.variants))
        for row, variant in enumerate(report.result.variants):
            fvwt = variant.first_value_within_target
            comparison = comparisons.get(variant.variant)
            if comparison is None:
                against, p_text = "control", ""
            else:
                against = (
                    "—"
                    if comparison.difference is None
                    else f"{comparison.difference * 100:+.0f} points"
                )
                p_text = (
                    "too few"
                    if comparison.p_value is None
                    else ("< 0.001" if comparison.p_value < 0.001 else f"{comparison.p_value:.2f}")
                )
            cells = (
                variant.variant,
                str(variant.accounts),
                f"{_percent(fvwt.fraction)} ({fvwt.part} of {fvwt.counted})",
                "—" if variant.ttfv_median_days is None else f"{variant.ttfv_median_days:g} days",
                _percent(variant.completion_at_day_30),
                against,
                p_text,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.results.setItem(row, column, item)
        self._fit_results()
        self.verdict.setText(report.verdict)

    def _fit_results(self) -> None:
        """As tall as its rows: a handful of variants needs no scrolling."""
        rows = sum(self.results.rowHeight(r) for r in range(self.results.rowCount()))
        height = self.results.horizontalHeader().height() + rows + 2 * self.results.frameWidth()
        self.results.setFixedHeight(max(height, 60))

    # --- actions ------------------------------------------------------------------------------

    def _assign(self) -> None:
        if self.current_id is not None:
            self.assign_requested.emit(self.current_id)

    def _start(self) -> None:
        if self.current_id is not None:
            self.start_requested.emit(self.current_id)


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

    def refresh(self, select: int | None = None) -> None:
        database = self.database
        self._run(
            "Loading experiments",
            lambda: list_experiments(database),
            lambda found: self.view.set_experiments(found, select),
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
        database = self.database

        def created(experiment_id: int) -> None:
            dialog.accept()
            self.status.emit(f"Experiment “{name.strip()}” created")
            self.refresh(select=experiment_id)

        self._run(
            "Creating the experiment",
            lambda: create_experiment(
                database, name, hypothesis, variants, primary_metric=metric, started_on=start
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
        self.status.emit(f"{len(plan.assignment)} accounts assigned")
        self.refresh(select=experiment_id)

    def start(self, experiment_id: int) -> None:
        summary = self.view.summaries[experiment_id]
        answer = QMessageBox.question(
            self.view,
            "Start the experiment",
            f"Start “{summary.name}” today with {summary.accounts} accounts? The assignment is "
            "then locked, and each account's open milestones are put in its variant's order.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        database, today = self.database, self.today()

        def started(report: StartReport) -> None:
            self.status.emit(
                f"Started: {report.accounts} accounts, {report.ladders_created} ladders "
                f"created, {report.ladders_reordered} reordered"
            )
            self.ladders_changed.emit()
            self.refresh(select=experiment_id)

        self._run(
            "Starting the experiment",
            lambda: start_experiment(database, experiment_id, today),
            started,
        )
