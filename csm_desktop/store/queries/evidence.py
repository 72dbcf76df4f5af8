"""The milestones whose usage criterion ``services.evidence`` recomputes, read and written as
plain rows.

After an import the evidence of every milestone with a usage criterion is recomputed: 35,000
milestones at 5,000 accounts. Loading them as ORM objects and flushing one versioned UPDATE
per changed date cost more than storing the whole book (issue 17), so here they are read
with one Core query and their new met dates written with one ``executemany``. The rule of
when a criterion is met stays in ``domain.criteria``; this module only moves rows.

An update here does what the ORM's would: it says ``WHERE version = the one read``, adds one
to the version and names who changed the row and when (``store.authorship``). An ORM object
of one of these milestones already in the session is expired, so it reads the new values
instead of saving over them with its old version.
"""

from __future__ import annotations

import datetime as dt
import sqlite3 as raw_sqlite3
from collections.abc import Collection, Sequence
from typing import NamedTuple

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from csm_desktop.store.authorship import author, utc_now
from csm_desktop.store.chunks import chunks
from csm_desktop.store.models import AccountMilestone
from csm_desktop.store.queries.fast_path import on_server, use_fast_path
from csm_desktop.store.queries.server_writes import update_many
from csm_desktop.store.queries.tables import account as _accounts
from csm_desktop.store.queries.tables import account_milestone as _milestones

IN_CHUNK = 500  # account ids per IN (…): far below every database's parameter limit


class CriterionRow(NamedTuple):
    """A milestone with a usage criterion feature, with its account's two dates."""

    id: int
    account_id: int
    success_feature: str
    success_threshold: int | None
    success_window_days: int | None
    criterion_met_on: dt.date | None
    status: str
    version: int
    kickoff_on: dt.date | None
    signed_on: dt.date | None


class MetDate(NamedTuple):
    """A milestone's new ``criterion_met_on``, for the version it was read at."""

    id: int
    version: int
    met_on: dt.date | None


def criterion_rows(session: Session, account_ids: Collection[int] | None) -> list[CriterionRow]:
    """Milestones with a usage criterion feature (of these accounts; all if None), in ladder
    order. Pending ORM changes are flushed first, so the rows are what the session holds."""
    if account_ids is not None and not account_ids:
        return []
    session.flush()
    m, a = _milestones, _accounts
    query = (
        select(
            m.c.id,
            m.c.account_id,
            m.c.success_feature,
            m.c.success_threshold,
            m.c.success_window_days,
            m.c.criterion_met_on,
            m.c.status,
            m.c.version,
            a.c.kickoff_on,
            a.c.signed_on,
        )
        .join_from(m, a, a.c.id == m.c.account_id)
        .where(m.c.success_feature.is_not(None))
        .order_by(m.c.account_id, m.c.position)
    )
    if account_ids is None:
        return [CriterionRow._make(row) for row in session.execute(query)]
    rows: list[CriterionRow] = []
    for ids in chunks(sorted(account_ids), IN_CHUNK):
        chunked = query.where(m.c.account_id.in_(ids))
        rows += [CriterionRow._make(row) for row in session.execute(chunked)]
    return rows


def set_criterion_met_on(
    session: Session, changes: Sequence[MetDate], *, portable: bool = False
) -> None:
    """Store each milestone's new met date on the version read; ``StaleDataError`` (as the
    ORM raises) when one was changed meanwhile by someone else.

    On SQLite the statement goes to the DB-API cursor with the values SQLAlchemy's own type
    processors make (Core's per-row parameter handling cost more than SQLite's updating);
    ``portable`` takes Core's path, which stores the same; a server takes one statement per
    chunk (``server_writes``)."""
    if not changes:
        return
    m = _milestones
    by, at = author(session), utc_now()
    if use_fast_path(session, portable):
        updated = _raw_update(session, changes, by, at)
    elif on_server(session):
        updated = update_many(
            session,
            m,
            [{"id": c.id, "version": c.version, "criterion_met_on": c.met_on} for c in changes],
            match=["id", "version"],
            set_=lambda given: {
                "criterion_met_on": given["criterion_met_on"],
                "version": m.c.version + 1,
                "changed_by": by,
                "changed_at": at,
            },
        )
    else:
        statement = (
            update(m)
            .where(m.c.id == bindparam("b_id"), m.c.version == bindparam("b_version"))
            .values(
                criterion_met_on=bindparam("b_met", type_=m.c.criterion_met_on.type),
                version=m.c.version + 1,
                changed_by=by,
                changed_at=at,
            )
        )
        result = session.execute(
            statement,
            [{"b_id": c.id, "b_version": c.version, "b_met": c.met_on} for c in changes],
        )
        sane = session.get_bind().dialect.supports_sane_multi_rowcount
        updated = result.rowcount if sane else len(changes)  # type: ignore[attr-defined]
    if updated != len(changes):
        raise StaleDataError(
            f"UPDATE of account_milestone expected to update {len(changes)} rows; "
            f"{updated} were matched."
        )
    loaded = session.identity_map
    if not len(loaded):  # nothing loaded to expire (an import's session): no mapper needed
        return
    for change in changes:
        instance = loaded.get(session.identity_key(AccountMilestone, change.id))
        if instance is not None:
            session.expire(instance, ["criterion_met_on", "version", "changed_by", "changed_at"])


def _raw_update(session: Session, changes: Sequence[MetDate], by: str, at: dt.datetime) -> int:
    """The SQLite fast path of ``set_criterion_met_on``; the rows it changed."""
    dialect = session.get_bind().dialect
    day = _milestones.c.criterion_met_on.type.dialect_impl(dialect).bind_processor(dialect)
    stamp = _milestones.c.changed_at.type.dialect_impl(dialect).bind_processor(dialect)
    sql = (
        "UPDATE account_milestone SET criterion_met_on = ?, version = version + 1, "
        "changed_by = ?, changed_at = ? WHERE id = ? AND version = ?"
    )
    at_value = stamp(at) if stamp else at
    cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(
            sql,
            [
                (
                    day(c.met_on) if day and c.met_on is not None else c.met_on,
                    by,
                    at_value,
                    c.id,
                    c.version,
                )
                for c in changes
            ],
        )
        return int(cursor.rowcount)
    except raw_sqlite3.DatabaseError as error:  # as SQLAlchemy would raise it (disk full, …)
        raise DBAPIError.instance(sql, None, error, raw_sqlite3.Error) from error
    finally:
        cursor.close()
