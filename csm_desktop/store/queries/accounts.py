"""Accounts as a whole: the account page's loaded account, names, counts and money columns.

The account page, the QBR, the report batch, the portfolio report, backups and the demo ask
this module; each function is one short query. ``account_page`` and ``accounts_with_people``
return the store's own ``Account`` with the relations the caller walks already loaded, so
reading them inside the session issues no further query per account.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from csm_desktop.store.models import Account, AccountMilestone, Contact, Kickoff, Role


def account_page(session: Session, account_id: int) -> Account | None:
    """The account with its ladder (and roles), contacts (and roles), kickoff (answers and
    done criteria) and playbook loaded; None when it does not exist."""
    return session.scalar(
        select(Account)
        .where(Account.id == account_id)
        .options(
            selectinload(Account.milestones).selectinload(AccountMilestone.role),
            selectinload(Account.contacts).selectinload(Contact.role),
            selectinload(Account.kickoff).selectinload(Kickoff.answers),
            selectinload(Account.kickoff).selectinload(Kickoff.done_criteria),
            selectinload(Account.playbook),
        )
    )


def accounts_with_people(session: Session) -> Sequence[Account]:
    """Every account in id order with its milestones and contacts loaded (the demo reads
    them to decide who said what)."""
    return session.scalars(
        select(Account)
        .order_by(Account.id)
        .options(selectinload(Account.milestones), selectinload(Account.contacts))
    ).all()


def role_names(session: Session) -> dict[int, str]:
    """Every role's name by id."""
    return {role_id: name for role_id, name in session.execute(select(Role.id, Role.name))}


def account_names(session: Session, ids: Collection[int] | None = None) -> dict[int, str]:
    """Account names by id, in id order: of ``ids`` (those that exist), else of every
    account, archived ones included."""
    query = select(Account.id, Account.name).order_by(Account.id)
    if ids is not None:
        query = query.where(Account.id.in_(list(ids)))
    return {account_id: name for account_id, name in session.execute(query)}


def account_count(session: Session, *, include_archived: bool = True) -> int:
    """How many accounts the book holds (only active ones unless ``include_archived``)."""
    query = select(func.count()).select_from(Account)
    if not include_archived:
        query = query.where(Account.archived.is_(False))
    return session.scalar(query) or 0


def arr_and_owner(session: Session) -> dict[int, tuple[float | None, str | None]]:
    """(ARR, owner) of every account by id, archived ones included."""
    return {
        account_id: (arr, owner)
        for account_id, arr, owner in session.execute(
            select(Account.id, Account.arr, Account.owner)
        )
    }


def logo_and_arr(session: Session, account_id: int) -> tuple[str | None, float | None] | None:
    """The account's logo path and ARR (the QBR cover); None when it does not exist."""
    row = session.execute(
        select(Account.logo_path, Account.arr).where(Account.id == account_id)
    ).one_or_none()
    return None if row is None else (row[0], row[1])
