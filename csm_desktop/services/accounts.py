"""One account as plain data for the account view: details, kickoff, contacts, ladder, timeline.

Everything returned is a frozen dataclass of plain values, safe to hand to another thread.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from csm_desktop.domain.ladder import (
    Milestone,
    completion,
    current_phase,
    is_overdue,
    next_open,
    overdue,
)
from csm_desktop.domain.vocabulary import Phase, Status
from csm_desktop.errors import UnknownAccount
from csm_desktop.services.contact_info import ContactInfo as ContactInfo  # re-exported
from csm_desktop.store.database import Database
from csm_desktop.store.queries import timeline
from csm_desktop.store.queries.accounts import PageMilestone, account_page_and_ladder


@dataclass(frozen=True, slots=True)
class LadderStep:
    """One account milestone as the ladder shows it."""

    id: int
    position: int
    title: str
    role: str
    target_day: int
    due_on: dt.date | None
    status: Status
    status_reason: str
    started_on: dt.date | None
    achieved_on: dt.date | None
    evidence: str | None
    definition_of_done: str
    cue: str
    unlocks: str | None
    first_value: bool
    criterion: str | None
    criterion_met_on: dt.date | None
    replanned_on: dt.date | None = None
    """The new date of a re-planned open milestone (``due_on`` keeps the original)."""
    version: int | None = None
    """The milestone's version as read: an edit from this screen is saved only over it."""

    def is_overdue(self, today: dt.date) -> bool:
        return is_overdue(self.status, self.due_on, today)


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    on: dt.date
    kind: str  # "status", "touchpoint" or an AccountEvent kind ("value")
    text: str
    by: str | None = None  # who made the change (a CSM's name), when known


@dataclass(frozen=True, slots=True)
class KickoffSummary:
    held_on: dt.date | None
    attendees: str
    success_statement: str
    answers: tuple[tuple[str, str], ...]  # (role, answer)
    done_criteria: tuple[tuple[int, str, dt.date | None], ...]  # (id, text, met on)


@dataclass(frozen=True, slots=True)
class AccountDetail:
    id: int
    name: str
    external_id: str | None
    segment: str | None
    industry: str | None
    seats: int | None
    arr: float | None
    owner: str | None
    signed_on: dt.date | None
    kickoff_on: dt.date | None
    renewal_on: dt.date | None
    playbook: str | None
    age_days: int | None
    phase: Phase | None
    completion: float | None
    completion_by_role: tuple[tuple[str, float | None], ...]
    overdue_count: int
    ladder: tuple[LadderStep, ...]
    contacts: tuple[ContactInfo, ...]
    kickoff: KickoffSummary | None
    timeline: tuple[TimelineEntry, ...]
    milestones: tuple[Milestone, ...]
    """The ladder as every figure reads it (``store.queries.ladders``): the milestones that
    can be scheduled, in ladder order."""
    version: int | None = None
    """The account's version as read: the details dialog saves only over it."""
    kickoff_version: int = 0
    """The kickoff's version as read (0: none yet): the kickoff dialog saves only over it."""

    @property
    def roles(self) -> list[str]:
        """The ladder's roles in the book's role order (Administrator, Power user, …)."""
        return [role for role, _value in self.completion_by_role]


def _criterion_text(milestone: PageMilestone) -> str | None:
    if not milestone.success_feature:
        return None
    return (
        f"{milestone.success_feature} ≥ {milestone.success_threshold} "
        f"in {milestone.success_window_days} days"
    )


