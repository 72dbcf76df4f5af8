"""What customers said, as domain ``Remark``s: per account, per experiment arm, per template.

The one place feedback is read; ``services.feedback`` orchestrates and summarises.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from csm_desktop.domain.feedback import Remark, Sentiment
from csm_desktop.store.models import (
    Account,
    AccountMilestone,
    Contact,
    Experiment,
    Feedback,
    Variant,
)
from csm_desktop.store.queries import tables as _tables
from csm_desktop.store.queries.tables import feedback as _feedback


def _query() -> Any:
    """A remark's columns with its account's, contact's and milestone's names, on the tables
    (Core: a first report configures no mapper for it, issue 17)."""
    f, a, c, m = _feedback, _tables.account, _tables.contact, _tables.account_milestone
    return (
        select(
            f.c.given_on,
            f.c.sentiment,
            f.c.text,
            f.c.quotable,
            f.c.id,
            a.c.name,
            c.c.name,
            m.c.title,
        )
        .join_from(f, a, a.c.id == f.c.account_id)
        .outerjoin(c, c.c.id == f.c.contact_id)
        .outerjoin(m, m.c.id == f.c.milestone_id)
    )


def _sentiment(text: str) -> Sentiment:
    try:
        return Sentiment(text)
    except ValueError:
        return Sentiment.NEUTRAL  # stored values are checked on the way in; never fail a read


def _remark(
    given_on: dt.date,
    sentiment: str,
    text: str,
    quotable: bool,
    feedback_id: int,
    account: str,
    contact: str | None,
    milestone: str | None,
) -> Remark:
    return Remark(
        given_on=given_on,
        sentiment=_sentiment(sentiment),
        text=text,
        account=account,
        contact=contact,
        milestone=milestone,
        quotable=quotable,
        id=feedback_id,
    )


def remarks(
    session: Session,
    *,
    account_id: int | None = None,
    variant_id: int | None = None,
    since: dt.date | None = None,
) -> list[Remark]:
    """Remarks of one account and/or the accounts of one experiment arm, from ``since`` on."""
    query = _query()
    if account_id is not None:
        query = query.where(_feedback.c.account_id == account_id)
    if variant_id is not None:
        query = query.where(_tables.account.c.variant_id == variant_id)
    if since is not None:
        query = query.where(_feedback.c.given_on >= since)
    return [_remark(*row) for row in session.execute(query)]


def remarks_by_template(session: Session, template_ids: Collection[int]) -> dict[int, list[Remark]]:
    """Per milestone template, the remarks about the milestones made from it."""
    m = _tables.account_milestone
    query = _query().add_columns(m.c.template_id)
    query = query.where(m.c.template_id.in_(list(template_ids)))
    found: dict[int, list[Remark]] = {}
    for *row, template_id in session.execute(query):
        found.setdefault(template_id, []).append(_remark(*row))
    return found


def arms(session: Session, experiment_id: int) -> list[tuple[int, str, dt.date | None]]:
    """(variant id, name, the experiment's start) of each arm, in variant order."""
    query = (
        select(Variant.id, Variant.name, Experiment.started_on)
        .join(Experiment, Experiment.id == Variant.experiment_id)
        .where(Variant.experiment_id == experiment_id)
        .order_by(Variant.id)
    )
    return [
        (variant_id, name, started_on) for variant_id, name, started_on in session.execute(query)
    ]


def feedback_entries(session: Session) -> list[tuple[Feedback, str | None, str | None]]:
    """Every feedback entry with its milestone's title and its contact's name (the book
    workbook's ``Feedback`` sheet), stored values as they are."""
    query = (
        select(Feedback, AccountMilestone.title, Contact.name)
        .outerjoin(AccountMilestone, AccountMilestone.id == Feedback.milestone_id)
        .outerjoin(Contact, Contact.id == Feedback.contact_id)
    )
    return [(entry, milestone, contact) for entry, milestone, contact in session.execute(query)]


def feedback_given(
    session: Session, account_id: int, given_on: dt.date, text: str
) -> Feedback | None:
    """The account's entry of ``given_on`` with exactly ``text`` (one per account, date, text)."""
    return session.scalar(
        select(Feedback).where(
            Feedback.account_id == account_id,
            Feedback.given_on == given_on,
            Feedback.text == text,
        )
    )


def citable_names(session: Session) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """What a feedback row may name: (account, milestone title) and (account, contact name)
    pairs of every stored account."""
    milestones = session.execute(
        select(Account.name, AccountMilestone.title).join(AccountMilestone)
    )
    contacts = session.execute(select(Account.name, Contact.name).join(Contact))
    return (
        [(account, title) for account, title in milestones],
        [(account, name) for account, name in contacts],
    )
