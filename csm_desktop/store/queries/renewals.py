"""Renewal outcomes of the chosen accounts, as plain rows for the long-term figures."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from csm_desktop.store.models import Account, Renewal
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
