"""The one rule of a save in team mode (issue 16): it lands only on the version its editor saw.

Accounts, milestones, kickoffs and value metrics are ``Versioned``. An edit passes the
version its screen showed (``seen``); ``refuse_if_moved`` refuses it when someone saved the
row since, and ``save`` refuses it when someone saves it between that check and this flush
(SQLAlchemy's ``version_id_col`` makes the UPDATE match no row). Both raise one
``ConflictError`` naming who changed it and when, so the caller keeps the user's edit and
nothing is overwritten. Undo uses the same rule with the version its edit left behind.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import ObjectDeletedError, StaleDataError

from csm_desktop.errors import BadInput, ConflictError
from csm_desktop.store.models.base import Versioned


def local_time(changed_at: dt.datetime | None) -> dt.datetime | None:
    """A stored ``changed_at`` (UTC, no zone) in this computer's time, without a zone."""
    if changed_at is None:
        return None
    return changed_at.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None)


def conflict(row: Versioned, what: str) -> ConflictError:
    """The refusal naming whoever saved ``row`` last, and when."""
    return ConflictError(what, row.changed_by, local_time(row.changed_at), row.version)


def refuse_if_moved(row: Versioned, seen: int | None, what: str) -> None:
    """Refuse the save when ``row`` is no longer at version ``seen`` (None: not checked, the
    caller read the row in this same transaction)."""
    if seen is not None and row.version != seen:
        raise conflict(row, what)


def save(session: Session, row: Versioned, what: str) -> int:
    """Flush the session's changes; returns ``row``'s version after them.

    A save of the same row by someone else after this session read it makes the flush
    match no row: everything is rolled back and ``ConflictError`` names them.
    """
    try:
        session.flush()
    except StaleDataError:
        session.rollback()  # reloads the row as it is now
        try:
            raise conflict(row, what) from None
        except ObjectDeletedError:
            raise BadInput(f"{what} was deleted by someone else; reload to see it.") from None
    return row.version
