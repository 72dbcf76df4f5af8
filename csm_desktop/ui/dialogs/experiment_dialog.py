"""Dialogs of the Experiments page: define a new experiment, and assign accounts to it.

``NewExperimentDialog`` collects the name, hypothesis, primary metric, start date and two or
more variants (each a playbook and an ordering of its milestones, reordered by drag and drop
or the Up/Down buttons). ``AssignDialog`` chooses the segments, shows the balance per
segment the draw would give, and confirms. Both are layout only: the controller validates
through the services and runs them in workers.
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
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from csm_desktop.services.experiments import (
    PRIMARY_METRICS,
    AssignmentPlan,
    PlaybookChoice,
    VariantSpec,
)
from csm_desktop.ui.palette import error_style

KEY_ROLE = Qt.ItemDataRole.UserRole + 20


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


class VariantEditor(QGroupBox):
    """One variant: name, playbook, and the order of the playbook's milestones."""

    remove_requested = Signal(object)  # this editor

    def __init__(
        self, name: str, playbooks: Sequence[PlaybookChoice], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.playbooks = list(playbooks)
        self.name = QLineEdit(name)
        self.name.setAccessibleName("Variant name")
        self.playbook = QComboBox()
        self.playbook.setAccessibleName("Variant playbook")
        for choice in self.playbooks:
            self.playbook.addItem(choice.label, choice.id)
        self.playbook.currentIndexChanged.connect(self._fill_ordering)
        self.ordering = QListWidget()
        self.ordering.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.ordering.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.ordering.setMinimumHeight(150)
        self.up = QPushButton("Up")
        self.down = QPushButton("Down")
        self.up.clicked.connect(lambda: self.move_current(-1))
        self.down.clicked.connect(lambda: self.move_current(1))
        remove = QPushButton("Remove variant")
        remove.clicked.connect(lambda: self.remove_requested.emit(self))
        buttons = QVBoxLayout()
        buttons.addWidget(self.up)
        buttons.addWidget(self.down)
        buttons.addStretch(1)
        buttons.addWidget(remove)
        order_row = QHBoxLayout()
        order_row.addWidget(self.ordering, 1)
        order_row.addLayout(buttons)
        form = QFormLayout(self)
        form.addRow("Name", self.name)
        form.addRow("Playbook", self.playbook)
        form.addRow("Milestone order", order_row)
        self._fill_ordering()

    def _fill_ordering(self) -> None:
        self.ordering.clear()
        index = self.playbook.currentIndex()
        if index < 0:
            return
        for key, title in self.playbooks[index].steps:
            item = QListWidgetItem(f"{title}  ({key})")
            item.setData(KEY_ROLE, key)
            self.ordering.addItem(item)

    def move_current(self, step: int) -> None:
        """Move the selected milestone up (−1) or down (+1) the order."""
        row = self.ordering.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.ordering.count():
            return
        item = self.ordering.takeItem(row)
        self.ordering.insertItem(target, item)
        self.ordering.setCurrentRow(target)

    def keys(self) -> tuple[str, ...]:
        return tuple(
            str(self.ordering.item(i).data(KEY_ROLE)) for i in range(self.ordering.count())
        )

    def spec(self) -> VariantSpec:
        playbook_id = self.playbook.currentData()
        return VariantSpec(
            self.name.text(), int(playbook_id) if playbook_id is not None else None, self.keys()
        )


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
            QLabel("<b>Variants</b> — the first one is the control; drag milestones to reorder")
        )
        heading.addStretch(1)
        heading.addWidget(self.add_button)
        layout.addLayout(heading)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

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
        day = self.start.date()
        return (
            self.name.text(),
            self.hypothesis.toPlainText(),
            [editor.spec() for editor in self.variants],
            self.primary_metric.currentText(),
            dt.date(day.year(), day.month(), day.day()),
        )


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
            f"{len(plan.assignment)} accounts in the draw."
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
