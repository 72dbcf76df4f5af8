"""The default playbook's ladder for new accounts a tracker gives none (DESIGN §9), in bulk.

``services.ladder.snapshot`` stays the one rule for what a milestone copies from its template;
here it is applied to many accounts at once and the snapshots are handed back as plain rows
for ``store.queries.book_io`` to insert, so a 5,000-account tracker does not build and flush
60,000 ORM objects one account at a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from csm_desktop.domain.ladder import reference_date
from csm_desktop.services.default_playbook import default_playbook
from csm_desktop.services.ladder import snapshot
from csm_desktop.store.queries.book_io import AccountRef, unsaved_row


@dataclass
class DefaultLadders:
    """The default playbook (id and "Name vN") and the milestone rows of its ladders."""

    playbook_id: int
    label: str
    milestones: list[dict[str, Any]] = field(default_factory=list)
    scheduled: int = 0  # accounts that got a ladder (the others have no date)


def ladder_rows(session: Session, accounts: Sequence[AccountRef], today: dt.date) -> DefaultLadders:
    """The book's default playbook and, for each account with a kickoff or signed-on date,
    its ladder as rows (the accounts have no milestone yet)."""
    playbook = default_playbook(session, today=today)
    found = DefaultLadders(playbook.id, f"{playbook.name} v{playbook.version}")
    templates = [step.template for step in playbook.steps]
    for account in accounts:
        kickoff = reference_date(account.kickoff_on, account.signed_on)
        if kickoff is None:
            continue
        found.scheduled += 1
        for position, template in enumerate(templates, start=1):
            milestone = snapshot(template, kickoff, position)  # transient: never flushed
            found.milestones.append({**unsaved_row(milestone), "account_id": account.id})
    return found
