"""After day 90: an account's renewal outcomes and advocacy, entered by the CSM.

A renewal is a date, an outcome (renewed / churned / pending) and the ARR either side; an
account has at most one renewal per date. Advocacy is what a happy customer does for us
(a reference call, a case study, a public review) and when. Each function is one
transaction; values are checked before anything is stored, and a refusal says what to fix.
The long-term figures built on these live in ``services.long_term``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from csm_desktop.domain.metrics.long_term import RenewalOutcome, arr_change
from csm_desktop.errors import BadInput
from csm_desktop.services.checks import choose, existing_account
from csm_desktop.store.database import Database
from csm_desktop.store.models import Advocacy, Renewal
from csm_desktop.store.queries.renewals import (
    account_advocacy,
    account_renewals,
    renewal_on_date,
)

OUTCOMES: tuple[str, ...] = tuple(o.value for o in RenewalOutcome)
ADVOCACY_KINDS: tuple[str, ...] = ("reference", "case study", "review")


@dataclass(frozen=True, slots=True)
class RenewalEntry:
    id: int
    account_id: int
    renewal_on: dt.date
    outcome: RenewalOutcome
    arr_before: float | None
    arr_after: float | None


@dataclass(frozen=True, slots=True)
class AdvocacyEntry:
    id: int
    account_id: int
    kind: str
    happened_on: dt.date
    note: str


def parse_outcome(text: str) -> RenewalOutcome:
    """An outcome typed by a person (any case, surrounding spaces); BadInput otherwise."""
    return RenewalOutcome(choose(text, OUTCOMES, "renewal outcome"))


def check_renewal(
    outcome: RenewalOutcome, arr_before: float | None, arr_after: float | None
) -> None:
    """Refuse values no renewal can have: negative ARR, or ARR after for a churned one."""
    for label, value in (("ARR before", arr_before), ("ARR after", arr_after)):
        if value is not None and value < 0:
            raise BadInput(f"{label} cannot be negative ({value:g}); enter 0 or more.")
    if outcome is RenewalOutcome.CHURNED and arr_after not in (None, 0):
        raise BadInput(
            "A churned renewal keeps no ARR: leave ARR after empty (it counts as 0) or choose "
            "“renewed”."
        )


def _described(entry: RenewalEntry) -> str:
    """A renewal in a few words: "renewed on 2026-05-01, ARR 12,000 → 14,000"."""
    arr = arr_change(entry.outcome, entry.arr_before, entry.arr_after)
    return f"{entry.outcome.value} on {entry.renewal_on.isoformat()}{', ' + arr if arr else ''}"


def _entry(row: Renewal) -> RenewalEntry:
    return RenewalEntry(
        row.id,
        row.account_id,
        row.renewal_on,
        parse_outcome(row.outcome),
        row.arr_before,
        row.arr_after,
    )


def list_renewals(database: Database, account_id: int) -> list[RenewalEntry]:
    """The account's renewals, oldest first."""
    with database.session() as session:
        return [_entry(row) for row in account_renewals(session, account_id)]


def save_renewal(
    database: Database,
    account_id: int,
    renewal_on: dt.date,
    outcome: RenewalOutcome | str,
    arr_before: float | None = None,
    arr_after: float | None = None,
    *,
    renewal_id: int | None = None,
    opened: RenewalEntry | None = None,
) -> int:
    """Add a renewal (or change ``renewal_id``) and return its id; one per account and date.

    ``opened``: the renewal as the editor read it. A renewal has no version of its own, so
    one a teammate changed since (team mode) is refused rather than overwritten: the
    refusal says what it holds now.

    The account's own "Renewal on" (the next renewal to prepare, shown in the Book) is left
    as the CSM set it.
    """
    chosen = parse_outcome(outcome) if isinstance(outcome, str) else outcome
    check_renewal(chosen, arr_before, arr_after)
    with database.session() as session:
        account = existing_account(session, account_id)
        clash = renewal_on_date(session, account_id, renewal_on)
        if clash is not None and clash.id != renewal_id:
            raise BadInput(
                f"{account.name} already has a renewal on {renewal_on.isoformat()}; "
                "change that one instead."
            )
        if renewal_id is None:
            row = Renewal(account_id=account_id, renewal_on=renewal_on)
            session.add(row)
        else:
            found = session.get(Renewal, renewal_id, with_for_update=True)  # held till commit
            if found is None or found.account_id != account_id:
                raise BadInput.gone("renewal", renewal_id)
            if opened is not None and _entry(found) != opened:
                raise BadInput(
                    "Someone changed this renewal since you opened it; it is now "
                    f"{_described(_entry(found))}. Open it again to change it."
                )
            row = found
        row.renewal_on = renewal_on
        row.outcome = chosen.value
        row.arr_before = arr_before
        row.arr_after = None if chosen is RenewalOutcome.CHURNED else arr_after
        session.flush()
        return row.id


def delete_renewal(database: Database, renewal_id: int) -> None:
    with database.session() as session:
        row = session.get(Renewal, renewal_id)
        if row is not None:
            session.delete(row)


def list_advocacy(database: Database, account_id: int) -> list[AdvocacyEntry]:
    """The account's advocacy acts, oldest first."""
    with database.session() as session:
        return [
            AdvocacyEntry(r.id, r.account_id, r.kind, r.happened_on, r.note)
            for r in account_advocacy(session, account_id)
        ]


def add_advocacy(
    database: Database, account_id: int, kind: str, happened_on: dt.date, note: str = ""
) -> int:
    """Record that the customer gave a reference, a case study or a review on a date."""
    cleaned = choose(kind, ADVOCACY_KINDS, "advocacy")
    with database.session() as session:
        existing_account(session, account_id)
        row = Advocacy(account_id=account_id, kind=cleaned, happened_on=happened_on, note=note)
        session.add(row)
        session.flush()
        return row.id


def delete_advocacy(database: Database, advocacy_id: int) -> None:
    with database.session() as session:
        row = session.get(Advocacy, advocacy_id)
        if row is not None:
            session.delete(row)


def renewal_timeline(session: Session, account_id: int) -> list[tuple[dt.date, str, str]]:
    """(date, kind, text) per renewal and advocacy act, for the account's timeline."""
    entries = []
    for row in account_renewals(session, account_id):
        outcome = parse_outcome(row.outcome)
        arr = arr_change(outcome, row.arr_before, row.arr_after)
        text = f"Renewal {outcome.value}{', ' + arr if arr else ''}"
        entries.append((row.renewal_on, "renewal", text))
    for act in account_advocacy(session, account_id):
        note = f" — {act.note}" if act.note else ""
        entries.append((act.happened_on, "advocacy", f"Advocacy: {act.kind}{note}"))
    return entries


__all__ = [
    "ADVOCACY_KINDS",
    "OUTCOMES",
    "AdvocacyEntry",
    "RenewalEntry",
    "add_advocacy",
    "check_renewal",
    "delete_advocacy",
    "delete_renewal",
    "list_advocacy",
    "list_renewals",
    "parse_outcome",
    "renewal_timeline",
    "save_renewal",
]
