"""Moving accounts to a newer playbook version without rewriting their history.

New milestones are added; open ones get the template's new snapshot; achieved and skipped ones
stay as they are (see ``services.playbooks``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from csm_desktop.domain.ladder import due_date, reference_date
from csm_desktop.domain.playbook_diff import lineage_of
from csm_desktop.domain.vocabulary import Status
from csm_desktop.errors import BadInput, Cancelled
from csm_desktop.services.evidence import refresh_usage_evidence
from csm_desktop.services.ladder import snapshot
from csm_desktop.services.playbook_library import (
    AccountOnVersion,
    AccountUpdate,
    PlaybookRules,
)
from csm_desktop.services.progress import NO_PROGRESS, Progress
from csm_desktop.store.database import Database
from csm_desktop.store.models import (
    Account,
    AccountMilestone,
    MilestoneTemplate,
    Playbook,
)
from csm_desktop.store.queries.playbooks import (
    accounts_behind,
    accounts_with_ladders,
)


def accounts_on_older_versions(database: Database, playbook_id: int) -> list[AccountOnVersion]:
    """Accounts on an older version of this playbook, by name."""
    with database.session() as session:
        playbook = PlaybookRules(session).get(playbook_id)
        rows = accounts_behind(session, playbook.name, playbook.version)
        return [AccountOnVersion(*row) for row in rows]


def _match(
    milestones: Sequence[AccountMilestone], template: MilestoneTemplate
) -> AccountMilestone | None:
    """The account milestone that came from ``template`` or from a template it was copied from."""
    for milestone in milestones:
        if milestone.template_id == template.id:
            return milestone
    for milestone in milestones:
        if milestone.template is not None and lineage_of(milestone.template.key) == lineage_of(
            template.key
        ):
            return milestone
    for milestone in milestones:
        if milestone.template is None and (
            milestone.title.casefold(),
            milestone.role_id,
        ) == (template.title.casefold(), template.role_id):
            return milestone
    return None


def _refresh(
    milestone: AccountMilestone, template: MilestoneTemplate, kickoff: dt.date | None
) -> list[str]:
    """Bring an open milestone's snapshot up to the template; returns what changed."""
    changes = []
    if milestone.title != template.title:
        changes.append(f"title “{milestone.title}” → “{template.title}”")
        milestone.title = template.title
    if milestone.role_id != template.role_id:
        changes.append(f"role → {template.role.name}")
        milestone.role_id = template.role_id
    if milestone.target_day != template.target_day:
        shift = dt.timedelta(days=template.target_day - milestone.target_day)
        old_due = milestone.due_on
        if old_due is not None:
            milestone.due_on = old_due + shift
        elif kickoff is not None:
            milestone.due_on = due_date(kickoff, template.target_day)
        changes.append(
            f"target day {milestone.target_day} → {template.target_day}, due "
            f"{old_due.isoformat() if old_due else '—'} → "
            f"{milestone.due_on.isoformat() if milestone.due_on else '—'}"
        )
        milestone.target_day = template.target_day
    if milestone.definition_of_done != template.definition_of_done:
        changes.append("definition of done")
        milestone.definition_of_done = template.definition_of_done
    old_criterion = (
        milestone.success_feature,
        milestone.success_threshold,
        milestone.success_window_days,
    )
    new_criterion = (
        template.success_feature,
        template.success_threshold,
        template.success_window_days,
    )
    if old_criterion != new_criterion:
        changes.append("success criterion")
        (
            milestone.success_feature,
            milestone.success_threshold,
            milestone.success_window_days,
        ) = new_criterion
        milestone.criterion_met_on = None  # judged again once the whole rollout is applied
    for name, label in (("cue", "cue"), ("unlocks", "unlocks"), ("first_value", "first value")):
        if getattr(milestone, name) != getattr(template, name):
            changes.append(label)
            setattr(milestone, name, getattr(template, name))
    milestone.template_id = template.id
    return changes


def _apply_one(account: Account, playbook: Playbook) -> AccountUpdate:
    assert account.playbook is not None
    kickoff = reference_date(account.kickoff_on, account.signed_on)
    update = AccountUpdate(account.id, account.name, account.playbook.version, playbook.version)
    added: list[str] = []
    updated: list[str] = []
    kept: list[str] = []
    new_templates = []
    for step in playbook.steps:
        template = step.template
        milestone = _match(account.milestones, template)
        if milestone is None:
            new_templates.append(template)
            continue
        if not Status(milestone.status).is_open:
            if _step_differs(milestone, template):
                kept.append(f"“{milestone.title}” as {milestone.status} (history is not rewritten)")
            continue
        changes = _refresh(milestone, template, kickoff)
        if changes:
            updated.append(f"“{template.title}”: {'; '.join(changes)}")
    if new_templates and kickoff is None:
        raise BadInput(
            f"{account.name} has no kickoff or signed-on date; set one before applying "
            f"{playbook.name} v{playbook.version}."
        )
    position = max((m.position for m in account.milestones), default=0)
    for template in new_templates:
        assert kickoff is not None
        position += 1
        milestone = snapshot(template, kickoff, position)
        account.milestones.append(milestone)
        added.append(f"“{template.title}” due {milestone.due_on}")
    account.playbook = playbook
    return replace(update, added=tuple(added), updated=tuple(updated), kept=tuple(kept))


def _step_differs(milestone: AccountMilestone, template: MilestoneTemplate) -> bool:
    return (
        milestone.title,
        milestone.target_day,
        milestone.definition_of_done,
        milestone.success_feature,
        milestone.success_threshold,
        milestone.success_window_days,
    ) != (
        template.title,
        template.target_day,
        template.definition_of_done,
        template.success_feature,
        template.success_threshold,
        template.success_window_days,
    )


def apply_to_accounts(
    database: Database,
    playbook_id: int,
    account_ids: Sequence[int],
    *,
    dry_run: bool = False,
    progress: Progress = NO_PROGRESS,
) -> list[AccountUpdate]:
    """Move the chosen accounts (on older versions of this playbook) to this version, in
    one transaction: all of them or, on an error or Cancel, none.

    With ``dry_run`` nothing is stored: the result is the preview the dialog shows. A few
    thousand accounts take seconds, so the window runs this in a worker; ``progress``
    hears each step and may cancel until the commit.
    """
    with database.session() as session:
        book = PlaybookRules(session)
        playbook = book.get(playbook_id)

        def step(done: int, text: str) -> None:
            if progress.cancelled:
                raise Cancelled(
                    f"Applying {playbook.name} v{playbook.version} cancelled; "
                    "no account was changed."
                )
            progress(done, len(account_ids) + 2, text)

        step(0, "Reading the accounts' ladders")
        accounts = accounts_with_ladders(session, account_ids)
        updates = []
        for done, account in enumerate(accounts, start=1):
            if account.playbook is None or account.playbook.name != playbook.name:
                raise BadInput(
                    f"{account.name} is not on a version of {playbook.name}; "
                    "apply only to accounts listed in the dialog."
                )
            if account.playbook.version >= playbook.version:
                raise BadInput(
                    f"{account.name} is already on {playbook.name} v{account.playbook.version}."
                )
            updates.append(_apply_one(account, playbook))
            if done % 100 == 0:
                step(done, f"Updating {account.name}")
        session.flush()
        if dry_run:
            session.rollback()
        else:  # a changed criterion is judged again against the usage already stored
            step(len(accounts), "Judging the usage evidence again")
            refresh_usage_evidence(session, [account.id for account in accounts])
            step(len(account_ids) + 1, "Saving")
        return updates
