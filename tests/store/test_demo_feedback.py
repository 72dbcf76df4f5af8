"""The demo book's customers have a voice: praise after an on-time first value, worries a
week after a milestone fell overdue; quotable remarks reach the QBR service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import select

from csm_desktop.services.feedback import quotable_feedback
from csm_desktop.store.database import Database
from csm_desktop.store.models import AccountMilestone, Feedback

TODAY = dt.date(2026, 11, 26)


def test_demo_feedback_follows_the_ladders(open_demo: Callable[[dt.date], Database]) -> None:
    demo = open_demo(TODAY)
    with demo.session() as session:
        rows = session.execute(select(Feedback, AccountMilestone).join(AccountMilestone)).all()
        entries = [
            (
                f.sentiment,
                f.quotable,
                f.given_on,
                m.first_value,
                m.achieved_on,
                m.due_on,
                f.account_id,
            )
            for f, m in rows
        ]
    praise = [e for e in entries if e[0] == "positive"]
    worries = [e for e in entries if e[0] == "negative"]
    assert (len(praise), len(worries)) == (6, 3)
    for _s, quotable, given_on, first_value, achieved_on, due_on, _a in praise:
        assert quotable and first_value
        assert achieved_on <= due_on and given_on == achieved_on + dt.timedelta(days=3) < TODAY
    for _s, quotable, given_on, _f, _achieved, due_on, _a in worries:
        assert not quotable and given_on == due_on + dt.timedelta(days=7) < TODAY
    account_id = praise[0][6]
    quotes = quotable_feedback(demo, account_id, (dt.date(2026, 1, 1), TODAY))
    assert [q.sentiment.value for q in quotes] == ["positive"]
