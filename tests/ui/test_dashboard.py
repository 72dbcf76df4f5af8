"""The portfolio dashboard over a four-account book worked out by hand, and over the demo.

Today is 2026-06-30. Playbook "Standard": Users provisioned (Administrator, day 10), First
workflow live (Power user, day 20, first value, unlocks workflow), Dashboard in use
(Operator, day 45, unlocks dashboard).

- Alder Co, K 2026-03-02: achieved on days 8, 15, 50 (the last late); used workflow on
  day 18, logged in on 2026-06-25. On track.
- Birch Ltd, K 2026-03-16: days 12 and 25 (both late), dashboard in progress and overdue;
  used workflow on day 35. At risk.
- Cedar Inc, K 2026-05-11: day 12 (late); first value 30 days past due. Off track.
- Dogwood, K 2026-06-15: days 3 and 12; workflow unlock still pending. On track.

By hand: TTFV 15, 25, 12 → median 15 days; first value on time Alder, Dogwood of 4 judged
→ 50 %; adoption: Alder workflow yes, Alder dashboard no, Birch workflow yes, Dogwood
pending → 2 of 3 = 67 %; milestones on time 8, 15, 3, 12 of 8 achieved → 4 of 8 = 50 %;
1 at risk, 1 off track. Funnel: 4/4, 3/4 (▼ 25), 1/4 (▼ 50). Cohort 2026-03 at day 60:
Alder on plan, Birch behind. Phases: early 7 of 8, mid 1 of 4.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from csm_desktop.domain.metrics import PortfolioMetrics
from csm_desktop.domain.vocabulary import Health, Status
from csm_desktop.services.ladder import apply_playbook, change_status
from csm_desktop.services.metrics import portfolio_metrics
from csm_desktop.store.database import Database
from csm_desktop.store.models import (
    Account,
    MilestoneTemplate,
    Playbook,
    PlaybookStep,
    Role,
    UsageEvent,
)
from csm_desktop.ui.views.dashboard_view import DashboardFilters, DashboardView

TODAY = dt.date(2026, 6, 30)
DEMO_TODAY = dt.date(2026, 11, 26)

# name, kickoff, achieved days per milestone (None: open), status of the open ones, usage
ACCOUNTS = (
    ("Alder Co", dt.date(2026, 3, 2), (8, 15, 50), Status.NOT_STARTED,
     ((18, "workflow"), (115, "login"))),
    ("Birch Ltd", dt.date(2026, 3, 16), (12, 25, None), Status.IN_PROGRESS, ((35, "workflow"),)),
    ("Cedar Inc", dt.date(2026, 5, 11), (12, None, None), Status.NOT_STARTED, ()),
    ("Dogwood", dt.date(2026, 6, 15), (3, 12, None), Status.NOT_STARTED, ()),
)  # fmt: skip


def build_small_book(database: Database) -> dict[str, int]:
    """The book of the module docstring; returns account ids by name."""
    with database.session() as session:
        roles = {role.name: role for role in session.scalars(select(Role))}
        templates = [
            MilestoneTemplate(key="users", title="Users provisioned",
                              role=roles["Administrator"], target_day=10),
            MilestoneTemplate(key="workflow", title="First workflow live",
                              role=roles["Power user"], target_day=20, first_value=True,
                              unlocks="workflow"),
            MilestoneTemplate(key="dashboard", title="Dashboard in use", role=roles["Operator"],
                              target_day=45, unlocks="dashboard"),
        ]  # fmt: skip
        playbook = Playbook(name="Standard", segment="SMB")
        playbook.steps = [PlaybookStep(template=t, position=i) for i, t in enumerate(templates)]
        session.add(playbook)
        ids = {}
        for index, (name, kickoff, days, open_status, usage) in enumerate(ACCOUNTS):
            account = Account(
                name=name,
                segment="SMB" if index % 2 == 0 else "Enterprise",
                owner="Maya Chen",
                kickoff_on=kickoff,
            )
            session.add(account)
            session.flush()
            apply_playbook(session, account, playbook)
            for milestone, day in zip(account.milestones, days, strict=True):
                if day is not None:
                    on = kickoff + dt.timedelta(days=day)
                    change_status(session, milestone, Status.ACHIEVED, on=on)
                elif open_status is not Status.NOT_STARTED:
                    change_status(session, milestone, open_status, on=kickoff)
            for day, feature in usage:
                session.add(
                    UsageEvent(
                        account_id=account.id,
                        day=kickoff + dt.timedelta(days=day),
                        feature=feature,
                        count=3,
                    )
                )
            ids[name] = account.id
    return ids


@pytest.fixture
def ids(book: Database) -> dict[str, int]:
    return build_small_book(book)


@pytest.fixture
def metrics(book: Database, ids: dict[str, int]) -> PortfolioMetrics:
    return portfolio_metrics(book, TODAY)


@pytest.fixture
def view(qtbot, metrics: PortfolioMetrics) -> DashboardView:  # type: ignore[no-untyped-def]
    dashboard = DashboardView()
    qtbot.addWidget(dashboard)
    dashboard.set_today(TODAY)
    dashboard.resize(1400, 850)
    dashboard.show()
    qtbot.waitExposed(dashboard)
    dashboard.show_metrics(metrics)
    return dashboard


def test_list_starts_with_the_accounts_needing_attention(view: DashboardView) -> None:
    drilldown = view.drill_list.drilldown
    assert drilldown is not None
    assert [(g.label, g.names) for g in drilldown.groups] == [
        ("Off track (1)", ["Cedar Inc"]),
        ("At risk (1)", ["Birch Ltd"]),
    ]


def test_kpi_tiles_print_the_figures_worked_out_by_hand(view: DashboardView) -> None:
    assert [(t.value, t.caption) for t in view.tiles] == [
        ("15 days", "over 3 accounts with first value"),
        ("50 %", "2 of 4 accounts"),
        ("67 %", "2 of 3 unlocks · 1 pending"),
        ("50 %", "4 of 8 achieved milestones"),
        ("1", "of 4 accounts"),
        ("1", "of 4 accounts"),
    ]
    assert view.caption.text() == "4 accounts · on 2026-06-30"


def test_clicking_a_funnel_bar_lists_the_accounts_behind_it(qtbot, view: DashboardView) -> None:  # type: ignore[no-untyped-def]
    funnel = view.funnel
    assert funnel.rows == 3
    qtbot.mouseClick(
        funnel.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=funnel.widget_point(0.5, 1)
    )
    drill = view.drill_list
    assert drill.title_label.text() == "First workflow live (Power user) — Standard"
    assert drill.account_names() == ["Alder Co", "Birch Ltd", "Dogwood", "Cedar Inc"]
    assert drill.drilldown is not None
    assert [g.label for g in drill.drilldown.groups] == ["Achieved (3)", "Not achieved yet (1)"]


def test_funnel_prints_share_counts_and_drop_off(view: DashboardView) -> None:
    steps = view.controller.metrics.funnel["Standard"]  # type: ignore[union-attr]
    assert [(s.achieved.part, s.achieved.counted) for s in steps] == [(4, 4), (3, 4), (1, 4)]
    texts = [item.textItem.toPlainText() for item in _text_items(view.funnel)]
    assert texts == ["100 % 4/4", "75 % 3/4 ▼ 25 pts", "25 % 1/4 ▼ 50 pts"]


def test_clicking_a_heat_map_cell_lists_its_cohort(qtbot, view: DashboardView) -> None:  # type: ignore[no-untyped-def]
    cohorts = view.cohorts
    assert cohorts.shape == (3, 3)  # 2026-03, 2026-05, 2026-06 × day 30, 60, 90
    cells = [item.textItem.toPlainText() for item in _text_items(cohorts)]
    assert cells == [
        "100 %  2/2", "50 %  1/2", "50 %  1/2",
        "0 %  0/1", "not yet", "not yet",
        "not yet", "not yet", "not yet",
    ]  # fmt: skip
    qtbot.mouseClick(
        cohorts.plot_widget.viewport(),
        Qt.MouseButton.LeftButton,
        pos=cohorts.widget_point(1.5, 0.5),  # row 2026-03, column day 60
    )
    drilldown = view.drill_list.drilldown
    assert drilldown is not None
    assert drilldown.title == "Kickoff 2026-03 at day 60"
    assert drilldown.group("On plan").names == ["Alder Co"]
    assert drilldown.group("Behind").names == ["Birch Ltd"]


def test_bars_and_tiles_drill_into_their_accounts(qtbot, view: DashboardView) -> None:  # type: ignore[no-untyped-def]
    view.health.click_at(2, 0.1)  # the "Off track" column
    assert view.drill_list.account_names() == ["Cedar Inc"]
    view.phases.click_at(1, 0.1)  # mid phase
    assert view.drill_list.account_names() == ["Alder Co", "Birch Ltd", "Cedar Inc", "Dogwood"]
    view.adoption.click_at(0.2, 1)  # features in name order: dashboard, workflow
    assert view.drill_list.drilldown.title == "Adoption after unlock — workflow"  # type: ignore[union-attr]
    assert view.drill_list.account_names() == ["Alder Co", "Birch Ltd", "Dogwood"]
    qtbot.mouseClick(view.at_risk_tile, Qt.MouseButton.LeftButton)
    assert view.drill_list.account_names() == ["Birch Ltd"]
    qtbot.mouseClick(view.first_value_tile, Qt.MouseButton.LeftButton)
    assert view.drill_list.account_names() == ["Alder Co", "Dogwood", "Birch Ltd", "Cedar Inc"]


def test_enter_or_double_click_on_a_listed_account_opens_it(
    qtbot, view: DashboardView, ids: dict[str, int]
) -> None:  # type: ignore[no-untyped-def]
    view.funnel.click_at(0.5, 2)  # Dashboard in use: Alder achieved; Birch, Cedar, Dogwood not
    listing = view.drill_list.list
    rows = [listing.item(r).text().split("\n")[0] for r in range(listing.count())]
    birch = listing.item(rows.index("Birch Ltd"))
    listing.setCurrentItem(birch)
    with qtbot.waitSignal(view.account_activated) as signal:
        qtbot.keyClick(listing, Qt.Key.Key_Return)
    assert signal.args == [ids["Birch Ltd"]]
    alder = listing.item(rows.index("Alder Co"))
    with qtbot.waitSignal(view.account_activated) as signal:
        rect = listing.visualItemRect(alder)
        # A real double-click is press, release, then the double-click event.
        qtbot.mouseClick(listing.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(listing.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert signal.args == [ids["Alder Co"]]
    heading = listing.item(0)
    assert not heading.flags() & Qt.ItemFlag.ItemIsSelectable


def test_filters_and_today_are_offered_and_reported(qtbot, view: DashboardView) -> None:  # type: ignore[no-untyped-def]
    view.set_filter_options(["Enterprise", "SMB"], ["Maya Chen"], ["Standard"])
    assert view.filters() == DashboardFilters()
    with qtbot.waitSignal(view.filters_changed):
        view.segment_filter.setCurrentText("SMB")
    assert view.filters() == DashboardFilters(segment="SMB")
    assert view.filters().as_kwargs() == {"segment": "SMB", "owner": None, "playbook": None}
    view.set_filter_options(["Enterprise", "SMB"], ["Maya Chen"], ["Standard"])
    assert view.filters().segment == "SMB"  # a choice that still exists is kept
    with qtbot.waitSignal(view.today_changed):
        view.set_today(dt.date(2026, 5, 1))
    assert view.today() == dt.date(2026, 5, 1)
    with qtbot.waitSignal(view.filters_changed):
        view.set_filters(DashboardFilters(owner="Maya Chen"))
    assert view.filters() == DashboardFilters(owner="Maya Chen")


def test_today_defaults_to_the_current_date(qtbot) -> None:  # type: ignore[no-untyped-def]
    dashboard = DashboardView()
    qtbot.addWidget(dashboard)
    assert dashboard.today() == dt.date.today()


def test_filtered_metrics_redraw_every_figure(
    qtbot, book: Database, ids: dict[str, int], view: DashboardView
) -> None:  # type: ignore[no-untyped-def]
    view.show_metrics(portfolio_metrics(book, TODAY, segment="SMB"))  # Alder Co, Cedar Inc
    assert view.caption.text() == "2 accounts · on 2026-06-30"
    assert view.off_track_tile.value == "1"
    assert view.at_risk_tile.value == "0"
    attention = view.drill_list.drilldown  # new figures start with who needs attention
    assert attention is not None
    assert attention.title == "Accounts that need attention"
    assert view.drill_list.account_names() == ["Cedar Inc"]


def test_empty_book_says_so_instead_of_drawing(qtbot, book: Database) -> None:  # type: ignore[no-untyped-def]
    dashboard = DashboardView()
    qtbot.addWidget(dashboard)
    dashboard.show_metrics(portfolio_metrics(book, TODAY))
    assert all(tile.value == "–" or tile.value == "0" for tile in dashboard.tiles)
    for chart in (dashboard.funnel, dashboard.cohorts, dashboard.adoption, dashboard.health):
        assert chart.is_empty
    assert dashboard.health.empty_label.text() == "No accounts match these filters."


@pytest.fixture
def demo_book(open_demo: Callable[[dt.date], Database]) -> Database:
    return open_demo(DEMO_TODAY)


def test_demo_book_fills_every_panel(qtbot, demo_book: Database) -> None:  # type: ignore[no-untyped-def]
    metrics = portfolio_metrics(demo_book, DEMO_TODAY)
    dashboard = DashboardView()
    qtbot.addWidget(dashboard)
    dashboard.resize(1400, 850)
    dashboard.show()
    dashboard.show_metrics(metrics)
    charts = (dashboard.funnel, dashboard.cohorts, dashboard.adoption, dashboard.health,
              dashboard.phases)  # fmt: skip
    assert not any(chart.is_empty for chart in charts)
    assert dashboard.funnel_playbook.currentText() == "Standard"  # the most accounts
    assert dashboard.funnel.rows == len(metrics.funnel["Standard"])
    assert sum(metrics.health.values()) == 46
    assert dashboard.at_risk_tile.value == str(metrics.health[Health.AT_RISK])
    dashboard.funnel_playbook.setCurrentText("Enterprise")
    assert dashboard.funnel.rows == len(metrics.funnel["Enterprise"])


def _text_items(chart) -> list:  # type: ignore[no-untyped-def,type-arg]
    import pyqtgraph as pg

    return [item for item in chart.plot.items if isinstance(item, pg.TextItem)]


def test_adoption_names_features_as_the_book_does_never_by_key(
    qtbot, view: DashboardView, metrics: PortfolioMetrics
) -> None:  # type: ignore[no-untyped-def]
    """With the book's vocabulary ("workflow" is "Automated workflows"), the adoption bars,
    their drill-down and the adoption tile's drill-down name the feature, not its key, as
    the portfolio report does (``domain.story.capability_name``)."""
    from csm_desktop.domain.features import FeatureEntry, FeatureVocabulary

    vocabulary = FeatureVocabulary([FeatureEntry("workflow", "Automated workflows")])
    view.show_metrics(metrics, vocabulary)
    ticks = view.adoption.plot.getAxis("left")._tickLevels[0]
    assert ticks[0][1] == "dashboard" and ticks[1][1].startswith("Automated work")
    view.adoption.click_at(0.2, 1)
    assert view.drill_list.drilldown.title == "Adoption after unlock — Automated workflows"  # type: ignore[union-attr]
    qtbot.mouseClick(view.adoption_tile, Qt.MouseButton.LeftButton)
    notes = [line.note for line in view.drill_list.drilldown.accounts]  # type: ignore[union-attr]
    assert notes and not any(note.startswith("workflow,") for note in notes)
    assert any(note.startswith("Automated workflows, unlocked") for note in notes)
