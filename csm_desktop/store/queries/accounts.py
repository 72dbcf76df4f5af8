"""Accounts as a whole: the account page's loaded account, names, counts and money columns.

The account page, the QBR, the report batch, the portfolio report, backups and the demo ask
this module; each function is one short query. ``account_page`` returns plain rows (the page's
and the QBR's read, as Core statements); ``accounts_with_people`` returns the store's own
``Account`` with the relations the caller walks already loaded, so reading them inside the
session issues no further query per account.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from csm_desktop.store.models import Account
from csm_desktop.store.queries import tables as _tables
from csm_desktop.store.queries.ladders import AccountLadder, account_ladders
from csm_desktop.store.queries.selection import AccountFilter

_kickoff, _answer, _done = _tables.kickoff, _tables.kickoff_answer, _tables.done_criterion


class PageMilestone(NamedTuple):
    """One milestone of the account's ladder as the page reads it, with its role."""

    id: int
    position: int
    title: str
    role: str
    role_position: int
    role_id: int
    target_day: int
    status: str
    status_reason: str
    started_on: dt.date | None
    achieved_on: dt.date | None
    evidence: str | None
    definition_of_done: str
    cue: str
    unlocks: str | None
    first_value: bool
    success_feature: str | None
    success_threshold: int | None
    success_window_days: int | None
    criterion_met_on: dt.date | None
    replanned_on: dt.date | None
    version: int


class PageContact(NamedTuple):
    id: int
    name: str
    role: str | None
    email: str | None
    title: str | None


class PageKickoff(NamedTuple):
    held_on: dt.date | None
    attendees: str
    success_statement: str
    version: int
    answers: tuple[tuple[str, str], ...]
    """(role name, answer) in the order given; "?" for a role that no longer exists."""
    done_criteria: tuple[tuple[int, str, dt.date | None], ...]
    """(id, text, met on) in the criteria's order."""


class AccountPage(NamedTuple):
    """The account as its page and the QBR read it: plain rows, no mapped objects."""

    id: int
    name: str
    external_id: str | None
    segment: str | None
    industry: str | None
    seats: int | None
    arr: float | None
    owner: str | None
    signed_on: dt.date | None
    kickoff_on: dt.date | None
    renewal_on: dt.date | None
    version: int
    playbook: str | None
    milestones: tuple[PageMilestone, ...]
    """In ladder order (position, then id)."""
    contacts: tuple[PageContact, ...]
    """In the order they were added."""
    kickoff: PageKickoff | None


def account_page(
    session: Session, account_id: int, *, with_answers: bool = True
) -> AccountPage | None:
    """The account with its ladder (and roles), contacts (and roles), kickoff (answers and
    done criteria) and playbook name; None when it does not exist. ``with_answers=False``
    leaves the kickoff's answers empty (the QBR shows none): one statement fewer.

    Six Core statements on the tables: no mapped class is named, so a first report (a fresh
    process) neither configures the book's mappers nor compiles the ORM's loader chain."""
    a, p = _tables.account, _tables.playbook
    found = session.execute(
        select(
            a.c.id,
            a.c.name,
            a.c.external_id,
            a.c.segment,
            a.c.industry,
            a.c.seats,
            a.c.arr,
            a.c.owner,
            a.c.signed_on,
            a.c.kickoff_on,
            a.c.renewal_on,
            a.c.version,
            p.c.name,
        )
        .outerjoin_from(a, p, p.c.id == a.c.playbook_id)
        .where(a.c.id == account_id)
    ).one_or_none()
    if found is None:
        return None
    m, r, c = _tables.account_milestone, _tables.role, _tables.contact
    milestones = session.execute(
        select(
            m.c.id,
            m.c.position,
            m.c.title,
            r.c.name,
            r.c.position,
            r.c.id,
            m.c.target_day,
            m.c.status,
            m.c.status_reason,
            m.c.started_on,
            m.c.achieved_on,
            m.c.evidence,
            m.c.definition_of_done,
            m.c.cue,
            m.c.unlocks,
            m.c.first_value,
            m.c.success_feature,
            m.c.success_threshold,
            m.c.success_window_days,
            m.c.criterion_met_on,
            m.c.replanned_on,
            m.c.version,
        )
        .join_from(m, r, r.c.id == m.c.role_id)
        .where(m.c.account_id == account_id)
        .order_by(m.c.position, m.c.id)
    )
    contacts = session.execute(
        select(c.c.id, c.c.name, r.c.name, c.c.email, c.c.title)
        .outerjoin_from(c, r, r.c.id == c.c.role_id)
        .where(c.c.account_id == account_id)
        .order_by(c.c.id)
    )
    return AccountPage._make(
        (
            *found,
            tuple(PageMilestone._make(row) for row in milestones),
            tuple(PageContact._make(row) for row in contacts),
            _page_kickoff(session, account_id, with_answers),
        )
    )


