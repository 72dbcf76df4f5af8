"""The Value panel: an account's value metrics, where outcomes are agreed and measured.

The account page shows it as a tab, the kickoff dialog below its fields. ``ValuePanel`` is
layout (one row per metric: baseline, latest, target and the change, with the
measurements below it) and emits what the CSM asked for; ``ui.controllers.value``'s
``ValueController`` does the work, off the UI thread and on the page's undo stack.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from csm_desktop.domain.metrics.value import value_change
from csm_desktop.domain.value_money import money_text
from csm_desktop.domain.vocabulary import Direction
from csm_desktop.services.value_metrics import (
    MetricSnapshot,
)

NAME_ROLE = Qt.ItemDataRole.UserRole + 50  # the metric's name, on metric and measurement rows
DAY_ROLE = Qt.ItemDataRole.UserRole + 51  # a measurement row's date
HEADERS = ("Metric", "Baseline", "Latest", "Target", "Change", "Worth a year")
BETTER = {Direction.HIGHER: "higher is better", Direction.LOWER: "lower is better"}


def amount(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    return f"{value:,.10g} {unit}".strip()


def change_text(metric: MetricSnapshot, today: dt.date) -> str:
    """ "+40 % better" / "−5 % worse" since the baseline, or "–" (DESIGN §3 value change)."""
    latest = metric.latest_on(today)
    change = value_change(metric.baseline, latest[1] if latest else None, metric.direction)
    if change is None:
        return "–"
    word = "better" if change > 0 else "worse" if change < 0 else "no change"
    return f"{change:+.0f} % {word}".replace("-", "−") if change else word


class ValuePanel(QWidget):
    """Value metrics of one account, with their measurements."""

    load_requested = Signal(int)  # account id whose metrics to show
    add_requested = Signal()  # define a new metric
    edit_requested = Signal(str)  # metric name
    record_requested = Signal(str)  # metric name: record a measurement
    delete_requested = Signal(str)  # metric name
    delete_measurement_requested = Signal(str, object)  # metric name, measured on (date)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.metrics: list[MetricSnapshot] = []
        self.busy = False  # its work (a load or a save) is running: buttons are off
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(list(HEADERS))
        self.tree.setAccessibleName("Value metrics")
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # names take the rest
        for column in range(1, len(HEADERS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemDoubleClicked.connect(lambda *_: self._emit_for_selection("edit"))
        self.empty = QLabel(
            "No value metrics yet. Add the outcome the customer wants to move, e.g. "
            "“Hours on weekly reporting”, with its baseline."
        )
        self.empty.setWordWrap(True)
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for key, text in (
            ("add", "Add metric…"),
            ("record", "Record measurement…"),
            ("edit", "Edit…"),
            ("delete", "Delete"),
        ):
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, key=key: self._emit_for_selection(key))
            self.buttons[key] = button
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.empty)
        layout.addWidget(self.tree, 1)
        layout.addLayout(row)
        self.tree.currentItemChanged.connect(lambda *_: self._update_buttons())
        self._update_buttons()

    def set_account(self, account_id: int) -> None:
        self.load_requested.emit(account_id)

    def show_metrics(
        self, metrics: Sequence[MetricSnapshot], today: dt.date, currency: str = ""
    ) -> None:
        selected = self.selected()
        self.metrics = list(metrics)
        self.tree.clear()
        for metric in metrics:
            item = QTreeWidgetItem(
                [
                    metric.name,
                    amount(metric.baseline, metric.unit),
                    amount(metric.latest[1], metric.unit) if metric.latest else "–",
                    amount(metric.target, metric.unit),
                    change_text(metric, today),
                    money_text(metric.worth_per_year(today), currency) if currency else "–",
                ]
            )
            since = f", baseline of {metric.baseline_on}" if metric.baseline_on else ""
            item.setToolTip(0, f"{metric.name}: {BETTER[metric.direction]}{since}")
            if metric.money_per_unit is not None:
                rate = f" per {metric.rate_per}" if metric.rate_per else ""
                item.setToolTip(
                    5,
                    f"Improvement{rate} × {metric.money_per_unit:g} per {metric.unit or 'unit'}, "
                    "held for a year",
                )
            item.setData(0, NAME_ROLE, metric.name)
            for day, value in reversed(metric.measurements):
                child = QTreeWidgetItem(
                    [f"measured {day.isoformat()}", "", amount(value, metric.unit)]
                )
                child.setData(0, NAME_ROLE, metric.name)
                child.setData(0, DAY_ROLE, day)
                item.addChild(child)
            self.tree.addTopLevelItem(item)
            if selected and selected[0] == metric.name and selected[1] is None:
                self.tree.setCurrentItem(item)
        self.tree.expandAll()
        self.empty.setVisible(not metrics)
        self._update_buttons()

    def selected(self) -> tuple[str, dt.date | None] | None:
        """(metric name, measurement date or None) of the selected row."""
        item = self.tree.currentItem()
        if item is None:
            return None
        return str(item.data(0, NAME_ROLE)), item.data(0, DAY_ROLE)

    def select_metric(self, name: str) -> None:
        for index in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(index)
            if item is not None and item.data(0, NAME_ROLE) == name:
                self.tree.setCurrentItem(item)

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self.selected()
        self.buttons["add"].setEnabled(not self.busy)
        for key in ("record", "edit", "delete"):
            self.buttons[key].setEnabled(chosen is not None and not self.busy)
        on_measurement = chosen is not None and chosen[1] is not None
        self.buttons["delete"].setText("Delete measurement" if on_measurement else "Delete")

    def _emit_for_selection(self, key: str) -> None:
        if key == "add":
            self.add_requested.emit()
            return
        chosen = self.selected()
        if chosen is None:
            return
        name, day = chosen
        if key == "delete" and day is not None:
            self.delete_measurement_requested.emit(name, day)
        else:
            {"record": self.record_requested, "edit": self.edit_requested,
             "delete": self.delete_requested}[key].emit(name)  # fmt: skip
