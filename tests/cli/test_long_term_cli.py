"""Renewals stored through the service, and the long-term figures of `metrics --json`.

The book is the one of tests/unit/test_long_term.py (read its table), stored for real:
K = 2026-01-05, "First report" (first value, target day 14), today 2026-06-30. Bravo, who
churned, is archived — it still counts, or churn would flatter the rate. Expected:
decided 5, renewal rate 0.6, NRR 23,000/27,000 = 0.85185… → 0.8519; on time 2 decided,
0.5, NRR 1.2; late 2 decided, 0.5, NRR 5,000/13,000 = 0.38461… → 0.3846.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from csm_desktop.cli import main
from csm_desktop.errors import BadInput
from csm_desktop.services.long_term import long_term
from csm_desktop.services.renewals import (
    add_advocacy,
    list_advocacy,
    list_renewals,
    save_renewal,
)
from csm_desktop.store.database import Database
from csm_desktop.store.models import Account, AccountMilestone, Role
from tests.conftest import db_argument

pytestmark = pytest.mark.on_server

K = dt.date(2026, 1, 5)
TODAY = dt.date(2026, 6, 30)
LADDERS = {  # name: (first-value status, achieved day)
    "Alpha": ("achieved", 10),
    "Bravo": ("achieved", 20),
    "Charlie": ("in progress", None),
    "Delta": ("skipped", None),
    "Echo": ("achieved", 14),
    "Foxtrot": ("achieved", 3),
}
RENEWALS = [
    ("Alpha", dt.date(2026, 5, 1), "renewed", 10_000, 12_000),
    ("Bravo", dt.date(2026, 6, 1), "churned", 8_000, None),
    ("Charlie", dt.date(2026, 6, 15), "Renewed ", 5_000, 5_000),
    ("Delta", dt.date(2026, 4, 1), "renewed", 4_000, 6_000),
    ("Echo", dt.date(2026, 6, 20), "pending", 3_000, None),
    ("Echo", dt.date(2026, 7, 15), "renewed", 3_000, 3_500),
    ("Foxtrot", dt.date(2026, 6, 30), "churned", None, None),
]


def _store(database: Database) -> dict[str, int]:
    ids = {}
    with database.session() as session:
        power_user = session.scalars(select(Role).where(Role.name == "Power user")).one()
        for name, (status, achieved_day) in LADDERS.items():
            account = Account(name=name, kickoff_on=K, segment="SMB", archived=name == "Bravo")
            session.add(account)
            session.flush()
            session.add(
                AccountMilestone(
                    account=account, position=0, title="First report", role=power_user,
                    target_day=14, due_on=K + dt.timedelta(days=14), status=status,
                    achieved_on=None if achieved_day is None
                    else K + dt.timedelta(days=achieved_day),
                    first_value=True,
                )
            )  # fmt: skip
            ids[name] = account.id
    for name, on, outcome, before, after in RENEWALS:
        save_renewal(database, ids[name], on, outcome, before, after)
    return ids


def test_metrics_json_gains_the_long_term_figures(
    book: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    _store(book)
    path = db_argument(book)
    book.close()
    assert main(["metrics", "--db", path, "--today", TODAY.isoformat(), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["long_term"] == {
        "renewal_rate": 0.6,
        "nrr": 0.8519,
        "decided": 5,
        "by_first_value": {
            "on time": {"decided": 2, "renewal_rate": 0.5, "nrr": 1.2},
            "late": {"decided": 2, "renewal_rate": 0.5, "nrr": 0.3846},
        },
    }


def test_metrics_text_summary_names_the_split(
    book: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    _store(book)
    path = db_argument(book)
    book.close()
    assert main(["metrics", "--db", path, "--today", TODAY.isoformat()]) == 0
    out = capsys.readouterr().out
    assert "Renewals decided: 5; renewal rate 60.0 %, NRR 85.2 %" in out
    assert "first value late: 2 decided, renewal rate 50.0 %, NRR 38.5 %" in out


def test_a_day_earlier_foxtrot_is_not_decided_yet(book: Database) -> None:
    """On 2026-06-29 Foxtrot's renewal (06-30) is in the future: on time has Alpha only."""
    _store(book)
    figures = long_term(book, dt.date(2026, 6, 29))
    assert figures.decided == 4
    assert [r.account for r in figures.by_first_value["on time"].renewals] == ["Alpha"]


def test_renewals_are_listed_oldest_first_and_churn_keeps_no_arr(book: Database) -> None:
    ids = _store(book)
    echo = list_renewals(book, ids["Echo"])
    assert [(r.renewal_on.isoformat(), r.outcome.value) for r in echo] == [
        ("2026-06-20", "pending"),
        ("2026-07-15", "renewed"),
    ]
    changed = save_renewal(
        book, ids["Echo"], dt.date(2026, 6, 20), "churned", 3_000, None, renewal_id=echo[0].id
    )
    assert changed == echo[0].id
    assert list_renewals(book, ids["Echo"])[0].outcome.value == "churned"


@pytest.mark.parametrize(
    ("outcome", "before", "after", "message"),
    [
        ("lost", 100, None, "Unknown renewal outcome “lost”"),
        ("renewed", -5, 10, "ARR before cannot be negative"),
        ("churned", 100, 50, "A churned renewal keeps no ARR"),
    ],
)
def test_bad_renewals_are_refused_and_nothing_is_stored(
    book: Database, outcome: str, before: float, after: float | None, message: str
) -> None:
    ids = _store(book)
    with pytest.raises(BadInput, match=message):
        save_renewal(book, ids["Alpha"], dt.date(2026, 9, 1), outcome, before, after)
    assert len(list_renewals(book, ids["Alpha"])) == 1


def test_two_renewals_on_one_date_are_refused(book: Database) -> None:
    ids = _store(book)
    with pytest.raises(BadInput, match="Alpha already has a renewal on 2026-05-01"):
        save_renewal(book, ids["Alpha"], dt.date(2026, 5, 1), "churned", 10_000)


def test_advocacy_kinds_are_checked(book: Database) -> None:
    ids = _store(book)
    add_advocacy(book, ids["Alpha"], "Case study", dt.date(2026, 6, 1), "Published on the blog")
    with pytest.raises(BadInput, match="Unknown advocacy “tweet”"):
        add_advocacy(book, ids["Alpha"], "tweet", dt.date(2026, 6, 2))
    (entry,) = list_advocacy(book, ids["Alpha"])
    assert (entry.kind, entry.note) == ("case study", "Published on the blog")
