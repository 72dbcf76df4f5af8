"""Feedback entries through the service: checks, the timeline, per step, per variant, quotes.

One account "Acme" (K 2026-01-05) with contacts Zoë (Power user) and Ian, a two-step ladder
made from templates "setup" and "report", in variant "B" of an experiment started on
2026-02-01. Feedback, in the order entered:

1. 2026-01-20 Zoë on "First report", positive, quotable: "Reports in minutes, not hours."
2. 2026-02-03 Ian on "Setup", negative, quotable: "SSO took three tries."
3. 2026-02-10 Zoë, no milestone, neutral, not quotable: "Fine so far."
4. 2026-02-15 Zoë on "First report", neutral, quotable: "The export is handy."
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from csm_desktop.domain.feedback import Sentiment
from csm_desktop.errors import BadInput
from csm_desktop.services.accounts import account_detail
from csm_desktop.services.feedback import (
    account_feedback,
    add_feedback,
    quotable_feedback,
    step_feedback,
    variant_feedback,
)
from csm_desktop.store.database import Database
from csm_desktop.store.models import (
    Account,
    AccountMilestone,
    Contact,
    Experiment,
    MilestoneTemplate,
    Role,
    Variant,
)

K = dt.date(2026, 1, 5)


def _book(database: Database) -> dict[str, int]:
    with database.session() as session:
        roles = {r.name: r for r in session.scalars(select(Role))}
        setup = MilestoneTemplate(
            key="setup", title="Setup", role=roles["Administrator"], target_day=7
        )
        report = MilestoneTemplate(
            key="report",
            title="First report",
            role=roles["Power user"],
            target_day=14,
            first_value=True,
        )
        experiment = Experiment(name="Nudge test", started_on=dt.date(2026, 2, 1), locked=True)
        control, variant_b = Variant(name="A"), Variant(name="B")
        experiment.variants = [control, variant_b]
        acme = Account(name="Acme", kickoff_on=K, variant=variant_b)
        other = Account(name="Other", kickoff_on=K)
        session.add_all([setup, report, experiment, acme, other])
        session.flush()
        zoe = Contact(account=acme, name="Zoë Ødegård", role=roles["Power user"])
        ian = Contact(account=acme, name="Ian Moss")
        steps = [
            AccountMilestone(account=acme, template=t, position=i, title=t.title, role=t.role,
                             target_day=t.target_day, first_value=t.first_value)
            for i, t in enumerate((setup, report))
        ]  # fmt: skip
        stranger = Contact(account=other, name="Stranger")
        session.add_all([zoe, ian, *steps, stranger])
        session.flush()
        return {
            "acme": acme.id, "zoe": zoe.id, "ian": ian.id, "setup": steps[0].id,
            "report": steps[1].id, "setup_t": setup.id, "report_t": report.id,
            "experiment": experiment.id, "stranger": stranger.id,
        }  # fmt: skip


def _entries(database: Database, ids: dict[str, int]) -> None:
    acme = ids["acme"]
    add_feedback(
        database,
        acme,
        dt.date(2026, 1, 20),
        "Reports in minutes, not hours.",
        "positive",
        contact_id=ids["zoe"],
        milestone_id=ids["report"],
        quotable=True,
    )
    add_feedback(
        database,
        acme,
        dt.date(2026, 2, 3),
        "SSO took three tries.",
        "negative",
        contact_id=ids["ian"],
        milestone_id=ids["setup"],
        quotable=True,
    )
    add_feedback(
        database,
        acme,
        dt.date(2026, 2, 10),
        "  Fine so far. ",
        Sentiment.NEUTRAL,
        contact_id=ids["zoe"],
    )
    add_feedback(database, acme, dt.date(2026, 2, 15), "The export is handy.", "Neutral",
                 contact_id=ids["zoe"], milestone_id=ids["report"], quotable=True)  # fmt: skip


def test_feedback_is_listed_newest_first_and_shows_in_the_timeline(book: Database) -> None:
    ids = _book(book)
    _entries(book, ids)
    remarks = account_feedback(book, ids["acme"])
    assert [r.text for r in remarks] == [
        "The export is handy.",
        "Fine so far.",
        "SSO took three tries.",
        "Reports in minutes, not hours.",
    ]
    assert (remarks[2].contact, remarks[2].milestone) == ("Ian Moss", "Setup")
    detail = account_detail(book, ids["acme"], dt.date(2026, 3, 1))
    feedback_lines = [(e.on.isoformat(), e.text) for e in detail.timeline if e.kind == "feedback"]
    assert feedback_lines[-1] == (
        "2026-01-20",
        "Feedback (positive, may be quoted) from Zoë Ødegård on “First report”: "
        "“Reports in minutes, not hours.”",
    )


def test_quotable_feedback_for_a_qbr_period_puts_positive_first_and_never_negative(
    book: Database,
) -> None:
    """In 2026-01-01 … 2026-03-31: quotable are 1 (positive), 2 (negative: never quoted)
    and 4 (neutral); 3 may not be quoted. Best first: 1, then 4."""
    ids = _book(book)
    _entries(book, ids)
    quotes = quotable_feedback(book, ids["acme"], (dt.date(2026, 1, 1), dt.date(2026, 3, 31)))
    assert [(q.given_on.isoformat(), q.text, q.contact) for q in quotes] == [
        ("2026-01-20", "Reports in minutes, not hours.", "Zoë Ødegård"),
        ("2026-02-15", "The export is handy.", "Zoë Ødegård"),
    ]
    february = quotable_feedback(book, ids["acme"], (dt.date(2026, 2, 1), dt.date(2026, 2, 15)))
    assert [q.text for q in february] == ["The export is handy."]


def test_step_feedback_summarises_per_template(book: Database) -> None:
    ids = _book(book)
    _entries(book, ids)
    summaries = step_feedback(book, [ids["setup_t"], ids["report_t"]])
    report = summaries[ids["report_t"]]
    assert (report.positive, report.neutral, report.negative) == (1, 1, 0)
    assert report.counts_text() == "2 remarks: 1 positive, 1 neutral"
    assert [r.text for r in report.latest] == [
        "The export is handy.",
        "Reports in minutes, not hours.",
    ]
    assert summaries[ids["setup_t"]].counts_text() == "1 remark: 1 negative"


def test_variant_feedback_counts_only_since_the_start(book: Database) -> None:
    """Started 2026-02-01: entry 1 (January) is before the start; 2, 3, 4 count for B."""
    ids = _book(book)
    _entries(book, ids)
    summaries = variant_feedback(book, ids["experiment"])
    assert list(summaries) == ["A", "B"]
    assert summaries["A"].total == 0
    assert summaries["B"].counts_text() == "3 remarks: 2 neutral, 1 negative"


@pytest.mark.parametrize(
    ("text", "sentiment", "contact", "message"),
    [
        ("   ", "positive", None, "the feedback text is empty"),
        ("Good", "delighted", None, "Unknown sentiment “delighted”"),
        ("Good", "positive", "stranger", "is not a contact of this account"),
        ("x" * 4001, "positive", None, "keep it under 4,000"),
    ],
)
def test_bad_feedback_is_refused_and_nothing_is_stored(
    book: Database, text: str, sentiment: str, contact: str | None, message: str
) -> None:
    ids = _book(book)
    with pytest.raises(BadInput, match=message):
        add_feedback(
            book, ids["acme"], dt.date(2026, 2, 1), text, sentiment,
            contact_id=ids[contact] if contact else None,
        )  # fmt: skip
    assert account_feedback(book, ids["acme"]) == []
