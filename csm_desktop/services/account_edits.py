"""Edits a CSM makes on one account: create it, its statuses and dates, contacts, kickoff.

Each function is one transaction, committed as it returns, so nothing is lost to a crash.
Status and date edits return the state they replaced, which the window's undo stack hands
back to ``restore_milestone`` to undo them (the undo is logged like any other change).

In team mode two people may edit the same account (issue 16). An edit of the account, a
milestone or the kickoff takes ``seen``, the version the user's screen showed, and is
refused with ``ConflictError`` ("… was changed by Maya Chen at 14:02 — reload to see it.")
when someone saved it since; ``None`` skips that check (a command reading and writing at
once). An undo expects the version its edit left (``MilestoneState.left_at``), so it never
overwrites a later change of someone else. The rule itself is ``store.queries.edits``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from sqlalchemy.orm import Session

from csm_desktop.domain.changed_parts import changed_parts
from csm_desktop.domain.vocabulary import Evidence, Status
from csm_desktop.errors import BadInput, ConflictError
from csm_desktop.services.checks import existing_account
from csm_desktop.services.evidence import refresh_usage_evidence
from csm_desktop.services.ladder import apply_playbook, change_status, move_kickoff
from csm_desktop.store.child_rows import sync_children
from csm_desktop.store.database import Database
from csm_desktop.store.models import (
    Account,
    AccountMilestone,
    Contact,
    DoneCriterion,
    Kickoff,
    KickoffAnswer,
    Playbook,
    StatusChange,
)
from csm_desktop.store.queries import account_edits as rows
from csm_desktop.store.queries.edits import conflict, local_time, saving


@dataclass(frozen=True, slots=True)
class MilestoneState:
    """Everything a status or date edit can change, to put it back on undo."""

    status: Status
    status_reason: str
    started_on: dt.date | None
    achieved_on: dt.date | None
    evidence: str | None
    due_on: dt.date | None
    replanned_on: dt.date | None = None
    """The date an open milestone was re-planned to (``due_on`` keeps the original)."""
    left_at: int | None = None
    """The milestone's version once the edit replaced this state: its undo expects it."""
    was_at: int | None = field(default=None, compare=False)
    """The version of this state (the one the edit was saved over)."""
    was_by: str | None = field(default=None, compare=False)
    was_changed_at: dt.datetime | None = field(default=None, compare=False)
    """Who saved this state and when (local time): an undo refused because of it names them."""


@dataclass(frozen=True, slots=True)
class AccountFields:
    name: str
    external_id: str | None = None
    segment: str | None = None
    industry: str | None = None
    seats: int | None = None
    arr: float | None = None
    owner: str | None = None
    signed_on: dt.date | None = None
    kickoff_on: dt.date | None = None
    renewal_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class ContactFields:
    name: str
    role: str | None = None
    email: str | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True)
class KickoffFields:
    held_on: dt.date | None
    attendees: str = ""
    success_statement: str = ""
    answers: dict[str, str] = field(default_factory=dict)  # role name -> answer
    done_criteria: tuple[tuple[str, dt.date | None], ...] = ()  # (text, met on)


def state_of(milestone: AccountMilestone) -> MilestoneState:
    """What an edit of ``milestone`` may change, as it is now: what its undo puts back."""
    return MilestoneState(
        Status(milestone.status),
        milestone.status_reason,
        milestone.started_on,
        milestone.achieved_on,
        milestone.evidence,
        milestone.due_on,
        milestone.replanned_on,
        was_at=milestone.version,
        was_by=milestone.changed_by,
        was_changed_at=local_time(milestone.changed_at),
    )


def _milestone(session: Session, milestone_id: int) -> AccountMilestone:
    milestone = session.get(AccountMilestone, milestone_id)
    if milestone is None:
        raise BadInput.gone("milestone", milestone_id)
    return milestone


def _named(milestone: AccountMilestone) -> str:
    return f"“{milestone.title}”"


