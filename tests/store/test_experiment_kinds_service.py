"""Message, timing and criterion arms end to end on real SQLite: create, start, what changes
in the book and on Today, and each kind's own figure worked out by hand.

Playbook "Standard": "setup" (Administrator, day 7) and "report" (Power user, day 14, first
value, usage criterion reports.run ≥ 5 in 7 days). Four fresh accounts, K = 2026-01-05:
Alder and Birch in arm A (control), Cedar and Dogwood in arm B (set by hand, not drawn, so
the figures can be worked out). The experiment starts on K.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from csm_desktop.domain.experiment_changes import (
    CriterionChange,
    MessageChange,
    TimingChange,
    VariantKind,
)
from csm_desktop.domain.vocabulary import Status
from csm_desktop.errors import BadInput
from csm_desktop.services.experiment_results import experiment_report, sample_size_advice
from csm_desktop.services.experiments import (
    VariantSpec,
    create_experiment,
    experiment_summary,
    start_experiment,
)
from csm_desktop.services.ladder import change_status
from csm_desktop.services.today import log_touchpoint, today_list
from csm_desktop.store.database import Database
from csm_desktop.store.models import (
    Account,
    AccountMilestone,
    Contact,
    MilestoneTemplate,
    Playbook,
    PlaybookStep,
    Role,
    UsageEvent,
    Variant,
)

K = dt.date(2026, 1, 5)
NAMES = ("Alder", "Birch", "Cedar", "Dogwood")


def _day(n: int) -> dt.date:
    return K + dt.timedelta(days=n)


def _book(database: Database) -> int:
    with database.session() as session:
        roles = {r.name: r for r in session.scalars(select(Role))}
        setup = MilestoneTemplate(
            key="setup",
            title="Setup",
            role=roles["Administrator"],
            target_day=7,
            message_in_app="Hi {contact}, set it up.",
        )
        report = MilestoneTemplate(
            key="report",
            title="First report",
            role=roles["Power user"],
            target_day=14,
            first_value=True,
            success_feature="reports.run",
            success_threshold=5,
            success_window_days=7,
            message_in_app="Hi {contact}, run your first report.",
        )
        playbook = Playbook(name="Standard")
        playbook.steps = [
            PlaybookStep(template=setup, position=1),
            PlaybookStep(template=report, position=2),
        ]
        session.add(playbook)
        for name in NAMES:
            account = Account(name=name, kickoff_on=K, segment="SMB", playbook=playbook)
            account.contacts = [Contact(name=f"Pat {name}", role=roles["Power user"])]
            session.add(account)
        session.flush()
        return playbook.id  # fmt: skip


def _experiment(database: Database, playbook_id: int, kind: VariantKind, change: object) -> int:
    experiment_id = create_experiment(
        database,
        f"{kind.value} test",
        "",
        [
            VariantSpec("A", playbook_id),
            VariantSpec("B", playbook_id, kind=kind, change=change),  # type: ignore[arg-type]
        ],
        started_on=K,
        read_on=_day(60),
        seed=1,
    )
    with database.session() as session:
        variants = {v.name: v.id for v in session.scalars(select(Variant))}
        for name, account in zip(
            NAMES, session.scalars(select(Account).order_by(Account.name)), strict=True
        ):
            account.variant_id = variants["A" if name in ("Alder", "Birch") else "B"]
    start_experiment(database, experiment_id, K)
    return experiment_id


def _ladder(database: Database, name: str) -> dict[str, AccountMilestone]:
    with database.session() as session:
        rows = session.scalars(
            select(AccountMilestone).join(Account).where(Account.name == name)
        ).all()
        return {m.title: m for m in rows}


def test_message_arm_offers_its_text_on_today_and_counts_replies_within_7_days(
    book: Database,
) -> None:
    """Today = day 10: "First report" is due on day 14, so Today offers its nudge. Cedar and
    Dogwood (B) get B's text; Alder (A) the template's own.

    Figure (today day 30): nudges logged on day 10 for all four. Alder achieved day 12 (yes),
    Birch day 20 (no: day 10 + 7 = day 17 passed), Cedar day 15 (yes), Dogwood day 16
    (yes). A: 1 of 2, B: 2 of 2."""
    playbook_id = _book(book)
    change = MessageChange("report", in_app="{contact}, two minutes: your first report!")
    experiment_id = _experiment(book, playbook_id, VariantKind.MESSAGE, change)
    items = {
        i.nudge.account: i
        for i in today_list(book, _day(10))
        if i.nudge.milestone == "First report"
    }
    assert items["Cedar"].filled.message.in_app.text == "Pat, two minutes: your first report!"
    assert items["Dogwood"].filled.template.name == "report (experiment)"
    assert items["Alder"].filled.message.in_app.text == "Hi Pat, run your first report."

    for name, achieved_day in (("Alder", 12), ("Birch", 20), ("Cedar", 15), ("Dogwood", 16)):
        step = _ladder(book, name)["First report"]
        account_id = step.account_id
        log_touchpoint(book, account_id, "in-app", _day(10), "report", milestone_id=step.id)
        with book.session() as session:
            milestone = session.get(AccountMilestone, step.id)
            change_status(session, milestone, Status.ACHIEVED, on=_day(achieved_day))
    report = experiment_report(book, experiment_id, _day(30))
    assert report.kind_figures is not None
    assert report.kind_figures.label == "Achieved within 7 days of the nudge"
    shares = {n: (s.part, s.counted) for n, s in report.kind_figures.by_variant.items()}
    assert shares == {"A": (1, 2), "B": (2, 2)}
    assert report.peeking is not None and "2026-03-06 is 30 days away" in report.peeking
    assert experiment_report(book, experiment_id, _day(60)).peeking is None


def test_timing_arm_halves_target_days_at_the_start(book: Database) -> None:
    """× 0.5: setup 7 → 3.5 → 4 (due day 4), report 14 → 7 (due day 7); A keeps 7 and 14.
    Figure on day 10 (changed milestones on time, every milestone): Cedar achieves setup on
    day 4 (on time) and report on day 9 (late: due 7); Dogwood nothing (both past due): B 1
    of 4. A: Alder setup day 6 (on time), nothing else judged yet except Alder/Birch setup
    past due day 7 → Alder yes, Birch no; reports due day 14 not judged: A 1 of 2."""
    playbook_id = _book(book)
    experiment_id = _experiment(book, playbook_id, VariantKind.TIMING, TimingChange(0.5))
    cedar, alder = _ladder(book, "Cedar"), _ladder(book, "Alder")
    assert (cedar["Setup"].target_day, cedar["Setup"].due_on) == (4, _day(4))
    assert (cedar["First report"].target_day, cedar["First report"].due_on) == (7, _day(7))
    assert (alder["First report"].target_day, alder["First report"].due_on) == (14, _day(14))
    for name, title, on in (("Cedar", "Setup", 4), ("Cedar", "First report", 9),
                            ("Alder", "Setup", 6)):  # fmt: skip
        with book.session() as session:
            milestone = session.get(AccountMilestone, _ladder(book, name)[title].id)
            change_status(session, milestone, Status.ACHIEVED, on=_day(on))
    figures = experiment_report(book, experiment_id, _day(10)).kind_figures
    assert figures is not None and figures.label == "Changed milestones on time"
    assert {n: (s.part, s.counted) for n, s in figures.by_variant.items()} == {
        "A": (1, 2),
        "B": (1, 4),
    }
    summary = experiment_summary(book, experiment_id)
    assert summary.variants[1].description == "target days × 0.5 for every milestone"


def test_criterion_arm_lowers_the_threshold_and_evidence_follows(book: Database) -> None:
    """B: reports.run ≥ 2 (window kept at 7). Every account runs 1 report on days 3 and 4
    (2 in the window by day 4): met on day 4 for Cedar and Dogwood (≤ due day 14); A needs 5,
    never met; on day 20 all are past due: A 0 of 2, B 2 of 2."""
    playbook_id = _book(book)
    experiment_id = _experiment(
        book, playbook_id, VariantKind.CRITERION, CriterionChange("report", threshold=2)
    )
    with book.session() as session:
        for account in session.scalars(select(Account)):
            session.add_all(
                UsageEvent(account_id=account.id, day=_day(n), feature="reports.run", count=1)
                for n in (3, 4)
            )
    from csm_desktop.services.evidence import refresh_usage_evidence

    with book.session() as session:
        refresh_usage_evidence(session)
    cedar = _ladder(book, "Cedar")["First report"]
    assert (cedar.success_threshold, cedar.success_window_days) == (2, 7)
    assert cedar.criterion_met_on == _day(4)
    assert _ladder(book, "Alder")["First report"].criterion_met_on is None
    figures = experiment_report(book, experiment_id, _day(20)).kind_figures
    assert figures is not None
    assert {n: (s.part, s.counted) for n, s in figures.by_variant.items()} == {
        "A": (0, 2),
        "B": (2, 2),
    }


@pytest.mark.parametrize(
    ("kind", "change", "message"),
    [
        (VariantKind.MESSAGE, MessageChange("nope", "Hi"), "do not exist: nope"),
        (VariantKind.MESSAGE, MessageChange("report"), "needs the new text"),
        (VariantKind.CRITERION, CriterionChange("setup", 3), "has no usage success criterion"),
        (VariantKind.TIMING, TimingChange(1.0), "changes nothing"),
    ],
)
def test_bad_arms_are_refused_before_anything_is_stored(
    book: Database, kind: VariantKind, change: object, message: str
) -> None:
    playbook_id = _book(book)
    with pytest.raises(BadInput, match=message):
        create_experiment(
            book, "Bad", "", [VariantSpec("A", playbook_id),
                              VariantSpec("B", playbook_id, kind=kind, change=change)],  # type: ignore[arg-type]
        )  # fmt: skip
    with book.session() as session:
        assert session.scalars(select(Variant)).all() == []


def test_read_date_must_follow_the_start(book: Database) -> None:
    playbook_id = _book(book)
    with pytest.raises(BadInput, match="Plan to read the results after the start"):
        create_experiment(
            book, "Early", "", [VariantSpec("A", playbook_id), VariantSpec("B", playbook_id,
            kind=VariantKind.TIMING, change=TimingChange(2.0))], started_on=K, read_on=K,
        )  # fmt: skip


def test_sample_size_advice_in_words() -> None:
    assert sample_size_advice(0.5, 0.7).startswith(
        "To tell 50% from 70% reliably (8 times in 10, two-sided p < 0.05), each arm needs "
        "about 93 accounts"
    )
    assert "nothing to detect" in sample_size_advice(0.5, 0.5)
