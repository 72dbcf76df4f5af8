"""The playbook editor: versions on the left, the ladder in the middle, one milestone on the right.

A CSM creates and versions playbooks, reorders the ladder by drag and drop, reuses templates
from other playbooks, edits every field of a milestone (purpose, actions, risks, criterion,
message templates), rolls a newer version out to chosen accounts, and exports the playbook
as a PDF. This view builds the widgets and shows what it is given; every service call is in
``ui.controllers.playbook_editing`` (the form and dialogs are in ``playbook_form`` and
``playbook_dialogs``).
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTextBrowser,
    QToolBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from csm_desktop.domain.playbook_diff import VersionNote
from csm_desktop.domain.text import plural
from csm_desktop.services.opening import Database
from csm_desktop.services.playbooks import (
    PlaybookDetail,
    PlaybookSummary,
    Scope,
    TemplateDetail,
    TemplateSharing,
)
from csm_desktop.ui import workers
from csm_desktop.ui.controllers.playbook_editing import PageRead, PlaybookEditing, choose_version
from csm_desktop.ui.models.playbook_steps_model import PlaybookStepsModel
from csm_desktop.ui.palette import banner_style, current, span
from csm_desktop.ui.read_only import writes
from csm_desktop.ui.views.playbook_dialogs import ApplyToAccountsDialog, ask_scope
from csm_desktop.ui.views.playbook_form import StepDelegate, TemplateForm
from csm_desktop.ui.views.step_voices import StepVoices

__all__ = ["ApplyToAccountsDialog", "PlaybookEditor", "StepDelegate", "TemplateForm"]

PLAYBOOK_ID_ROLE = Qt.ItemDataRole.UserRole + 20


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
        self.saving = False  # a milestone save is running in a worker
        self.shown_reads = 0  # reads put on show (or started in a worker) so far
        # Asked when a saved template is shared with other playbooks; tests replace it.
        self.ask_scope: Callable[[str, TemplateSharing], Scope | None] = lambda title, sharing: (
            ask_scope(self, title, sharing)
        )
        self.controller = PlaybookEditing(self)

        self.toolbar = QToolBar("Playbook")
        self.new_playbook_action = self._tool("New playbook…", self.create_playbook)
        self.new_version_action = self._tool("New version…", self.create_new_version)
        self.apply_action = self._tool("Apply to accounts…", self.open_apply_dialog)
        self.export_action = self._tool("Export as PDF…", self.export_pdf)

        self.versions = QTreeWidget()
        self.versions.setHeaderLabels(["Playbook", "Accounts", "State"])
        self.versions.setColumnWidth(0, 96)
        self.versions.setColumnWidth(1, 62)
        self.versions.setMinimumWidth(240)  # name, accounts and state all show at 1280×720
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
        self.steps_model.order_changed.connect(self.controller.store_order)
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
        legend.setWordWrap(True)  # on a 1280 screen the ladder gives the versions room
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
        self.shown_reads += 1
        self.roles, summaries = self.controller.playbooks()
        chosen = choose_version(summaries, select_id)
        self._list_versions(summaries, chosen)
        if chosen is not None:
            self.select_playbook(chosen)
        else:
            self.detail = None
            self._show_detail()

    def reload_in_background(self, template_id: int | None = None) -> workers.Task:
        """Read the page again off the UI thread (a teammate's change, a return to the
        page), keeping the version on show and the milestone selected then (else
        ``template_id``). Dropped when anything was put on show since it started (the
        user's own edit, another version, a later read) or the user started typing."""
        self.shown_reads += 1
        started = self.shown_reads

        def show(read: PageRead) -> None:
            if self.shown_reads != started or self.form.dirty or self.saving:
                return
            selected = self.selected_template()
            self.roles = read.roles
            self._list_versions(read.summaries, read.detail.summary.id if read.detail else None)
            self.detail = read.detail
            self._show_detail(selected.id if selected else template_id, read.history)

        return self.controller.read_in_background(show)

    def _list_versions(self, summaries: list[PlaybookSummary], chosen_id: int | None) -> None:
        """Fill the versions tree (newest version first under each name), ``chosen_id``
        current, without reading anything."""
        self.versions.blockSignals(True)
        self.versions.clear()
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
            if summary.id == chosen_id:
                self.versions.setCurrentItem(item)
        self.versions.expandAll()
        self.versions.blockSignals(False)

    def _version_chosen(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        if current is None or current.data(0, PLAYBOOK_ID_ROLE) is None:
            return
        self.select_playbook(int(current.data(0, PLAYBOOK_ID_ROLE)))

    def select_playbook(self, playbook_id: int, template_id: int | None = None) -> None:
        """Show one version's ladder (selecting ``template_id``, else the first step)."""
        if not self.leave_form(lambda: self.select_playbook(playbook_id, template_id)):
            return
        self.shown_reads += 1
        detail = self.controller.detail(playbook_id)
        if detail is None:
            return
        self.detail = detail
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

    def _show_detail(
        self, template_id: int | None = None, history: list[VersionNote] | None = None
    ) -> None:
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
            notes = self.controller.history(summary.name) if history is None else history
            self._show_history(notes)
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

    def _show_history(self, notes: list[VersionNote]) -> None:
        e = html.escape
        parts = []
        for note in reversed(notes):
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
        chosen_id = template.id
        if (
            shown is not None
            and shown.id != chosen_id
            and not self.leave_form(lambda: self.select_template(chosen_id))
        ):
            row = self.steps_model.row_of(shown.id)  # stay on the unsaved (or saving) milestone
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

    def select_template(self, template_id: int) -> None:
        """Select ``template_id`` on the shown ladder, if it is there."""
        row = self.steps_model.row_of(template_id)
        if row is not None:
            self.steps_view.setCurrentIndex(self.steps_model.index(row))

    def leave_form(self, then: Callable[[], object] | None = None) -> bool:
        """True when the form may be left now. With unsaved edits the user may Save (False
        now: the save runs in a worker and ``then`` runs once it is stored), Discard (True)
        or Cancel (False). False while a save is still running."""
        if self.saving:
            return False
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
            self.controller.save_template(then)
            return False
        self.form.dirty = False
        return True

    def reload_current(self, template_id: int | None = None) -> None:
        if self.detail is not None:
            self.form.dirty = False
            self.reload(self.detail.summary.id)
            if template_id is not None:
                self.select_playbook(self.detail.summary.id, template_id)

    # --- what the buttons do (the controller's) --------------------------------------------

    def save_template(self) -> workers.Task | None:
        """Save the form in a worker (asking about shared templates); None when there is
        nothing to save. ``saving`` is True until it is stored or has failed."""
        return self.controller.save_template()

    def show_saving(self, busy: bool) -> None:
        """While a save runs the form is read-only and its button says so."""
        self.saving = busy
        self.form.save_button.setText("Saving…" if busy else "Save milestone")
        self.form.set_editable(not busy and self.steps_model.editable)

    def choose_existing_template(self) -> None:
        self.controller.choose_existing_template()

    def add_existing_template(self, template_id: int) -> None:
        self.controller.add_existing_template(template_id)

    def new_milestone(self) -> None:
        self.controller.new_milestone()

    def remove_selected(self) -> None:
        self.controller.remove_selected()

    def create_playbook(
        self, name: str | None = None, *, start_from_current: bool | None = None
    ) -> None:
        self.controller.create_playbook(name, start_from_current=start_from_current)

    def create_new_version(self, change_note: str | None = None) -> None:
        self.controller.create_new_version(change_note)

    def open_apply_dialog(self) -> workers.Task | None:
        return self.controller.open_apply_dialog()

    def apply_to_accounts(self, account_ids: list[int]) -> workers.Task | None:
        """Move the accounts to the shown version, off the UI thread (None: nothing to do)."""
        return self.controller.apply_to_accounts(account_ids)

    def export_pdf(self, path: Path | None = None) -> workers.Task | None:
        """Write the shown version as a PDF, off the UI thread."""
        return self.controller.export_pdf(path)
