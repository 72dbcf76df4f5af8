"""store.queries.experiments on a real book.

Hand-made book (ids in the order added):
- template "admin-sso" (SSO, Administrator, day 7);
- experiment "Early" (draft) with variants A, B; experiment "Nudge" (started, locked) with
  variants M (kind message, stored change '{"template": "admin-sso"}') and C (order);
- accounts, by id: Acme (segment SMB, in A, with an SSO milestone from the template and a
  hand-made "Call" milestone), Bolt (segment Enterprise, in A), Crux (archived, segment
  Retail, in B), Dune (no segment, in M), Echo (segment SMB, in C), Fern (segment SMB, in no
  experiment);
- touchpoints on Acme's SSO milestone on 2026-02-03, 2026-02-01 and 2026-01-20, and one
  on no milestone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from csm_desktop.store.database import Database
from csm_desktop.store.models import (
    Account,
    AccountMilestone,
    Experiment,
    MilestoneTemplate,
    Touchpoint,
    Variant,
)
from csm_desktop.store.queries.experiments import (
    active_accounts_with_milestones,
    active_segments,
    experiment_name_taken,
    experiments_newest_first,
    first_touchpoints,
    message_arm_texts,
    milestone_template_keys,
    variant_counts,
    variant_members,
    variant_members_with_ladders,
)
from csm_desktop.store.queries.playbooks import roles_by_name
from csm_desktop.store.queries.selection import AccountFilter

D = dt.date
MESSAGE = '{"template": "admin-sso"}'


@dataclass
class Ids:
    early: int
    nudge: int
    a: int
    b: int
    m: int
    acme: int
    dune: int
    sso: int
    call: int


@pytest.fixture
def ids(book: Database) -> Ids:
    with book.session() as session:
        admin = roles_by_name(session)["Administrator"]
        sso = MilestoneTemplate(key="admin-sso", title="SSO", role=admin, target_day=7)
        early = Experiment(name="Early")
        a, b = Variant(name="A"), Variant(name="B")
        early.variants = [a, b]
        nudge = Experiment(name="Nudge", locked=True, started_on=D(2026, 1, 1))
        m = Variant(name="M", kind="message", change=MESSAGE)
        c = Variant(name="C", kind="order")
        nudge.variants = [m, c]
        session.add_all([sso, early, nudge])
        session.flush()
        acme = Account(name="Acme", segment="SMB", variant=a)
        session.add_all(
            [
                acme,
                Account(name="Bolt", segment="Enterprise", variant=a),
                Account(name="Crux", segment="Retail", variant=b, archived=True),
                dune := Account(name="Dune", variant=m),
                Account(name="Echo", segment="SMB", variant=c),
                Account(name="Fern", segment="SMB"),
            ]
        )
        session.flush()
        step = AccountMilestone(
            account=acme, template=sso, position=0, title="SSO", role=admin, target_day=7
        )
        call = AccountMilestone(account=acme, position=1, title="Call", role=admin, target_day=10)
        session.add_all([step, call])
        session.flush()
        for on in (D(2026, 2, 3), D(2026, 2, 1), D(2026, 1, 20)):
            session.add(
                Touchpoint(
                    account_id=acme.id, milestone_id=step.id, channel="email", happened_on=on
                )
            )
        session.add(Touchpoint(account_id=acme.id, channel="call", happened_on=D(2026, 1, 1)))
        return Ids(early.id, nudge.id, a.id, b.id, m.id, acme.id, dune.id, step.id, call.id)


def test_experiments_newest_first_and_names(book: Database, ids: Ids) -> None:
    with book.session() as session:
        found = experiments_newest_first(session)
        assert [(e.name, [v.name for v in e.variants]) for e in found] == [
            ("Nudge", ["M", "C"]),
            ("Early", ["A", "B"]),
        ]
        assert experiment_name_taken(session, "Early")
        assert not experiment_name_taken(session, "early")


def test_variant_counts_include_archived_members(book: Database, ids: Ids) -> None:
    """A: Acme, Bolt; B: Crux (archived); M: Dune; C: Echo; Fern is in none."""
    with book.session() as session:
        counts = variant_counts(session)
        assert counts[ids.a] == 2 and counts[ids.b] == 1 and counts[ids.m] == 1
        assert sum(counts.values()) == 5
        assert sorted(a.name for a in variant_members(session, [ids.a, ids.b])) == [
            "Acme",
            "Bolt",
            "Crux",
        ]
        members = variant_members_with_ladders(session, [ids.a])
        assert [a.name for a in members] == ["Acme", "Bolt"]
        assert [m.template.key if m.template else None for m in members[0].milestones] == [
            "admin-sso",
            None,
        ]


def test_active_accounts_and_segments(book: Database, ids: Ids) -> None:
    """Crux (Retail) is archived: its segment is not offered, and it cannot be assigned."""
    with book.session() as session:
        assert set(active_segments(session)) == {"Enterprise", "SMB", None}
        assert len(active_segments(session)) == 3
        assert [a.name for a in active_accounts_with_milestones(session)] == [
            "Acme",
            "Bolt",
            "Dune",
            "Echo",
            "Fern",
        ]


def test_message_arm_texts_only_of_started_message_arms(book: Database, ids: Ids) -> None:
    with book.session() as session:
        assert message_arm_texts(session) == [(ids.dune, MESSAGE)]
        assert message_arm_texts(session, [ids.acme]) == []
        assert message_arm_texts(session, [ids.dune, ids.acme]) == [(ids.dune, MESSAGE)]


def test_milestone_template_keys_of_the_chosen_accounts(book: Database, ids: Ids) -> None:
    with book.session() as session:
        early = AccountFilter(experiment_id=ids.early, include_archived=True)
        assert milestone_template_keys(session, early) == {ids.sso: "admin-sso", ids.call: None}
        nudge = AccountFilter(experiment_id=ids.nudge)
        assert milestone_template_keys(session, nudge) == {}


def test_first_touchpoints_within_the_window(book: Database, ids: Ids) -> None:
    """Touchpoints on SSO: 01-20, 02-01, 02-03. From 01-21: first is 02-01; to 01-31 none."""
    with book.session() as session:
        assert first_touchpoints(session, [ids.sso], D(2026, 1, 1), D(2026, 3, 1)) == {
            ids.sso: D(2026, 1, 20)
        }
        assert first_touchpoints(session, [ids.sso, ids.call], D(2026, 1, 21), D(2026, 3, 1)) == {
            ids.sso: D(2026, 2, 1)
        }
        assert first_touchpoints(session, [ids.sso], D(2026, 2, 1), D(2026, 2, 1)) == {
            ids.sso: D(2026, 2, 1)
        }
        assert first_touchpoints(session, [ids.sso], D(2026, 1, 21), D(2026, 1, 31)) == {}
