"""What the playbook editor's buttons do: every call into ``services.playbooks``.

The editor view builds widgets and shows what it is given; this controller reads playbooks
for it, stores edits (saving a milestone, reordering the ladder, adding and removing steps,
new playbooks and versions, applying a version to accounts) and runs the PDF export in a
worker. Failures are shown over the editor as one clear line and nothing is half-stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QInputDialog,
    QMessageBox,
    QProgressDialog,
)

from csm_desktop.domain.playbook_diff import StepSnapshot, VersionNote
from csm_desktop.domain.text import plural
from csm_desktop.services import playbooks as service
from csm_desktop.services.playbooks import (
    AccountUpdate,
    PlaybookDetail,
    PlaybookSummary,
    Scope,
    TemplateDetail,
    TemplateSaved,
    TemplateSharing,
)
from csm_desktop.ui import workers
from csm_desktop.ui.dialogs.messages import show_failure
from csm_desktop.ui.views.playbook_dialogs import ApplyToAccountsDialog, choose_template

if TYPE_CHECKING:
    from csm_desktop.services.opening import Database
    from csm_desktop.ui.views.playbook_editor import PlaybookEditor


@dataclass(frozen=True)
class PageRead:
    """Everything the editor shows, read in one go off the UI thread."""

    roles: list[str]
    summaries: list[PlaybookSummary]
    detail: PlaybookDetail | None
    history: list[VersionNote]


def choose_version(summaries: list[PlaybookSummary], select_id: int | None) -> int | None:
    """The version to show: ``select_id`` while it is listed, else the first one."""
    ids = [summary.id for summary in summaries]
    if select_id in ids:
        return select_id
    return ids[0] if ids else None


def read_page(database: Database, select_id: int | None) -> PageRead:
    """The page's list, the chosen version's ladder and its history (a worker's job: at
    50,000 accounts these reads take a few tenths of a second)."""
    roles, summaries = service.role_names(database), service.list_playbooks(database)
    chosen = choose_version(summaries, select_id)
    detail = service.playbook_detail(database, chosen) if chosen is not None else None
    history = service.version_history(database, detail.summary.name) if detail else []
    return PageRead(roles, summaries, detail, history)


class PlaybookEditing:
    """The editor's service calls, over the view's book and shown version."""

    def __init__(self, view: PlaybookEditor) -> None:
        self.view = view

    # --- reading ---------------------------------------------------------------------------

    def playbooks(self) -> tuple[list[str], list[PlaybookSummary]]:
        """The book's role names and every playbook version."""
        database = self.view.database
        return service.role_names(database), service.list_playbooks(database)

    def detail(self, playbook_id: int) -> PlaybookDetail | None:
        """One version's ladder; None (after saying why) when it cannot be read."""
        try:
            return service.playbook_detail(self.view.database, playbook_id)
        except Exception as exc:
            show_failure(self.view, "Opening the playbook", exc)
            return None

    def history(self, name: str) -> list[VersionNote]:
        return service.version_history(self.view.database, name)

    def read_in_background(self, then: Callable[[PageRead], object]) -> workers.Task:
        """Read the page again in a worker (keeping the version on show); ``then`` gets it."""
        v = self.view
        database, select_id = v.database, v.detail.summary.id if v.detail else None
        return workers.run(
            lambda progress: read_page(database, select_id),
            then,
            what="Reading the playbooks",
            owner=v,
        )

    # --- editing the shown version ---------------------------------------------------------

    def save_template(self, then: Callable[[], object] | None = None) -> workers.Task | None:
        """Save the form off the UI thread: read where the template is shared, ask about a
        shared one, then store it; ``then`` runs once it is stored. None when there is
        nothing to save."""
        v = self.view
        template, detail = v.form.template, v.detail
        if template is None or detail is None or v.saving:
            return None
        database, playbook_id, step = v.database, detail.summary.id, v.form.step()
        v.show_saving(True)
        return workers.run(
            lambda progress: service.template_sharing(database, playbook_id, template.id),
            lambda sharing: self._store_template(playbook_id, template, step, sharing, then),
            what="Saving the milestone",
            owner=v,
            on_failure=self._save_failed,
        )

    def _store_template(
        self,
        playbook_id: int,
        template: TemplateDetail,
        step: StepSnapshot,
        sharing: TemplateSharing,
        then: Callable[[], object] | None,
    ) -> None:
        v = self.view
        scope: Scope | None = None
        if sharing.other_playbooks:
            scope = v.ask_scope(template.title, sharing)
            if scope is None:
                v.show_saving(False)
                return
        database = v.database
        workers.run(
            lambda progress: service.save_template(database, playbook_id, template.id, step, scope),
            lambda saved: self._template_saved(playbook_id, step, saved, then),
            what="Saving the milestone",
            owner=v,
            on_failure=self._save_failed,
        )

    def _template_saved(
        self,
        playbook_id: int,
        step: StepSnapshot,
        saved: TemplateSaved,
        then: Callable[[], object] | None,
    ) -> None:
        v = self.view
        v.show_saving(False)
        v.form.dirty = False
        where = ", ".join(saved.changed_in)
        copied = " (a copy; other playbooks keep the original)" if saved.copied else ""
        v.status_message.emit(f"Saved “{step.title}” in {where}{copied}.")
        v.form.template = None
        v.select_playbook(playbook_id, saved.template_id)
        if then is not None:
            then()

    def _save_failed(self, exc: BaseException) -> None:
        self.view.show_saving(False)
        show_failure(self.view, "Saving the milestone", exc)

    def store_order(self, template_ids: list[int]) -> None:
        v = self.view
        if v.detail is None:
            return
        current = v.selected_template()
        try:
            service.reorder_steps(v.database, v.detail.summary.id, template_ids)
        except Exception as exc:
            show_failure(v, "Reordering the ladder", exc)
        v.select_playbook(v.detail.summary.id, current.id if current else None)
        v.status_message.emit("Ladder order saved.")

    def choose_existing_template(self) -> None:
        """Pick a template from other playbooks (or an unused one) and add it here."""
        v = self.view
        if v.detail is None:
            return
        offered = service.templates_for_reuse(v.database, v.detail.summary.id)
        if not offered:
            QMessageBox.information(
                v, "Add existing template", "Every template is already in this playbook."
            )
            return
        chosen = choose_template(v, offered)
        if chosen is not None:
            self.add_existing_template(chosen)

    def add_existing_template(self, template_id: int) -> None:
        v = self.view
        if v.detail is None:
            return
        try:
            service.add_template(v.database, v.detail.summary.id, template_id)
        except Exception as exc:
            show_failure(v, "Adding the template", exc)
            return
        v.reload_current(template_id)

    def new_milestone(self) -> None:
        """Add a blank milestone near the selected one, ready to fill in on the right."""
        v = self.view
        if v.detail is None or not v.leave_form(self.new_milestone):
            return
        selected = v.selected_template()
        role = selected.role if selected else (v.roles[0] if v.roles else "")
        day = selected.target_day if selected else 0
        try:
            template_id = service.new_milestone(
                v.database, v.detail.summary.id, "New milestone", role, day
            )
        except Exception as exc:
            show_failure(v, "Adding a milestone", exc)
            return
        v.reload_current(template_id)
        v.form.title.setFocus()
        v.form.title.selectAll()

    def remove_selected(self) -> None:
        v = self.view
        selected = v.selected_template()
        if v.detail is None or selected is None:
            return
        try:
            service.remove_step(v.database, v.detail.summary.id, selected.id)
        except Exception as exc:
            show_failure(v, "Removing the milestone", exc)
            return
        v.form.dirty = False
        v.form.template = None
        v.reload_current()
        v.status_message.emit(f"Removed “{selected.title}” from this version.")

    # --- playbooks and versions ------------------------------------------------------------

    def create_playbook(
        self, name: str | None = None, *, start_from_current: bool | None = None
    ) -> None:
        """A new playbook; it may start from the current ladder (reusing its templates)."""
        v = self.view
        if name is None:
            name, ok = QInputDialog.getText(v, "New playbook", "Name of the new playbook:")
            if not ok:
                return
        template_ids: list[int] = []
        if v.detail is not None and v.detail.steps:
            if start_from_current is None:
                answer = QMessageBox.question(
                    v,
                    "New playbook",
                    f"Start from the milestones of {v.detail.summary.label}? They stay "
                    "shared modules: edit one later and you choose where the edit goes.",
                )
                start_from_current = answer == QMessageBox.StandardButton.Yes
            if start_from_current:
                template_ids = [step.id for step in v.detail.steps]
        try:
            playbook_id = service.create_playbook(
                v.database, name, today=v.today(), template_ids=template_ids
            )
        except Exception as exc:
            show_failure(v, "Creating the playbook", exc)
            return
        v.form.dirty = False
        v.reload(playbook_id)
        v.status_message.emit(f"Created the playbook “{name.strip()}”.")

    def create_new_version(self, change_note: str | None = None) -> None:
        """Version + 1 of the shown playbook, with a change note."""
        v = self.view
        if v.detail is None or not v.leave_form(lambda: self.create_new_version(change_note)):
            return
        summary = v.detail.summary
        if change_note is None:
            change_note, ok = QInputDialog.getMultiLineText(
                v,
                "New version",
                f"What changes in {summary.name} v{summary.version + 1}, and why?\n"
                f"(It starts as a copy of v{summary.version}; accounts stay where they are.)",
            )
            if not ok:
                return
        try:
            playbook_id = service.new_version(v.database, summary.id, change_note, today=v.today())
        except Exception as exc:
            show_failure(v, "Creating a new version", exc)
            return
        v.reload(playbook_id)
        label = v.detail.summary.label if v.detail else summary.label
        v.status_message.emit(f"Created {label}.")

    def open_apply_dialog(self) -> workers.Task | None:
        """Read the accounts on older versions off the UI thread, then offer them."""
        v = self.view
        if v.detail is None:
            return None
        summary, database = v.detail.summary, v.database
        return workers.run(
            lambda progress: service.accounts_on_older_versions(database, summary.id),
            lambda accounts: self._apply_dialog(summary, accounts),
            what="Reading the accounts on older versions",
            owner=v,
        )

    def _apply_dialog(
        self, summary: PlaybookSummary, accounts: list[service.AccountOnVersion]
    ) -> None:
        v = self.view
        if v.detail is None or v.detail.summary.id != summary.id:
            return  # another version was put on show meanwhile
        if not accounts:
            QMessageBox.information(
                v, "Apply to accounts", f"No account is on an older version of {summary.name}."
            )
            return
        database = v.database
        dialog = ApplyToAccountsDialog(
            summary.label,
            accounts,
            lambda ids: service.apply_to_accounts(database, summary.id, ids, dry_run=True),
            v,
        )
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.apply_to_accounts(dialog.chosen_ids())

    def apply_to_accounts(self, account_ids: list[int]) -> workers.Task | None:
        """Move the accounts to the shown version in a worker, with a progress dialog whose
        Cancel leaves every account as it was; the editor and the Book reload once done."""
        v = self.view
        if v.detail is None or not account_ids:
            return None
        summary, database = v.detail.summary, v.database
        dialog = QProgressDialog(
            f"Applying {summary.label} to {plural(len(account_ids), 'account')}…",
            "Cancel",
            0,
            len(account_ids) + 2,
            v,
        )
        dialog.setWindowTitle("Apply to accounts")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)

        def applied(updates: list[AccountUpdate]) -> None:
            v.reload(summary.id)
            v.accounts_changed.emit()
            v.status_message.emit(f"{summary.label} applied to {plural(len(updates), 'account')}.")

        def progressed(done: int, total: int, text: str) -> None:
            dialog.setMaximum(total)
            dialog.setValue(done)
            dialog.setLabelText(text)

        task = workers.run(
            lambda progress: service.apply_to_accounts(
                database, summary.id, account_ids, progress=progress
            ),
            applied,
            what="Applying the playbook",
            owner=v,
            on_progress=progressed,
            on_finished=dialog.close,
        )
        dialog.canceled.connect(task.cancel)
        task.cancelled.connect(
            lambda: v.status_message.emit(f"Applying {summary.label} cancelled; nothing changed.")
        )
        return task

    def export_pdf(self, path: Path | None = None) -> workers.Task | None:
        """Write the shown version as a PDF, off the UI thread."""
        v = self.view
        if v.detail is None:
            return None
        summary = v.detail.summary
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                v,
                "Export playbook as PDF",
                str(Path.home() / f"{summary.name} playbook v{summary.version}.pdf"),
                "PDF documents (*.pdf)",
            )
            if not chosen:
                return None
            path = Path(chosen)
        database, playbook_id = v.database, summary.id
        task = workers.run(
            lambda progress: service.write_playbook_pdf(database, playbook_id, path),
            lambda written: v.status_message.emit(f"Saved {written}."),
            what="Exporting the playbook",
            owner=v,
            on_finished=self._export_finished,
        )
        v.export_task = task
        v.export_action.setEnabled(False)
        v.status_message.emit(f"Writing {path.name}…")
        return task

    def _export_finished(self) -> None:
        v = self.view
        v.export_task = None
        v.export_action.setEnabled(v.detail is not None)
