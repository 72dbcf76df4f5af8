"""What the demo book's customers said: a few feedback entries, so the customer's voice
(issue #18) shows on the account page, in the playbook editor and as QBR quotes.

Deterministic like the rest of the demo: the same day gives the same remarks. Praise comes
a few days after a first value was reached on time; a complaint a week after a milestone
fell overdue. Renewals and advocacy are ``services.demo``'s: last year's customers.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from csm_desktop.domain.vocabulary import Status
from csm_desktop.store.models import Account, AccountMilestone, Feedback
from csm_desktop.store.queries.accounts import accounts_with_people

PRAISE = (
    "We saw the first result in our own numbers within two weeks — that sold it internally.",
    "The step-by-step plan made it easy to get the right people in the room.",
    "Setting this up took an afternoon, not the week we had blocked for it.",
    "Our team stopped asking for the old spreadsheet after the first month.",
)
WORRY = (
    "We are stuck waiting on our IT team; the guide assumes admin rights we do not have.",
    "Too many notifications at once; people started ignoring them.",
    "The training came before the data was in, so nobody could try it for real.",
)
ACCOUNTS_WITH_PRAISE = 6
ACCOUNTS_WITH_WORRIES = 3


def add_demo_feedback(session: Session, today: dt.date) -> int:
    """Add the demo's feedback entries; returns how many."""
    accounts = accounts_with_people(session)
    added = praised = worried = 0
    for account in accounts:
        first = next((m for m in account.milestones if m.first_value), None)
        late = _late(account.milestones, today)
        if first is not None and praised < ACCOUNTS_WITH_PRAISE and _on_time(first, today):
            assert first.achieved_on is not None
            _add(session, account, first, first.achieved_on + dt.timedelta(days=3),
                 "positive", PRAISE[praised % len(PRAISE)], quotable=True)  # fmt: skip
            praised += 1
            added += 1
        elif late is not None and worried < ACCOUNTS_WITH_WORRIES:
            assert late.due_on is not None
            _add(session, account, late, late.due_on + dt.timedelta(days=7),
                 "negative", WORRY[worried % len(WORRY)], quotable=False)  # fmt: skip
            worried += 1
            added += 1
    return added


def _on_time(milestone: AccountMilestone, today: dt.date) -> bool:
    achieved = milestone.achieved_on
    return (
        milestone.status == Status.ACHIEVED.value
        and achieved is not None
        and milestone.due_on is not None
        and achieved <= milestone.due_on
        and achieved + dt.timedelta(days=3) < today
    )


def _late(milestones: list[AccountMilestone], today: dt.date) -> AccountMilestone | None:
    for m in milestones:
        if (
            Status(m.status).is_open
            and m.due_on is not None
            and m.due_on + dt.timedelta(days=7) < today
        ):
            return m
    return None


def _add(
    session: Session,
    account: Account,
    milestone: AccountMilestone,
    on: dt.date,
    sentiment: str,
    text: str,
    *,
    quotable: bool,
) -> None:
    contact = next((c for c in account.contacts if c.role_id == milestone.role_id), None)
    session.add(
        Feedback(
            account_id=account.id,
            given_on=on,
            contact_id=contact.id if contact else None,
            milestone_id=milestone.id,
            sentiment=sentiment,
            text=text,
            quotable=quotable,
        )
    )
