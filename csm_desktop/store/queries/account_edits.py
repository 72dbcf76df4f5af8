"""The lookups behind a CSM's edits of one account: names taken, roles, playbooks to apply.

``services/account_edits.py``, ``value_metrics.py`` and ``ladder.py`` orchestrate the edits;
the SQL they need is here, and the save rule every edit follows (only over the version its
screen showed) is ``store.queries.edits``.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csm_desktop.domain.text import name_key
from csm_desktop.store.models import Account, Playbook, Role


def ordered_role_names(session: Session) -> list[str]:
    """Every role's name in the book's role order."""
    return list(session.scalars(select(Role.name).order_by(Role.position, Role.id)))


def latest_playbooks(session: Session) -> list[tuple[int, str, int]]:
    """(id, name, version) of the latest version of each playbook not archived, by name."""
    latest = (
        select(Playbook.name, func.max(Playbook.version).label("version"))
        .where(Playbook.archived.is_(False))
        .group_by(Playbook.name)
        .subquery()
    )
    rows = session.execute(
        select(Playbook.id, Playbook.name, Playbook.version)
        .join(latest, (latest.c.name == Playbook.name) & (latest.c.version == Playbook.version))
        .order_by(Playbook.name)
    ).all()
    return [(row.id, row.name, row.version) for row in rows]


def name_taken(session: Session, name: str, *, besides: int | None = None) -> bool:
    """Whether another account (not ``besides``) has this name, ignoring case."""
    query = select(Account.id).where(func.lower(Account.name) == name.lower())
    if besides is not None:
        query = query.where(Account.id != besides)
    return session.scalar(query.limit(1)) is not None


def external_id_taken(session: Session, external_id: str, *, besides: int | None = None) -> bool:
    query = select(Account.id).where(Account.external_id == external_id)
    if besides is not None:
        query = query.where(Account.id != besides)
    return session.scalar(query.limit(1)) is not None


def role_id(session: Session, role: str | None) -> int | None:
    """The id of the role named ``role``, added at the end of the role order when new."""
    if not role:
        return None
    found = session.scalar(select(Role.id).where(Role.name == role))
    if found is not None:
        return found
    position = (session.scalar(select(func.max(Role.position))) or 0) + 1
    new_role = Role(name=role.strip(), position=position)
    session.add(new_role)
    session.flush()
    return new_role.id


def account_by_name(session: Session, name_or_external_id: str) -> Account | None:
    """An account by external id, else by name ignoring case and surrounding space."""
    wanted = name_or_external_id.strip()
    found = session.scalar(select(Account).where(Account.external_id == wanted))
    if found is not None:
        return found
    for account in session.scalars(select(Account)):
        if name_key(account.name) == name_key(wanted):
            return account
    return None
