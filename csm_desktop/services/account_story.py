"""What the CSM keeps for the customer's QBR on the account page: re-plans, risks and asks.

Re-plan (DESIGN §9) moves open, past-due milestones to a new date: ``replanned_on`` is set,
``due_on`` keeps the original date (on-time rate and overdue counts still measure against
it) and every move is logged in the milestone's history, so the timeline shows it. Risks and
asks are short texts with an owner and a date, optionally linked to a blocked milestone
whose reason is offered as a starting point.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from csm_desktop.domain.ladder import due_on, reference_date
from csm_desktop.domain.review import day_text, needs_replan, plan_date
from csm_desktop.domain.vocabulary import Status
from csm_desktop.errors import BadInput
from csm_desktop.services.account_edits import MilestoneState, Saved, state_of
from csm_desktop.services.checks import existing_account
from csm_desktop.store.database import Database
from csm_desktop.store.models import AccountAsk, AccountMilestone, StatusChange
from csm_desktop.store.queries.asks import AskRow, asks
from csm_desktop.store.queries.edits import saving, saving_all
from csm_desktop.store.queries.milestones import (
    account_milestones,
    blocked_milestones,
    milestones_by_id,
)

ASK_KINDS = ("ask", "risk")
ASK_TEXT_LIMIT = 2_000


@dataclass(frozen=True, slots=True)
class ReplanCandidate:
    """An open milestone whose plan date has passed."""

    id: int
    title: str
    role: str
    due_on: dt.date | None
    planned_on: dt.date | None
    version: int | None = None
    """The milestone's version as read: the re-plan moves it only if nobody changed it since."""


AskEntry = AskRow
"""One risk or ask as the account page lists it (the store's row, re-exported for the UI)."""


@dataclass(frozen=True, slots=True)
class BlockedReason:
    """A blocked milestone's reason: a starting point for an ask."""

    milestone_id: int
    title: str
    reason: str


def replan_candidates(database: Database, account_id: int, today: dt.date) -> list[ReplanCandidate]:
    """The account's open milestones planned before ``today``, in ladder order."""
    with database.session() as session:
        account = existing_account(session, account_id)
        start = reference_date(account.kickoff_on, account.signed_on)
        found = []
        for m in account_milestones(session, account_id):
            due = due_on(m.due_on, start, m.target_day)  # the one due-date rule
            if needs_replan(Status(m.status).is_open, due, m.replanned_on, today):
                planned = plan_date(due, m.replanned_on)
                found.append(ReplanCandidate(m.id, m.title, m.role.name, due, planned, m.version))
        return found


def replan_milestones(
    database: Database,
    milestone_ids: Sequence[int],
    new_date: dt.date,
    *,
    today: dt.date,
    changed_by: str | None = None,
    seen: Mapping[int, int] | None = None,
) -> dict[int, MilestoneState]:
    """Plan the given open milestones for ``new_date`` (today or later); returns the state
    each replaced, with the version it is left at (the window's next save of one expects
    it, and Edit → Undo puts the state back), by milestone id.

    Each move is logged; ``due_on`` is never changed. Refused, with nothing changed, when the
    date is in the past, a milestone is no longer open, or (team mode) someone changed one
    of them since it was read at its version in ``seen`` (by milestone id; a milestone not
    in it is not checked).
    """
    if new_date < today:
        raise BadInput(
            f"The new date {new_date.isoformat()} is in the past; choose today or a later day."
        )
    if not milestone_ids:
        raise BadInput("Choose at least one milestone to re-plan.")
    with database.session() as session:
        milestones = milestones_by_id(session, milestone_ids)
        if len(milestones) != len(set(milestone_ids)):
            raise BadInput.gone("milestone", min(set(milestone_ids) - {m.id for m in milestones}))
        checked = [(m, f"“{m.title}”", (seen or {}).get(m.id)) for m in milestones]
        with saving_all(session, checked):
            closed = [m.title for m in milestones if not Status(m.status).is_open]
            if closed:
                raise BadInput(
                    f"“{closed[0]}” is no longer open; only open milestones are re-planned."
                )
            before = {m.id: state_of(m) for m in milestones}
            _replan(milestones, new_date, today, changed_by)
        return {m.id: replace(before[m.id], left_at=m.version) for m in milestones}


def _replan(
    milestones: Sequence[AccountMilestone],
    new_date: dt.date,
    today: dt.date,
    changed_by: str | None,
) -> None:
    for milestone in milestones:
        account = milestone.account
        due = due_on(
            milestone.due_on,
            reference_date(account.kickoff_on, account.signed_on),
            milestone.target_day,
        )
        before = plan_date(due, milestone.replanned_on)
        milestone.replanned_on = new_date
        milestone.history.append(
            StatusChange(
                changed_on=today,
                recorded_at=dt.datetime.now(),
                from_status=milestone.status,
                to_status=milestone.status,
                reason=f"re-planned from {day_text(before)} to {day_text(new_date)} "
                f"(due date stays {day_text(due)})",
                changed_by=changed_by,
            )
        )


