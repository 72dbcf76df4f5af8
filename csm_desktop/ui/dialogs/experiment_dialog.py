"""Dialogs of the Experiments page: define a new experiment, and assign accounts to it.

``NewExperimentDialog`` collects the name, hypothesis, primary metric, start date, the date
the results will be read (no peeking before it), and two or more variants (each a playbook
and what it changes: ``variant_editor``). It advises how many accounts each arm needs to
detect the difference the CSM hopes for. ``AssignDialog`` chooses the segments, shows the
balance per segment the draw would give, and confirms. Both are layout only: the controller
validates through the services and runs them in workers.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from csm_desktop.domain.text import plural
from csm_desktop.services.experiment_results import sample_size_advice
from csm_desktop.services.experiments import (
    PRIMARY_METRICS,
    AssignmentPlan,
    PlaybookChoice,
    VariantSpec,
)
from csm_desktop.ui.dialogs.variant_editor import VariantEditor
from csm_desktop.ui.palette import banner_style, error_style

READ_AFTER_DAYS = 90  # the default planned read date: one onboarding after the start


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _day(edit: QDateEdit) -> dt.date:
    day = edit.date()
    return dt.date(day.year(), day.month(), day.day())


class NewExperimentDialog(QDialog):
    """Define an experiment; ``spec()`` gives what the controller passes to the service.

    "Create" emits ``submitted`` and keeps the dialog open: the controller closes it once the
    experiment is stored, or shows why not with ``show_error`` so nothing typed is lost.
    """

    submitted = Signal()  # the user pressed Create with a name filled in

    def __init__(
        self, playbooks: Sequence[PlaybookChoice], today: dt.date, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("New experiment")
        self.setMinimumSize(640, 560)
        self.resize(760, 720)
        self.playbooks = list(playbooks)
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Integration before first workflow")
        self.hypothesis = QPlainTextEdit()
        self.hypothesis.setPlaceholderText(
            "What you expect and why, e.g. “Connecting the integration first gets SMB customers "
            "to first value sooner.”"
        )
        self.hypothesis.setMaximumHeight(80)
        self.primary_metric = QComboBox()
        self.primary_metric.addItems(list(PRIMARY_METRICS))
        self.start = QDateEdit(_qdate(today))
        self.start.setCalendarPopup(True)
        self.start.setDisplayFormat("yyyy-MM-dd")
        self.read_on = QDateEdit(_qdate(today + dt.timedelta(days=READ_AFTER_DAYS)))
        self.read_on.setCalendarPopup(True)
        self.read_on.setDisplayFormat("yyyy-MM-dd")
        self.read_on.setAccessibleName("Read the results on")
        self.read_on.setToolTip(
            "Decide now when you will read the results, and do not act on them before: "
            "stopping on a lucky day makes chance look like a result"
        )
        self.baseline = self._percent_box("First value within target today", 50)
        self.hoped = self._percent_box("First value within target you hope for", 65)
        self.advice = QLabel()
        self.advice.setObjectName("sampleSizeAdvice")
        self.advice.setWordWrap(True)
        self.advice.setStyleSheet(banner_style())
        self.baseline.valueChanged.connect(self._advise)
        self.hoped.valueChanged.connect(self._advise)
        sizes = QHBoxLayout()
        sizes.addWidget(QLabel("First value within target today"))
        sizes.addWidget(self.baseline)
        sizes.addSpacing(12)
        sizes.addWidget(QLabel("hoped for"))
        sizes.addWidget(self.hoped)
        sizes.addStretch(1)
        self._advise()

        self.variants: list[VariantEditor] = []
        self.variant_box = QVBoxLayout()
        holder = QWidget()
        holder_layout = QVBoxLayout(holder)
        holder_layout.addLayout(self.variant_box)
        holder_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)
        self.add_button = QPushButton("Add variant")
        self.add_button.clicked.connect(self.add_variant)
        for name in ("A", "B"):
            self.add_variant(name)

        self.error = QLabel()
        self.error.setStyleSheet(error_style())
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Hypothesis", self.hypothesis)
        form.addRow("Primary metric", self.primary_metric)
        form.addRow("Start date", self.start)
        form.addRow("Read results on", self.read_on)
        form.addRow("How many accounts?", sizes)
        form.addRow("", self.advice)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create")
        buttons.accepted.connect(self._try_accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        heading = QHBoxLayout()
        heading.addWidget(
            QLabel(
                "<b>Variants</b> — the first one is the control; each changes the order, "
                "a nudge, the timing or a criterion"
            )
        )
        heading.addStretch(1)
        heading.addWidget(self.add_button)
        layout.addLayout(heading)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    @staticmethod
    def _percent_box(name: str, value: int) -> QSpinBox:
        box = QSpinBox()
        box.setAccessibleName(name)
        box.setRange(0, 100)
        box.setSuffix(" %")
        box.setValue(value)
        return box

    def _advise(self) -> None:
        """Sample-size advice for the shares typed: accounts each arm needs (80 %, α 0.05)."""
        self.advice.setText(
            sample_size_advice(self.baseline.value() / 100, self.hoped.value() / 100)
            + " Read the results on the planned date, not before."
        )

    def add_variant(self, name: str | None = None) -> VariantEditor:
        label = name or chr(ord("A") + len(self.variants))
        editor = VariantEditor(label, self.playbooks)
        editor.setTitle(f"Variant {len(self.variants) + 1}")
        editor.remove_requested.connect(self._remove_variant)
        self.variants.append(editor)
        self.variant_box.addWidget(editor)
        return editor

    def _remove_variant(self, editor: VariantEditor) -> None:
        if len(self.variants) <= 2:
            self.error.setText("An experiment needs at least two variants.")
            return
        self.variants.remove(editor)
        editor.deleteLater()

    def _try_accept(self) -> None:
        if not self.name.text().strip():
            self.error.setText("Give the experiment a name.")
            return
        if not self.playbooks:
            self.error.setText("There is no playbook yet; add one before defining variants.")
            return
        self.error.clear()
        self.submitted.emit()

    def show_error(self, text: str) -> None:
        self.error.setText(text)

    def spec(self) -> tuple[str, str, list[VariantSpec], str, dt.date]:
        """(name, hypothesis, variants, primary metric, start date)."""
        return (
            self.name.text(),
            self.hypothesis.toPlainText(),
            [editor.spec() for editor in self.variants],
            self.primary_metric.currentText(),
            _day(self.start),
        )

    def planned_read_on(self) -> dt.date:
        return _day(self.read_on)


class AssignDialog(QDialog):
    """Choose segments, preview the balance per segment, confirm the draw."""

    preview_requested = Signal(object, bool)  # chosen segments (list, or None: all), only fresh

    def __init__(
        self, experiment: str, segments: Sequence[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Assign accounts — {experiment}")
        self.setMinimumSize(480, 360)
        self.resize(560, 440)
        self.segment_boxes: dict[str, QCheckBox] = {}
        segment_row = QHBoxLayout()
        for segment in segments:
            box = QCheckBox(segment)
            box.setChecked(True)
            box.toggled.connect(self.request_preview)
            self.segment_boxes[segment] = box
            segment_row.addWidget(box)
        segment_row.addStretch(1)
        self.only_fresh = QCheckBox("Only accounts that have not achieved a milestone yet")
        self.only_fresh.setChecked(True)
        self.only_fresh.toggled.connect(self.request_preview)
        self.table = QTableWidget()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.note = QLabel("Computing the draw…")
        self.note.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Assign")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>Segments</b>"))
        layout.addLayout(segment_row)
        layout.addWidget(self.only_fresh)
        layout.addWidget(QLabel("<b>Accounts per variant and segment</b> (seeded random draw)"))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)

    def chosen(self) -> tuple[list[str] | None, bool]:
        """(segments, or None when all are ticked; only fresh accounts)."""
        ticked = [s for s, box in self.segment_boxes.items() if box.isChecked()]
        every = len(ticked) == len(self.segment_boxes)
        return (None if every else ticked), self.only_fresh.isChecked()

    def request_preview(self) -> None:
        segments, only_fresh = self.chosen()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        self.preview_requested.emit(segments, only_fresh)

    def show_plan(self, plan: AssignmentPlan, variants: Sequence[str]) -> None:
        """The balance table; Assign is enabled when the draw has accounts."""
        rows = list(plan.balance.items())
        self.table.clear()
        self.table.setColumnCount(len(variants) + 2)
        self.table.setHorizontalHeaderLabels(["Segment", *variants, "Total"])
        self.table.setRowCount(len(rows) + 1)
        totals = dict.fromkeys(variants, 0)
        for r, (segment, counts) in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(segment))
            for c, variant in enumerate(variants, start=1):
                self.table.setItem(r, c, self._number(counts.get(variant, 0)))
                totals[variant] += counts.get(variant, 0)
            self.table.setItem(r, len(variants) + 1, self._number(sum(counts.values())))
        last = len(rows)
        total_item = QTableWidgetItem("All")
        font = total_item.font()
        font.setBold(True)
        total_item.setFont(font)
        self.table.setItem(last, 0, total_item)
        for c, variant in enumerate(variants, start=1):
            self.table.setItem(last, c, self._number(totals[variant], bold=True))
        self.table.setItem(last, len(variants) + 1, self._number(sum(totals.values()), bold=True))
        self.table.resizeColumnsToContents()
        left_out = []
        if plan.in_other_experiments:
            left_out.append(f"{plan.in_other_experiments} already in another experiment")
        if plan.already_progressing:
            left_out.append(f"{plan.already_progressing} with a milestone already achieved")
        self.note.setText(
            f"{plural(len(plan.assignment), 'account')} in the draw."
            + (f" Left out: {html.escape(', '.join(left_out))}." if left_out else "")
            + " Assigning again before the start re-draws with the same seed."
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(plan.assignment))

    @staticmethod
    def _number(value: int, bold: bool = False) -> QTableWidgetItem:
        item = QTableWidgetItem(str(value))
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if bold:
            font = item.font()
            font.setBold(True)
            item.setFont(font)
        return item