def role_names(database: Database) -> list[str]:
    with database.session() as session:
        return rows.ordered_role_names(session)


def playbook_choices(database: Database) -> list[tuple[int, str]]:
    """Latest version of each playbook that is not archived, as (id, "Name v3")."""
    with database.session() as session:
        latest = rows.latest_playbooks(session)
    return [(playbook_id, f"{name} v{version}") for playbook_id, name, version in latest]


def create_account(database: Database, fields: AccountFields, playbook_id: int | None) -> int:
    """Add an account and, when a playbook is chosen, its whole ladder."""
    name = fields.name.strip()
    if not name:
        raise BadInput("Give the account a name.")
    with database.session() as session:
        if rows.name_taken(session, name):
            raise BadInput(f"An account named “{name}” already exists; choose another name.")
        external_id = (fields.external_id or "").strip() or None
        if external_id and rows.external_id_taken(session, external_id):
            raise BadInput(f"External ID {external_id} already belongs to another account.")
        account = Account(
            name=name,
            external_id=external_id,
            segment=fields.segment or None,
            industry=fields.industry or None,
            seats=fields.seats,
            arr=fields.arr,
            owner=fields.owner or None,
            signed_on=fields.signed_on,
            kickoff_on=fields.kickoff_on,
            renewal_on=fields.renewal_on,
        )
        session.add(account)
        session.flush()
        if playbook_id is not None:
            playbook = session.get(Playbook, playbook_id)
            if playbook is None:
                raise BadInput.gone("playbook", playbook_id, "pick another one")
            apply_playbook(session, account, playbook)
        return account.id


def apply_playbook_to_account(database: Database, account_id: int, playbook_id: int) -> int:
    """Give an existing account a playbook's ladder; returns how many milestones were added.

    Milestones the account already has from the same templates are kept as they are.
    """
    with database.session() as session:
        account = existing_account(session, account_id)
        playbook = session.get(Playbook, playbook_id)
        if playbook is None:
            raise BadInput.gone("playbook", playbook_id, "pick another one")
        return len(apply_playbook(session, account, playbook))


def _account_values(fields: AccountFields) -> dict[str, object]:
    """The account columns ``update_account`` writes, as stored (blank text is None)."""
    return {
        "name": fields.name.strip(),
        "external_id": (fields.external_id or "").strip() or None,
        "segment": fields.segment or None,
        "industry": fields.industry or None,
        "seats": fields.seats,
        "arr": fields.arr,
        "owner": fields.owner or None,
        "signed_on": fields.signed_on,
        "renewal_on": fields.renewal_on,
    }


def update_account(
    database: Database,
    account_id: int,
    fields: AccountFields,
    *,
    seen: int | None = None,
    opened: AccountFields | None = None,
) -> int:
    """Save an account's details (name, ids, segment, owner, dates, money) over version
    ``seen``; returns the account's version after the save.

    With ``opened`` (what the dialog showed when it opened) only the details the user
    changed are written: OK again after a refusal saves over the teammate's version
    without putting back the values of theirs the user never touched."""
    name = fields.name.strip()
    if not name:
        raise BadInput("Give the account a name.")
    values = changed_parts(fields, opened, _account_values)
    with database.session() as session:
        account = existing_account(session, account_id)
        if "name" in values and rows.name_taken(session, name, besides=account_id):
            raise BadInput(f"An account named “{name}” already exists; choose another name.")
        external_id = values.get("external_id")
        if external_id and rows.external_id_taken(session, str(external_id), besides=account_id):
            raise BadInput(f"External ID {external_id} already belongs to another account.")
        with saving(session, account, f"“{account.name}”", seen):
            for column, value in values.items():
                setattr(account, column, value)
        return account.version