def list_asks(database: Database, account_id: int) -> list[AskEntry]:
    """Every risk and ask of the account: open first (soonest due first), then resolved."""
    with database.session() as session:
        entries = asks(session, account_id)
    far = dt.date.max
    entries.sort(key=lambda e: (e.resolved_on is not None, e.due_on or far, e.id))
    return entries


def blocked_reasons(database: Database, account_id: int) -> list[BlockedReason]:
    """The account's blocked milestones with their reasons, in ladder order."""
    with database.session() as session:
        rows = blocked_milestones(session, account_id)
    return [BlockedReason(i, title, reason) for i, title, reason in rows]


def add_ask(
    database: Database,
    account_id: int,
    kind: str,
    text: str,
    *,
    owner: str = "",
    due_on: dt.date | None = None,
    milestone_id: int | None = None,
    created_on: dt.date | None,
    resolved_on: dt.date | None = None,
    seen: int | None = None,
) -> Saved:
    """Keep a new risk or ask for the account over the account's version ``seen`` (an ask
    has no version of its own: it moves the account's on); returns its id and the version.
    ``resolved_on`` puts back a resolved one (Edit → Undo of its removal)."""
    text = text.strip()
    if kind not in ASK_KINDS:
        raise BadInput(f"{kind!r} is neither an ask nor a risk.")
    if not text:
        raise BadInput("Say what you need from the customer (the text is empty).")
    if len(text) > ASK_TEXT_LIMIT:
        raise BadInput(
            f"The text is {len(text):,} characters; keep it under {ASK_TEXT_LIMIT:,} so it fits "
            "a slide."
        )
    with database.session() as session:
        account = existing_account(session, account_id)
        if milestone_id is not None:
            milestone = session.get(AccountMilestone, milestone_id)
            if milestone is None or milestone.account_id != account_id:
                raise BadInput("The linked milestone is not on this account; choose another.")
        ask = AccountAsk(
            account_id=account_id, kind=kind, text=text, owner=owner.strip(), due_on=due_on,
            milestone_id=milestone_id, created_on=created_on, resolved_on=resolved_on,
        )  # fmt: skip
        with saving(session, account, f"“{account.name}”", seen, bump=True):
            session.add(ask)
        return Saved(ask.id, account.version)


def resolve_ask(
    database: Database, ask_id: int, on: dt.date | None, *, seen: int | None = None
) -> int:
    """Mark a risk or ask resolved on ``on`` (None: open again), over the account's version
    ``seen``; returns the version it left."""
    with database.session() as session:
        ask = session.get(AccountAsk, ask_id)
        if ask is None:
            raise BadInput.gone("risk or ask", ask_id)
        account = existing_account(session, ask.account_id)
        with saving(session, account, f"“{account.name}”", seen, bump=True):
            ask.resolved_on = on
        return account.version


def delete_ask(database: Database, ask_id: int, *, seen: int | None = None) -> int | None:
    """Remove a risk or ask over the account's version ``seen``; returns the version it
    left (None: the ask was gone already, and nothing was checked or changed)."""
    with database.session() as session:
        ask = session.get(AccountAsk, ask_id)
        if ask is None:
            return None
        account = existing_account(session, ask.account_id)
        with saving(session, account, f"“{account.name}”", seen, bump=True):
            session.delete(ask)
        return account.version


def put_ask(
    database: Database,
    account_id: int,
    ask_id: int | None,
    state: AskEntry | None,
    *,
    seen: int | None,
) -> tuple[int | None, int | None]:
    """Make the account's ask ``ask_id`` (None: it is not stored now) hold ``state`` (None:
    no such ask), over the account's version ``seen``: Edit → Undo and Redo of adding,
    resolving or removing a risk or ask. An ask put back is a new row. Returns the ask's id
    now (None: gone) and the version left (None: it was gone already, nothing changed)."""
    if state is None:
        return None, None if ask_id is None else delete_ask(database, ask_id, seen=seen)
    if ask_id is None:
        s = state
        return add_ask(database, account_id, s.kind, s.text, owner=s.owner, due_on=s.due_on,
                       milestone_id=s.milestone_id, created_on=s.created_on,
                       resolved_on=s.resolved_on, seen=seen)  # fmt: skip
    return ask_id, resolve_ask(database, ask_id, state.resolved_on, seen=seen)
