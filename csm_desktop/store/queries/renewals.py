"""Renewals and advocacy: the chosen accounts' outcomes as plain rows for the long-term
figures, and one account's renewals and advocacy acts for its page, timeline and workbook."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from csm_desktop.store.models import Account, Advocacy, Renewal
from csm_desktop.store.queries.selection import AccountFilter

RenewalRow = tuple[int, str, dt.date, str, float | None, float | None]
"""(account id, account name, renewal on, outcome, ARR before, ARR after)."""


def renewal_rows(session: Session, chosen: AccountFilter) -> list[RenewalRow]:
    """Every renewal of the chosen accounts (archived ones only if the filter says so)."""
    query = (
        select(
            Account.id,
            Account.name,
            Renewal.renewal_on,
            Renewal.outcome,
            Renewal.arr_before,
            Renewal.arr_after,
        )
        .join(Renewal, Renewal.account_id == Account.id)
        .where(chosen.clause())
    )
    return [
        (account_id, name, on, outcome, before, after)
        for account_id, name, on, outcome, before, after in session.execute(query)
    ]


def account_renewals(session: Session, account_id: int) -> Sequence[Renewal]:
    """The account's renewals, oldest first."""
    return session.scalars(
        select(Renewal).where(Renewal.account_id == account_id).order_by(Renewal.renewal_on)
    ).all()


def renewal_on_date(session: Session, account_id: int, on: dt.date) -> Renewal | None:
    """The account's renewal on ``on`` (at most one per account and date)."""
    return session.scalar(
        select(Renewal).where(Renewal.account_id == account_id, Renewal.renewal_on == on)
    )


def all_renewals(session: Session) -> Sequence[Renewal]:
    """Every renewal of the book, in no particular order (for the book workbook)."""
    return session.scalars(select(Renewal)).all()


def account_advocacy(session: Session, account_id: int) -> Sequence[Advocacy]:
    """The account's advocacy acts, oldest first (same day: in the order they were entered)."""
    return session.scalars(
        select(Advocacy)
        .where(Advocacy.account_id == account_id)
        .order_by(Advocacy.happened_on, Advocacy.id)
    ).all()
