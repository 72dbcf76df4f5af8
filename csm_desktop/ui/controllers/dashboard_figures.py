"""The dashboard's figures: what each chart and tile prints, and which accounts a click lists.

``DashboardFigures`` belongs to one ``DashboardView`` (layout only): it turns a
``PortfolioMetrics`` into the tiles' values and the charts' bars, cells and texts, and answers a
click on any of them with the ``DrillDown`` the side list shows. It reads no database; the
page's controller (``ui.controllers.dashboard``) computes the metrics in a worker.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from csm_desktop.domain.features import FeatureVocabulary
from csm_desktop.domain.metrics import CHECKPOINTS, PortfolioMetrics
from csm_desktop.domain.metrics import drilldown as drill
from csm_desktop.domain.story import capability_name
from csm_desktop.domain.text import plural
from csm_desktop.domain.vocabulary import Health, Phase
from csm_desktop.ui.charts import theme
from csm_desktop.ui.palette import current, span

if TYPE_CHECKING:
    from csm_desktop.ui.views.dashboard_view import DashboardView

PHASE_LABELS = {
    Phase.EARLY: "Early 0–30",
    Phase.MID: "Mid 31–60",
    Phase.LATE: "Late 61–90",
    Phase.BEYOND: "After 90",
}


def health_colour(health: Health) -> str:
    c = current()
    return {Health.ON_TRACK: c.green, Health.AT_RISK: c.amber, Health.OFF_TRACK: c.red}[health]


def _muted(text: str) -> str:
    return f"<span style='color:{current().muted}'>{text}</span>"


class DashboardFigures(QObject):
    """Prints a ``PortfolioMetrics`` into the view and answers clicks with a ``DrillDown``."""

    def __init__(self, view: DashboardView) -> None:
        super().__init__(view)
        self.view = view
        self.metrics: PortfolioMetrics | None = None
        self.months: list[str] = []
        self.features: list[str] = []
        self.vocabulary = FeatureVocabulary()  # the book's names for feature keys
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
            (view.adoption_tile, lambda m: drill.adoption_accounts(m, name=self.feature_name)),
            (view.on_time_tile, drill.on_time_accounts),
            (view.at_risk_tile, lambda m: drill.health_accounts(m, Health.AT_RISK)),
            (view.off_track_tile, lambda m: drill.health_accounts(m, Health.OFF_TRACK)),
        ]
        for tile, figure in tiles:
            tile.clicked.connect(lambda figure=figure: self._drill(figure))

    @staticmethod
    def caption(metrics: PortfolioMetrics) -> str:
        return f"{plural(metrics.accounts, 'account')} · on {metrics.today.isoformat()}"

    def feature_name(self, key: str) -> str:
        """What a person reads for a feature key: the book's name for it, never the key."""
        return capability_name(key, self.vocabulary)

    def show(self, metrics: PortfolioMetrics, vocabulary: FeatureVocabulary | None = None) -> None:
        self.metrics = metrics
        self.vocabulary = vocabulary or FeatureVocabulary()
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
            [self.feature_name(feature) for feature in self.features],
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
            short_texts=[f"<b>{theme.percent(s.fraction)}</b>" for s in shares],
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
        self._drill(lambda m: drill.adoption_accounts(m, feature, name=self.feature_name))

    def health_clicked(self, column: int) -> None:
        health = self.health_order[column]
        self._drill(lambda m: drill.health_accounts(m, health))

    def phase_clicked(self, column: int) -> None:
        phase = self.phases[column]
        self._drill(lambda m: drill.phase_accounts(m, phase))
