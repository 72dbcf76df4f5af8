"""Dialogs of the learning loop on an account: a renewal, an advocacy act, the customer's words.

``FeedbackFields`` is the part of the feedback form that "Log touchpoint…" reuses, so what
the customer said can be written down in the same step as the call it was said in. Layout
only: values go to the services through the controllers, which show any refusal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from csm_desktop.domain.feedback import Sentiment
from csm_desktop.ui.dialogs.dialog_parts import date_edit, from_qdate, ok_cancel
from csm_desktop.ui.palette import error_style

if TYPE_CHECKING:  # Log touchpoint on the first screen uses FeedbackFields: keep it light
    from csm_desktop.domain.metrics.long_term import RenewalOutcome

ARR_MAX = 1e12


@dataclass(frozen=True, slots=True)
class RenewalValues:
    renewal_on: dt.date
    outcome: RenewalOutcome
    arr_before: float | None
    arr_after: float | None


class _MoneyBox(QDoubleSpinBox):
    """ARR with an empty state: the special "–" (minimum) means unknown."""

    def __init__(self, value: float | None) -> None:
        super().__init__()
        self.setRange(-1, ARR_MAX)
        self.setDecimals(0)
        self.setGroupSeparatorShown(True)
        self.setSpecialValueText("unknown")
        self.setValue(-1 if value is None else value)

    def amount(self) -> float | None:
        return None if self.value() < 0 else self.value()


class RenewalDialog(QDialog):
    """Date, outcome, ARR before and after; ARR after is disabled for a churn (it is 0)."""

    def __init__(
        self,
        on: dt.date,
        arr: float | None,
        parent: QWidget | None = None,
        *,
        values: RenewalValues | None = None,
    ) -> None:
        from csm_desktop.domain.metrics.long_term import RenewalOutcome

        super().__init__(parent)
        self.setWindowTitle("Renewal" if values is None else "Edit renewal")
        self.setMinimumWidth(360)
        self.date = date_edit(values.renewal_on if values else on)
        self.outcome = QComboBox()
        self.outcome.setAccessibleName("Renewal outcome")
        self.outcome.addItems([o.value for o in RenewalOutcome])
        self.outcome.setCurrentText((values.outcome if values else RenewalOutcome.PENDING).value)
        self.arr_before = _MoneyBox(values.arr_before if values else arr)
        self.arr_after = _MoneyBox(values.arr_after if values else None)
        self.outcome.currentTextChanged.connect(self._outcome_changed)
        form = QFormLayout(self)
        form.addRow("Renewal on", self.date)
        form.addRow("Outcome", self.outcome)
        form.addRow("ARR before", self.arr_before)
        form.addRow("ARR after", self.arr_after)
        form.addRow(ok_cancel(self, "Save"))
        self._outcome_changed(self.outcome.currentText())

    def _outcome_changed(self, text: str) -> None:
        churned = text == "churned"
        self.arr_after.setEnabled(not churned)
        self.arr_after.setToolTip("A churned account keeps no ARR (counts 0)" if churned else "")

    def values(self) -> RenewalValues:
        from csm_desktop.domain.metrics.long_term import RenewalOutcome

        outcome = RenewalOutcome(self.outcome.currentText())
        after = None if outcome is RenewalOutcome.CHURNED else self.arr_after.amount()
        return RenewalValues(from_qdate(self.date.date()), outcome, self.arr_before.amount(), after)


class AdvocacyDialog(QDialog):
    """What the customer did for us (reference, case study, review), when, and a note."""

    def __init__(self, on: dt.date, parent: QWidget | None = None) -> None:
        from csm_desktop.services.renewals import ADVOCACY_KINDS

        super().__init__(parent)
        self.setWindowTitle("Advocacy")
        self.setMinimumWidth(360)
        self.kind = QComboBox()
        self.kind.setAccessibleName("Advocacy kind")
        self.kind.addItems(list(ADVOCACY_KINDS))
        self.date = date_edit(on)
        self.note = QLineEdit()
        self.note.setPlaceholderText("Optional: e.g. reference call with Globex")
        form = QFormLayout(self)
        form.addRow("Kind", self.kind)
        form.addRow("On", self.date)
        form.addRow("Note", self.note)
        form.addRow(ok_cancel(self, "Save"))

    def values(self) -> tuple[str, dt.date, str]:
        return self.kind.currentText(), from_qdate(self.date.date()), self.note.text()


@dataclass(frozen=True, slots=True)
class FeedbackValues:
    given_on: dt.date
    sentiment: Sentiment
    text: str
    quotable: bool
    contact_id: int | None
    milestone_id: int | None


class FeedbackFields(QWidget):
    """Sentiment, the customer's words and "may be quoted"; embedded in other forms too."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sentiment = QComboBox()
        self.sentiment.setAccessibleName("Sentiment")
        self.sentiment.addItems([s.value for s in Sentiment])
        self.sentiment.setCurrentText(Sentiment.NEUTRAL.value)
        self.text = QPlainTextEdit()
        self.text.setAccessibleName("What the customer said")
        self.text.setPlaceholderText("In the customer's own words, e.g. “Reports take minutes now”")
        self.text.setMaximumHeight(90)
        self.quotable = QCheckBox("May be quoted (e.g. on a QBR slide)")
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Sentiment", self.sentiment)
        form.addRow("They said", self.text)
        form.addRow("", self.quotable)

    def words(self) -> str:
        return self.text.toPlainText().strip()


class FeedbackDialog(QDialog):
    """One feedback entry: date, contact, milestone (optional) and the fields above."""

    def __init__(
        self,
        on: dt.date,
        contacts: Sequence[tuple[int, str]],
        milestones: Sequence[tuple[int, str]],
        parent: QWidget | None = None,
        *,
        milestone_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Customer feedback")
        self.setMinimumWidth(460)
        self.date = date_edit(on)
        self.contact = QComboBox()
        self.contact.setAccessibleName("Contact")
        self.contact.addItem("(nobody in particular)", None)
        for contact_id, name in contacts:
            self.contact.addItem(name, contact_id)
        self.milestone = QComboBox()
        self.milestone.setAccessibleName("Milestone")
        self.milestone.addItem("(the onboarding as a whole)", None)
        for step_id, title in milestones:
            self.milestone.addItem(title, step_id)
        if milestone_id is not None:
            self.milestone.setCurrentIndex(max(self.milestone.findData(milestone_id), 0))
        self.fields = FeedbackFields()
        self.error = QLabel()
        self.error.setStyleSheet(error_style())
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Save")
        self.buttons.accepted.connect(self._try_accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Date", self.date)
        form.addRow("Contact", self.contact)
        form.addRow("Milestone", self.milestone)
        form.addRow(self.fields)
        form.addRow(self.error)
        form.addRow(self.buttons)

    def _try_accept(self) -> None:
        if not self.fields.words():
            self.error.setText("Write down what the customer said.")
            return
        self.accept()

    def values(self) -> FeedbackValues:
        return FeedbackValues(
            from_qdate(self.date.date()),
            Sentiment(self.fields.sentiment.currentText()),
            self.fields.words(),
            self.fields.quotable.isChecked(),
            self.contact.currentData(),
            self.milestone.currentData(),
        )
