"""services.checks.existing_account: one refusal when what is recorded hangs on a gone account.

An empty book has no account #99. Feedback, a touchpoint, a renewal and an advocacy act for
it are each refused with the same line, and nothing is stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from csm_desktop.errors import UnknownAccount
from csm_desktop.services.feedback import add_feedback, log_touchpoint_with_feedback
from csm_desktop.services.renewals import add_advocacy, list_advocacy, list_renewals, save_renewal
from csm_desktop.store.database import Database

ON = dt.date(2026, 3, 2)
RECORDS: dict[str, Callable[[Database], object]] = {
    "feedback": lambda db: add_feedback(db, 99, ON, "Great so far"),
    "touchpoint": lambda db: log_touchpoint_with_feedback(db, 99, "e-mail", ON, "welcome"),
    "renewal": lambda db: save_renewal(db, 99, ON, "renewed", 1000.0, 1200.0),
    "advocacy": lambda db: add_advocacy(db, 99, "review", ON),
}


@pytest.mark.parametrize("record", sorted(RECORDS))
def test_a_record_for_an_account_that_is_gone_is_refused(book: Database, record: str) -> None:
    with pytest.raises(UnknownAccount) as refused:
        RECORDS[record](book)
    assert str(refused.value) == "Account #99 no longer exists; refresh the Book."
    assert list_renewals(book, 99) == [] and list_advocacy(book, 99) == []
