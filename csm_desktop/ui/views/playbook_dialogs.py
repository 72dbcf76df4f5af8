"""The playbook editor's dialogs: apply a version to accounts, pick a template to reuse, and
ask where an edit to a shared milestone goes.

They only ask; the editor's controller does what the answer says.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from csm_desktop.domain.text import plural
from csm_desktop.services import playbooks as service
from csm_desktop.services.playbooks import AccountUpdate, Scope, TemplateDetail, TemplateSharing
from csm_desktop.ui import workers
from csm_desktop.ui.dialogs.messages import show_failure
from csm_desktop.ui.palette import current


def ask_scope(parent: QWidget, title: str, sharing: TemplateSharing) -> Scope | None:
    """Edit a shared milestone for every playbook or copy it for this one; None on Cancel."""
    box = QMessageBox(parent)
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


def choose_template(parent: QWidget, offered: Sequence[TemplateDetail]) -> int | None:
    """The id of the template the user picks from ``offered``; None on Cancel."""
    dialog = QDialog(parent)
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
    layout.addWidget(QLabel("Templates are shared modules: the same step in several playbooks."))
    layout.addWidget(choices)
    layout.addWidget(buttons)
    if dialog.exec() == QDialog.DialogCode.Accepted and choices.currentItem() is not None:
        return int(choices.currentItem().data(Qt.ItemDataRole.UserRole))
    return None


PREVIEW_LIMIT = 50
"""Accounts previewed in full: more is a wall of text nobody reads before applying."""
PREVIEW_DELAY_MS = 250
"""The preview starts this long after the last tick, so ticking a few accounts in a row
runs one dry run, not one per tick."""


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
        self._previews = 0  # bumped by each change of the ticks
        self._preview_timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self._start_preview)
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
        """Preview the ticked accounts shortly after the last tick, off the UI thread (a
        dry run over thousands of ladders takes seconds): the first ``PREVIEW_LIMIT`` in
        full, the rest counted."""
        chosen = self.chosen_ids()
        self.apply_button.setEnabled(bool(chosen))
        self._previews += 1  # a preview still running for an older choice is dropped
        if not chosen:
            self._preview_timer.stop()
            self.preview.setHtml(
                f"<p style='color:{current().muted}'>Tick accounts to preview the changes.</p>"
            )
            return
        self.preview.setHtml(
            f"<p style='color:{current().muted}'>Previewing {plural(len(chosen), 'account')}…</p>"
        )
        self._preview_timer.start()

    def _start_preview(self) -> None:
        chosen, asked = self.chosen_ids(), self._previews
        if not chosen:
            return
        shown, preview = chosen[:PREVIEW_LIMIT], self._preview

        def show(updates: list[AccountUpdate]) -> None:
            if asked == self._previews:
                self._show_preview(updates, len(chosen) - len(shown))

        def failed(exc: BaseException) -> None:  # a UserError explains itself; else logged
            if asked == self._previews:
                self.preview.clear()
                show_failure(self, "Previewing the changes", exc)

        workers.run(
            lambda progress: preview(shown),
            show,
            what="Previewing the changes",
            owner=self,
            on_failure=failed,
        )

    def _show_preview(self, updates: list[AccountUpdate], more: int) -> None:
        e = html.escape
        parts = []
        for update in updates:
            items = "".join(f"<li>{e(line)}</li>" for line in update.lines)
            parts.append(
                f"<p><b>{e(update.account)}</b> v{update.from_version} → v{update.to_version}"
                f"<ul style='margin-top:2px'>{items}</ul></p>"
            )
        if more:
            parts.append(
                f"<p style='color:{current().muted}'>… and {plural(more, 'more account')}, "
                "checked again when you apply.</p>"
            )
        self.preview.setHtml("".join(parts))
