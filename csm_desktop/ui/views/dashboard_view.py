"""The portfolio dashboard (DESIGN §4): KPI tiles, milestone funnel, cohort heat map, adoption
after unlock, health and phase progression, with the accounts behind any clicked figure.

``DashboardView`` is layout: filters, tiles, chart cards and the drill-down list. The
``DashboardController`` turns a ``PortfolioMetrics`` into what the charts print and a click
into the ``DrillDown`` it lists. The main window computes the metrics in a worker and calls
``show_metrics``; this module (and pyqtgraph with it) is imported only when the dashboard is
first opened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QDate, QObject, Qt, Signal
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

from csm_desktop.domain.metrics import CHECKPOINTS, PortfolioMetrics
from csm_desktop.domain.metrics import drilldown as drill
from csm_desktop.domain.metrics.long_term import LongTermMetrics
from csm_desktop.domain.text import plural
from csm_desktop.domain.vocabulary import Health, Phase
from csm_desktop.ui.charts import theme
from csm_desktop.ui.charts.bars import ColumnBars, ShareBars
from csm_desktop.ui.charts.drill_list import DrillList
from csm_desktop.ui.charts.heatmap import HeatMap
from csm_desktop.ui.charts.kpi_tiles import KpiTile
from csm_desktop.ui.palette import current, span
from csm_desktop.ui.views.long_term_panel import LongTermPanel

ALL = "All"  # the Book's word for "no filter"
CONTENT_MIN_HEIGHT = 760  # tiles and charts; a shorter window scrolls them


def health_colour(health: Health) -> str:
    c = current()
    return {Health.ON_TRACK: c.green, Health.AT_RISK: c.amber, Health.OFF_TRACK: c.red}[health]


PHASE_LABELS = {
    Phase.EARLY: "Early 0–30",
    Phase.MID: "Mid 31–60",
    Phase.LATE: "Late 61–90",
    Phase.BEYOND: "After 90",
}


@dataclass(frozen=True, slots=True)
class DashboardFilters:
    """Which accounts the dashboard covers; None means any (the Book's "All")."""

    segment: str | None = None
    owner: str | None = None
    playbook: str | None = None

    def as_kwargs(self) -> dict[str, str | None]:
        """Keyword arguments for ``services.metrics.portfolio_metrics``."""
        return {"segment": self.segment, "owner": self.owner, "playbook": self.playbook}


def _muted(text: str) -> str:
    return f"<span style='color:{current().muted}'>{text}</span>"


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
        self.controller = DashboardController(self)

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

    def show_metrics(self, metrics: PortfolioMetrics) -> None:
        """Show the figures of ``metrics``; the list starts with the accounts needing attention."""
        self.controller.show(metrics)

    def show_long_term(self, metrics: LongTermMetrics) -> None:
        """Show the "Does onboarding pay off?" figures (renewals by first value)."""
        self.long_term.show_metrics(metrics)


class DashboardController(QObject):
    """Prints a ``PortfolioMetrics`` into the view and answers clicks with a ``DrillDown``."""

    def __init__(self, view: DashboardView) -> None:
        super().__init__(view)
        self.view = view
        self.metrics: PortfolioMetrics | None = None
        self.months: list[str] = []
        self.features: list[str] = []
        self.phases: list[Phase] = []
        self.health_order = list(Health)
        view.funnel_playbook.currentTextChanged.connect(lambda _text: self._draw_funnel())
        view.funnel.bar_clicked.connect(self.funnel_clicked)
        view.cohorts.cell_clicked.connect(self.cohort_clicked)
        view.adoption.bar_clicked.connect(self.adoption_clicked)
        view.health.bar_clicked.connect(self.health_clicked)
        view.phases.bar_clicked.connect(self.phase_clicked)
        tiles: list[tuple[Any, Callable[[PortfolioMetrics], drill.DrillDown]]] = [
            (view.ttfv_tile, drill.ttfv_accounts),
            (view.first_value_tile, drill.first_value_accounts),
            (view.adoption_tile, drill.adoption_accounts),
            (view.on_time_tile, drill.on_time_accounts),
            (view.at_risk_tile, lambda m: drill.health_accounts(m, Health.AT_RISK)),
            (view.off_track_tile, lambda m: drill.health_accounts(m, Health.OFF_TRACK)),
        ]
        for tile, figure in tiles:
            tile.clicked.connect(lambda figure=figure: self._drill(figure))

    @staticmethod
    def caption(metrics: PortfolioMetrics) -> str:
        return f"{plural(metrics.accounts, 'account')} · on {metrics.today.isoformat()}"

    def show(self, metrics: PortfolioMetrics) -> None:
        self.metrics = metrics
        view = self.view
        view.caption.setText(self.caption(metrics))
        view.drill_list.show_drilldown(drill.attention_accounts(metrics))
        self._fill_tiles(metrics)
        playbooks = list(metrics.funnel)
        current = view.funnel_playbook.currentText()
        busiest = max(
            playbooks,
            key=lambda p: max((s.achieved.counted for s in metrics.funnel[p]), default=0),
            default="",
        )
        view.funnel_playbook.blockSignals(True)
        view.funnel_playbook.clear()
        view.funnel_playbook.addItems(playbooks)
        view.funnel_playbook.setCurrentText(current if current in playbooks else busiest)
        view.funnel_playbook.setVisible(len(playbooks) > 1)
        view.funnel_playbook.blockSignals(False)
        self._draw_funnel()
        self._draw_cohorts(metrics)
        self._draw_adoption(metrics)
        self._draw_health(metrics)
        self._draw_phases(metrics)

    def _fill_tiles(self, m: PortfolioMetrics) -> None:
        view = self.view
        reached = sum(a.ttfv_days is not None for a in m.by_account)
        view.ttfv_tile.set_value(
            "–" if m.ttfv_median_days is None else f"{m.ttfv_median_days:g} days",
            f"over {plural(reached, 'account')} with first value",
        )
        view.first_value_tile.set_value(
            theme.percent(m.first_value_on_time.fraction),
            f"{m.first_value_on_time.part} of {plural(m.first_value_on_time.counted, 'account')}",
        )
        view.adoption_tile.set_value(
            theme.percent(m.adoption.fraction),
            f"{m.adoption.part} of {m.adoption.counted} unlocks · {m.adoption_pending} pending",
        )
        view.on_time_tile.set_value(
            theme.percent(m.on_time.fraction),
            f"{m.on_time.part} of {m.on_time.counted} achieved milestones",
        )
        for tile, health, colour in (
            (view.at_risk_tile, Health.AT_RISK, current().amber),
            (view.off_track_tile, Health.OFF_TRACK, current().red),
        ):
            count = m.health.get(health, 0)
            tile.set_value(
                str(count),
                f"of {plural(m.accounts, 'account')}",
                colour if count else current().ink,
            )

    def _draw_funnel(self) -> None:
        view, metrics = self.view, self.metrics
        if metrics is None:
            return
        steps = metrics.funnel.get(view.funnel_playbook.currentText(), ())
        if not steps:
            view.funnel.show_empty("No milestones in these accounts' ladders yet.")
            return
        texts = []
        for step in steps:
            text = f"<b>{theme.percent(step.achieved_share)}</b> " + _muted(
                f"{step.achieved.part}/{step.achieved.counted}"
            )
            if step.drop_off is not None and round(step.drop_off * 100) > 0:
                text += " " + span(f"▼ {step.drop_off * 100:.0f} pts", current().bad)
            texts.append(text)
        view.funnel.set_bars([s.milestone for s in steps], [s.achieved_share for s in steps], texts)

    def _draw_cohorts(self, metrics: PortfolioMetrics) -> None:
        self.months = list(metrics.cohorts)
        if not self.months:
            self.view.cohorts.show_empty("No kickoffs yet.")
            return
        sizes = drill.cohort_sizes(metrics)
        fractions, texts, short_texts = [], [], []
        not_yet = span("not yet", current().faint)
        for month in self.months:
            shares = [metrics.cohorts[month][c] for c in CHECKPOINTS]
            fractions.append([s.fraction for s in shares])
            texts.append(
                [
                    not_yet
                    if s.fraction is None
                    else f"<b>{theme.percent(s.fraction)}</b>&nbsp; {s.part}/{s.counted}"
                    for s in shares
                ]
            )
            short_texts.append(
                [
                    not_yet if s.fraction is None else f"<b>{theme.percent(s.fraction)}</b>"
                    for s in shares
                ]
            )
        self.view.cohorts.set_cells(
            [f"{month}  ({sizes.get(month, 0)})" for month in self.months],
            [f"Day {c}" for c in CHECKPOINTS],
            fractions,
            texts,
            short_texts,
        )

    def _draw_adoption(self, metrics: PortfolioMetrics) -> None:
        self.features = list(metrics.adoption_by_feature)
        if not self.features:
            self.view.adoption.show_empty("No milestone has unlocked a feature yet.")
            return
        texts = []
        for feature in self.features:
            share = metrics.adoption_by_feature[feature]
            text = f"<b>{theme.percent(share.fraction)}</b> " + _muted(
                f"{share.part}/{share.counted}"
            )
            texts.append(text)
        self.view.adoption.set_bars(
            self.features,
            [metrics.adoption_by_feature[f].fraction for f in self.features],
            texts,
            [current().green] * len(self.features),
        )

    def _draw_health(self, metrics: PortfolioMetrics) -> None:
        if not metrics.accounts:
            self.view.health.show_empty("No accounts match these filters.")
            return
        counts = [metrics.health.get(h, 0) for h in self.health_order]
        self.view.health.set_bars(
            [h.value.capitalize() for h in self.health_order],
            counts,
            [f"<b>{n}</b> " + _muted(theme.percent(n / metrics.accounts)) for n in counts],
            [health_colour(h) for h in self.health_order],
        )

    def _draw_phases(self, metrics: PortfolioMetrics) -> None:
        self.phases = [
            p
            for p, share in metrics.completion_by_phase.items()
            if share.counted or p is not Phase.BEYOND
        ]
        if not any(metrics.completion_by_phase[p].counted for p in self.phases):
            self.view.phases.show_empty("No milestones in these accounts' ladders yet.")
            return
        shares = [metrics.completion_by_phase[p] for p in self.phases]
        self.view.phases.set_bars(
            [PHASE_LABELS[p] for p in self.phases],
            [s.fraction or 0.0 for s in shares],
            [
                f"<b>{theme.percent(s.fraction)}</b> " + _muted(f"{s.part}/{s.counted}")
                for s in shares
            ],
            [current().phase_bars[p.value] for p in self.phases],
            top=1.0,
        )

    # --- clicks ------------------------------------------------------------------------

    def _drill(self, figure: Callable[[PortfolioMetrics], drill.DrillDown]) -> None:
        if self.metrics is not None:
            self.view.drill_list.show_drilldown(figure(self.metrics))

    def funnel_clicked(self, row: int) -> None:
        playbook = self.view.funnel_playbook.currentText()
        self._drill(lambda m: drill.funnel_step_accounts(m, playbook, row))

    def cohort_clicked(self, row: int, column: int) -> None:
        month, checkpoint = self.months[row], CHECKPOINTS[column]
        self._drill(lambda m: drill.cohort_accounts(m, month, checkpoint))

    def adoption_clicked(self, row: int) -> None:
        feature = self.features[row]
        self._drill(lambda m: drill.adoption_accounts(m, feature))

    def health_clicked(self, column: int) -> None:
        health = self.health_order[column]
        self._drill(lambda m: drill.health_accounts(m, health))

    def phase_clicked(self, column: int) -> None:
        phase = self.phases[column]
        self._drill(lambda m: drill.phase_accounts(m, phase))
