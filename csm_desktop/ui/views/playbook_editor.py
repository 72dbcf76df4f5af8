"""The playbook editor: versions on the left, the ladder in the middle, one milestone on the right.

A CSM creates and versions playbooks, reorders the ladder by drag and drop, reuses templates
from other playbooks, edits every field of a milestone (purpose, actions, risks, criterion,
message templates), rolls a newer version out to chosen accounts, and exports the playbook
as a PDF. Rules live in ``services.playbooks``; this page only calls it. Saves are small and
run on the UI thread; the PDF export runs in a worker.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QAction, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTabWidget,
    QTextBrowser,
    QToolBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from csm_desktop.domain.playbook_diff import StepSnapshot
from csm_desktop.domain.text import plural
from csm_desktop.domain.vocabulary import phase_of_day
from csm_desktop.services import playbooks as service
from csm_desktop.services.opening import Database
from csm_desktop.services.playbooks import (
    AccountUpdate,
    PlaybookDetail,
    Scope,
    TemplateDetail,
    TemplateSharing,
)
from csm_desktop.ui import workers
from csm_desktop.ui.dialogs.messages import show_failure
from csm_desktop.ui.models.playbook_steps_model import (
    FirstValueRole,
    PhaseRole,
    PlaybookStepsModel,
    RoleNameRole,
    TargetDayRole,
)
from csm_desktop.ui.palette import banner_style, current, span
from csm_desktop.ui.read_only import writes
from csm_desktop.ui.views.step_voices import StepVoices

PLAYBOOK_ID_ROLE = Qt.ItemDataRole.UserRole + 20
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


class ApplyToAccountsDialog(QDialog):
    """Accounts on older versions with checkboxes, and a preview of what applying changes."""

    def __init__(
        self,
        label: str,
        accounts: Sequence[service.AccountOnVersion],
        preview: Callable[[list[int]], list[AccountUpdate]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Apply {label} to accounts")
        self.resize(820, 520)
        self._preview = preview
        self.accounts = QListWidget()
        for account in accounts:
            item = QListWidgetItem(f"{account.name}  (v{account.version})")
            item.setData(Qt.ItemDataRole.UserRole, account.account_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.accounts.addItem(item)
        self.select_all = QCheckBox("All accounts")
        self.select_all.toggled.connect(self._check_all)
        self.preview = QTextBrowser()
        note = QLabel(
            f"Chosen accounts move to {label}: new milestones are added and open ones take the "
            "new title, target day and due date, definition of done and criterion. Achieved "
            "and skipped milestones are history and stay as they are."
        )
        note.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Apply | QDialogButtonBox.StandardButton.Cancel
        )
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Apply)
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        left = QVBoxLayout()
        left.addWidget(self.select_all)
        left.addWidget(self.accounts, 1)
        body = QHBoxLayout()
        body.addLayout(left, 2)
        body.addWidget(self.preview, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(body, 1)
        layout.addWidget(self.buttons)
        self.accounts.itemChanged.connect(lambda _item: self.refresh_preview())
        self.refresh_preview()

    def _check_all(self, checked: bool) -> None:
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        self.accounts.blockSignals(True)
        for row in range(self.accounts.count()):
            self.accounts.item(row).setCheckState(state)
        self.accounts.blockSignals(False)
        self.refresh_preview()

    def chosen_ids(self) -> list[int]:
        return [
            int(self.accounts.item(row).data(Qt.ItemDataRole.UserRole))
            for row in range(self.accounts.count())
            if self.accounts.item(row).checkState() == Qt.CheckState.Checked
        ]

    def refresh_preview(self) -> None:
        chosen = self.chosen_ids()
        self.apply_button.setEnabled(bool(chosen))
        if not chosen:
            self.preview.setHtml(
                f"<p style='color:{current().muted}'>Tick accounts to preview the changes.</p>"
            )
            return
        try:
            updates = self._preview(chosen)
        except Exception as exc:  # a UserError explains itself; anything else is logged
            show_failure(self, "Previewing the changes", exc)
            return
        e = html.escape
        parts = []
        for update in updates:
            items = "".join(f"<li>{e(line)}</li>" for line in update.lines)
            parts.append(
                f"<p><b>{e(update.account)}</b> v{update.from_version} → v{update.to_version}"
                f"<ul style='margin-top:2px'>{items}</ul></p>"
            )
        self.preview.setHtml("".join(parts))


class PlaybookEditor(QWidget):
    status_message = Signal(str)  # a short note for the status bar
    accounts_changed = Signal()  # a version was applied to accounts: their ladders changed

    def __init__(
        self,
        database: Database,
        *,
        today: Callable[[], dt.date] = dt.date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.database = database
        self.today = today
        self.detail: PlaybookDetail | None = None
        self.roles: list[str] = []
        self.export_task: workers.Task | None = None
        # Asked when a saved template is shared with other playbooks; tests replace it.
        self.ask_scope: Callable[[str, TemplateSharing], Scope | None] = self._ask_scope

        self.toolbar = QToolBar("Playbook")
        self.new_playbook_action = self._tool("New playbook…", self.create_playbook)
        self.new_version_action = self._tool("New version…", self.create_new_version)
        self.apply_action = self._tool("Apply to accounts…", self.open_apply_dialog)
        self.export_action = self._tool("Export as PDF…", self.export_pdf)

        self.versions = QTreeWidget()
        self.versions.setHeaderLabels(["Playbook", "Accounts", "State"])
        self.versions.setColumnWidth(0, 110)
        self.versions.setColumnWidth(1, 64)
        self.versions.currentItemChanged.connect(self._version_chosen)
        self.history = QTextBrowser()
        self.history.setOpenLinks(False)
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.versions)
        history_box = QWidget()
        history_layout = QVBoxLayout(history_box)
        history_layout.setContentsMargins(0, 0, 0, 0)
        history_layout.addWidget(QLabel("Version history"))
        history_layout.addWidget(self.history)
        left.addWidget(history_box)
        left.setSizes([260, 300])

        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        self.lock_banner = QLabel()
        self.lock_banner.setWordWrap(True)
        self.lock_banner.setTextFormat(Qt.TextFormat.PlainText)
        self.lock_banner.setStyleSheet(banner_style())
        self.steps_model = PlaybookStepsModel(self)
        self.steps_model.order_changed.connect(self._store_order)
        self.steps_view = QListView()
        self.steps_view.setModel(self.steps_model)
        self.steps_view.setItemDelegate(StepDelegate(self.steps_view))
        self.steps_view.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.steps_view.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.steps_view.setDragEnabled(True)
        self.steps_view.setAcceptDrops(True)
        self.steps_view.setDropIndicatorShown(True)
        self.steps_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.steps_view.selectionModel().currentChanged.connect(self._step_chosen)
        legend = QLabel(
            "Colour bar: "
            + " ".join(
                f"{span('■', current().role(role))} {role}"
                for role in ("Administrator", "Power user", "Operator")
            )
            + " · ★ first value · drag to reorder"
        )
        legend.setStyleSheet(f"color:{current().muted}")
        self.add_existing_button = QPushButton("Add existing template…")
        self.add_existing_button.clicked.connect(self.choose_existing_template)
        self.new_milestone_button = QPushButton("New milestone")
        self.new_milestone_button.clicked.connect(self.new_milestone)
        self.remove_button = QPushButton("Remove")
        writes(
            self.add_existing_button,
            self.new_milestone_button,
            self.remove_button,
            self.new_playbook_action,
            self.new_version_action,
            self.apply_action,
        )
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_existing_button)
        buttons.addWidget(self.new_milestone_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(0, 0, 0, 0)
        middle_layout.addWidget(self.header)
        middle_layout.addWidget(self.lock_banner)
        middle_layout.addWidget(legend)
        middle_layout.addWidget(self.steps_view, 1)
        middle_layout.addLayout(buttons)
        self.voices = StepVoices(database)  # what customers say at the chosen step
        middle_layout.addWidget(self.voices)

        self.form = TemplateForm()
        writes(self.form.save_button)
        self.form.save_requested.connect(self.save_template)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        scroll.setMinimumWidth(380)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(middle)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 4)
        splitter.setSizes([250, 330, 520])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 0)
        layout.addWidget(self.toolbar)
        layout.addWidget(splitter, 1)
        self.reload()

    def _tool(self, text: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(lambda _checked=False: slot())
        self.toolbar.addAction(action)
        return action

    # --- loading -------------------------------------------------------------------------

    def reload(self, select_id: int | None = None) -> None:
        """Re-read the playbook list and show ``select_id`` (or the current one)."""
        if select_id is None and self.detail is not None:
            select_id = self.detail.summary.id
        self.roles = service.role_names(self.database)
        summaries = service.list_playbooks(self.database)
        self.versions.blockSignals(True)
        self.versions.clear()
        chosen: QTreeWidgetItem | None = None
        parents: dict[str, QTreeWidgetItem] = {}
        for summary in summaries:
            parent = parents.get(summary.name)
            if parent is None:
                parent = QTreeWidgetItem([summary.name, ""])
                parent.setFlags(parent.flags() & ~Qt.ItemFlag.ItemIsSelectable)
                self.versions.addTopLevelItem(parent)
                parents[summary.name] = parent
            created = summary.created_on.isoformat() if summary.created_on else ""
            state = (
                "editable" if not summary.locked else "older" if not summary.is_latest else "in use"
            )
            item = QTreeWidgetItem([f"v{summary.version}", str(summary.account_count), state])
            item.setData(0, PLAYBOOK_ID_ROLE, summary.id)
            tip = (
                f"{summary.label}, created {created or 'on an unknown date'}. "
                f"{summary.locked_reason or 'Editable: no account is on this version yet.'}"
            )
            for column in range(3):
                item.setToolTip(column, tip)
            if summary.locked:
                item.setForeground(2, QColor(current().muted))
            else:
                item.setForeground(2, QColor(current().good))
            parent.insertChild(0, item)  # newest version first
            if summary.id == select_id or (select_id is None and chosen is None):
                chosen = item
        self.versions.expandAll()
        self.versions.blockSignals(False)
        if chosen is not None:
            self.versions.setCurrentItem(chosen)
            self.select_playbook(int(chosen.data(0, PLAYBOOK_ID_ROLE)))
        else:
            self.detail = None
            self._show_detail()

    def _version_chosen(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        if current is None or current.data(0, PLAYBOOK_ID_ROLE) is None:
            return
        self.select_playbook(int(current.data(0, PLAYBOOK_ID_ROLE)))

    def select_playbook(self, playbook_id: int, template_id: int | None = None) -> None:
        """Show one version's ladder (selecting ``template_id``, else the first step)."""
        if not self._leave_form():
            return
        try:
            self.detail = service.playbook_detail(self.database, playbook_id)
        except Exception as exc:
            show_failure(self, "Opening the playbook", exc)
            return
        self._show_detail(template_id)
        item = self._version_item(playbook_id)
        if item is not None and self.versions.currentItem() is not item:
            self.versions.blockSignals(True)
            self.versions.setCurrentItem(item)
            self.versions.blockSignals(False)

    def _version_item(self, playbook_id: int) -> QTreeWidgetItem | None:
        for top in range(self.versions.topLevelItemCount()):
            parent = self.versions.topLevelItem(top)
            children = [parent.child(i) for i in range(parent.childCount())] if parent else []
            for child in children:
                if child is not None and child.data(0, PLAYBOOK_ID_ROLE) == playbook_id:
                    return child
        return None

    def _show_detail(self, template_id: int | None = None) -> None:
        detail = self.detail
        editable = detail is not None and not detail.summary.locked
        e = html.escape
        if detail is None:
            self.header.setText("<h3>No playbooks yet</h3>Create one with “New playbook…”.")
            self.steps_model.set_steps([], editable=False)
            self.history.clear()
        else:
            summary = detail.summary
            facts = " · ".join(
                e(part)
                for part in (summary.segment or "", summary.industry or "",
                             f"{plural(summary.step_count, 'milestone')}")
                if part
            )  # fmt: skip
            self.header.setText(f"<h3 style='margin:0'>{e(summary.label)}</h3>{facts}")
            self.steps_model.set_steps(detail.steps, editable=editable)
            self._show_history(summary.name)
        locked_reason = detail.summary.locked_reason if detail else None
        self.lock_banner.setText(locked_reason or "")
        self.lock_banner.setVisible(locked_reason is not None)
        for widget in (self.add_existing_button, self.new_milestone_button, self.remove_button):
            widget.setEnabled(editable)
        self.new_version_action.setEnabled(detail is not None)
        self.export_action.setEnabled(detail is not None and self.export_task is None)
        self.apply_action.setEnabled(detail is not None and detail.summary.version > 1)
        row = self.steps_model.row_of(template_id) if template_id is not None else None
        if row is None and self.steps_model.rowCount():
            row = 0
        if row is not None:
            self.steps_view.setCurrentIndex(self.steps_model.index(row))
        else:
            self.form.show_template(None, self.roles, editable=False)

    def _show_history(self, name: str) -> None:
        e = html.escape
        parts = []
        for note in reversed(service.version_history(self.database, name)):
            created = note.created_on.isoformat() if note.created_on else ""
            lines = "".join(f"<li>{e(line)}</li>" for line in note.lines)
            parts.append(
                f"<p><b>v{note.version}</b> {span(created, current().muted)}<br>"
                f"<i>{e(note.change_note)}</i><ul style='margin-top:2px'>{lines}</ul></p>"
            )
        self.history.setHtml("".join(parts))

    def _step_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid() or self.detail is None:
            return
        template = self.steps_model.step(current.row())
        shown = self.form.template
        if shown is not None and shown.id != template.id and not self._leave_form():
            row = self.steps_model.row_of(shown.id)  # Cancel: stay on the unsaved milestone
            if row is not None:
                selection = self.steps_view.selectionModel()
                selection.blockSignals(True)
                self.steps_view.setCurrentIndex(self.steps_model.index(row))
                selection.blockSignals(False)
            return
        self.form.show_template(template, self.roles, editable=self.steps_model.editable)
        self.voices.show_template(template.id, template.title)

    def selected_template(self) -> TemplateDetail | None:
        index = self.steps_view.currentIndex()
        return self.steps_model.step(index.row()) if index.isValid() else None

    def _leave_form(self) -> bool:
        """Offer to save unsaved edits; False when the user cancels."""
        if not self.form.dirty or self.form.template is None:
            return True
        answer = QMessageBox.question(
            self,
            "Unsaved milestone",
            f"Save your changes to “{self.form.template.title}” first?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Cancel:
            return False
        if answer == QMessageBox.StandardButton.Save:
            return self.save_template()
        self.form.dirty = False
        return True

    # --- editing -------------------------------------------------------------------------

    def _ask_scope(self, title: str, sharing: TemplateSharing) -> Scope | None:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Shared milestone")
        kept = (
            f"\n\n{', '.join(sharing.locked)} keep the old text: they are history."
            if sharing.locked
            else ""
        )
        box.setText(
            f"“{title}” is also used in {', '.join(sharing.other_playbooks)}.\n"
            f"Change it in every playbook that uses it, or make a copy for this playbook only?"
            f"{kept}"
        )
        every = box.addButton("Edit for all playbooks", QMessageBox.ButtonRole.AcceptRole)
        copy = box.addButton("Make a copy for this playbook", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is every:
            return Scope.EVERY_PLAYBOOK
        if box.clickedButton() is copy:
            return Scope.THIS_PLAYBOOK
        return None

    def save_template(self) -> bool:
        """Save the form; asks about shared templates. True when saved."""
        template, detail = self.form.template, self.detail
        if template is None or detail is None:
            return False
        playbook_id = detail.summary.id
        try:
            sharing = service.template_sharing(self.database, playbook_id, template.id)
            scope: Scope | None = None
            if sharing.other_playbooks:
                scope = self.ask_scope(template.title, sharing)
                if scope is None:
                    return False
            saved = service.save_template(
                self.database, playbook_id, template.id, self.form.step(), scope
            )
        except Exception as exc:
            show_failure(self, "Saving the milestone", exc)
            return False
        self.form.dirty = False
        where = ", ".join(saved.changed_in)
        copied = " (a copy; other playbooks keep the original)" if saved.copied else ""
        self.status_message.emit(f"Saved “{self.form.step().title}” in {where}{copied}.")
        self.form.template = None
        self.select_playbook(playbook_id, saved.template_id)
        return True

    def _store_order(self, template_ids: list[int]) -> None:
        if self.detail is None:
            return
        current = self.selected_template()
        try:
            service.reorder_steps(self.database, self.detail.summary.id, template_ids)
        except Exception as exc:
            show_failure(self, "Reordering the ladder", exc)
        self.select_playbook(self.detail.summary.id, current.id if current else None)
        self.status_message.emit("Ladder order saved.")

    def choose_existing_template(self) -> None:
        """Pick a template from other playbooks (or an unused one) and add it here."""
        if self.detail is None:
            return
        offered = service.templates_for_reuse(self.database, self.detail.summary.id)
        if not offered:
            QMessageBox.information(
                self, "Add existing template", "Every template is already in this playbook."
            )
            return
        dialog = QDialog(self)
        dialog.setWindowTitle("Add existing template")
        dialog.resize(560, 420)
        choices = QListWidget()
        for template in offered:
            used = ", ".join(template.used_in) or "no playbook"
            item = QListWidgetItem(
                f"{template.title} — {template.role}, day {template.target_day}  (in {used})"
            )
            item.setData(Qt.ItemDataRole.UserRole, template.id)
            choices.addItem(item)
        choices.setCurrentRow(0)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        choices.itemDoubleClicked.connect(lambda _item: dialog.accept())
        layout = QVBoxLayout(dialog)
        layout.addWidget(
            QLabel("Templates are shared modules: the same step in several playbooks.")
        )
        layout.addWidget(choices)
        layout.addWidget(buttons)
        if dialog.exec() == QDialog.DialogCode.Accepted and choices.currentItem() is not None:
            self.add_existing_template(int(choices.currentItem().data(Qt.ItemDataRole.UserRole)))

    def add_existing_template(self, template_id: int) -> None:
        if self.detail is None:
            return
        try:
            service.add_template(self.database, self.detail.summary.id, template_id)
        except Exception as exc:
            show_failure(self, "Adding the template", exc)
            return
        self.reload_current(template_id)

    def new_milestone(self) -> None:
        """Add a blank milestone near the selected one, ready to fill in on the right."""
        if self.detail is None or not self._leave_form():
            return
        selected = self.selected_template()
        role = selected.role if selected else (self.roles[0] if self.roles else "")
        day = selected.target_day if selected else 0
        try:
            template_id = service.new_milestone(
                self.database, self.detail.summary.id, "New milestone", role, day
            )
        except Exception as exc:
            show_failure(self, "Adding a milestone", exc)
            return
        self.reload_current(template_id)
        self.form.title.setFocus()
        self.form.title.selectAll()

    def remove_selected(self) -> None:
        selected = self.selected_template()
        if self.detail is None or selected is None:
            return
        try:
            service.remove_step(self.database, self.detail.summary.id, selected.id)
        except Exception as exc:
            show_failure(self, "Removing the milestone", exc)
            return
        self.form.dirty = False
        self.form.template = None
        self.reload_current()
        self.status_message.emit(f"Removed “{selected.title}” from this version.")

    def reload_current(self, template_id: int | None = None) -> None:
        if self.detail is not None:
            self.form.dirty = False
            self.reload(self.detail.summary.id)
            if template_id is not None:
                self.select_playbook(self.detail.summary.id, template_id)

    # --- playbooks and versions ------------------------------------------------------------

    def create_playbook(
        self, name: str | None = None, *, start_from_current: bool | None = None
    ) -> None:
        """A new playbook; it may start from the current ladder (reusing its templates)."""
        if name is None:
            name, ok = QInputDialog.getText(self, "New playbook", "Name of the new playbook:")
            if not ok:
                return
        template_ids: list[int] = []
        if self.detail is not None and self.detail.steps:
            if start_from_current is None:
                answer = QMessageBox.question(
                    self,
                    "New playbook",
                    f"Start from the milestones of {self.detail.summary.label}? They stay "
                    "shared modules: edit one later and you choose where the edit goes.",
                )
                start_from_current = answer == QMessageBox.StandardButton.Yes
            if start_from_current:
                template_ids = [step.id for step in self.detail.steps]
        try:
            playbook_id = service.create_playbook(
                self.database, name, today=self.today(), template_ids=template_ids
            )
        except Exception as exc:
            show_failure(self, "Creating the playbook", exc)
            return
        self.form.dirty = False
        self.reload(playbook_id)
        self.status_message.emit(f"Created the playbook “{name.strip()}”.")

    def create_new_version(self, change_note: str | None = None) -> None:
        """Version + 1 of the shown playbook, with a change note."""
        if self.detail is None or not self._leave_form():
            return
        summary = self.detail.summary
        if change_note is None:
            change_note, ok = QInputDialog.getMultiLineText(
                self,
                "New version",
                f"What changes in {summary.name} v{summary.version + 1}, and why?\n"
                f"(It starts as a copy of v{summary.version}; accounts stay where they are.)",
            )
            if not ok:
                return
        try:
            playbook_id = service.new_version(
                self.database, summary.id, change_note, today=self.today()
            )
        except Exception as exc:
            show_failure(self, "Creating a new version", exc)
            return
        self.reload(playbook_id)
        self.status_message.emit(f"Created {self.detail.summary.label}.")

    def open_apply_dialog(self) -> None:
        if self.detail is None:
            return
        summary = self.detail.summary
        accounts = service.accounts_on_older_versions(self.database, summary.id)
        if not accounts:
            QMessageBox.information(
                self, "Apply to accounts", f"No account is on an older version of {summary.name}."
            )
            return
        dialog = ApplyToAccountsDialog(
            summary.label,
            accounts,
            lambda ids: service.apply_to_accounts(self.database, summary.id, ids, dry_run=True),
            self,
        )
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.apply_to_accounts(dialog.chosen_ids())

    def apply_to_accounts(self, account_ids: list[int]) -> list[AccountUpdate]:
        if self.detail is None or not account_ids:
            return []
        try:
            updates = service.apply_to_accounts(self.database, self.detail.summary.id, account_ids)
        except Exception as exc:
            show_failure(self, "Applying the playbook", exc)
            return []
        self.reload(self.detail.summary.id)
        self.accounts_changed.emit()
        self.status_message.emit(
            f"{self.detail.summary.label} applied to {plural(len(updates), 'account')}."
        )
        return updates

    def export_pdf(self, path: Path | None = None) -> workers.Task | None:
        """Write the shown version as a PDF, off the UI thread."""
        if self.detail is None:
            return None
        summary = self.detail.summary
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self,
                "Export playbook as PDF",
                str(Path.home() / f"{summary.name} playbook v{summary.version}.pdf"),
                "PDF documents (*.pdf)",
            )
            if not chosen:
                return None
            path = Path(chosen)
        database, playbook_id = self.database, summary.id
        task = workers.run(
            lambda progress: service.write_playbook_pdf(database, playbook_id, path),
            lambda written: self.status_message.emit(f"Saved {written}."),
            what="Exporting the playbook",
            owner=self,
            on_finished=self._export_finished,
        )
        self.export_task = task
        self.export_action.setEnabled(False)
        self.status_message.emit(f"Writing {path.name}…")
        return task

    def _export_finished(self) -> None:
        self.export_task = None
        self.export_action.setEnabled(self.detail is not None)