def account_detail(
    database: Database, account_id: int, today: dt.date, *, with_timeline: bool = True
) -> AccountDetail:
    """Everything the account view shows, computed for ``today``.

    ``with_timeline=False`` leaves the timeline empty: the QBR shows none, and needs neither
    its five queries nor their modules (a first report compiles every statement it runs).

    Due dates, statuses and the figures come from the one ladder loader
    (``store.queries.ladders.account_ladders``), as on the Book, Today and the reports; the
    page's own load adds what only it shows (texts, contacts, kickoff, re-planned dates).
    """
    with database.session() as session:
        found = account_page_and_ladder(session, account_id)
        if found is None:
            raise UnknownAccount.gone(account_id)
        account, loaded = found
        facts = loaded.milestones  # only the milestones that can be scheduled
        due_by_id = {m.id: m.due_on for m in facts}
        ladder = tuple(
            LadderStep(
                id=m.id,
                position=m.position,
                title=m.title,
                role=m.role,
                target_day=m.target_day,
                due_on=due_by_id.get(m.id),
                status=Status(m.status),
                status_reason=m.status_reason,
                started_on=m.started_on,
                achieved_on=m.achieved_on,
                evidence=m.evidence,
                definition_of_done=m.definition_of_done,
                cue=m.cue,
                unlocks=m.unlocks,
                first_value=m.first_value,
                criterion=_criterion_text(m),
                criterion_met_on=m.criterion_met_on,
                replanned_on=m.replanned_on,
                version=m.version,
            )
            for m in account.milestones
        )
        contacts = tuple(
            ContactInfo(c.id, c.name, c.role, c.email, c.title) for c in account.contacts
        )
        kickoff = None
        if account.kickoff is not None:
            kickoff = KickoffSummary(
                held_on=account.kickoff.held_on,
                attendees=account.kickoff.attendees,
                success_statement=account.kickoff.success_statement,
                answers=account.kickoff.answers,
                done_criteria=account.kickoff.done_criteria,
            )
        history = _timeline(database, account.id) if with_timeline else ()
        age = (today - loaded.kickoff).days if loaded.kickoff else None
        positions = {m.role: (m.role_position, m.role_id) for m in account.milestones}
        roles = sorted(positions, key=positions.__getitem__)
        return AccountDetail(
            id=account.id,
            name=account.name,
            external_id=account.external_id,
            segment=account.segment,
            industry=account.industry,
            seats=account.seats,
            arr=account.arr,
            owner=account.owner,
            signed_on=account.signed_on,
            kickoff_on=account.kickoff_on,
            renewal_on=account.renewal_on,
            playbook=account.playbook,
            age_days=age,
            phase=current_phase(age) if age is not None else None,
            completion=completion(facts),
            completion_by_role=tuple((role, completion(facts, role)) for role in roles),
            overdue_count=len(overdue(facts, today)),
            ladder=ladder,
            contacts=contacts,
            kickoff=kickoff,
            timeline=history,
            milestones=tuple(facts),
            version=account.version,
            kickoff_version=account.kickoff.version if account.kickoff is not None else 0,
        )


def next_open_step(database: Database, account_id: int, today: dt.date) -> LadderStep | None:
    """The account's next milestone (``domain.ladder.next_open``: what its Book row shows
    as next) as its ladder shows it, with its version; None when nothing is open."""
    detail = account_detail(database, account_id, today)
    upcoming = next_open(detail.milestones)
    if upcoming is None:
        return None
    return next((step for step in detail.ladder if step.id == upcoming.id), None)


def _timeline(database: Database, account_id: int) -> tuple[TimelineEntry, ...]:
    """Every status change, touchpoint and logged event of the account, newest first."""
    from csm_desktop.services.feedback import feedback_timeline
    from csm_desktop.services.renewals import renewal_timeline

    with database.session() as session:
        changes = timeline.status_changes(session, account_id)
        touchpoints = timeline.touchpoints(session, account_id)
        events = timeline.events(session, account_id)
        # What the customer said, renewals and advocacy (issue #18).
        learned = feedback_timeline(session, account_id) + renewal_timeline(session, account_id)
    entries = [
        TimelineEntry(
            change.changed_on,
            "status",
            f"{change.milestone}: {change.from_status or 'new'} → {change.to_status}"
            + (f" ({change.reason})" if change.reason else ""),
            change.changed_by,
        )
        for change in changes
    ]
    entries += [
        TimelineEntry(
            t.happened_on,
            "touchpoint",
            f"{t.channel}: {t.template}" + (f" — {t.note}" if t.note else ""),
        )
        for t in touchpoints
    ]
    # Newest first, and within a day the latest edit first (an undo above what it undid).
    entries += [
        TimelineEntry(e.happened_on, e.kind, e.text, e.changed_by) for e in reversed(events)
    ]
    entries += [TimelineEntry(on, kind, text) for on, kind, text in learned]
    entries.sort(key=lambda e: e.on, reverse=True)
    return tuple(entries)
