"""The dashboard's "Does onboarding pay off?" card: renewal rate and NRR, split by first value.

Three tiles — all decided renewals, accounts whose first value came on time, and late ones —
each showing the renewal rate with NRR and how many renewals are decided. A click on a tile
asks for the renewals behind it (``domain.metrics.long_term.renewal_drilldown``), which the
dashboard lists in its drill-down list. Layout only; the figures come from
``services.long_term`` computed in the main window's worker.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from csm_desktop.domain.metrics.long_term import (
    LATE,
    ON_TIME,
    LongTermMetrics,
    RenewalGroup,
    renewal_drilldown,
)
from csm_desktop.ui.charts import theme
from csm_desktop.ui.charts.kpi_tiles import KpiTile
from csm_desktop.ui.palette import card_style, current

TITLE = "Does onboarding pay off?"
SUBTITLE = (
    "Renewals decided by this date (renewed or churned); NRR = ARR after ÷ ARR before, "
    "churn counting 0. First value on time: reached on or before its target day."
)


class LongTermPanel(QFrame):
    drilldown_requested = Signal(object)  # a DrillDown: the renewals behind a clicked tile

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chartCard")
        self.setStyleSheet(card_style())
        self.metrics: LongTermMetrics | None = None
        title = QLabel(TITLE)
        title.setFont(theme.font(11, bold=True))
        title.setStyleSheet(f"color: {current().ink};")
        subtitle = QLabel(SUBTITLE)
        subtitle.setFont(theme.font(9))
        subtitle.setStyleSheet(f"color: {current().muted};")
        subtitle.setWordWrap(True)
        self.all_tile = KpiTile("Renewal rate, all accounts")
        self.on_time_tile = KpiTile("First value on time")
        self.late_tile = KpiTile("First value late")
        self.note = QLabel()
        self.note.setFont(theme.font(9))
        self.note.setStyleSheet(f"color: {current().faint};")
        self.note.setWordWrap(True)
        tiles = QHBoxLayout()
        tiles.setSpacing(10)
        for tile, group in (
            (self.all_tile, None),
            (self.on_time_tile, ON_TIME),
            (self.late_tile, LATE),
        ):
            tile.clicked.connect(lambda group=group: self._drill(group))
            tiles.addWidget(tile, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(6)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addLayout(tiles)
        layout.addWidget(self.note)

    def show_metrics(self, metrics: LongTermMetrics) -> None:
        self.metrics = metrics
        self._fill(self.all_tile, metrics.total)
        self._fill(self.on_time_tile, metrics.by_first_value[ON_TIME])
        self._fill(self.late_tile, metrics.by_first_value[LATE])
        notes = []
        if metrics.neither.decided:
            notes.append(
                f"{metrics.neither.decided} decided renewals are of accounts whose first value "
                "is not judged yet (or skipped): counted in “all” only."
            )
        if metrics.pending:
            notes.append(f"{len(metrics.pending)} renewals not decided yet.")
        if not metrics.decided:
            notes.append(
                "Record renewal outcomes on an account page (After day 90) or in the workbook's "
                "Renewals sheet."
            )
        self.note.setText(" ".join(notes))
        self.note.setVisible(bool(notes))

    @staticmethod
    def _fill(tile: KpiTile, group: RenewalGroup) -> None:
        nrr = theme.percent(group.nrr)
        tile.set_value(
            theme.percent(group.renewal_rate),
            f"{group.renewed} of {group.decided} renewed · NRR {nrr}",
        )

    def _drill(self, group: str | None) -> None:
        if self.metrics is not None:
            self.drilldown_requested.emit(renewal_drilldown(self.metrics, group))
