"""Experiments: the list of A/B tests of onboarding (order, nudges, timing, criteria), one
test's setup and results.

``ExperimentsView`` is layout: the list on the left; on the right the hypothesis, variants,
"Assign accounts…" and "Start (lock)", the results table of DESIGN §3 with the figure the
changing arm targets, a no-peeking warning before the planned read date, the verdict in
plain words and what each arm's customers said. ``ExperimentsController``
(``ui.controllers.experiments``) runs the services in workers, opens the dialogs and feeds
the view; the main window owns one of each.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from csm_desktop.domain.experiment_changes import VariantKind
from csm_desktop.domain.text import plural
from csm_desktop.services.experiment_results import ExperimentReport
from csm_desktop.services.experiments import ExperimentSummary
from csm_desktop.ui.palette import current, span, warning_style
from csm_desktop.ui.read_only import writes

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


def _voices_html(report: ExperimentReport) -> str:
    """Per arm: the sentiment counts and the newest remark, or that nobody said anything."""
    if not any(summary.total for summary in report.feedback.values()):
        return "<i>No feedback from these accounts since the start.</i>"
    lines = []
    for name, summary in report.feedback.items():
        line = f"<b>{html.escape(name)}</b>: {html.escape(summary.counts_text())}"
        if summary.latest:
            newest = summary.latest[0]
            line += f" — latest: “{html.escape(newest.text)}” ({html.escape(newest.account)})"
        lines.append(line)
    return "<br>".join(lines)


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
        writes(self.new_button, self.assign_button, self.start_button)
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
        self.peeking = QLabel()
        self.peeking.setObjectName("noPeeking")
        self.peeking.setWordWrap(True)
        self.peeking.setStyleSheet(warning_style())
        self.peeking.setVisible(False)
        self.voices = QLabel()
        self.voices.setObjectName("armFeedback")
        self.voices.setTextFormat(Qt.TextFormat.RichText)
        self.voices.setWordWrap(True)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 0, 0, 0)
        right_layout.addWidget(self.title)
        right_layout.addWidget(self.setup)
        right_layout.addLayout(buttons)
        right_layout.addWidget(QLabel("<b>Results</b>"))
        right_layout.addWidget(self.peeking)
        right_layout.addWidget(self.results)
        right_layout.addWidget(QLabel("<b>What it means</b>"))
        right_layout.addWidget(self.verdict)
        right_layout.addWidget(QLabel("<b>What customers say in each arm</b> (since the start)"))
        right_layout.addWidget(self.voices)
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
        self,
        experiments: Sequence[ExperimentSummary],
        select: int | None = None,
        *,
        keep_results: bool = False,
    ) -> None:
        """Fill the list; select ``select`` (else the current one, else the first) and ask
        for its results once, unless ``keep_results`` and its summary is as before."""
        wanted = select if select is not None else self.current_id
        before = self.summaries.get(wanted) if wanted is not None else None
        self.summaries = {e.id: e for e in experiments}
        self.list.blockSignals(True)
        self.list.clear()
        chosen_row = 0
        for row, experiment in enumerate(experiments):
            state = "running" if experiment.locked else "draft"
            item = QListWidgetItem(
                f"{experiment.name}\n{state} · {plural(experiment.accounts, 'account')}"
            )
            item.setData(EXPERIMENT_ID_ROLE, experiment.id)
            self.list.addItem(item)
            if experiment.id == wanted:
                chosen_row = row
        if experiments:
            self.list.setCurrentRow(chosen_row)  # signals blocked: selected once, below
        self.list.blockSignals(False)
        if experiments:
            chosen = self.list.currentItem()
            unchanged = (
                before is not None and wanted is not None and self.summaries.get(wanted) == before
            )
            if keep_results and unchanged and int(chosen.data(EXPERIMENT_ID_ROLE)) == wanted:
                return
            self._selected(chosen, None)
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
        self.peeking.setVisible(False)
        self.voices.clear()
        self.results.setColumnCount(len(RESULT_HEADERS))
        self.results.setHorizontalHeaderLabels(list(RESULT_HEADERS))
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
            f"<li><b>{e(v.name)}</b> ({plural(v.accounts, 'account')}) — "
            f"{e(v.playbook or 'own playbook')}"
            + (
                f": {e(v.description)}"
                if v.kind is not VariantKind.ORDER
                else (f": {e(' → '.join(v.ordering_titles))}" if v.ordering_titles else "")
            )
            + "</li>"
            for v in summary.variants
        )
        planned = summary.started_on.isoformat() if summary.started_on else "not set"
        read_on = summary.read_on.isoformat() if summary.read_on else "not set"
        self.setup.setText(
            f"<b>Hypothesis</b> {e(summary.hypothesis) or '<i>none written</i>'}<br>"
            f"<b>Primary metric</b> {e(summary.primary_metric)} · <b>Start</b> {planned} · "
            f"<b>Read results on</b> {read_on} · "
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
        self._kind_column(report)
        self._fit_results()
        self.verdict.setText(report.verdict)
        self.peeking.setText(f"⚠ Not yet: {report.peeking}" if report.peeking else "")
        self.peeking.setVisible(report.peeking is not None)
        self.voices.setText(_voices_html(report))

    def _kind_column(self, report: ExperimentReport) -> None:
        """A last column with the figure the changing arm targets (message, timing, …)."""
        figures = report.kind_figures
        if figures is None:
            return
        column = len(RESULT_HEADERS)
        self.results.setColumnCount(column + 1)
        self.results.setHorizontalHeaderItem(column, QTableWidgetItem(figures.label))
        for row, variant in enumerate(report.result.variants):
            own = figures.by_variant.get(variant.variant)
            text = "—" if own is None else f"{_percent(own.fraction)} ({own.part} of {own.counted})"
            item = QTableWidgetItem(text)
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.results.setItem(row, column, item)

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
