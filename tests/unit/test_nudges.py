"""The Today rules on hand-built accounts with a fixed today (Thursday 2026-11-26)."""

from __future__ import annotations

import datetime as dt

from csm_desktop.domain.ladder import Milestone
from csm_desktop.domain.nudges import (
    AccountSnapshot,
    LadderCounts,
    NudgeKind,
    account_nudges,
    keyed_nudges,
    merge_ranked,
    rank_keyed,
    role_progress,
    todays_nudges,
)
from csm_desktop.domain.vocabulary import Status

TODAY = dt.date(2026, 11, 26)
K = TODAY - dt.timedelta(days=40)


def on(days_from_today: int) -> dt.date:
    return TODAY + dt.timedelta(days=days_from_today)


def step(
    id: int,
    title: str,
    due: int,
    status: Status = Status.NOT_STARTED,
    **extra: object,
) -> Milestone:
    """A milestone due ``due`` days from today (negative: in the past)."""
    return Milestone(
        title, str(extra.pop("role", "Administrator")), 0, on(due), status, id=id, **extra
    )  # type: ignore[arg-type]


def snapshot(id: int, name: str, *milestones: Milestone, **extra: object) -> AccountSnapshot:
    values: dict[str, object] = {"last_status_change": on(-1)}
    values.update(extra)
    return AccountSnapshot(id, name, K, tuple(milestones), **values)  # type: ignore[arg-type]


def kinds(account: AccountSnapshot) -> list[tuple[str, str | None, str]]:
    return [(n.kind.value, n.milestone, n.reason) for n in account_nudges(account, TODAY)]


def test_overdue_gives_one_item_per_account_led_by_the_oldest() -> None:
    account = snapshot(
        1, "North", step(1, "SSO", -3), step(2, "Users", -10), step(3, "Done", -20, Status.ACHIEVED)
    )
    assert kinds(account) == [("overdue", "Users", "Overdue by 10 days; 1 more overdue")]


def test_a_late_first_value_milestone_leads_the_overdue_item() -> None:
    account = snapshot(1, "North", step(1, "SSO", -9), step(2, "Workflow", -2, first_value=True))
    (nudge,) = account_nudges(account, TODAY)
    assert (nudge.milestone, nudge.reason) == (
        "Workflow",
        "Overdue by 2 days, first value; 1 more overdue",
    )
    assert nudge.score == 600 + 2 + 30 + 1


def test_due_soon_covers_today_to_seven_days_ahead_inclusive() -> None:
    account = snapshot(
        1,
        "North",
        step(1, "Today", 0),
        step(2, "Tomorrow", 1),
        step(3, "Week", 7),
        step(4, "Later", 8),
    )
    assert kinds(account) == [
        ("due soon", "Today", "Due today"),
        ("due soon", "Tomorrow", "Due tomorrow"),
        ("due soon", "Week", "Due in 7 days"),
    ]


def test_due_yesterday_is_overdue_not_due_soon() -> None:
    assert kinds(snapshot(1, "North", step(1, "SSO", -1))) == [
        ("overdue", "SSO", "Overdue by 1 day")
    ]


def test_criterion_met_but_open_asks_for_confirmation_instead_of_overdue() -> None:
    account = snapshot(1, "North", step(1, "SSO", -5, Status.IN_PROGRESS, criterion_met_on=on(-2)))
    assert kinds(account) == [
        ("criterion met", "SSO", "Usage criterion met on 2026-11-24: confirm it as achieved")
    ]


def test_achieved_and_skipped_milestones_never_nudge() -> None:
    account = snapshot(
        1, "North",
        step(1, "SSO", -5, Status.ACHIEVED, achieved_on=on(-6)),
        step(2, "Audit", -5, Status.SKIPPED, criterion_met_on=on(-3)),
    )  # fmt: skip
    assert kinds(account) == []


def test_stalled_after_14_days_without_a_status_change() -> None:
    ladder = (step(1, "Dashboards", 20),)
    assert kinds(snapshot(1, "North", *ladder, last_status_change=on(-13))) == []
    assert kinds(snapshot(1, "North", *ladder, last_status_change=on(-14))) == [
        ("stalled", "Dashboards", "No status change for 14 days (last on 2026-11-12)")
    ]


