"""The playbook editor's milestone form and ladder row painter.

``TemplateForm`` shows every field of one milestone template and reads it back as a
``StepSnapshot``; ``StepDelegate`` paints a ladder row. Both only build and paint widgets:
the editor's controller decides what is stored.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from csm_desktop.domain.playbook_diff import StepSnapshot
from csm_desktop.domain.vocabulary import phase_of_day
from csm_desktop.services import playbooks as service
from csm_desktop.services.playbooks import TemplateDetail
from csm_desktop.ui.models.playbook_steps_model import (
    FirstValueRole,
    PhaseRole,
    RoleNameRole,
    TargetDayRole,
)
from csm_desktop.ui.palette import current

Index = QModelIndex | QPersistentModelIndex


class StepDelegate(QStyledItemDelegate):
    """Two-line ladder row: a role-coloured bar, title, role and day, a phase chip."""

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        return QSize(240, option.fontMetrics.height() * 2 + 14)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        painter.save()
        rect: QRect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        if selected:
            painter.fillRect(rect, palette.highlight())
        colour = index.data(Qt.ItemDataRole.DecorationRole)
        painter.fillRect(QRect(rect.left() + 2, rect.top() + 3, 5, rect.height() - 6), colour)
        metrics = option.fontMetrics
        line = metrics.height()
        phase = str(index.data(PhaseRole))
        chip_width = metrics.horizontalAdvance(phase) + 14
        chip = QRect(rect.right() - chip_width - 6, rect.top() + 6, chip_width, line + 2)
        painter.setPen(Qt.PenStyle.NoPen)
        colours = current()
        painter.setBrush(QColor(colours.phase_tints.get(phase, colours.no_value)))
        painter.drawRoundedRect(chip, 6, 6)
        painter.setPen(QPen(QColor(colours.ink)))
        painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, phase)
        text_colour = palette.highlightedText().color() if selected else palette.text().color()
        left = rect.left() + 14
        width = chip.left() - left - 8
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(text_colour)
        title = str(index.data(Qt.ItemDataRole.DisplayRole))
        if index.data(FirstValueRole):
            title = f"★ {title}"
        title = metrics.elidedText(title, Qt.TextElideMode.ElideRight, width)
        painter.drawText(
            QRect(left, rect.top() + 5, width, line), Qt.AlignmentFlag.AlignLeft, title
        )
        painter.setFont(option.font)
        if not selected:
            painter.setPen(QColor(colours.muted))
        detail = f"{index.row() + 1}. {index.data(RoleNameRole)} · day {index.data(TargetDayRole)}"
        painter.drawText(
            QRect(left, rect.top() + 7 + line, rect.width() - 20, line),
            Qt.AlignmentFlag.AlignLeft,
            detail,
        )
        painter.restore()


def _text_edit(height: int = 3) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * height + 14)
    return edit


class TemplateForm(QWidget):
    """Every field of one milestone template; ``step()`` reads it back as a ``StepSnapshot``."""

    save_requested = Signal()  # the user pressed Save
    edited = Signal()  # a field changed since the template was shown

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.template: TemplateDetail | None = None
        self.dirty = False
        self._loading = True
        self.heading = QLabel("Select a milestone")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.heading.setFont(font)
        self.shared_note = QLabel()
        self.shared_note.setWordWrap(True)
        self.shared_note.setTextFormat(Qt.TextFormat.PlainText)
        self.shared_note.setStyleSheet(f"color:{current().muted}")

        self.title = QLineEdit()
        self.role = QComboBox()
        self.target_day = QSpinBox()
        self.target_day.setRange(0, service.MAX_TARGET_DAY)
        self.target_day.setSuffix(" days after kickoff")
        self.phase = QLabel()
        self.first_value = QCheckBox("This is the first-value milestone")
        self.purpose = _text_edit()
        self.expected_actions = _text_edit()
        self.risks = _text_edit()
        self.unlocks = QLineEdit()
        self.unlocks.setPlaceholderText("capability or feature this step unlocks")
        self.cue = _text_edit(2)
        self.definition_of_done = _text_edit(2)
        self.success_feature = QLineEdit()
        self.success_feature.setPlaceholderText("usage event name, e.g. workflow_run")
        self.success_threshold = QSpinBox()
        self.success_threshold.setRange(0, 1_000_000)
        self.success_threshold.setSpecialValueText("—")
        self.success_window = QSpinBox()
        self.success_window.setRange(0, 365)
        self.success_window.setSpecialValueText("—")
        self.success_window.setSuffix(" days")
        criterion = QHBoxLayout()
        criterion.addWidget(self.success_feature, 2)
        criterion.addWidget(QLabel("≥"))
        criterion.addWidget(self.success_threshold, 1)
        criterion.addWidget(QLabel("in"))
        criterion.addWidget(self.success_window, 1)
        self.story_example = _text_edit(2)
        self.message_in_app = _text_edit(4)
        self.email_subject = QLineEdit()
        self.email_body = _text_edit(8)
        self.help_article = _text_edit(4)
        self.messages = QTabWidget()
        self.messages.addTab(self.message_in_app, "In-app")
        email = QWidget()
        email_layout = QFormLayout(email)
        email_layout.addRow("Subject", self.email_subject)
        email_layout.addRow("Body", self.email_body)
        self.messages.addTab(email, "E-mail")
        self.messages.addTab(self.help_article, "Help-centre article")
        placeholders = QLabel(
            "Placeholders: {account} {contact} {role} {milestone} {due_date} {unlocks} {csm}"
        )
        placeholders.setStyleSheet(f"color:{current().muted}")
        placeholders.setWordWrap(True)

        self.save_button = QPushButton("Save milestone")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save_requested)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Title", self.title)
        form.addRow("Role", self.role)
        form.addRow("Target day", self.target_day)
        form.addRow("Phase", self.phase)
        form.addRow("", self.first_value)
        form.addRow("Purpose", self.purpose)
        form.addRow("Expected actions", self.expected_actions)
        form.addRow("Risks", self.risks)
        form.addRow("Unlocks", self.unlocks)
        form.addRow("Instructional cue", self.cue)
        form.addRow("Definition of done", self.definition_of_done)
        form.addRow("Success criterion", criterion)
        form.addRow("Customer story", self.story_example)
        self.messages.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.shared_note)
        layout.addLayout(form)
        layout.addWidget(QLabel("Message templates"))
        layout.addWidget(self.messages)
        layout.addWidget(placeholders)
        layout.addStretch(1)

        self.target_day.valueChanged.connect(self._show_phase)
        for line in (self.title, self.unlocks, self.success_feature, self.email_subject):
            line.textEdited.connect(self._mark_edited)
        for edit in self._text_edits():
            edit.textChanged.connect(self._mark_edited)
        for spin in (self.target_day, self.success_threshold, self.success_window):
            spin.valueChanged.connect(self._mark_edited)
        self.role.currentIndexChanged.connect(self._mark_edited)
        self.first_value.toggled.connect(self._mark_edited)
        self.show_template(None, [], editable=False)

    def _text_edits(self) -> list[QPlainTextEdit]:
        return [
            self.purpose, self.expected_actions, self.risks, self.cue, self.definition_of_done,
            self.story_example, self.message_in_app, self.email_body, self.help_article,
        ]  # fmt: skip

    def _mark_edited(self, *_: object) -> None:
        if self.template is not None and not self._loading:
            self.dirty = True
            self.edited.emit()

    def _show_phase(self, day: int) -> None:
        self.phase.setText(f"{phase_of_day(day).value} (from the target day)")

    def show_template(
        self, template: TemplateDetail | None, roles: Sequence[str], *, editable: bool
    ) -> None:
        """Fill the form with ``template`` (or clear it); read-only unless ``editable``."""
        self._loading = True
        self.template = template
        step = template.step if template else StepSnapshot(key="", title="", role="", target_day=0)
        self.heading.setText(step.title if template else "Select a milestone")
        others = list(template.used_in) if template else []
        self.shared_note.setText(
            f"Shared module, used in: {', '.join(others)}" if len(others) > 1 else ""
        )
        self.shared_note.setVisible(len(others) > 1)
        self.role.clear()
        self.role.addItems(
            list(roles) if step.role in roles or not step.role else [*roles, step.role]
        )
        self.role.setCurrentText(step.role)
        self.title.setText(step.title)
        self.target_day.setValue(step.target_day)
        self._show_phase(step.target_day)
        self.first_value.setChecked(step.first_value)
        self.purpose.setPlainText(step.purpose)
        self.expected_actions.setPlainText(step.expected_actions)
        self.risks.setPlainText(step.risks)
        self.unlocks.setText(step.unlocks or "")
        self.cue.setPlainText(step.cue)
        self.definition_of_done.setPlainText(step.definition_of_done)
        self.success_feature.setText(step.success_feature or "")
        self.success_threshold.setValue(step.success_threshold or 0)
        self.success_window.setValue(step.success_window_days or 0)
        self.story_example.setPlainText(step.story_example)
        self.message_in_app.setPlainText(step.message_in_app)
        self.email_subject.setText(step.message_email_subject)
        self.email_body.setPlainText(step.message_email_body)
        self.help_article.setPlainText(step.help_article)
        self.set_editable(editable and template is not None)
        self.dirty = False
        self._loading = False

    def set_editable(self, editable: bool) -> None:
        for line in (self.title, self.unlocks, self.success_feature, self.email_subject):
            line.setReadOnly(not editable)
        for edit in self._text_edits():
            edit.setReadOnly(not editable)
        for widget in (
            self.role, self.target_day, self.first_value, self.success_threshold,
            self.success_window, self.save_button,
        ):  # fmt: skip
            widget.setEnabled(editable)

    def step(self) -> StepSnapshot:
        """The form's values (the key is the shown template's)."""
        threshold = self.success_threshold.value() or None
        window = self.success_window.value() or None
        return StepSnapshot(
            key=self.template.step.key if self.template else "",
            title=self.title.text(),
            role=self.role.currentText(),
            target_day=self.target_day.value(),
            purpose=self.purpose.toPlainText(),
            expected_actions=self.expected_actions.toPlainText(),
            risks=self.risks.toPlainText(),
            unlocks=self.unlocks.text().strip() or None,
            cue=self.cue.toPlainText(),
            definition_of_done=self.definition_of_done.toPlainText(),
            success_feature=self.success_feature.text().strip() or None,
            success_threshold=threshold,
            success_window_days=window,
            first_value=self.first_value.isChecked(),
            message_in_app=self.message_in_app.toPlainText(),
            message_email_subject=self.email_subject.text(),
            message_email_body=self.email_body.toPlainText(),
            help_article=self.help_article.toPlainText(),
            story_example=self.story_example.toPlainText(),
        )
