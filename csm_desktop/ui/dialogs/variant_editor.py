"""One arm of a new experiment: its name, playbook, and what it changes.

An arm changes the milestone order (drag and drop, or Up/Down), one milestone's nudge text
(message), the target days (timing) or one milestone's usage criterion (criterion); the
form for the chosen kind is shown. Layout only: ``spec()`` gives the ``VariantSpec`` the
service checks.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from csm_desktop.domain.experiment_changes import (
    Change,
    CriterionChange,
    MessageChange,
    TimingChange,
    VariantKind,
)
from csm_desktop.services.experiments import PlaybookChoice, VariantSpec

KEY_ROLE = Qt.ItemDataRole.UserRole + 20
KIND_LABELS = {
    VariantKind.ORDER: "Milestone order",
    VariantKind.MESSAGE: "A nudge's message",
    VariantKind.TIMING: "Timing (target days)",
    VariantKind.CRITERION: "A success criterion",
}
EVERY_MILESTONE = "(every milestone)"


def _form_page(*rows: tuple[str, QWidget]) -> QWidget:
    """A page of labelled fields without margins: each kind of change is one such page."""
    page = QWidget()
    form = QFormLayout(page)
    form.setContentsMargins(0, 0, 0, 0)
    for label, field in rows:
        form.addRow(label, field)
    return page


class VariantEditor(QGroupBox):
    """One variant: name, playbook, kind of change and the change itself."""

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
        self.kind = QComboBox()
        self.kind.setAccessibleName("What the variant changes")
        for kind, label in KIND_LABELS.items():
            self.kind.addItem(label, kind.value)

        self.ordering = QListWidget()
        self.ordering.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.ordering.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.ordering.setMinimumHeight(130)
        self.up = QPushButton("Up")
        self.down = QPushButton("Down")
        self.up.clicked.connect(lambda: self.move_current(-1))
        self.down.clicked.connect(lambda: self.move_current(1))
        order_buttons = QVBoxLayout()
        order_buttons.addWidget(self.up)
        order_buttons.addWidget(self.down)
        order_buttons.addStretch(1)
        order_page = QWidget()
        order_row = QHBoxLayout(order_page)
        order_row.setContentsMargins(0, 0, 0, 0)
        order_row.addWidget(self.ordering, 1)
        order_row.addLayout(order_buttons)

        self.message_milestone = self._milestone_combo("Milestone whose nudge changes")
        self.in_app = QPlainTextEdit()
        self.in_app.setAccessibleName("New in-app message")
        self.in_app.setPlaceholderText("e.g. Hi {contact}, two minutes: run your first report")
        self.in_app.setMaximumHeight(60)
        self.email_subject = QLineEdit()
        self.email_subject.setAccessibleName("New e-mail subject")
        self.email_body = QPlainTextEdit()
        self.email_body.setAccessibleName("New e-mail body")
        self.email_body.setMaximumHeight(70)
        message_page = _form_page(
            ("Milestone", self.message_milestone),
            ("In-app", self.in_app),
            ("E-mail subject", self.email_subject),
            ("E-mail body", self.email_body),
        )

        self.scale = QDoubleSpinBox()
        self.scale.setAccessibleName("Scale target days by")
        self.scale.setRange(0.1, 10.0)
        self.scale.setSingleStep(0.1)
        self.scale.setValue(1.0)
        self.shift = QSpinBox()
        self.shift.setAccessibleName("Shift target days by")
        self.shift.setRange(-365, 365)
        self.shift.setSuffix(" days")
        self.timing_milestone = self._milestone_combo("Milestone to retime", every=True)
        timing_page = _form_page(
            ("Milestones", self.timing_milestone),
            ("Multiply target days by", self.scale),
            ("Then add", self.shift),
        )

        self.criterion_milestone = self._milestone_combo("Milestone whose criterion changes")
        self.threshold = QSpinBox()
        self.threshold.setAccessibleName("New threshold")
        self.threshold.setRange(0, 1_000_000)
        self.threshold.setSpecialValueText("keep")
        self.window_days = QSpinBox()
        self.window_days.setAccessibleName("New window")
        self.window_days.setRange(0, 365)
        self.window_days.setSpecialValueText("keep")
        self.window_days.setSuffix(" days")
        criterion_page = _form_page(
            ("Milestone", self.criterion_milestone),
            ("Threshold (uses)", self.threshold),
            ("Window", self.window_days),
        )

        self.pages = QStackedWidget()
        for page in (order_page, message_page, timing_page, criterion_page):
            self.pages.addWidget(page)
        self.kind.currentIndexChanged.connect(self.pages.setCurrentIndex)
        self.playbook.currentIndexChanged.connect(self._fill_milestones)

        remove = QPushButton("Remove variant")
        remove.clicked.connect(lambda: self.remove_requested.emit(self))
        top = QHBoxLayout()
        top.addWidget(self.playbook, 1)
        top.addWidget(remove)
        form = QFormLayout(self)
        form.addRow("Name", self.name)
        form.addRow("Playbook", top)
        form.addRow("Changes", self.kind)
        form.addRow("", self.pages)
        self._fill_milestones()

    @staticmethod
    def _milestone_combo(name: str, *, every: bool = False) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        combo.setProperty("every", every)
        return combo

    def _steps(self) -> tuple[tuple[str, str], ...]:
        index = self.playbook.currentIndex()
        return self.playbooks[index].steps if index >= 0 else ()

    def _fill_milestones(self) -> None:
        steps = self._steps()
        self.ordering.clear()
        for key, title in steps:
            item = QListWidgetItem(f"{title}  ({key})")
            item.setData(KEY_ROLE, key)
            self.ordering.addItem(item)
        for combo in (self.message_milestone, self.timing_milestone, self.criterion_milestone):
            combo.clear()
            if combo.property("every"):
                combo.addItem(EVERY_MILESTONE, None)
            for key, title in steps:
                combo.addItem(title, key)

    def set_kind(self, kind: VariantKind) -> None:
        self.kind.setCurrentIndex(self.kind.findData(kind.value))

    def chosen_kind(self) -> VariantKind:
        return VariantKind(self.kind.currentData())

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

    def change(self) -> Change:
        kind = self.chosen_kind()
        if kind is VariantKind.MESSAGE:
            return MessageChange(
                self.message_milestone.currentData() or "",
                self.in_app.toPlainText(),
                self.email_subject.text(),
                self.email_body.toPlainText(),
            )
        if kind is VariantKind.TIMING:
            key = self.timing_milestone.currentData()
            return TimingChange(self.scale.value(), self.shift.value(), (key,) if key else ())
        if kind is VariantKind.CRITERION:
            return CriterionChange(
                self.criterion_milestone.currentData() or "",
                self.threshold.value() or None,
                self.window_days.value() or None,
            )
        return None

    def spec(self) -> VariantSpec:
        playbook_id = self.playbook.currentData()
        kind = self.chosen_kind()
        return VariantSpec(
            self.name.text(),
            int(playbook_id) if playbook_id is not None else None,
            self.keys(),
            kind=kind,
            change=self.change(),
        )
