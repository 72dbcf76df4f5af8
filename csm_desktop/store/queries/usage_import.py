"""What an import of usage reads and writes besides the usage rows themselves.

The accounts to match rows to (and the ones the CSM asked to create), the features the
book's ladders unlock, and the record of the import. The usage rows go through ``usage_rows``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, union
from sqlalchemy.orm import Session

# Tables, not mapped classes (``tables``): these statements configure no ORM mapper, which
# a one-shot ``import-usage`` would otherwise pay for.
from csm_desktop.store.queries.tables import account as _accounts
from csm_desktop.store.queries.tables import account_milestone as _milestones
from csm_desktop.store.queries.tables import import_record as _imports
from csm_desktop.store.queries.tables import milestone_template as _templates


def unlocked_feature_names(session: Session) -> list[str]:
    """The feature names the ladders and templates unlock, as written (may repeat spelling)."""
    query = union(select(_milestones.c.unlocks), select(_templates.c.unlocks))
    return [name for name in session.scalars(query) if name]


def account_keys(session: Session) -> list[tuple[int, str, str | None]]:
    """Every account as (id, name, external id), for matching a file's rows to them."""
    query = select(_accounts.c.id, _accounts.c.name, _accounts.c.external_id)
    return [(row.id, row.name, row.external_id) for row in session.execute(query)]


def insert_account(session: Session, name: str, external_id: str | None) -> int:
    """A new, active account with only a name (and an external id); returns its id."""
    new_id: int = session.execute(
        insert(_accounts).returning(_accounts.c.id),
        {"name": name, "external_id": external_id, "archived": False},
    ).scalar_one()
    return new_id


def record_import(session: Session, **fields: Any) -> int:
    """Store the record of one import (kind, file name, digest, counts…); returns its id."""
    import_id: int = session.execute(insert(_imports).returning(_imports.c.id), fields).scalar_one()
    return import_id
