"""store.queries.playbooks on a real book.

Hand-made book (ids in the order added):
- templates "admin-sso" (SSO, Administrator, day 7, success feature "sso_login") and
  "pu-flow" (First workflow, Power user, day 14, no success feature);
- playbooks, in this order: Standard v1 [sso, flow], Standard v2 [flow, sso],
  Onboarding v1 (archived) [sso], Alpha v1 [];
- accounts: Acme and Bolt on Standard v1, Crux (archived) on Standard v1, Dune on Standard v2,
  Echo on no playbook; Acme has an SSO milestone;
- experiment "Order" with variant "B" on Standard v2 and variant "A" on no playbook.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import pytest

from csm_desktop.store.database import Database
from csm_desktop.store.models import (
    Account,
    AccountMilestone,
    Experiment,
    MilestoneTemplate,
    Playbook,
    PlaybookStep,
    Variant,
)
from csm_desktop.store.queries.playbooks import (
    accounts_behind,
    accounts_per_playbook,
    accounts_with_ladders,
    active_playbooks_newest_first,
    active_playbooks_with_steps,
    first_active_playbook_name,
    playbook_labels,
    playbook_name_taken,
    playbooks_in_variants,
    playbooks_with_steps,
    role_named,
    role_names_in_order,
    roles_by_name,
    template_keys,
    template_success_feature,
    template_titles,
    templates_by_key,
    templates_with_roles,
)


@dataclass
class Ids:
    standard1: int
    standard2: int
    onboarding: int
    alpha: int
    acme: int
    bolt: int
    dune: int


@pytest.fixture
def ids(book: Database) -> Ids:
    with book.session() as session:
        roles = roles_by_name(session)
        sso = MilestoneTemplate(
            key="admin-sso",
            title="SSO",
            role=roles["Administrator"],
            target_day=7,
            success_feature="sso_login",
        )
        flow = MilestoneTemplate(
            key="pu-flow", title="First workflow", role=roles["Power user"], target_day=14
        )
        made = dt.date(2026, 1, 1)

        def playbook(name: str, version: int, *steps: MilestoneTemplate) -> Playbook:
            p = Playbook(name=name, version=version, created_on=made)
            p.steps = [PlaybookStep(template=t, position=i) for i, t in enumerate(steps)]
            session.add(p)
            session.flush()
            return p

        standard1 = playbook("Standard", 1, sso, flow)
        standard2 = playbook("Standard", 2, flow, sso)
        onboarding = playbook("Onboarding", 1, sso)
        onboarding.archived = True
        alpha = playbook("Alpha", 1)
        acme = Account(name="Acme", playbook=standard1)
        bolt = Account(name="Bolt", playbook=standard1)
        crux = Account(name="Crux", playbook=standard1, archived=True)
        dune = Account(name="Dune", playbook=standard2)
        echo = Account(name="Echo")
        experiment = Experiment(name="Order")
        experiment.variants = [Variant(name="B", playbook_id=standard2.id), Variant(name="A")]
        session.add_all([acme, bolt, crux, dune, echo, experiment])
        session.flush()
        session.add(AccountMilestone(account=acme, template=sso, position=0, title="SSO",
                                     role=roles["Administrator"], target_day=7))  # fmt: skip
        return Ids(standard1.id, standard2.id, onboarding.id, alpha.id, acme.id, bolt.id, dune.id)


def _labels(playbooks: Iterable[Playbook]) -> list[str]:
    return [f"{p.name} v{p.version}" for p in playbooks]


def test_playbooks_are_listed_by_name_then_version(book: Database, ids: Ids) -> None:
    with book.session() as session:
        every = playbooks_with_steps(session)
        assert _labels(every) == ["Alpha v1", "Onboarding v1", "Standard v1", "Standard v2"]
        assert [[s.template.key for s in p.steps] for p in every][2:] == [
            ["admin-sso", "pu-flow"],
            ["pu-flow", "admin-sso"],
        ]
        assert every[2].steps[0].template.role.name == "Administrator"
        assert _labels(active_playbooks_with_steps(session)) == [
            "Alpha v1",
            "Standard v1",
            "Standard v2",
        ]
        assert _labels(active_playbooks_newest_first(session)) == [
            "Standard v2",
            "Standard v1",
            "Alpha v1",
        ]
        assert first_active_playbook_name(session) == "Standard"


def test_names_labels_and_counts(book: Database, ids: Ids) -> None:
    """Accounts per version count archived ones (Crux): Standard v1 has 3, v2 has 1."""
    with book.session() as session:
        assert playbook_name_taken(session, "Standard")
        assert not playbook_name_taken(session, "standard")
        assert playbook_labels(session)[ids.standard2] == "Standard v2"
        assert accounts_per_playbook(session) == {ids.standard1: 3, ids.standard2: 1}
        assert playbooks_in_variants(session) == {ids.standard2: "B"}


def test_accounts_behind_a_version_are_active_and_by_name(book: Database, ids: Ids) -> None:
    """On Standard below v2: Acme and Bolt (Crux is archived); below v1: nobody."""
    with book.session() as session:
        assert accounts_behind(session, "Standard", 2) == [
            (ids.acme, "Acme", 1),
            (ids.bolt, "Bolt", 1),
        ]
        assert accounts_behind(session, "Standard", 1) == []


def test_accounts_with_ladders_load_milestones_and_playbook(book: Database, ids: Ids) -> None:
    with book.session() as session:
        found = accounts_with_ladders(session, [ids.dune, ids.acme])
        assert [a.name for a in found] == ["Acme", "Dune"]
        assert [m.template.key for m in found[0].milestones if m.template] == ["admin-sso"]
        assert found[1].playbook is not None and found[1].playbook.version == 2


def test_templates_and_roles(book: Database, ids: Ids) -> None:
    with book.session() as session:
        assert template_keys(session) == {"admin-sso", "pu-flow"}
        assert set(templates_by_key(session)) == {"admin-sso", "pu-flow"}
        assert template_titles(session) == {"admin-sso": "SSO", "pu-flow": "First workflow"}
        assert sorted(t.role.name for t in templates_with_roles(session)) == [
            "Administrator",
            "Power user",
        ]
        assert template_success_feature(session, "admin-sso") == "sso_login"
        assert template_success_feature(session, "pu-flow") is None
        assert template_success_feature(session, "nope") is None
        assert role_names_in_order(session) == ["Administrator", "Power user", "Operator"]
        role = role_named(session, "Operator")
        assert role is not None and role.name == "Operator"
        assert role_named(session, "operator") is None
