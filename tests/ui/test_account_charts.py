"""The account's Charts tab: burn-up, value before and now, weekly usage of key features."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF

from csm_desktop.domain.vocabulary import Direction, Status
from csm_desktop.services.account_charts import (
    AccountCharts,
    BurnUp,
    FeatureUsage,
    PlannedMilestone,
    UnlockMark,
    ValueSeries,
    account_charts,
)
from csm_desktop.store.database import Database
from csm_desktop.ui.charts.burnup import step_line
from csm_desktop.ui.charts.value_chart import change_text
from csm_desktop.ui.views.account_charts_view import AccountChartsView

K = dt.date(2026, 3, 2)
TODAY = dt.date(2026, 4, 15)
MONDAYS = tuple(K + dt.timedelta(days=7 * i) for i in range(7))

CHARTS = AccountCharts(
    account_id=7,
    name="Alder Co",
    today=TODAY,
    burnup=BurnUp(
        kickoff=K,
        today_day=44,
        total=3,
        planned=((0, 0), (10, 1), (20, 2), (39, 3)),
        achieved=((0, 0), (7, 1), (23, 2)),
        milestones=(
            PlannedMilestone("Users provisioned", "Administrator", 10, Status.ACHIEVED, 7),
            PlannedMilestone("First workflow live", "Power user", 20, Status.ACHIEVED, 23),
            PlannedMilestone("Dashboard in use", "Operator", 39, Status.IN_PROGRESS, None),
        ),
    ),
    usage=(
        FeatureUsage(
            "user_invited",
            MONDAYS,
            (0, 7, 14, 21, 28, 35, 42),
            (5, 1, 0, 0, 0, 0, 0),
            (UnlockMark("Users provisioned", K + dt.timedelta(days=7), 7),),
        ),
        FeatureUsage(
            "workflow_run",
            MONDAYS,
            (0, 7, 14, 21, 28, 35, 42),
            (0, 0, 0, 10, 0, 0, 2),
            (UnlockMark("First workflow live", K + dt.timedelta(days=23), 23),),
        ),
    ),
    features_without_usage=("Automation", "dashboard_view"),
    values=(
        ValueSeries(
            "Hours on weekly reporting",
            "hours",
            Direction.LOWER,
            20.0,
            K,
            14.0,
            ((dt.date(2026, 4, 13), 15.0),),
            15.0,
            25.0,
        ),
        ValueSeries("NPS", "points", Direction.HIGHER, None, None, None, (), None, None),
    ),
)


@pytest.fixture
def view(qtbot) -> AccountChartsView:  # type: ignore[no-untyped-def]
    charts = AccountChartsView()
    qtbot.addWidget(charts)
    charts.resize(1100, 800)
    charts.show()
    return charts


def test_burn_up_draws_plan_and_achieved_staircases(view: AccountChartsView) -> None:
    view.show_charts(CHARTS)
    curves = view.burnup.plot.listDataItems()
    assert len(curves) == 2
    plan, achieved = (curve.getData() for curve in curves)
    assert list(plan[0]) == [0, 10, 10, 20, 20, 39, 39, 96]  # to day 90 + a margin
    assert list(plan[1]) == [0, 0, 1, 1, 2, 2, 3, 3]
    assert list(achieved[0]) == [0, 7, 7, 23, 23, 44]  # held flat up to today
    assert list(achieved[1]) == [0, 0, 1, 1, 2, 2]
    assert view.burnup.subtitle_label.text() == "2 of 3 achieved · kickoff 2026-03-02"
    assert view.caption.text() == "Alder Co · as of 2026-04-15"


def test_step_line_holds_the_last_count_until_the_end() -> None:
    assert step_line([(0, 0), (5, 2)], 9) == ([0, 5, 5, 9], [0, 0, 2, 2])
    assert step_line([], 9) == ([], [])


def test_one_usage_panel_per_feature_with_a_marker_on_the_unlock(
    view: AccountChartsView,
) -> None:
    view.show_charts(CHARTS)
    plots = view.usage.plots
    assert len(plots) == 2
    bars = [i for i in plots[1].items if isinstance(i, pg.BarGraphItem)]
    assert list(bars[0].opts["height"]) == [0, 0, 0, 10, 0, 0, 2]
    lines = [i for i in plots[1].items if isinstance(i, pg.InfiniteLine)]
    assert [line.value() for line in lines] == [23]
    assert "First workflow live, day 23" in plots[1].titleLabel.text
    assert view.usage.note.text() == "No usage on record for: Automation, dashboard_view."


def test_value_panels_say_better_or_worse(view: AccountChartsView) -> None:
    view.show_charts(CHARTS)
    assert view.value.titles == [
        "Hours on weekly reporting: 25 % better",
        "NPS: no measurement yet",
    ]
    assert change_text(-12.4) == ("12 % worse", "#b42318")
    assert change_text(0.2)[0] == "no change"


def test_account_without_data_explains_each_empty_chart(view: AccountChartsView) -> None:
    view.show_charts(AccountCharts(8, "Birch Ltd", TODAY, None, (), (), ()))
    assert view.burnup.is_empty
    assert view.burnup.empty_label.text().startswith("Log the kickoff")
    assert view.value.empty_label.isVisibleTo(view)
    assert view.usage.empty_label.text() == (
        "No usage of the ladder's features has been imported yet."
    )
    view.show_charts(CHARTS)  # and back: nothing stale stays
    assert not view.burnup.is_empty
    assert len(view.value.titles) == 2


@pytest.fixture
def demo_book(open_demo: Callable[[dt.date], Database]) -> Database:
    return open_demo(dt.date(2026, 11, 26))


def test_demo_account_fills_every_chart(view: AccountChartsView, demo_book: Database) -> None:
    data = account_charts(demo_book, 3, dt.date(2026, 11, 26))
    view.show_charts(data)
    assert data.burnup is not None and data.burnup.total == 13
    assert not view.burnup.is_empty
    assert len(view.usage.plots) == len(data.usage) > 0
    assert len(view.value.titles) == 2


@pytest.mark.parametrize("width", [560, 900])
def test_the_target_line_never_strikes_through_a_value(
    qtbot,  # type: ignore[no-untyped-def]
    view: AccountChartsView,
    width: int,
) -> None:
    """At 1280 the line of a target just above both values crossed "26.7 tickets": a value
    the line would cross starts right of it; one clear of it stays at its bar's end."""
    view.resize(width, 800)
    chart = view.value
    chart.clear()
    chart.add_metric("Tickets per agent", "tickets", 22.0, 26.7, 27.5, 21.0)
    chart.add_metric("Hours on reporting", "hours", 20.0, 11.9, 13.0, 40.0)
    chart.add_metric("NPS", "points", 30.0, None, 2.0, None)  # no measurement yet: "–"
    qtbot.wait(20)  # the layout settles and each panel refits
    nps = chart.fits[2]
    assert [label.pos().x() for _value, label in nps[1]] == [30.0, 0.0]  # the dash stays at 0
    starts = ([27.5, 27.5], [20.0, 13.0])  # where each panel's two values begin
    for (plot, labels, _scale, target), ends in zip(chart.fits[:2], starts, strict=True):
        line_x = plot.vb.mapViewToScene(QPointF(target, 0)).x()
        view_box = plot.vb.sceneBoundingRect()
        for (_value, label), start in zip(labels, ends, strict=True):
            box = label.sceneBoundingRect()
            assert not box.left() < line_x < box.right(), label.toPlainText()
            assert box.right() <= view_box.right() + 1, f"{label.toPlainText()} is cut off"
            assert label.pos().x() == pytest.approx(start)
