"""The store's queries: SQLite's fast path and the portable SQLAlchemy Core path agree.

Both run on the same SQLite file (the demo book: 48 accounts, every status, daily usage, an
experiment), for every kind of account filter and for days inside and outside the usage, so
a second database reusing the portable path gets exactly the facts the app computes today.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from csm_desktop.store.database import Database, open_database
from csm_desktop.store.models import Account, Experiment, UsageEvent
from csm_desktop.store.queries.ladders import account_ladders
from csm_desktop.store.queries.selection import AccountFilter
from csm_desktop.store.queries.usage import usage_facts

DEMO_TODAY = dt.date(2026, 11, 26)


@pytest.fixture(scope="module")
def demo(
    tmp_path_factory: pytest.TempPathFactory, demo_template: Callable[[dt.date], Path]
) -> Iterator[Database]:
    path = tmp_path_factory.mktemp("queries") / "demo.sqlite3"
    shutil.copyfile(demo_template(DEMO_TODAY), path)
    database = open_database(path)
    with database.session() as session:  # one archived account, so the filter has work
        first = session.scalars(select(Account).order_by(Account.id)).first()
        assert first is not None
        first.archived = True
        for account_id in (2, 3, 4):  # rows with a count of 0 are "data" but never "use"
            for back in (1, 9, 40):
                day = DEMO_TODAY - dt.timedelta(days=back)
                session.add(UsageEvent(account_id=account_id, day=day, feature="Zero", count=0))
    yield database
    database.close()


def filters(database: Database) -> list[AccountFilter]:
    with database.session() as session:
        account = session.scalars(select(Account).order_by(Account.id.desc())).first()
        experiment = session.scalars(select(Experiment)).first()
    assert account is not None and experiment is not None
    return [
        AccountFilter(),
        AccountFilter(include_archived=True),
        AccountFilter(segment="Enterprise"),
        AccountFilter(owner=account.owner),
        AccountFilter(playbook="Standard"),
        AccountFilter(segment="SMB", playbook="Enterprise"),
        AccountFilter(account_id=account.id, include_archived=True),
        AccountFilter(experiment_id=experiment.id, include_archived=True),
    ]


def test_both_paths_load_the_same_ladders(demo: Database) -> None:
    for chosen in filters(demo):
        with demo.session() as session:
            fast = account_ladders(session, chosen)
            portable = account_ladders(session, chosen, portable=True)
        assert fast == portable, chosen
    with demo.session() as session:
        everyone = account_ladders(session, AccountFilter())
    assert len(everyone) == 45  # 48 demo accounts, 2 churned ones archived, one more above
    assert sum(len(a.milestones) for a in everyone) > 400


@pytest.mark.parametrize(
    "today",
    [DEMO_TODAY, dt.date(2026, 6, 30), dt.date(2026, 3, 3), dt.date(2025, 1, 1)],
    ids=["demo day", "mid-year", "early", "before any usage"],
)
def test_both_paths_give_the_same_usage_facts(demo: Database, today: dt.date) -> None:
    for chosen in filters(demo):
        for full in (True, False):
            with demo.session() as session:
                fast = usage_facts(session, chosen, today, full=full)
                portable = usage_facts(session, chosen, today, full=full, portable=True)
            assert fast == portable, (chosen, full)
    with demo.session() as session:
        facts = usage_facts(session, AccountFilter(), today, full=True)
    if today == DEMO_TODAY:  # the comparison above is not vacuous
        assert sum(bool(f.feature_days) for f in facts.values()) > 10
        assert sum(bool(f.feature_weeks) for f in facts.values()) > 10
        assert sum(bool(f.active_days) for f in facts.values()) > 10
    if today == dt.date(2025, 1, 1):
        assert facts == {}