def set_status(
    database: Database,
    milestone_id: int,
    status: Status,
    *,
    on: dt.date,
    reason: str = "",
    evidence: Evidence = Evidence.MANUAL,
    seen: int | None = None,
) -> MilestoneState:
    """Change a milestone's status (logged) over version ``seen``; returns the state it
    replaced.

    ``evidence`` is ``USAGE`` when the CSM confirms a met usage criterion (DESIGN §3).
    """
    with database.session() as session:
        milestone = _milestone(session, milestone_id)
        before = state_of(milestone)
        with saving(session, milestone, _named(milestone), seen):
            change_status(session, milestone, status, on=on, reason=reason, evidence=evidence)
        return replace(before, left_at=milestone.version)


def set_due_date(
    database: Database,
    milestone_id: int,
    due_on: dt.date,
    *,
    on: dt.date | None = None,
    seen: int | None = None,
) -> MilestoneState:
    """Override one milestone's due date (logged as of ``on``) over version ``seen``;
    returns the state it replaced."""
    with database.session() as session:
        milestone = _milestone(session, milestone_id)
        before = state_of(milestone)
        with saving(session, milestone, _named(milestone), seen):
            milestone.due_on = due_on
            milestone.history.append(
                StatusChange(
                    changed_on=on or dt.date.today(),
                    recorded_at=dt.datetime.now(),
                    from_status=milestone.status,
                    to_status=milestone.status,
                    reason=f"due date moved from {before.due_on} to {due_on}",
                )
            )
        return replace(before, left_at=milestone.version)


def restore_milestone(
    database: Database, milestone_id: int, state: MilestoneState, *, on: dt.date | None = None
) -> int:
    """Put a milestone back as it was (undo), logging the change as of ``on``; returns the
    version this leaves (a redo expects it).

    Refused with ``ConflictError`` when someone changed the milestone after the edit being
    undone (its version is no longer ``state.left_at``): their change stays.
    """
    with database.session() as session:
        milestone = _milestone(session, milestone_id)
        previous = milestone.status
        plan_only = previous == state.status.value and milestone.replanned_on != state.replanned_on
        with saving(session, milestone, _named(milestone), state.left_at):
            milestone.status = state.status.value
            milestone.status_reason = state.status_reason
            milestone.started_on = state.started_on
            milestone.achieved_on = state.achieved_on
            milestone.evidence = state.evidence
            milestone.due_on = state.due_on
            milestone.replanned_on = state.replanned_on
            milestone.history.append(
                StatusChange(
                    changed_on=on or dt.date.today(),
                    recorded_at=dt.datetime.now(),
                    from_status=previous,
                    to_status=state.status.value,
                    reason="re-plan undone" if plan_only else "undone",
                )
            )
        return milestone.version


def milestone_state(database: Database, milestone_id: int) -> MilestoneState:
    with database.session() as session:
        return state_of(_milestone(session, milestone_id))


def move_account_kickoff(
    database: Database, account_id: int, new_kickoff: dt.date, *, move_open_due_dates: bool
) -> int:
    """Set the kickoff date; returns how many open due dates moved with it."""
    with database.session() as session:
        return _move_kickoff(session, account_id, new_kickoff, move_open_due_dates)


def _move_kickoff(
    session: Session, account_id: int, new_kickoff: dt.date, move_open_due_dates: bool
) -> int:
    account = existing_account(session, account_id)
    moved = move_kickoff(session, account, new_kickoff, move_open_due_dates=move_open_due_dates)
    # K moved, so "the first day D ≥ K on which the criterion is met" must be found again.
    refresh_usage_evidence(session, [account_id])
    return moved


class Saved(NamedTuple):
    """A row added to an account, and the account's version the addition left."""

    id: int
    version: int


