"""The portfolio dashboard (DESIGN §4): KPI tiles, milestone funnel, cohort heat map, adoption
after unlock, health and phase progression, with the accounts behind any clicked figure.

``DashboardView`` is layout: filters, tiles, chart cards and the drill-down list. Its
``DashboardFigures`` (``ui.controllers.dashboard_figures``) turns a ``PortfolioMetrics`` into
what the charts print and a click into the ``DrillDown`` it lists. The dashboard controller
(``ui.controllers.dashboard``) computes the metrics in a worker and calls ``show_metrics``; this
module (and pyqtgraph with it) is imported only when the dashboard is first opened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from csm_desktop.domain.features import FeatureVocabulary
from csm_desktop.domain.metrics import PortfolioMetrics
from csm_desktop.domain.metrics.long_term import LongTermMetrics
from csm_desktop.ui.charts import theme
from csm_desktop.ui.charts.bars import ColumnBars, ShareBars
from csm_desktop.ui.charts.drill_list import DrillList
from csm_desktop.ui.charts.heatmap import HeatMap
from csm_desktop.ui.charts.kpi_tiles import KpiTile
from csm_desktop.ui.controllers.dashboard_figures import DashboardFigures
from csm_desktop.ui.palette import current
from csm_desktop.ui.views.long_term_panel import LongTermPanel

ALL = "All"  # the Book's word for "no filter"
CONTENT_MIN_HEIGHT = 760  # tiles and charts; a shorter window scrolls them


@dataclass(frozen=True, slots=True)
class DashboardFilters:
    """Which accounts the dashboard covers; None means any (the Book's "All")."""

    segment: str | None = None
    owner: str | None = None
    playbook: str | None = None

    def as_kwargs(self) -> dict[str, str | None]:
        """Keyword arguments for ``services.metrics.portfolio_metrics``."""
        return {"segment": self.segment, "owner": self.owner, "playbook": self.playbook}


class _FillingLayout(QVBoxLayout):
    """The scrolled figures' layout: as tall as the page (at least ``CONTENT_MIN_HEIGHT``).

    Wrapped labels give a layout a height-for-width, which a scroll area honours by growing
    the content to its preferred height: the page would scroll even on a full-HD screen.
    """

    def hasHeightForWidth(self) -> bool:
        return False


class DashboardView(QWidget):
    account_activated = Signal(int)  # account id chosen from a drill-down list
    filters_changed = Signal()  # the user picked another segment, owner or playbook
    today_changed = Signal()  # the user picked another reporting date
    report_requested = Signal()  # the user wants the internal portfolio report (PDF)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboard")
        # Below this the charts stop being readable; an explicit minimum also keeps the
        # layout from resizing a top-level window behind the user's back.
        self.setMinimumSize(720, 460)
        self.setStyleSheet(f"QWidget#dashboard {{ background: {current().page}; }}")
        self.setAutoFillBackground(True)

        self.heading = QLabel("Portfolio")
        self.heading.setFont(theme.font(16, bold=True))
        self.caption = QLabel()
        self.caption.setStyleSheet(f"color: {current().muted};")
        self.today_edit = QDateEdit(QDate.currentDate())
        self.today_edit.setCalendarPopup(True)
        self.today_edit.setDisplayFormat("yyyy-MM-dd")
        self.today_edit.setAccessibleName("Reporting date")
        self.today_edit.dateChanged.connect(lambda _date: self.today_changed.emit())
        self.segment_filter = self._combo("Segment filter")
        self.owner_filter = self._combo("Owner filter")
        self.playbook_filter = self._combo("Playbook filter")

        bar = QHBoxLayout()
        bar.addWidget(self.heading)
        bar.addSpacing(12)
        bar.addWidget(self.caption, 1)
        for text, widget in (
            ("Today", self.today_edit),
            ("Segment", self.segment_filter),
            ("Owner", self.owner_filter),
            ("Playbook", self.playbook_filter),
        ):
            bar.addWidget(QLabel(text))
            bar.addWidget(widget)
            bar.addSpacing(6)
        self.report_button = QPushButton("Portfolio report…")
        self.report_button.setToolTip("Write the internal portfolio report (PDF) for this date")
        self.report_button.clicked.connect(self.report_requested)
        bar.addWidget(self.report_button)

        self.ttfv_tile = KpiTile("Median time to first value")
        self.first_value_tile = KpiTile("First value on time")
        self.adoption_tile = KpiTile("Adoption after unlock")
        self.on_time_tile = KpiTile("Milestones on time")
        self.at_risk_tile = KpiTile("At risk")
        self.off_track_tile = KpiTile("Off track")
        tiles = QHBoxLayout()
        tiles.setSpacing(10)
        for tile in self.tiles:
            tiles.addWidget(tile, 1)

        self.funnel = ShareBars("Milestone funnel", "achieved · ▼ drop-off from the step above")
        self.funnel_playbook = QComboBox()
        self.funnel_playbook.setAccessibleName("Funnel playbook")
        self.funnel_playbook.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.funnel.header.addWidget(self.funnel_playbook)
        self.cohorts = HeatMap("Cohorts on plan", "by kickoff month (accounts)")
        self.adoption = ShareBars("Adoption after unlock", "used within 30 days", label_limit=130)
        self.health = ColumnBars("Health")
        self.phases = ColumnBars("Phase progression", "milestones achieved by phase")
        self.long_term = LongTermPanel()
        self.drill_list = DrillList()
        self.drill_list.setMinimumWidth(230)
        self.drill_list.setMaximumWidth(310)

        grid = QGridLayout()
        grid.setSpacing(10)
        grid.addWidget(self.funnel, 0, 0, 1, 2)
        grid.addWidget(self.cohorts, 0, 2)
        grid.addWidget(self.adoption, 1, 0)
        grid.addWidget(self.health, 1, 1)
        grid.addWidget(self.phases, 1, 2)
        grid.addWidget(self.long_term, 2, 0, 1, 3)
        for column, stretch in enumerate((4, 3, 4)):
            grid.setColumnStretch(column, stretch)
        grid.setRowStretch(0, 5)
        grid.setRowStretch(1, 4)
        body = QHBoxLayout()
        body.setSpacing(10)
        body.addLayout(grid, 1)
        body.addWidget(self.drill_list)

        # On a short screen the figures scroll rather than squash: below this height the
        # funnel's labels and the heat map's cells would print over each other.
        content = QWidget()
        content.setObjectName("dashboardContent")
        content.setStyleSheet(f"QWidget#dashboardContent {{ background: {current().page}; }}")
        content.setMinimumHeight(CONTENT_MIN_HEIGHT)
        content_layout = _FillingLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.setSpacing(10)
        content_layout.addLayout(tiles)
        content_layout.addLayout(body, 1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(content)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(10)
        layout.addLayout(bar)
        layout.addWidget(self.scroll_area, 1)

        self.drill_list.account_activated.connect(self.account_activated)
        self.long_term.drilldown_requested.connect(self.drill_list.show_drilldown)
        self.controller = DashboardFigures(self)  # prints the metrics, answers clicks

    def _combo(self, name: str) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        combo.setMinimumContentsLength(8)
        combo.addItem(ALL)
        combo.currentTextChanged.connect(lambda _text: self.filters_changed.emit())
        return combo

    @property
    def tiles(self) -> tuple[KpiTile, ...]:
        return (
            self.ttfv_tile,
            self.first_value_tile,
            self.adoption_tile,
            self.on_time_tile,
            self.at_risk_tile,
            self.off_track_tile,
        )

    # --- filters and date --------------------------------------------------------------

    def set_filter_options(
        self, segments: Sequence[str], owners: Sequence[str], playbooks: Sequence[str]
    ) -> None:
        """Fill the filters, keeping a current choice that still exists; emits nothing."""
        for combo, values in (
            (self.segment_filter, segments),
            (self.owner_filter, owners),
            (self.playbook_filter, playbooks),
        ):
            current = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItems([ALL, *values])
            combo.setCurrentText(current if current in values else ALL)
            combo.blockSignals(False)

    def filters(self) -> DashboardFilters:
        def chosen(combo: QComboBox) -> str | None:
            text = combo.currentText()
            return None if text in ("", ALL) else text

        return DashboardFilters(
            chosen(self.segment_filter), chosen(self.owner_filter), chosen(self.playbook_filter)
        )

    def set_filters(self, filters: DashboardFilters) -> None:
        """Take over filters chosen elsewhere (the Book); emits ``filters_changed`` once."""
        for combo, value in (
            (self.segment_filter, filters.segment),
            (self.owner_filter, filters.owner),
            (self.playbook_filter, filters.playbook),
        ):
            combo.blockSignals(True)
            if value is not None and combo.findText(value) < 0:
                combo.addItem(value)
            combo.setCurrentText(value or ALL)
            combo.blockSignals(False)
        self.filters_changed.emit()

    def today(self) -> dt.date:
        date = self.today_edit.date()
        return dt.date(date.year(), date.month(), date.day())

    def set_today(self, today: dt.date) -> None:
        self.today_edit.setDate(QDate(today.year, today.month, today.day))

    def set_busy(self, busy: bool) -> None:
        """Say that new figures are being computed (the old ones stay until they arrive)."""
        metrics = self.controller.metrics
        text = "" if metrics is None else self.controller.caption(metrics)
        self.caption.setText(f"{text}   Updating…" if busy else text)

    # --- figures -----------------------------------------------------------------------

    def show_metrics(
        self, metrics: PortfolioMetrics, vocabulary: FeatureVocabulary | None = None
    ) -> None:
        """Show the figures of ``metrics``, features by their names in ``vocabulary``; the
        list starts with the accounts needing attention."""
        self.controller.show(metrics, vocabulary)

    def show_long_term(self, metrics: LongTermMetrics) -> None:
        """Show the "Does onboarding pay off?" figures (renewals by first value)."""
        self.long_term.show_metrics(metrics)
