"""``csm-desktop features``: list the vocabulary with usage, name a feature, merge a spelling."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from csm_desktop.cli import main
from csm_desktop.services.features import load_vocabulary
from csm_desktop.store.database import Database, open_database
from csm_desktop.store.models import Account, AccountMilestone, Feature, Role, UsageEvent

D1, D2 = dt.date(2026, 3, 2), dt.date(2026, 3, 3)


@pytest.fixture
def db(book: Database, db_path: Path) -> Path:
    """user_invited is a criterion feature with 2 rows; "User Invited" came from an export
    with 2 rows, one on a day user_invited also has."""
    with book.session() as session:
        admin = session.scalars(select(Role).where(Role.name == "Administrator")).one()
        account = Account(name="Acme", kickoff_on=D1)
        account.milestones.append(
            AccountMilestone(
                position=1,
                title="Users invited",
                role=admin,
                target_day=10,
                due_on=D1 + dt.timedelta(10),
                success_feature="user_invited",
                success_threshold=5,
                success_window_days=7,
            )
        )
        session.add(account)
        session.flush()
        for day, feature, count in (
            (D1, "user_invited", 1),
            (D2, "user_invited", 2),
            (D2, "User Invited", 3),
            (dt.date(2026, 3, 4), "User Invited", 4),
        ):
            session.add(UsageEvent(account_id=account.id, day=day, feature=feature, count=count))
        session.add(Feature(key="user_invited", display_name="User invited", aliases=""))
    book.close()
    return db_path


def test_list_shows_known_and_unknown_features_with_their_usage(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["features", "--db", str(db)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "user_invited\tUser invited\t\t2 usage rows",
        "User Invited\tUser invited\t\t2 usage rows  (another spelling of user_invited: merge it)",
    ]


def test_merge_moves_rows_adds_same_day_counts_and_keeps_the_spelling(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """2 March: 1; 3 March: 2 + 3 = 5; 4 March: 4 — the criterion (5 in 7 days) is met on
    3 March (1 + 5 = 6 ≥ 5)."""
    assert (
        main(["features", "merge", "User Invited", "--into", "user_invited", "--db", str(db)]) == 0
    )
    assert capsys.readouterr().out == (
        "User Invited is now a spelling of user_invited; 2 usage rows moved.\n"
    )
    database = open_database(db)
    try:
        with database.session() as session:
            rows = session.execute(
                select(UsageEvent.day, UsageEvent.feature, UsageEvent.count).order_by(
                    UsageEvent.day
                )
            ).all()
            met = session.scalars(select(AccountMilestone.criterion_met_on)).one()
        vocabulary = load_vocabulary(database)
    finally:
        database.close()
    assert rows == [
        (D1, "user_invited", 1),
        (D2, "user_invited", 5),
        (dt.date(2026, 3, 4), "user_invited", 4),
    ]
    assert met == D2
    assert vocabulary.entries[0].aliases == ("User Invited",)


def test_set_names_a_feature_and_adds_aliases(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["features", "set", "sso_login", "--name", "SSO sign-in", "--alias", "SSO Login;saml"]
    assert main([*args, "--db", str(db)]) == 0
    assert capsys.readouterr().out == "sso_login: SSO sign-in (also SSO Login; saml)\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["set", "sso", "--alias", "User Invited"], "'User Invited' already names the feature"),
        (["merge", "User Invited", "--into", "nothing"], "“nothing” is not a feature"),
        (["merge", "user_invited", "--into", "user_invited"], "cannot be merged into itself"),
    ],
)
def test_bad_feature_edits_exit_2_with_one_line(
    db: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["features", *args, "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err