def add_contact(
    database: Database, account_id: int, fields: ContactFields, *, seen: int | None = None
) -> Saved:
    """Add a contact to the account over the account's version ``seen`` (a contact has no
    version of its own: it moves the account's on)."""
    if not fields.name.strip():
        raise BadInput("Give the contact a name.")
    with database.session() as session:
        account = existing_account(session, account_id)
        contact = Contact(
            account_id=account_id,
            role_id=rows.role_id(session, fields.role),
            name=fields.name.strip(),
            email=(fields.email or "").strip() or None,
            title=(fields.title or "").strip() or None,
        )
        with saving(session, account, f"“{account.name}”", seen, bump=True):
            session.add(contact)
        return Saved(contact.id, account.version)


def _contact(session: Session, contact_id: int) -> Contact:
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise BadInput.gone("contact", contact_id)
    return contact


def _contact_values(fields: ContactFields) -> dict[str, str | None]:
    """A contact's details as stored (blank text is None); the role by name."""
    return {
        "name": fields.name.strip(),
        "role": fields.role or None,
        "email": (fields.email or "").strip() or None,
        "title": (fields.title or "").strip() or None,
    }


def update_contact(
    database: Database,
    contact_id: int,
    fields: ContactFields,
    *,
    seen: int | None = None,
    opened: ContactFields | None = None,
) -> int:
    """Save a contact over its account's version ``seen``; returns the version it left.

    With ``opened`` (what the dialog showed when it opened) only the details the user
    changed are written, as ``update_account`` does: a retry after a refusal keeps a
    teammate's change to the others."""
    if not fields.name.strip():
        raise BadInput("Give the contact a name.")
    values = changed_parts(fields, opened, _contact_values)
    with database.session() as session:
        contact = _contact(session, contact_id)
        account = contact.account
        role_id = rows.role_id(session, values["role"]) if "role" in values else None
        with saving(session, account, f"“{account.name}”", seen, bump=True):
            for detail, value in values.items():
                if detail == "role":
                    contact.role_id = role_id
                else:
                    setattr(contact, detail, value)
        return account.version


def remove_contact(database: Database, contact_id: int, *, seen: int | None = None) -> int | None:
    """Remove a contact over its account's version ``seen``; returns the version it left
    (None: the contact was gone already, and nothing was checked or changed)."""
    with database.session() as session:
        contact = session.get(Contact, contact_id)
        if contact is None:
            return None
        account = contact.account
        with saving(session, account, f"“{account.name}”", seen, bump=True):
            session.delete(contact)
        return account.version


class KickoffSaved(NamedTuple):
    """What a kickoff save did: how many open due dates moved with its date, and the
    versions it left (the window's next save of each row expects them): the kickoff's and,
    when its date became the account's kickoff date, the account's and those of the
    milestones that moved with it."""

    moved: int
    version: int
    account_version: int | None = None
    milestones: tuple[tuple[int, int], ...] = ()  # (milestone id, version left)


def save_kickoff(
    database: Database,
    account_id: int,
    fields: KickoffFields,
    *,
    move_open_due_dates: bool = True,
    seen: int | None = None,
    opened: KickoffFields | None = None,
) -> KickoffSaved:
    """Create or replace the account's kickoff record (answers per role, done criteria)
    over version ``seen`` of it (0: the user saw no kickoff yet).

    A new date held also becomes the account's kickoff date (K), moving the due dates of open
    milestones with it when asked; all in one transaction. Returns how many due dates moved
    and the kickoff's version.

    With ``opened`` (what the dialog showed when it opened) a stored kickoff gets only the
    parts the user changed: the date, the attendees, the success statement, the answers and
    the done criteria (each of the last two as one whole). OK again after a refusal then keeps a
    teammate's change to the others, e.g. their tick of a done criterion.
    """
    try:
        return _save_kickoff(database, account_id, fields, move_open_due_dates, seen, opened)
    except ConflictError as refused:
        if refused.version is not None:
            raise
        # Two people created the account's kickoff at once: the refusal came from the row
        # never stored. It names the one that was, so OK again saves over its version.
        with database.session() as session:
            account = session.get(Account, account_id)
            kickoff = account.kickoff if account is not None else None
            if kickoff is None:
                raise
            raise conflict(kickoff, refused.what) from refused


