"""The one rule of a save in team mode (issue 16): it lands only on the version its editor saw.

Accounts, milestones, kickoffs and value metrics are ``Versioned``. An edit passes the
version its screen showed (``seen``); ``refuse_if_moved`` refuses it when someone saved the
row since, and ``saving`` refuses it when someone saves it between that check and this flush
(SQLAlchemy's ``version_id_col`` makes the UPDATE match no row). Both raise one
``ConflictError`` naming who changed it and when, so the caller keeps the user's edit and
nothing is overwritten. Undo uses the same rule with the version its edit left behind.

Rows without a version of their own (contacts, done criteria, risks and asks) are saved
over the version of the row they hang off (the account, the kickoff), which the save moves
on (``bump``); a re-plan checks every milestone it moves (``saving_all``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy.orm import Session, object_session
from sqlalchemy.orm.exc import ObjectDeletedError, StaleDataError

from csm_desktop.errors import BadInput, ConflictError
from csm_desktop.store.authorship import author, utc_now
from csm_desktop.store.failures import not_yours
from csm_desktop.store.models.base import Versioned
from csm_desktop.store.queries.fast_path import on_server


def local_time(changed_at: dt.datetime | None) -> dt.datetime | None:
    """A stored ``changed_at`` (UTC, no zone) in this computer's time, without a zone."""
    if changed_at is None:
        return None
    return changed_at.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None)


def conflict(row: Versioned, what: str) -> ConflictError:
    """The refusal naming whoever saved ``row`` last, and when (saying so when that was the
    user, under their own name: another window, or a save whose answer was lost)."""
    session = object_session(row)
    yours = session is not None and row.changed_by is not None and row.changed_by == author(session)
    return ConflictError(what, row.changed_by, local_time(row.changed_at), row.version, yours)


def refuse_if_moved(row: Versioned, seen: int | None, what: str) -> None:
    """Refuse the save when ``row`` is no longer at version ``seen`` (None: not checked, the
    caller read the row in this same transaction; 0: the row did not exist yet)."""
    if seen is not None and (row.version or 0) != seen:  # a row not stored yet has none
        raise conflict(row, what)


Checked = tuple[Versioned, str, int | None]
"""A row a save changes, how a refusal names it, and the version its screen showed."""


@contextmanager
def saving(
    session: Session, row: Versioned, what: str, seen: int | None, *, bump: bool = False
) -> Iterator[None]:
    """Change ``row`` (and whatever hangs off it) in the ``with`` block, only over version
    ``seen``; the block's changes are flushed at its end, and ``row.version`` is then the
    version they made.

    ``bump``: the block may change only rows hanging off ``row`` (a contact of an account,
    a done criterion of a kickoff), which carry no version of their own; ``row`` is then
    stamped too, so its version moves and the next save over the old one is refused.

    A save of the same row by someone else between the check and the flush makes the flush
    match no row: everything is rolled back and ``ConflictError`` names them.
    """
    with saving_all(session, [(row, what, seen)], bump=bump):
        yield


@contextmanager
def saving_all(session: Session, rows: Sequence[Checked], *, bump: bool = False) -> Iterator[None]:
    """``saving`` for one change of several rows (a re-plan moves many milestones): each
    only over the version its screen showed, all or none. The first row someone else
    changed is the one the refusal names."""
    for row, what, seen in rows:
        refuse_if_moved(row, seen, what)
    read = [row.version for row, _what, _seen in rows]
    try:
        with session.no_autoflush:  # one flush at the end: one new version per save
            yield
        if bump:
            stamped = utc_now()
            for row, _what, _seen in rows:
                row.changed_at = stamped  # an update of the row itself: its version moves
        session.flush()
    except StaleDataError:
        session.rollback()  # the rows reload as they are now
        for (row, what, _seen), was in zip(rows, read, strict=True):
            try:
                version = row.version
            except ObjectDeletedError:
                raise BadInput(f"{what} was deleted by someone else; reload to see it.") from None
            if version != was:
                raise conflict(row, what) from None
        row, what, _seen = rows[0]
        if read[0] is not None and on_server(session):
            # A stored row did not move, yet its UPDATE matched none: row-level security
            # keeps this role from writing another CSM's account.
            raise not_yours(what, _owner(session, row)) from None
        raise conflict(row, what) from None


def _owner(session: Session, row: Versioned) -> str | None:
    """The owner of the account ``row`` is, or hangs off."""
    from csm_desktop.store.models import Account

    if isinstance(row, Account):
        return row.owner
    account = session.get(Account, getattr(row, "account_id", None))
    return account.owner if account is not None else None