def account_page_and_ladder(
    session: Session, account_id: int, *, with_answers: bool = True
) -> tuple[AccountPage, AccountLadder] | None:
    """``account_page`` with the account's ladder from the one ladder loader
    (``ladders.account_ladders``: the due dates, statuses and figures the Book, Today and the
    reports use; archived accounts too), in one session; None when the account is gone."""
    page = account_page(session, account_id, with_answers=with_answers)
    if page is None:
        return None
    (ladder,) = account_ladders(
        session, AccountFilter(account_id=account_id, include_archived=True)
    )
    return page, ladder


def _page_kickoff(session: Session, account_id: int, with_answers: bool) -> PageKickoff | None:
    k, r = _kickoff, _tables.role
    kickoff = session.execute(
        select(k.c.id, k.c.held_on, k.c.attendees, k.c.success_statement, k.c.version).where(
            k.c.account_id == account_id
        )
    ).one_or_none()
    if kickoff is None:
        return None
    kickoff_id, held_on, attendees, success_statement, version = kickoff
    answers = (
        session.execute(
            select(func.coalesce(r.c.name, "?"), _answer.c.answer)
            .outerjoin_from(_answer, r, r.c.id == _answer.c.role_id)
            .where(_answer.c.kickoff_id == kickoff_id)
            .order_by(_answer.c.id)
        )
        if with_answers
        else ()
    )
    criteria = session.execute(
        select(_done.c.id, _done.c.text, _done.c.met_on)
        .where(_done.c.kickoff_id == kickoff_id)
        .order_by(_done.c.position, _done.c.id)
    )
    return PageKickoff(
        held_on,
        attendees,
        success_statement,
        version,
        tuple((role, answer) for role, answer in answers),
        tuple((criterion_id, text, met_on) for criterion_id, text, met_on in criteria),
    )


def accounts_with_people(session: Session) -> Sequence[Account]:
    """Every account in id order with its milestones and contacts loaded (the demo reads
    them to decide who said what)."""
    return session.scalars(
        select(Account)
        .order_by(Account.id)
        .options(selectinload(Account.milestones), selectinload(Account.contacts))
    ).all()


def account_names(session: Session, ids: Collection[int] | None = None) -> dict[int, str]:
    """Account names by id, in id order: of ``ids`` (those that exist), else of every
    account, archived ones included."""
    a = _tables.account
    query = select(a.c.id, a.c.name).order_by(a.c.id)
    if ids is not None:
        query = query.where(a.c.id.in_(list(ids)))
    return {account_id: name for account_id, name in session.execute(query)}


def account_count(session: Session, *, include_archived: bool = True) -> int:
    """How many accounts the book holds (only active ones unless ``include_archived``)."""
    a = _tables.account
    query = select(func.count()).select_from(a)
    if not include_archived:
        query = query.where(a.c.archived.is_(False))
    return session.scalar(query) or 0


def arr_and_owner(session: Session) -> dict[int, tuple[float | None, str | None]]:
    """(ARR, owner) of every account by id, archived ones included."""
    a = _tables.account
    return {
        account_id: (arr, owner)
        for account_id, arr, owner in session.execute(select(a.c.id, a.c.arr, a.c.owner))
    }


def logo_and_arr(session: Session, account_id: int) -> tuple[str | None, float | None] | None:
    """The account's logo path and ARR (the QBR cover); None when it does not exist."""
    a = _tables.account
    row = session.execute(select(a.c.logo_path, a.c.arr).where(a.c.id == account_id)).one_or_none()
    return None if row is None else (row[0], row[1])
