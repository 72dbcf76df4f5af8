"""What an import of usage reads and writes besides the usage rows themselves.

The accounts to match rows to (and the ones the CSM asked to create), the features the
book's ladders unlock, and the record of the import. The usage rows go through ``usage_rows``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, union
from sqlalchemy.orm import Session

from csm_desktop.store.models import Account, AccountMilestone, ImportRecord, MilestoneTemplate


def unlocked_feature_names(session: Session) -> list[str]:
    """The feature names the ladders and templates unlock, as written (may repeat spelling)."""
    query = union(select(AccountMilestone.unlocks), select(MilestoneTemplate.unlocks))
    return [name for name in session.scalars(query) if name]


def account_keys(session: Session) -> list[tuple[int, str, str | None]]:
    """Every account as (id, name, external id), for matching a file's rows to them."""
    query = select(Account.id, Account.name, Account.external_id)
    return [(row.id, row.name, row.external_id) for row in session.execute(query)]


def insert_account(session: Session, name: str, external_id: str | None) -> int:
    """A new, active account with only a name (and an external id); returns its id."""
    new_id: int = session.execute(
        insert(Account).returning(Account.id),
        {"name": name, "external_id": external_id, "archived": False},
    ).scalar_one()
    return new_id


def record_import(session: Session, **fields: Any) -> int:
    """Store the record of one import (kind, file name, digest, counts…); returns its id."""
    import_id: int = session.execute(
        insert(ImportRecord).returning(ImportRecord.id), fields
    ).scalar_one()
    return import_id
