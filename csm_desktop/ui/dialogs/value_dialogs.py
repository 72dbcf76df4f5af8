"""Dialogs of the Value panel: define a value metric, record a measurement.

Layout and reading the fields only; ``services.value_metrics`` checks the values (a baseline
needs its date, money per unit is not negative) and the panel's controller shows a refusal.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from csm_desktop.domain.vocabulary import Direction
from csm_desktop.errors import BadInput
from csm_desktop.services.value_snapshots import RATE_PERIODS, MetricSnapshot, parse_number
from csm_desktop.ui.dialogs.dialog_parts import date_edit, from_qdate

NO_PERIOD = "a level, not a rate"


def _number_text(value: float | None) -> str:
    """A number as typed: 1234567, 0.0123456789 (``:g`` showed 1.23457e+06)."""
    return "" if value is None else f"{value:.15g}"


def _optional(edit: QLineEdit, what: str) -> float | None:
    text = edit.text().strip()
    return parse_number(text, what) if text else None


class MetricDialog(QDialog):
    """Add or edit one value metric; its measurements are kept as they are."""

    def __init__(
        self,
        today: dt.date,
        parent: QWidget | None = None,
        current: MetricSnapshot | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit value metric" if current else "Add value metric")
        self.current = current
        form = QFormLayout(self)
        self.name = QLineEdit(current.name if current else "")
        self.name.setPlaceholderText("e.g. Hours on weekly reporting")
        form.addRow("Metric", self.name)
        self.unit = QLineEdit(current.unit if current else "")
        self.unit.setPlaceholderText("e.g. hours")
        form.addRow("Unit", self.unit)
        self.direction = QComboBox()
        self.direction.addItem("Higher is better", Direction.HIGHER.value)
        self.direction.addItem("Lower is better", Direction.LOWER.value)
        if current is not None and current.direction is Direction.LOWER:
            self.direction.setCurrentIndex(1)
        form.addRow("Better is", self.direction)
        self.baseline = QLineEdit(_number_text(current.baseline if current else None))
        self.baseline.setPlaceholderText("the value before the product (empty: not known yet)")
        form.addRow("Baseline", self.baseline)
        self.baseline_on = date_edit(
            current.baseline_on if current and current.baseline_on else today
        )
        form.addRow("Baseline measured on", self.baseline_on)
        self.target = QLineEdit(_number_text(current.target if current else None))
        self.target.setPlaceholderText("agreed goal (optional)")
        form.addRow("Target", self.target)
        self.money = QLineEdit(_number_text(current.money_per_unit if current else None))
        self.money.setPlaceholderText("what one unit is worth, e.g. 60 for an hour (optional)")
        form.addRow("Money per unit", self.money)
        self.rate_per = QComboBox()
        self.rate_per.addItem(NO_PERIOD, None)
        for period in RATE_PERIODS:
            self.rate_per.addItem(f"per {period}", period)
        if current is not None and current.rate_per in RATE_PERIODS:
            self.rate_per.setCurrentIndex(RATE_PERIODS.index(current.rate_per) + 1)
        form.addRow("The value is", self.rate_per)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._metric: MetricSnapshot | None = None

    def _accept(self) -> None:
        try:
            self._metric = self._read()
        except BadInput as exc:
            self.error.setText(str(exc))
            self.error.setVisible(True)
            return
        self.accept()

    def _read(self) -> MetricSnapshot:
        baseline = _optional(self.baseline, "Baseline")
        return MetricSnapshot(
            name=self.name.text(),
            unit=self.unit.text(),
            direction=Direction(self.direction.currentData()),
            baseline=baseline,
            baseline_on=from_qdate(self.baseline_on.date()) if baseline is not None else None,
            target=_optional(self.target, "Target"),
            money_per_unit=_optional(self.money, "Money per unit"),
            rate_per=self.rate_per.currentData(),
            measurements=self.current.measurements if self.current else (),
        )

    def chosen_metric(self) -> MetricSnapshot:
        """The metric as typed (after the dialog was accepted)."""
        return self._metric if self._metric is not None else self._read()


class MeasurementDialog(QDialog):
    """A new measurement of one metric: its value and the date it was measured."""

    def __init__(self, metric: MetricSnapshot, today: dt.date, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Record {metric.name}")
        form = QFormLayout(self)
        unit = f" ({metric.unit})" if metric.unit else ""
        self.value = QLineEdit()
        self.value.setPlaceholderText("the value measured")
        form.addRow(f"Value{unit}", self.value)
        self.measured_on = date_edit(today)
        form.addRow("Measured on", self.measured_on)
        self.error = QLabel()
        self.error.setVisible(False)
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _accept(self) -> None:
        try:
            parse_number(self.value.text(), "The value")
        except BadInput as exc:
            self.error.setText(str(exc))
            self.error.setVisible(True)
            return
        self.accept()

    def measurement(self) -> tuple[dt.date, float]:
        return from_qdate(self.measured_on.date()), parse_number(self.value.text(), "The value")