def test_an_account_never_changed_is_stalled_counting_from_kickoff() -> None:
    account = snapshot(1, "North", step(1, "Dashboards", 20), last_status_change=None)
    assert kinds(account) == [
        ("stalled", "Dashboards", "No status change for 40 days (none since kickoff)")
    ]


def test_a_finished_ladder_is_never_stalled() -> None:
    account = snapshot(
        1,
        "North",
        step(1, "SSO", -30, Status.ACHIEVED, achieved_on=on(-30)),
        last_status_change=on(-30),
    )
    assert kinds(account) == []


def test_unused_unlock_from_day_14_to_day_30_after_the_unlock() -> None:
    def with_unlock(days_ago: int, used: frozenset[int] = frozenset()) -> AccountSnapshot:
        unlocked = step(
            7,
            "Workflow",
            -days_ago,
            Status.ACHIEVED,
            achieved_on=on(-days_ago),
            unlocks="workflow_run",
        )
        return snapshot(1, "North", unlocked, step(8, "Later", 60), unlocks_used=used)

    assert kinds(with_unlock(13)) == []
    assert kinds(with_unlock(14)) == [
        ("unlock unused", "Workflow", "workflow_run unlocked 14 days ago and not used since")
    ]
    assert [k for k, _m, _r in kinds(with_unlock(30))] == ["unlock unused"]
    assert kinds(with_unlock(31)) == []
    assert kinds(with_unlock(20, frozenset({7}))) == []


def test_an_unused_unlock_reads_by_the_capabilitys_display_name() -> None:
    unlocked = step(7, "Workflow", -14, Status.ACHIEVED, achieved_on=on(-14), unlocks="wf_run")
    account = snapshot(1, "North", unlocked, capability_names={"wf_run": "Workflow runs"})
    assert kinds(account) == [
        ("unlock unused", "Workflow", "Workflow runs unlocked 14 days ago and not used since")
    ]


def test_renewal_within_90_days_with_completion_below_75_percent() -> None:
    ladder = (
        step(1, "SSO", -50, Status.ACHIEVED, achieved_on=on(-50)),
        step(2, "Users", -40, Status.ACHIEVED, achieved_on=on(-40)),
        step(3, "Audit", 30),
    )
    assert kinds(snapshot(1, "North", *ladder, renewal_on=on(90))) == [
        ("renewal", "Audit", "Renewal in 90 days (2027-02-24) with the ladder 67% complete")
    ]
    assert kinds(snapshot(1, "North", *ladder, renewal_on=on(91))) == []
    done = (
        *ladder[:2],
        step(3, "Audit", 30, Status.ACHIEVED, achieved_on=on(-1)),
    )
    assert kinds(snapshot(1, "North", *done, renewal_on=on(10))) == []


def test_book_ranking_puts_kinds_in_order_then_urgency_then_name() -> None:
    book = [
        snapshot(1, "Zeta", step(1, "Renew", 30), renewal_on=on(20)),
        snapshot(2, "beta", step(2, "Soon", 3)),
        snapshot(3, "Alpha", step(3, "Soon", 3)),
        snapshot(4, "Gamma", step(4, "Late", -2)),
        snapshot(5, "Delta", step(5, "Later", -9)),
    ]
    ranked = todays_nudges(book, TODAY)
    assert [(n.account, n.kind, n.score) for n in ranked] == [
        ("Delta", NudgeKind.OVERDUE, 609),
        ("Gamma", NudgeKind.OVERDUE, 602),
        ("Alpha", NudgeKind.DUE_SOON, 540),
        ("beta", NudgeKind.DUE_SOON, 540),
        ("Zeta", NudgeKind.RENEWAL, 170),
    ]


