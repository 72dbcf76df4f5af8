"""What happened on accounts lately: status changes, touchpoints, use of unlocked features,
contacts and the messages of their milestones' templates (what the Today list reads).

Each query covers the whole book (None), one account (its id) or a page of a large book
(an ``IdRange`` of account ids: the Today list reads a 50,000-account book in pages). They
name the tables' columns, not the models' (``tables``): Today's first page, read at
start-up, does not configure the ORM.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Result, Select, func, select, true
from sqlalchemy.orm import Session

from csm_desktop.domain.templates import MessageTemplate
from csm_desktop.domain.vocabulary import Status
from csm_desktop.store.queries.fast_path import on_server, raw_cursor, use_fast_path
from csm_desktop.store.queries.tables import (
    account,
    account_milestone,
    contact,
    milestone_template,
    role,
    status_change,
    touchpoint,
)
from csm_desktop.store.queries.usage_rows import used_after

ContactRow = tuple[int, str, str | None, str | None, str | None]
"""(contact id, name, role, email, title)."""


class IdRange(NamedTuple):
    """Accounts whose id is ``first`` … ``last`` (both included)."""

    first: int
    last: int


Accounts = int | IdRange | None
"""One account's id, a range of ids, or None for every account."""


def of(column: Any, accounts: Accounts) -> ColumnElement[bool]:
    """The condition "``column`` (an account id) is among ``accounts``"."""
    if accounts is None:
        return true()
    if isinstance(accounts, IdRange):
        return column.between(accounts.first, accounts.last)  # type: ignore[no-any-return]
    return column == accounts  # type: ignore[no-any-return]


def _of(accounts: Accounts) -> ColumnElement[bool]:
    return of(account_milestone.c.account_id, accounts)


def active_account_ids(session: Session, *, portable: bool = False) -> list[int]:
    """The ids of the accounts that are not archived, in id order. On SQLite off the raw
    cursor (``fast_path``): SQLAlchemy's processing of a 50,000-account book's ids cost
    twice the query."""
    a = account.c
    query = select(a.id).where(a.archived.is_(False)).order_by(a.id)
    if not use_fast_path(session, portable):
        return list(session.scalars(query))
    return [account_id for (account_id,) in raw_cursor(session, query).fetchall()]


def last_status_changes(
    session: Session,
    today: dt.date,
    account_id: Accounts = None,
    *,
    started: Iterable[Any] | None = None,
) -> dict[int, dt.date]:
    """Per account, the day of its latest status change on or before ``today`` (the rows
    of ``start_status_changes`` when ``started`` is given)."""
    rows = started
    if rows is None:
        rows = session.execute(_status_changes(today, account_id))
    return {changed_account: on for changed_account, on in rows}


StartedChanges = Result[Any]
"""``start_status_changes``' rows, not yet taken (close it to let them go)."""


def start_status_changes(session: Session, today: dt.date, accounts: Accounts) -> StartedChanges:
    """``last_status_changes``' query run now, its rows taken later (``started=``). On
    SQLite sorted by an expression, so it does the whole query in its first step, one call
    that releases the interpreter (a page of the Today list is started in a thread:
    ``today_lines.start_ladders``); a server runs it at once anyway, and the rows go into a
    dict, so there it is not sorted at all."""
    query = _status_changes(today, accounts)
    if not on_server(session):
        query = query.order_by(account_milestone.c.account_id + 0)
    return session.execute(query)


def _status_changes(today: dt.date, account_id: Accounts) -> Select[Any]:
    m, c = account_milestone.c, status_change.c
    return (
        select(m.account_id, func.max(c.changed_on))
        .select_from(status_change)
        .join(account_milestone, m.id == c.milestone_id)
        .where(c.changed_on <= today, _of(account_id))
        .group_by(m.account_id)
    )


def last_touchpoints(
    session: Session, today: dt.date, account_id: Accounts = None
) -> tuple[dict[int, dt.date], dict[int, dict[int, dt.date]]]:
    """Per account, the latest touchpoint on or before ``today``, and per milestone the
    latest one about it."""
    t = touchpoint.c
    query = (
        select(t.account_id, t.milestone_id, func.max(t.happened_on))
        .where(t.happened_on <= today)
        .where(of(t.account_id, account_id))
        .group_by(t.account_id, t.milestone_id)
    )
    last: dict[int, dt.date] = {}
    by_milestone: dict[int, dict[int, dt.date]] = defaultdict(dict)
    for touched_account, milestone_id, on in session.execute(query):
        if touched_account not in last or on > last[touched_account]:
            last[touched_account] = on
        if milestone_id is not None:
            by_milestone[touched_account][milestone_id] = on
    return last, dict(by_milestone)


def unlocks_used(
    session: Session,
    since: dt.date,
    today: dt.date,
    account_id: Accounts = None,
    *,
    until: dt.date | None = None,
) -> dict[int, set[int]]:
    """Per account, the milestones achieved since ``since`` (and by ``until``, when given)
    whose unlocked feature was used after the unlock and by ``today`` (one index seek per
    recent unlock)."""
    m = account_milestone.c
    used = used_after(m.account_id, m.unlocks, m.achieved_on, today)
    found: dict[int, set[int]] = defaultdict(set)
    for used_account, milestone_id in session.execute(
        select(m.account_id, m.id).where(
            m.status == Status.ACHIEVED.value,
            m.unlocks.is_not(None),
            m.achieved_on >= since,
            true() if until is None else m.achieved_on <= until,
            used,
            _of(account_id),
        )
    ):
        found[used_account].add(milestone_id)
    return dict(found)


def account_contacts(session: Session, account_id: Accounts = None) -> dict[int, list[ContactRow]]:
    """Per account, its contacts in the order they were added."""
    c = contact.c
    query = (
        select(c.account_id, c.id, c.name, role.c.name, c.email, c.title)
        .outerjoin(role, role.c.id == c.role_id)
        .where(of(c.account_id, account_id))
        .order_by(c.account_id, c.id)
    )
    contacts: dict[int, list[ContactRow]] = defaultdict(list)
    for row in session.execute(query):
        contacts[row[0]].append((row[1], row[2], row[3], row[4], row[5]))
    return dict(contacts)


def message_templates(
    session: Session, template_ids: Collection[int]
) -> dict[int, MessageTemplate]:
    """The messages of these milestone templates, by template id."""
    t = milestone_template.c
    query = select(
        t.id, t.key, t.message_in_app, t.message_email_subject, t.message_email_body,
        t.help_article,
    ).where(t.id.in_(template_ids))  # fmt: skip
    return {
        row.id: MessageTemplate(
            name=row.key,
            in_app=row.message_in_app,
            email_subject=row.message_email_subject,
            email_body=row.message_email_body,
            help_article=row.help_article,
        )
        for row in session.execute(query)
    }
