"""One account's charts: ladder burn-up, value before and now, weekly usage of key features.

Layout only: ``show_charts`` hands the plain series of ``services.account_charts`` to the
chart widgets. Imported lazily (it pulls in pyqtgraph) when the account's Charts tab is
first opened.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from csm_desktop.services.account_charts import AccountCharts
from csm_desktop.ui.charts.burnup import BurnUpChart
from csm_desktop.ui.charts.usage_chart import FeaturePanel, UsageChart
from csm_desktop.ui.charts.value_chart import ValueChart
from csm_desktop.ui.palette import current


class AccountChartsView(QScrollArea):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        page = QWidget()
        page.setObjectName("accountCharts")
        page.setStyleSheet(f"QWidget#accountCharts {{ background: {current().page}; }}")
        self.caption = QLabel()
        self.caption.setStyleSheet(f"color: {current().muted};")
        self.burnup = BurnUpChart()
        self.burnup.setFixedHeight(330)
        self.value = ValueChart()
        self.value.setFixedHeight(230)
        self.usage = UsageChart()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(10, 8, 10, 10)
        layout.setSpacing(10)
        layout.addWidget(self.caption)
        layout.addWidget(self.burnup)
        layout.addWidget(self.value)
        layout.addWidget(self.usage, 1)
        self.setWidget(page)
        self.data: AccountCharts | None = None

    def show_charts(self, data: AccountCharts) -> None:
        """Draw ``data``; a chart with nothing to draw says why instead."""
        self.data = data
        self.caption.setText(f"{data.name} · as of {data.today.isoformat()}")
        burnup = data.burnup
        if burnup is None:
            self.burnup.show_empty("Log the kickoff (or a signed-on date) to plan the ladder.")
        else:
            done = burnup.achieved[-1][1] if burnup.achieved else 0
            self.burnup.set_subtitle(
                f"{done} of {burnup.total} achieved · kickoff {burnup.kickoff.isoformat()}"
            )
            self.burnup.set_burnup(burnup.planned, burnup.achieved, burnup.total, burnup.today_day)
        self.value.clear()
        for series in data.values:
            self.value.add_metric(
                series.metric,
                series.unit,
                series.baseline,
                series.latest,
                series.target,
                series.change_percent,
            )
        panels = [
            FeaturePanel(u.feature, u.week_days, u.counts, [(m.milestone, m.day) for m in u.marks])
            for u in data.usage
        ]
        note = ""
        if data.features_without_usage:
            note = "No usage on record for: " + ", ".join(data.features_without_usage) + "."
        self.usage.set_features(panels, burnup.today_day if burnup else 0, note)