def test_pages_ranked_by_their_keys_rank_like_the_heap_merge_ties_included() -> None:
    """Three pages: [acme, Zeta], [ACME], [Acme, beta]; acme, ACME and Acme tie on every
    key (overdue by 2 days: 602, casefold "acme", milestone "Late"), so they keep page
    order; Zeta's due soon (540) and beta's renewal come after them."""
    pages = [
        [snapshot(1, "acme", step(1, "Late", -2)), snapshot(2, "Zeta", step(2, "Soon", 3))],
        [snapshot(3, "ACME", step(3, "Late", -2))],
        [snapshot(4, "Acme", step(4, "Late", -2)),
         snapshot(5, "beta", step(5, "Renew", 30), renewal_on=on(20))],
    ]  # fmt: skip
    keyed = [keyed_nudges(page, TODAY) for page in pages]
    together = rank_keyed(keyed)
    assert together == list(merge_ranked(([n for _k, n in k] for k in keyed), key=lambda n: n))
    assert together == todays_nudges([a for page in pages for a in page], TODAY)
    for piece in (1, 2):  # sorted piece by piece between keys: the same ranking, ties too
        assert rank_keyed(keyed, piece=piece) == together
    assert [(n.account_id, n.score) for n in together] == [
        (1, 602), (3, 602), (4, 602), (2, 540), (5, 170),
    ]  # fmt: skip


def test_counts_stand_for_the_milestones_a_partial_ladder_leaves_out() -> None:
    """A partial ladder (``store.queries.today_lines``) holds only the late milestones the
    rules name: ``late`` says 12 are late in all (11 more), ``counts`` that 1 of 8 counted
    milestones is achieved (12.5 %, shown "12%": a renewal line); without them the one late
    milestone held would say no more, and the ladder 0 % complete."""
    partial = snapshot(1, "Acme", step(1, "Late", -2), renewal_on=on(20))
    assert [n.reason for n in account_nudges(partial, TODAY)] == [
        "Overdue by 2 days",
        "Renewal in 20 days (2026-12-16) with the ladder 0% complete",
    ]
    standing = snapshot(
        1, "Acme", step(1, "Late", -2), renewal_on=on(20), late=12, counts=LadderCounts(1, 8)
    )
    nudges = account_nudges(standing, TODAY)
    assert [(n.reason, n.score) for n in nudges] == [
        ("Overdue by 2 days; 11 more overdue", 600 + 2 + 9),
        ("Renewal in 20 days (2026-12-16) with the ladder 12% complete", 100 + 70),
    ]


def test_a_nudge_contacted_in_the_last_three_days_sinks_to_the_bottom() -> None:
    book = [
        snapshot(1, "Alpha", step(1, "Late", -20), milestones_contacted={1: on(-2)}),
        snapshot(2, "Beta", step(2, "Soon", 5)),
        snapshot(3, "Gamma", step(3, "Late", -20), milestones_contacted={3: on(-3)}),
    ]
    ranked = todays_nudges(book, TODAY)
    assert [(n.account, n.contacted_on) for n in ranked] == [
        ("Gamma", None),
        ("Beta", None),
        ("Alpha", on(-2)),
    ]


def test_roles_behind_list_overdue_first_then_blocked_else_the_next_one() -> None:
    ladder = [
        step(1, "SSO", -3, role="Administrator"),
        step(2, "Users", -8, role="Administrator"),
        step(3, "Governance", 10, Status.BLOCKED, role="Administrator"),
        step(4, "Workflow", -5, Status.ACHIEVED, role="Power user", achieved_on=on(-6)),
        step(5, "Templates", 12, role="Power user"),
        step(6, "Rules", 20, role="Power user"),
    ]
    admin, power = role_progress(ladder, TODAY)
    assert (admin.role, admin.completion, admin.expected, admin.behind) == (
        "Administrator",
        0.0,
        2 / 3,
        True,
    )
    assert [m.title for m in admin.holding_back] == ["Users", "SSO", "Governance"]
    assert (power.role, power.completion, power.expected, power.behind) == (
        "Power user",
        1 / 3,
        1 / 3,
        False,
    )
    assert [m.title for m in power.holding_back] == ["Templates"]


def test_the_snapshot_fields_keep_the_order_today_builds_them_in() -> None:
    """``services.today`` builds 47,000 snapshots positionally (keywords cost 3× as much):
    a reordered field would silently swap two facts of the same type (the last status
    change and the last contact are both dates). Reorder them there too, then here."""
    import dataclasses

    from csm_desktop.domain.nudges import AccountSnapshot

    assert [f.name for f in dataclasses.fields(AccountSnapshot)] == [
        "id", "name", "kickoff", "milestones", "renewal_on", "last_status_change",
        "unlocks_used", "last_contacted", "milestones_contacted", "owner", "capability_names",
        "late", "counts",
    ]  # fmt: skip
