"""Small dialogs of the account page: status reason/date, contact, new account, kickoff.

Each dialog only collects values and returns the services' plain ``*Fields`` dataclasses;
the controller decides what to do with them.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from csm_desktop.domain.vocabulary import SEGMENTS, Status
from csm_desktop.services.account_edits import AccountFields, ContactFields, KickoffFields
from csm_desktop.services.accounts import ContactInfo, KickoffSummary
from csm_desktop.ui.dialogs.dialog_parts import (
    NO_DATE,
    date_edit,
    from_qdate,
    ok_cancel,
    optional_date,
    to_qdate,
)
from csm_desktop.ui.dialogs.save_refusals import SavesOnOk


class StatusDialog(QDialog):
    """Asks what a status change needs: the date (achieved) or a reason (blocked, skipped)."""

    def __init__(
        self,
        milestone: str,
        status: Status,
        today: dt.date,
        parent: QWidget | None = None,
        *,
        offered: dt.date | None = None,
        account: str | None = None,
    ) -> None:
        """``offered`` is the date to propose (the day a usage criterion was met); today
        when not given. Later than today is never allowed. ``account`` names the account
        when no page of it is on show (the Book's row menu)."""
        super().__init__(parent)
        self.status = status
        self.setWindowTitle(f"Mark as {status.value}")
        form = QFormLayout(self)
        named = f"{_escape(account)}: " if account else ""
        form.addRow(QLabel(f"{named}<b>{_escape(milestone)}</b> → {status.value}"))
        self.date = date_edit(min(offered, today) if offered else today)
        self.date.setMaximumDate(to_qdate(today))
        form.addRow("Achieved on" if status is Status.ACHIEVED else "Changed on", self.date)
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText("Why? The customer will see this in the timeline.")
        self.reason.setMaximumHeight(80)
        if status.needs_reason:
            form.addRow("Reason", self.reason)
        self.buttons = ok_cancel(self)
        form.addRow(self.buttons)
        self.reason.textChanged.connect(self._update_ok)
        self._update_ok()

    def _update_ok(self) -> None:
        ok = not self.status.needs_reason or bool(self.reason.toPlainText().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def chosen_date(self) -> dt.date:
        return from_qdate(self.date.date())

    def chosen_reason(self) -> str:
        return self.reason.toPlainText().strip()


class DueDateDialog(QDialog):
    def __init__(self, milestone: str, due_on: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Move due date")
        form = QFormLayout(self)
        form.addRow(QLabel(f"<b>{_escape(milestone)}</b>"))
        self.date = date_edit(due_on)
        form.addRow("Due on", self.date)
        form.addRow(ok_cancel(self))

    def chosen_date(self) -> dt.date:
        return from_qdate(self.date.date())


class ContactDialog(SavesOnOk):
    """A contact's name, role, title and e-mail; OK saves (``SavesOnOk``)."""

    def __init__(
        self, roles: list[str], contact: ContactInfo | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit contact" if contact else "Add contact")
        form = QFormLayout(self)
        self.name = QLineEdit(contact.name if contact else "")
        self.role = QComboBox()
        self.role.setEditable(True)  # a new role name (e.g. Executive sponsor) adds the role
        self.role.addItems(roles)
        if contact and contact.role:
            self.role.setCurrentText(contact.role)
        self.title = QLineEdit(contact.title or "" if contact else "")
        self.email = QLineEdit(contact.email or "" if contact else "")
        form.addRow("Name", self.name)
        form.addRow("Role", self.role)
        form.addRow("Title", self.title)
        form.addRow("E-mail", self.email)
        self.buttons = ok_cancel(self)
        form.addRow(self.buttons)
        self.name.textChanged.connect(
            lambda text: self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
                bool(text.strip())
            )
        )
        self.name.textChanged.emit(self.name.text())

    def fields(self) -> ContactFields:
        return ContactFields(
            name=self.name.text(),
            role=self.role.currentText().strip() or None,
            email=self.email.text(),
            title=self.title.text(),
        )


class NewAccountDialog(SavesOnOk):
    """Everything needed to start onboarding an account, ladder included.

    With ``existing`` it edits that account's details instead (kickoff and playbook are
    changed from the kickoff dialog and "Apply playbook…", so they are hidden).
    """

    def __init__(
        self,
        playbooks: list[tuple[int, str]],
        owners: list[str],
        today: dt.date,
        parent: QWidget | None = None,
        existing: AccountFields | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit account" if existing else "New account")
        form = QFormLayout(self)
        self.name = QLineEdit()
        self.external_id = QLineEdit()
        self.external_id.setPlaceholderText("the id used in usage exports")
        self.segment = QComboBox()
        self.segment.setEditable(True)
        self.segment.addItems(SEGMENTS)
        self.industry = QLineEdit()
        self.seats = QSpinBox()
        self.seats.setRange(0, 1_000_000)
        self.arr = QDoubleSpinBox()
        self.arr.setRange(0, 1e12)
        self.arr.setDecimals(0)
        self.arr.setGroupSeparatorShown(True)
        self.owner = QComboBox()
        self.owner.setEditable(True)
        self.owner.addItems(owners)
        self.signed_on = date_edit(today)
        self.kickoff_on = date_edit(today)
        self.renewal_on = date_edit(today + dt.timedelta(days=365), optional=True)
        self.playbook = QComboBox()
        self.playbook.addItem("No playbook yet", None)
        for playbook_id, label in playbooks:
            self.playbook.addItem(label, playbook_id)
        if playbooks:
            self.playbook.setCurrentIndex(1)
        for label, widget in (
            ("Name", self.name),
            ("External ID", self.external_id),
            ("Segment", self.segment),
            ("Industry", self.industry),
            ("Seats", self.seats),
            ("ARR", self.arr),
            ("Owner (CSM)", self.owner),
            ("Signed on", self.signed_on),
            ("Kickoff on", self.kickoff_on),
            ("Renewal on", self.renewal_on),
            ("Playbook", self.playbook),
        ):
            form.addRow(label, widget)
        form.addRow(QLabel("The playbook's ladder is created with due dates from the kickoff."))
        self.buttons = ok_cancel(self)
        form.addRow(self.buttons)
        self.name.textChanged.connect(
            lambda text: self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
                bool(text.strip())
            )
        )
        self.name.textChanged.emit("")
        if existing is not None:
            self._show_existing(existing, form)

    def _show_existing(self, existing: AccountFields, form: QFormLayout) -> None:
        self.name.setText(existing.name)
        self.external_id.setText(existing.external_id or "")
        self.segment.setCurrentText(existing.segment or "")
        self.industry.setText(existing.industry or "")
        self.seats.setValue(existing.seats or 0)
        self.arr.setValue(existing.arr or 0)
        self.owner.setCurrentText(existing.owner or "")
        if existing.signed_on:
            self.signed_on.setDate(to_qdate(existing.signed_on))
        self.renewal_on.setDate(to_qdate(existing.renewal_on) if existing.renewal_on else NO_DATE)
        for widget in (self.kickoff_on, self.playbook):
            form.setRowVisible(widget, False)
        form.setRowVisible(form.rowCount() - 2, False)  # the note about the ladder

    def fields(self) -> AccountFields:
        return AccountFields(
            name=self.name.text(),
            external_id=self.external_id.text(),
            segment=self.segment.currentText().strip() or None,
            industry=self.industry.text().strip() or None,
            seats=self.seats.value() or None,
            arr=self.arr.value() or None,
            owner=self.owner.currentText().strip() or None,
            signed_on=from_qdate(self.signed_on.date()),
            kickoff_on=from_qdate(self.kickoff_on.date()),
            renewal_on=optional_date(self.renewal_on),
        )

    def playbook_id(self) -> int | None:
        value = self.playbook.currentData()
        return int(value) if value is not None else None


class KickoffDialog(SavesOnOk):
    """The kickoff: when, who, the customer's words per role, and the definition of done."""

    def __init__(
        self,
        kickoff: KickoffSummary | None,
        kickoff_on: dt.date | None,
        roles: list[str],
        contacts: list[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Kickoff")
        self.resize(640, 620)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)
        held = kickoff.held_on if kickoff and kickoff.held_on else kickoff_on
        self.held_on = date_edit(held)
        form.addRow("Held on", self.held_on)
        self.move_due_dates = QCheckBox("Move the due dates of open milestones with the kickoff")
        self.move_due_dates.setChecked(True)
        form.addRow("", self.move_due_dates)
        self.attendees = QListWidget()
        self.attendees.setMaximumHeight(90)
        present = {a.strip() for a in (kickoff.attendees.split(",") if kickoff else [])}
        for name in contacts:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if name in present else Qt.CheckState.Unchecked
            )
            self.attendees.addItem(item)
        form.addRow("Attendees", self.attendees)
        self.success = QPlainTextEdit(kickoff.success_statement if kickoff else "")
        self.success.setPlaceholderText("In the customer's own words: what does success look like?")
        self.success.setMaximumHeight(70)
        form.addRow("Success statement", self.success)
        answers = dict(kickoff.answers) if kickoff else {}
        self.answers: dict[str, QPlainTextEdit] = {}
        for role in roles:
            edit = QPlainTextEdit(answers.get(role, ""))
            edit.setPlaceholderText(f"What does success look like for the {role.lower()}s?")
            edit.setMaximumHeight(56)
            self.answers[role] = edit
            form.addRow(role, edit)

        layout.addWidget(QLabel("<b>Definition of done for the first phase</b> (tick when met)"))
        self.criteria = QListWidget()
        for _id, text, met_on in kickoff.done_criteria if kickoff else ():
            self._add_criterion(text, met_on)
        layout.addWidget(self.criteria)
        row = QHBoxLayout()
        self.new_criterion = QLineEdit()
        self.new_criterion.setPlaceholderText("e.g. All first-wave users can sign in")
        add = QPushButton("Add")
        add.clicked.connect(self._add_typed_criterion)
        self.new_criterion.returnPressed.connect(self._add_typed_criterion)
        remove = QPushButton("Remove")
        remove.clicked.connect(
            lambda: (
                self.criteria.takeItem(self.criteria.currentRow())
                if self.criteria.currentRow() >= 0
                else None
            )
        )
        row.addWidget(self.new_criterion, 1)
        row.addWidget(add)
        row.addWidget(remove)
        layout.addLayout(row)
        layout.addWidget(ok_cancel(self))

    def _add_criterion(self, text: str, met_on: dt.date | None) -> None:
        item = QListWidgetItem(text)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEditable)
        item.setCheckState(Qt.CheckState.Checked if met_on else Qt.CheckState.Unchecked)
        item.setData(Qt.ItemDataRole.UserRole, met_on)
        self.criteria.addItem(item)

    def _add_typed_criterion(self) -> None:
        text = self.new_criterion.text().strip()
        if text:
            self._add_criterion(text, None)
            self.new_criterion.clear()

    def fields(self, today: dt.date) -> KickoffFields:
        criteria = []
        for row in range(self.criteria.count()):
            item = self.criteria.item(row)
            met_before = item.data(Qt.ItemDataRole.UserRole)
            met = item.checkState() == Qt.CheckState.Checked
            criteria.append((item.text(), (met_before or today) if met else None))
        attendees = [
            self.attendees.item(row).text()
            for row in range(self.attendees.count())
            if self.attendees.item(row).checkState() == Qt.CheckState.Checked
        ]
        return KickoffFields(
            held_on=from_qdate(self.held_on.date()),
            attendees=", ".join(attendees),
            success_statement=self.success.toPlainText(),
            answers={role: edit.toPlainText() for role, edit in self.answers.items()},
            done_criteria=tuple(criteria),
        )


def _escape(text: str) -> str:
    import html

    return html.escape(text)


class ApplyPlaybookDialog(QDialog):
    def __init__(
        self, playbooks: list[tuple[int, str]], has_ladder: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Apply playbook")
        form = QFormLayout(self)
        self.playbook = QComboBox()
        for playbook_id, label in playbooks:
            self.playbook.addItem(label, playbook_id)
        form.addRow("Playbook", self.playbook)
        note = (
            "Milestones this account already has are kept as they are; the playbook's other "
            "milestones are added, due from the kickoff."
            if has_ladder
            else "The playbook's ladder is created with due dates from the kickoff."
        )
        explanation = QLabel(note)
        explanation.setWordWrap(True)
        form.addRow(explanation)
        form.addRow(ok_cancel(self))

    def playbook_id(self) -> int | None:
        value = self.playbook.currentData()
        return int(value) if value is not None else None
