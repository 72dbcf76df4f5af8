"""The store's feature-vocabulary queries on a hand-made book (portable: SQLite and, with
``--backend postgresql``, PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import select

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
