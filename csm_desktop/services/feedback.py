"""The customer's voice: record feedback, read it back per account, step, variant or quote.

Feedback is entered on the account page or while logging a touchpoint. It shows in the
account's timeline, is summarised per milestone template in the playbook editor ("what
customers say at this step") and per experiment variant, and a quotable remark can appear
as a customer quote in the QBR (``quotable_feedback``). Each function is one transaction;
values are checked first and a refusal says what to fix.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy.orm import Session

from csm_desktop.domain.feedback import (
    FeedbackSummary,
    Remark,
    Sentiment,
    best_quotes,
    newest_first,
    summarise,
)
from csm_desktop.errors import BadInput
from csm_desktop.services.checks import choose, existing_account
from csm_desktop.store.database import Database
from csm_desktop.store.models import (
    AccountMilestone,
    Contact,
    Feedback,
)
from csm_desktop.store.queries.feedback import arms, remarks, remarks_by_template

SENTIMENTS: tuple[str, ...] = tuple(s.value for s in Sentiment)
MAX_TEXT = 4000


def check_links(
    session: Session, account_id: int, contact_id: int | None, milestone_id: int | None
) -> None:
    """The account exists, and the contact and milestone, when given, are that account's:
    what a touchpoint and a remark must link to (the one check both ask)."""
    existing_account(session, account_id)
    if contact_id is not None:
        contact = session.get(Contact, contact_id)
        if contact is None or contact.account_id != account_id:
            raise BadInput(f"Contact #{contact_id} is not a contact of this account.")
    if milestone_id is not None:
        milestone = session.get(AccountMilestone, milestone_id)
        if milestone is None or milestone.account_id != account_id:
            raise BadInput(f"Milestone #{milestone_id} is not on this account's ladder.")


def parse_sentiment(text: str) -> Sentiment:
    return Sentiment(choose(text, SENTIMENTS, "sentiment"))


def add_feedback(
    database: Database,
    account_id: int,
    given_on: dt.date,
    text: str,
    sentiment: Sentiment | str = Sentiment.NEUTRAL,
    *,
    contact_id: int | None = None,
    milestone_id: int | None = None,
    quotable: bool = False,
) -> int:
    """Store what the customer said and return the entry's id.

    The contact and milestone, when given, must belong to the account.
    """
    chosen = parse_sentiment(sentiment) if isinstance(sentiment, str) else sentiment
    words = text.strip()
    if not words:
        raise BadInput("Write down what the customer said; the feedback text is empty.")
    if len(words) > MAX_TEXT:
        raise BadInput(
            f"The feedback is {len(words):,} characters long; keep it under {MAX_TEXT:,} "
            "(the gist and the quote, not the whole call notes)."
        )
    with database.session() as session:
        check_links(session, account_id, contact_id, milestone_id)
        row = Feedback(
            account_id=account_id,
            given_on=given_on,
            contact_id=contact_id,
            milestone_id=milestone_id,
            sentiment=chosen.value,
            text=words,
            quotable=quotable,
        )
        session.add(row)
        session.flush()
        return row.id


def delete_feedback(database: Database, feedback_id: int) -> None:
    with database.session() as session:
        row = session.get(Feedback, feedback_id)
        if row is not None:
            session.delete(row)


def account_feedback(database: Database, account_id: int) -> list[Remark]:
    """The account's feedback, newest first."""
    with database.session() as session:
        found = remarks(session, account_id=account_id)
    return newest_first(found)


def quotable_feedback(
    database: Database, account_id: int, period: tuple[dt.date, dt.date]
) -> list[Remark]:
    """Remarks of the account that may be quoted in a QBR for ``period`` (start, end; both
    inclusive), best first: positive, then neutral, newest first (``domain.feedback``).

    Plain data (``Remark``: given_on, sentiment, text, account, contact, milestone), so the
    QBR can show a customer quote without touching the store.
    """
    start, end = period
    return best_quotes(account_feedback(database, account_id), start, end)


def step_feedback(database: Database, template_ids: Collection[int]) -> dict[int, FeedbackSummary]:
    """Per milestone template, what customers said about the milestones made from it."""
    with database.session() as session:
        by_template = remarks_by_template(session, template_ids)
    return {
        template_id: summarise(by_template.get(template_id, [])) for template_id in template_ids
    }


def variant_feedback(database: Database, experiment_id: int) -> dict[str, FeedbackSummary]:
    """Per variant of the experiment (in variant order), what its accounts' customers said
    since the experiment started (everything, for a draft)."""
    with database.session() as session:
        result: dict[str, FeedbackSummary] = {}
        for variant_id, name, started_on in arms(session, experiment_id):
            result[name] = summarise(remarks(session, variant_id=variant_id, since=started_on))
    return result


def feedback_timeline(session: Session, account_id: int) -> list[tuple[dt.date, str, str]]:
    """(date, "feedback", text) per entry, for the account's timeline."""
    rows = remarks(session, account_id=account_id)
    return [
        (
            r.given_on,
            "feedback",
            f"Feedback ({r.sentiment.value}"
            + (", may be quoted" if r.quotable else "")
            + ")"
            + (f" from {r.contact}" if r.contact else "")
            + (f" on “{r.milestone}”" if r.milestone else "")
            + f": “{r.text}”",
        )
        for r in rows
    ]


__all__ = [
    "SENTIMENTS",
    "account_feedback",
    "add_feedback",
    "delete_feedback",
    "feedback_timeline",
    "parse_sentiment",
    "quotable_feedback",
    "step_feedback",
    "variant_feedback",
]


def log_touchpoint_with_feedback(
    database: Database,
    account_id: int,
    channel: str,
    on: dt.date,
    template: str,
    *,
    contact_id: int | None = None,
    milestone_id: int | None = None,
    note: str = "",
    said: str = "",
    sentiment: str = Sentiment.NEUTRAL.value,
    quotable: bool = False,
) -> int:
    """ "Log touchpoint…" with what the customer said: the touchpoint, and, when ``said`` is
    not empty, a feedback entry on the same date, contact and milestone. The feedback is
    checked before anything is stored, so a bad sentiment stores neither."""
    from csm_desktop.services.today import log_touchpoint

    words = said.strip()
    if words:
        parse_sentiment(sentiment)
        if len(words) > MAX_TEXT:
            raise BadInput(f"What the customer said is over {MAX_TEXT:,} characters; shorten it.")
    touchpoint_id = log_touchpoint(
        database, account_id, channel, on, template, contact_id, milestone_id, note
    )
    if words:
        add_feedback(
            database, account_id, on, words, sentiment, contact_id=contact_id,
            milestone_id=milestone_id, quotable=quotable,
        )  # fmt: skip
    return touchpoint_id
