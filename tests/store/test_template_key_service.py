"""The editor's new milestones are keyed by the one rule (domain.playbook_keys.template_key).

An empty book; playbook "Pilot" v1; two new milestones "Café set-up!" for the Administrator:
keys "administrator-cafe-set-up" and then (taken) "administrator-cafe-set-up-2".
"""

from __future__ import annotations

import datetime as dt

from csm_desktop.services.playbook_edits import create_playbook, new_milestone
from csm_desktop.store.database import Database
from csm_desktop.store.models import MilestoneTemplate


def test_new_milestones_get_folded_unique_keys(book: Database) -> None:
    playbook = create_playbook(book, "Pilot", today=dt.date(2026, 3, 1))
    first = new_milestone(book, playbook, "Café set-up!", "Administrator", 7)
    second = new_milestone(book, playbook, "Café set-up!", "Administrator", 9)
    with book.session() as session:
        templates = [session.get(MilestoneTemplate, i) for i in (first, second)]
        keys = [t.key for t in templates if t is not None]
    assert keys == ["administrator-cafe-set-up", "administrator-cafe-set-up-2"]
