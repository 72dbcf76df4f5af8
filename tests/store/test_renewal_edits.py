"""Editing a renewal in team mode: one a teammate changed since the editor opened it is
refused, saying what it holds now, and nothing of theirs is overwritten."""

from __future__ import annotations

import datetime as dt

import pytest

from csm_desktop.domain.metrics.long_term import RenewalOutcome
from csm_desktop.errors import BadInput
from csm_desktop.services.renewals import list_renewals, save_renewal
from csm_desktop.store.database import Database
from csm_desktop.store.models import Account

MAY = dt.date(2026, 5, 1)


def acme(book: Database) -> int:
    with book.session() as session:
        account = Account(name="Acme")
        session.add(account)
        session.flush()
        return account.id


def test_an_edit_over_a_teammates_change_is_refused_and_theirs_kept(book: Database) -> None:
    """Ravi and Maya open the pending May renewal (ARR 12,000); Maya marks it renewed at
    14,000; Ravi's save (churned) is refused naming Maya's values, which stay. Opened again,
    his edit saves."""
    account_id = acme(book)
    renewal_id = save_renewal(book, account_id, MAY, "pending", 12000.0)
    (opened,) = list_renewals(book, account_id)  # by both of them
    save_renewal(book, account_id, MAY, "renewed", 12000.0, 14000.0, renewal_id=renewal_id)
    with pytest.raises(BadInput) as refusal:
        save_renewal(
            book, account_id, MAY, "churned", 12000.0, None,
            renewal_id=renewal_id, opened=opened,
        )  # fmt: skip
    assert str(refusal.value) == (
        "Someone changed this renewal since you opened it; it is now renewed on 2026-05-01, "
        "ARR 12,000 → 14,000. Open it again to change it."
    )
    (stored,) = list_renewals(book, account_id)
    assert (stored.outcome, stored.arr_after) == (RenewalOutcome.RENEWED, 14000.0)
    save_renewal(
        book, account_id, MAY, "churned", 12000.0, None, renewal_id=renewal_id, opened=stored
    )
    (stored,) = list_renewals(book, account_id)
    assert (stored.outcome, stored.arr_after) == (RenewalOutcome.CHURNED, None)
