"""Which accounts a query covers: one filter, spelled for raw SQL and for SQLAlchemy Core."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, select, true

from csm_desktop.store.queries.tables import account, playbook, renewal, variant


@dataclass(frozen=True, slots=True)
class AccountFilter:
    """Which accounts a figure covers; None means any. Archived accounts never count."""

    segment: str | None = None
    owner: str | None = None
    playbook: str | None = None
    account_id: int | None = None
    experiment_id: int | None = None
    include_archived: bool = False
    with_renewals: bool = False
    """Only accounts with a recorded renewal (the long-term figures read no others)."""
    id_range: tuple[int, int] | None = None
    """Only accounts whose id is between these two, both included (a page of a big book)."""
    only_ids: tuple[int, ...] | None = None
    """Only these accounts (the first screenful of a big Book)."""

    def sql(self, template: str, **parts: object) -> str:
        """``template`` with this filter's condition on ``account a`` filled in."""
        where, _params = self.where()
        join = "LEFT JOIN playbook p ON p.id = a.playbook_id" if self.playbook is not None else ""
        return template.format(where=where, playbook_join=join, **parts)

    def where(self) -> tuple[str, dict[str, Any]]:
        """A condition on ``account a`` (and ``playbook p``) with its parameters."""
        clauses = [] if self.include_archived else ["a.archived = 0"]
        params: dict[str, Any] = {}
        if self.segment is not None:
            clauses.append("a.segment = :f_segment")
            params["f_segment"] = self.segment
        if self.owner is not None:
            clauses.append("a.owner = :f_owner")
            params["f_owner"] = self.owner
        if self.playbook is not None:
            clauses.append("p.name = :f_playbook")
            params["f_playbook"] = self.playbook
        if self.account_id is not None:
            clauses.append("a.id = :f_account")
            params["f_account"] = self.account_id
        if self.experiment_id is not None:
            clauses.append(
                "a.variant_id IN (SELECT id FROM variant WHERE experiment_id = :f_experiment)"
            )
            params["f_experiment"] = self.experiment_id
        if self.with_renewals:
            clauses.append("a.id IN (SELECT account_id FROM renewal)")
        if self.id_range is not None:
            clauses.append("a.id BETWEEN :f_first_id AND :f_last_id")
            params["f_first_id"], params["f_last_id"] = self.id_range
        if self.only_ids is not None:  # integers only: written into the text as they are
            clauses.append(f"a.id IN ({','.join(str(int(i)) for i in self.only_ids) or 'NULL'})")
        return " AND ".join(clauses) or "1", params

    def clause(self) -> ColumnElement[bool]:
        """The same condition on the ``account`` table for SQLAlchemy Core (any database;
        plain Core, so a query using it does not configure the ORM: ``tables``)."""
        a = account.c
        clauses: list[ColumnElement[bool]] = []
        if not self.include_archived:
            clauses.append(a.archived.is_(False))
        if self.segment is not None:
            clauses.append(a.segment == self.segment)
        if self.owner is not None:
            clauses.append(a.owner == self.owner)
        if self.playbook is not None:
            clauses.append(
                a.playbook_id.in_(select(playbook.c.id).where(playbook.c.name == self.playbook))
            )
        if self.account_id is not None:
            clauses.append(a.id == self.account_id)
        if self.only_ids is not None:
            clauses.append(a.id.in_(self.only_ids))
        if self.experiment_id is not None:
            clauses.append(
                a.variant_id.in_(
                    select(variant.c.id).where(variant.c.experiment_id == self.experiment_id)
                )
            )
        if self.with_renewals:
            clauses.append(a.id.in_(select(renewal.c.account_id)))
        if self.id_range is not None:
            clauses.append(a.id.between(*self.id_range))
        return and_(true(), *clauses)

    def account_ids(self) -> Any:
        """A subquery of the chosen accounts' ids, for conditions on other tables."""
        return select(account.c.id).where(self.clause())


ACTIVE_ACCOUNTS = AccountFilter()
"""Every account that is not archived."""
