"""The playbook a new account gets when nobody chose one, and the standard playbook itself.

A CSM moving a tracker in has accounts, not ladders; an account without a ladder shows an
empty page and counts for nothing on the dashboard. So an account created without a
playbook gets the book's default: the playbook named in the book settings, else the first
active playbook, else, in a book that has none yet (a new book), the Standard playbook the
app ships (``data/demo_playbooks.json``), added once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from csm_desktop.domain.text import name_key
from csm_desktop.services.book_settings import read_settings
from csm_desktop.store.database import Database
from csm_desktop.store.models import MilestoneTemplate, Playbook, PlaybookStep, Role
from csm_desktop.store.queries.playbooks import (
    active_playbooks_newest_first,
    first_active_playbook_name,
    roles_by_name,
    templates_by_key,
)

STANDARD = "Standard"


def load_shipped_playbooks() -> dict[str, Any]:
    """The shipped templates and playbooks (the demo book uses them too)."""
    import json

    from csm_desktop.paths import data_dir

    with (data_dir() / "demo_playbooks.json").open(encoding="utf-8") as handle:
        content: dict[str, Any] = json.load(handle)
    return content


def add_playbooks(
    session: Session,
    content: dict[str, Any],
    *,
    created_on: dt.date,
    names: Iterable[str] | None = None,
    change_note: str = "First version",
) -> dict[str, Playbook]:
    """Add the ``names`` playbooks of ``content`` (all when None) with their templates, as
    version 1; a template whose key the book already has is reused, not duplicated."""
    wanted = set(names) if names is not None else None
    chosen = [p for p in content["playbooks"] if wanted is None or p["name"] in wanted]
    needed = {key for raw in chosen for key in raw["steps"]}
    if wanted is None:
        needed |= {raw["key"] for raw in content["templates"]}
    roles = roles_by_name(session)
    existing = templates_by_key(session)
    templates: dict[str, MilestoneTemplate] = {}
    for raw in content["templates"]:
        if raw["key"] not in needed:
            continue
        if raw["key"] in existing:
            templates[raw["key"]] = existing[raw["key"]]
            continue
        role = roles.get(raw["role"])
        if role is None:
            role = Role(
                name=raw["role"], position=max((r.position for r in roles.values()), default=0) + 1
            )
            session.add(role)
            roles[role.name] = role
        fields = {k: v for k, v in raw.items() if k != "role"}
        template = MilestoneTemplate(role=role, **fields)
        session.add(template)
        templates[raw["key"]] = template
    playbooks: dict[str, Playbook] = {}
    for raw in chosen:
        playbook = Playbook(
            name=raw["name"],
            version=1,
            segment=raw["segment"],
            description=raw["description"],
            change_note=change_note,
            created_on=created_on,
        )
        playbook.steps = [
            PlaybookStep(template=templates[key], position=position)
            for position, key in enumerate(raw["steps"], start=1)
        ]
        session.add(playbook)
        playbooks[raw["name"]] = playbook
    session.flush()
    return playbooks


def _latest(session: Session, name: str) -> Playbook | None:
    wanted = name_key(name)
    return next(
        (p for p in active_playbooks_newest_first(session) if name_key(p.name) == wanted),
        None,
    )


def default_playbook(session: Session, *, today: dt.date) -> Playbook:
    """The book's default playbook (see the module doc); adds Standard to a book with none."""
    named = read_settings(session).default_playbook.strip()
    if named and (found := _latest(session, named)) is not None:
        return found
    first = first_active_playbook_name(session)
    if first is not None and (found := _latest(session, first)) is not None:
        return found
    added = add_playbooks(
        session,
        load_shipped_playbooks(),
        created_on=today,
        names=[STANDARD],
        change_note="Added as the default playbook of a new book",
    )
    return added[STANDARD]


def choices_with_default(database: Database, *, today: dt.date) -> list[tuple[int, str]]:
    """The New account dialog's playbooks (latest version of each, as "Name v3"), the
    book's default first so it is preselected. A book with no playbook yet gets the
    Standard one here, so a new account never starts with an empty ladder."""
    from csm_desktop.services.account_edits import playbook_choices

    with database.session() as session:
        default_id = default_playbook(session, today=today).id
    choices = playbook_choices(database)
    return sorted(choices, key=lambda choice: choice[0] != default_id)