def _save_kickoff(
    database: Database,
    account_id: int,
    fields: KickoffFields,
    move_open_due_dates: bool,
    seen: int | None,
    opened: KickoffFields | None,
) -> KickoffSaved:
    with database.session() as session:
        account = existing_account(session, account_id)
        if account.kickoff is None and seen:
            raise BadInput(f"The kickoff of {account.name} was deleted; reload to see it.")
        kickoff = account.kickoff or Kickoff()
        if account.kickoff is None:
            opened = None  # a new record: everything the dialog holds
        wanted = changed_parts(fields, opened, _kickoff_parts)

        answers: dict[int, str] = {}  # role id -> answer (a new role name adds the role)
        for role, answer in fields.answers.items():
            if answer.strip() and (role_id := rows.role_id(session, role)) is not None:
                answers[role_id] = answer.strip()
        # Its answers and criteria are rows of their own: ``bump`` stamps the kickoff itself,
        # so replacing only them is a new version too.
        with saving(session, kickoff, f"The kickoff of {account.name}", seen, bump=True):
            if "held_on" in wanted:
                kickoff.held_on = fields.held_on
            if "attendees" in wanted:
                kickoff.attendees = fields.attendees.strip()
            if "success_statement" in wanted:
                kickoff.success_statement = fields.success_statement.strip()
            if "answers" in wanted:
                _replace_answers(kickoff, answers)
            if "done_criteria" in wanted:
                kickoff.done_criteria = [
                    DoneCriterion(position=position, text=text.strip(), met_on=met_on)
                    for position, (text, met_on) in enumerate(fields.done_criteria, start=1)
                    if text.strip()
                ]
            account.kickoff = kickoff
        new_date = fields.held_on if "held_on" in wanted else None
        if new_date is None or new_date == account.kickoff_on:
            return KickoffSaved(0, kickoff.version)
        was = {m.id: m.version for m in account.milestones}
        moved = _move_kickoff(session, account_id, new_date, move_open_due_dates)
        session.flush()
        left = tuple((m.id, m.version) for m in account.milestones if m.version != was.get(m.id))
        return KickoffSaved(moved, kickoff.version, account.version, left)


def _kickoff_parts(fields: KickoffFields) -> dict[str, object]:
    """What a kickoff save may write, part by part: the answers and the done criteria each
    as one whole (a teammate's tick stays unless the user edited the criteria too)."""
    return {
        "held_on": fields.held_on,
        "attendees": fields.attendees,
        "success_statement": fields.success_statement,
        "answers": fields.answers,
        "done_criteria": fields.done_criteria,
    }


def _replace_answers(kickoff: Kickoff, wanted: dict[int, str]) -> None:
    """Make the kickoff's answers ``wanted`` (role id -> answer), a role's answer changed
    in place (``store.child_rows``)."""
    sync_children(
        kickoff.answers,
        lambda answer: answer.role_id,
        wanted,
        change=lambda answer, text: setattr(answer, "answer", text),
        make=lambda role_id, text: KickoffAnswer(role_id=role_id, answer=text),
    )


def tick_done_criterion(
    database: Database, criterion_id: int, met_on: dt.date | None, *, seen: int | None = None
) -> int:
    """Mark one line of the definition of done as met (or not met again) over the kickoff's
    version ``seen``; returns the version it left (a criterion has none of its own)."""
    with database.session() as session:
        criterion = session.get(DoneCriterion, criterion_id)
        if criterion is None:
            raise BadInput.gone("criterion", criterion_id)
        kickoff = session.get(Kickoff, criterion.kickoff_id)
        assert kickoff is not None  # the criterion's foreign key
        with saving(session, kickoff, f"The kickoff of {kickoff.account.name}", seen, bump=True):
            criterion.met_on = met_on
        return kickoff.version
