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
from collections.abc import Iterator
from contextlib import contextmanager

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
    caller read the row in this same transaction; 0: the row did not exist yet)."""
    if seen is not None and (row.version or 0) != seen:  # a row not stored yet has none
        raise conflict(row, what)


@contextmanager
def saving(session: Session, row: Versioned, what: str, seen: int | None) -> Iterator[None]:
    """Change ``row`` (and whatever hangs off it) in the ``with`` block, only over version
    ``seen``; the block's changes are flushed at its end, and ``row.version`` is then the
    version they made.

    A save of the same row by someone else between the check and the flush makes the flush
    match no row: everything is rolled back and ``ConflictError`` names them.
    """
    refuse_if_moved(row, seen, what)
    try:
        yield
        session.flush()
    except StaleDataError:
        session.rollback()  # the row reloads as it is now
        try:
            raise conflict(row, what) from None
        except ObjectDeletedError:
            raise BadInput(f"{what} was deleted by someone else; reload to see it.") from None
