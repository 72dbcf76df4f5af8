"""Use cases on an account's milestone ladder: apply a playbook, change a status, move kickoff.

Applying a playbook snapshots each template into an account milestone, so later playbook
edits never rewrite the account's history. Every status change is logged with its date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy.orm import Session

from csm_desktop.domain.ladder import due_date, due_on, reference_date
from csm_desktop.domain.vocabulary import Evidence, Status
from csm_desktop.errors import BadInput
from csm_desktop.store.models import (
    Account,
    AccountMilestone,
    MilestoneTemplate,
    Playbook,
    StatusChange,
)
from csm_desktop.store.queries.account_edits import account_by_name

__all__ = ["account_by_name", "apply_playbook", "change_status", "move_kickoff", "snapshot"]


def snapshot(template: MilestoneTemplate, kickoff: dt.date, position: int) -> AccountMilestone:
    """A new account milestone copied from ``template``, due ``target_day`` after kickoff."""
    return AccountMilestone(
        template_id=template.id,
        position=position,
        title=template.title,
        role_id=template.role_id,
        target_day=template.target_day,
        due_on=due_date(kickoff, template.target_day),
        status=Status.NOT_STARTED.value,
        definition_of_done=template.definition_of_done,
        first_value=template.first_value,
        unlocks=template.unlocks,
        cue=template.cue,
        success_feature=template.success_feature,
        success_threshold=template.success_threshold,
        success_window_days=template.success_window_days,
    )


def apply_playbook(
    session: Session,
    account: Account,
    playbook: Playbook,
    *,
    ordering: Iterable[str] | None = None,
) -> list[AccountMilestone]:
    """Give ``account`` the ladder of ``playbook`` (in ``ordering`` of template keys if given).

    Milestones the account already has from the same templates are kept as they are; new
    ones are appended after them.
    """
    kickoff = reference_date(account.kickoff_on, account.signed_on)
    if kickoff is None:
        raise BadInput(
            f"{account.name} has no kickoff or signed-on date; set one before applying a playbook."
        )
    templates = [step.template for step in playbook.steps]
    if ordering is not None:
        by_key = {t.key: t for t in templates}
        templates = [by_key[key] for key in ordering if key in by_key] + [
            t for t in templates if t.key not in set(ordering)
        ]
    existing = {m.template_id for m in account.milestones}
    position = max((m.position for m in account.milestones), default=0)
    created = []
    for template in templates:
        if template.id in existing:
            continue
        position += 1
        milestone = snapshot(template, kickoff, position)
        account.milestones.append(milestone)
        created.append(milestone)
    account.playbook = playbook
    session.flush()
    return created


def change_status(
    session: Session,
    milestone: AccountMilestone,
    status: Status,
    *,
    on: dt.date,
    reason: str = "",
    evidence: Evidence = Evidence.MANUAL,
    recorded_at: dt.datetime | None = None,
) -> StatusChange:
    """Set a milestone's status on date ``on`` and log the change.

    Blocked and skipped need a reason; achieved records ``on`` as the achieved date.
    """
    if status.needs_reason and not reason.strip():
        raise BadInput(f"Say why “{milestone.title}” is {status.value}: a reason is required.")
    previous = milestone.status
    milestone.status = status.value
    milestone.status_reason = reason.strip() if status.needs_reason else ""
    if status is Status.ACHIEVED:
        milestone.achieved_on = on
        milestone.evidence = evidence.value
        if milestone.started_on is None:
            milestone.started_on = on
    else:
        milestone.achieved_on = None
        milestone.evidence = None
    if status is Status.IN_PROGRESS and milestone.started_on is None:
        milestone.started_on = on
    if status is Status.NOT_STARTED:
        milestone.started_on = None
    change = StatusChange(
        changed_on=on,
        recorded_at=recorded_at or dt.datetime.now(),
        from_status=previous,
        to_status=status.value,
        reason=reason.strip(),
    )
    milestone.history.append(change)
    session.flush()
    return change


def move_kickoff(
    session: Session, account: Account, new_kickoff: dt.date, *, move_open_due_dates: bool
) -> int:
    """Set the kickoff date; optionally shift the due dates of open milestones with it.

    A milestone without a due date of its own first gets the one it showed until now (K +
    target day, ``due_on``), or, when the account had no K at all, the one the new kickoff
    gives it: from here on every milestone has a stored due date. Returns how many due dates
    moved (dates given for the first time are not moves). Achieved and skipped milestones keep
    theirs: they are history.
    """
    old = reference_date(account.kickoff_on, account.signed_on)
    account.kickoff_on = new_kickoff
    moved = 0
    for milestone in account.milestones:
        if milestone.due_on is None:
            milestone.due_on = due_on(None, old or new_kickoff, milestone.target_day)
    if move_open_due_dates and old is not None:
        shift = new_kickoff - old
        for milestone in account.milestones:
            if Status(milestone.status).is_open and milestone.due_on is not None:
                milestone.due_on = milestone.due_on + shift
                moved += 1
    session.flush()
    return moved
