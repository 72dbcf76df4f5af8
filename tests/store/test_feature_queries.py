"""The store's feature-vocabulary queries on a hand-made book (portable: SQLite and, with
``--backend postgresql``, PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from csm_desktop.store.database import Database
from csm_desktop.store.models import Account, AccountMilestone, Feature, MilestoneTemplate, Role
from csm_desktop.store.queries.features import (
    criterion_features,
    feature_row,
    named_features,
    rename_in_ladders,
)


def _book(book: Database) -> None:
    """Templates T1 (criterion " exports ", unlocks "old") and T2 (criterion "old"); Acme's
    milestones M1 (criterion "exports", unlocks "old") and M2 (no criterion); features
    "zeta" and "alpha" (display name "Alpha")."""
    with book.session() as session:
        assert session.scalars(select(MilestoneTemplate)).first() is None  # an empty book
        role = session.scalars(select(Role)).first()
        assert role is not None
        session.add_all(
            [
                MilestoneTemplate(key="t1", title="T1", role=role, target_day=5,
                                  success_feature=" exports ", unlocks="old"),
                MilestoneTemplate(key="t2", title="T2", role=role, target_day=9,
                                  success_feature="old"),
                Feature(key="zeta"),
                Feature(key="alpha", display_name="Alpha"),
            ]
        )  # fmt: skip
        acme = Account(name="Acme")
        session.add(acme)
        session.flush()
        session.add_all(
            [
                AccountMilestone(account_id=acme.id, position=0, title="M1", role=role,
                                 target_day=5, success_feature="exports", unlocks="old"),
                AccountMilestone(account_id=acme.id, position=1, title="M2", role=role,
                                 target_day=9),
            ]
        )  # fmt: skip


def test_named_and_criterion_features(book: Database) -> None:
    """Named: alpha, zeta (by key). Criteria: " exports " and "exports" trim to one, with
    "old": ["exports", "old"]."""
    _book(book)
    with book.session() as session:
        assert [(f.key, f.display_name) for f in named_features(session)] == [
            ("alpha", "Alpha"),
            ("zeta", ""),
        ]
        assert criterion_features(session) == ["exports", "old"]
        row = feature_row(session, "alpha")
        assert row is not None and row.display_name == "Alpha"
        assert feature_row(session, "Alpha") is None  # the exact key only


def test_rename_in_ladders_moves_criteria_and_unlocks(book: Database) -> None:
    """ "old" → "new": T1's unlocks, T2's criterion and M1's unlocks; nothing else changes."""
    _book(book)
    with book.session() as session:
        rename_in_ladders(session, "old", "new")
    with book.session() as session:
        templates = session.execute(
            select(MilestoneTemplate.key, MilestoneTemplate.success_feature,
                   MilestoneTemplate.unlocks).order_by(MilestoneTemplate.key)
        ).all()  # fmt: skip
        assert [tuple(t) for t in templates] == [("t1", " exports ", "new"), ("t2", "new", None)]
        milestones = session.execute(
            select(AccountMilestone.title, AccountMilestone.success_feature,
                   AccountMilestone.unlocks).order_by(AccountMilestone.position)
        ).all()  # fmt: skip
        assert [tuple(m) for m in milestones] == [("M1", "exports", "new"), ("M2", None, None)]
        assert criterion_features(session) == ["exports", "new"]


# Stored criterion features: repeated, NULL, empty, blank, padded, differing in case only,
# non-ASCII, and one only on an archived account's milestone.
STORED_CRITERIA = [
    "reports.run", None, "reports.run", "Reports.run", "", "   ", " sso ", "sso", "sso ",
    None, "ünlock", "Zeta", "reports.run", "a", "ä", "A",
]  # fmt: skip
ARCHIVED_ONLY = "archived.only"


def _criteria_book(book: Database) -> None:
    """Acme's milestones name ``STORED_CRITERIA`` in turn; archived Bolt's one milestone names
    ``ARCHIVED_ONLY``; template T1 names " sso" too."""
    with book.session() as session:
        role = session.scalars(select(Role)).first()
        assert role is not None
        session.add(MilestoneTemplate(key="t1", title="T1", role=role, target_day=5,
                                      success_feature=" sso"))  # fmt: skip
        acme, bolt = Account(name="Acme"), Account(name="Bolt", archived=True)
        session.add_all([acme, bolt])
        session.flush()
        session.add_all(
            AccountMilestone(account_id=acme.id, position=n, title=f"M{n}", role=role,
                             target_day=n, success_feature=key)
            for n, key in enumerate(STORED_CRITERIA)
        )  # fmt: skip
        session.add(AccountMilestone(account_id=bolt.id, position=0, title="B", role=role,
                                     target_day=1, success_feature=ARCHIVED_ONLY))  # fmt: skip


def test_criterion_features_are_each_stored_spelling_trimmed_once_in_code_point_order(
    book: Database,
) -> None:
    """NULL and "" are left out; a blank criterion trims to "" and is kept (as it always
    was); " sso ", "sso", "sso " and the template's " sso" are one; case and accents make
    different features; the archived account's feature counts. Sorted by code point, not by
    the database's collation: the same list on SQLite and PostgreSQL."""
    _criteria_book(book)
    with book.session() as session:
        found = criterion_features(session)
        every_row = session.scalars(
            select(AccountMilestone.success_feature).union(
                select(MilestoneTemplate.success_feature)
            )
        ).all()
    assert found == [
        "", "A", "Reports.run", "Zeta", "a", "archived.only", "reports.run", "sso", "ä",
        "ünlock",
    ]  # fmt: skip
    assert found == sorted({k.strip() for k in every_row if k})  # what a DISTINCT read gives


@pytest.mark.file_book
def test_milestone_criteria_are_found_by_index_seeks_never_a_scan(book: Database) -> None:
    """SQLite's plan of each statement ``criterion_features`` runs: the milestones are only
    searched in ``ix_account_milestone_success_feature`` (one seek per feature), never
    scanned (a DISTINCT read every milestone row: 600,000 in a 50,000-account book)."""
    _criteria_book(book)
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(book.engine, "before_cursor_execute", record)
    try:
        with book.session() as session:
            criterion_features(session)
    finally:
        event.remove(book.engine, "before_cursor_execute", record)
    with book.session() as session:
        plans = [
            [row[3] for row in session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {s}")]
            for s in statements
        ]
    milestone_steps = [step for plan in plans for step in plan if "account_milestone" in step]
    seek = (
        "SEARCH account_milestone USING COVERING INDEX "
        "ix_account_milestone_success_feature (success_feature>?)"
    )
    assert milestone_steps == [seek, seek]  # the first feature, then each next one
