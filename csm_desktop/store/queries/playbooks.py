"""Playbooks, their milestone templates and the roles steps are for.

The playbook services (``services.playbook_library``, ``playbook_edits``, ``playbook_rollout``,
``default_playbook``), the experiment services and the demo book read playbooks here; they
edit the returned models inside their own transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from csm_desktop.store.models import (
    Account,
    AccountMilestone,
    Experiment,
    MilestoneTemplate,
    Playbook,
    PlaybookStep,
    Role,
    Variant,
)


def playbooks_with_steps(session: Session) -> list[Playbook]:
    """Every playbook version (archived ones too), by name then version, with its steps,
    their templates and the templates' roles loaded."""
    return list(
        session.scalars(
            select(Playbook)
            .options(
                selectinload(Playbook.steps)
                .selectinload(PlaybookStep.template)
                .selectinload(MilestoneTemplate.role)
            )
            .order_by(Playbook.name, Playbook.version)
        )
    )


def active_playbooks_with_steps(session: Session) -> Sequence[Playbook]:
    """The versions not archived, by name then version, with their steps loaded."""
    return session.scalars(
        select(Playbook)
        .where(Playbook.archived.is_(False))
        .options(selectinload(Playbook.steps))
        .order_by(Playbook.name, Playbook.version)
    ).all()


def active_playbooks_newest_first(session: Session) -> Sequence[Playbook]:
    """The versions not archived, highest version first (then oldest id)."""
    return session.scalars(
        select(Playbook)
        .where(Playbook.archived.is_(False))
        .order_by(Playbook.version.desc(), Playbook.id)
    ).all()


def first_active_playbook_name(session: Session) -> str | None:
    """The name of the first playbook added that is not archived."""
    return session.scalar(
        select(Playbook.name).where(Playbook.archived.is_(False)).order_by(Playbook.id).limit(1)
    )


def playbook_name_taken(session: Session, name: str) -> bool:
    """Whether a playbook (any version) is named exactly ``name``."""
    return session.scalar(select(Playbook.id).where(Playbook.name == name).limit(1)) is not None


def playbook_labels(session: Session) -> dict[int, str]:
    """Playbook id → "Name v3", for every version."""
    return {p.id: f"{p.name} v{p.version}" for p in session.scalars(select(Playbook))}


def accounts_per_playbook(session: Session) -> dict[int, int]:
    """Playbook id → how many accounts (archived ones too) are on that version."""
    query = (
        select(Account.playbook_id, func.count())
        .where(Account.playbook_id.is_not(None))
        .group_by(Account.playbook_id)
    )
    return {
        playbook_id: count
        for playbook_id, count in session.execute(query)
        if playbook_id is not None  # the query leaves none out; says so to the type checker
    }


def playbooks_in_variants(session: Session) -> dict[int, str]:
    """Playbook id → the name of an experiment variant that uses that version."""
    query = select(Variant.playbook_id, Variant.name).where(Variant.playbook_id.is_not(None))
    return {
        playbook_id: name
        for playbook_id, name in session.execute(query)
        if playbook_id is not None  # the query leaves none out; says so to the type checker
    }


def accounts_behind(session: Session, name: str, version: int) -> list[tuple[int, str, int]]:
    """(account id, name, version) of the active accounts on a version of playbook ``name``
    older than ``version``, by account name."""
    query = (
        select(Account.id, Account.name, Playbook.version)
        .join(Playbook, Account.playbook_id == Playbook.id)
        .where(Playbook.name == name, Playbook.version < version)
        .where(Account.archived.is_(False))
        .order_by(Account.name)
    )
    return [(account_id, account, on) for account_id, account, on in session.execute(query)]


def accounts_with_ladders(session: Session, account_ids: Collection[int]) -> list[Account]:
    """The accounts among ``account_ids``, by name, with their milestones (and templates)
    and playbook loaded."""
    return list(
        session.scalars(
            select(Account)
            .where(Account.id.in_(list(account_ids)))
            .options(
                selectinload(Account.milestones).selectinload(AccountMilestone.template),
                selectinload(Account.playbook),
            )
            .order_by(Account.name)
        )
    )


def template_keys(session: Session) -> set[str]:
    """Every milestone template's key."""
    return set(session.scalars(select(MilestoneTemplate.key)))


def templates_by_key(session: Session) -> dict[str, MilestoneTemplate]:
    """Every milestone template by its key."""
    return {t.key: t for t in session.scalars(select(MilestoneTemplate))}


def templates_with_roles(session: Session) -> Sequence[MilestoneTemplate]:
    """Every milestone template, with its role loaded."""
    return session.scalars(
        select(MilestoneTemplate).options(selectinload(MilestoneTemplate.role))
    ).all()


def template_titles(session: Session) -> dict[str, str]:
    """Template key → title, for every template."""
    query = select(MilestoneTemplate.key, MilestoneTemplate.title)
    return {key: title for key, title in session.execute(query)}


def template_success_feature(session: Session, key: str) -> str | None:
    """The usage feature of the success criterion of template ``key`` (None: none, or no
    such template)."""
    return session.scalar(
        select(MilestoneTemplate.success_feature).where(MilestoneTemplate.key == key)
    )


def role_named(session: Session, name: str) -> Role | None:
    """The role called exactly ``name``."""
    return session.scalar(select(Role).where(Role.name == name))


def roles_by_name(session: Session) -> dict[str, Role]:
    """Every role by its name."""
    return {role.name: role for role in session.scalars(select(Role))}


def role_names_in_order(session: Session) -> list[str]:
    """The roles' names in their display order."""
    return list(session.scalars(select(Role.name).order_by(Role.position, Role.id)))


def playbook_and_experiment_counts(session: Session) -> tuple[int, int]:
    """How many playbooks (by name, any version) and experiments the book holds."""
    playbooks = session.scalar(select(func.count(func.distinct(Playbook.name)))) or 0
    experiments = session.scalar(select(func.count(Experiment.id))) or 0
    return int(playbooks), int(experiments)
