"""Creating, versioning and editing playbooks and their shared milestone templates.

The locking and copy-on-write rules are described in ``services.playbooks``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import replace

from sqlalchemy.orm import Session

from csm_desktop.domain.playbook_diff import (
    StepSnapshot,
    VersionNote,
    copy_key,
    describe,
    diff_steps,
)
from csm_desktop.domain.playbook_keys import template_key, unique_key
from csm_desktop.errors import BadInput
from csm_desktop.services.playbook_library import (
    MAX_TARGET_DAY,
    PlaybookRules,
    Scope,
    TemplateSaved,
    TemplateShared,
    step_of,
)
from csm_desktop.store.database import Database
from csm_desktop.store.models import (
    MilestoneTemplate,
    Playbook,
    PlaybookStep,
    Role,
)
from csm_desktop.store.queries.playbooks import (
    playbook_name_taken,
    role_named,
    template_keys,
)


def create_playbook(
    database: Database,
    name: str,
    *,
    today: dt.date,
    segment: str | None = None,
    industry: str | None = None,
    description: str = "",
    template_ids: Sequence[int] = (),
) -> int:
    """A new playbook at version 1, optionally made of existing templates (modules reused)."""
    name = name.strip()
    if not name:
        raise BadInput("Give the playbook a name.")
    with database.session() as session:
        if playbook_name_taken(session, name):
            raise BadInput(f"A playbook named “{name}” exists; choose another name.")
        playbook = Playbook(
            name=name,
            version=1,
            segment=segment or None,
            industry=industry or None,
            description=description,
            change_note="First version",
            created_on=today,
        )
        playbook.steps = [
            PlaybookStep(template_id=template_id, position=position)
            for position, template_id in enumerate(template_ids, start=1)
        ]
        session.add(playbook)
        session.flush()
        return playbook.id


def new_version(database: Database, playbook_id: int, change_note: str, *, today: dt.date) -> int:
    """Version + 1 of the playbook, a copy of ``playbook_id``'s steps; returns its id."""
    if not change_note.strip():
        raise BadInput("Write a change note saying why this version exists.")
    with database.session() as session:
        book = PlaybookRules(session)
        base = book.get(playbook_id)
        playbook = Playbook(
            name=base.name,
            version=book.latest[base.name] + 1,
            segment=base.segment,
            industry=base.industry,
            description=base.description,
            change_note=change_note.strip(),
            created_on=today,
        )
        playbook.steps = [
            PlaybookStep(template_id=step.template_id, position=step.position)
            for step in base.steps
        ]
        session.add(playbook)
        session.flush()
        return playbook.id


def version_history(database: Database, name: str) -> list[VersionNote]:
    """Every version of the named playbook, oldest first, with what changed from the one before."""
    with database.session() as session:
        book = PlaybookRules(session)
        versions = [p for p in book.playbooks if p.name == name]
        if not versions:
            raise BadInput(f"There is no playbook named “{name}”.")
        notes = []
        previous: list[StepSnapshot] | None = None
        for playbook in versions:
            steps = [step_of(s.template) for s in playbook.steps]
            lines: tuple[str, ...]
            if previous is None:
                count = "1 milestone" if len(steps) == 1 else f"{len(steps)} milestones"
                lines = (f"First version: {count}.",)
            else:
                lines = tuple(describe(diff_steps(previous, steps)))
            notes.append(
                VersionNote(playbook.version, playbook.created_on, playbook.change_note, lines)
            )
            previous = steps
        return notes


# --- editing the ladder --------------------------------------------------------------------


def _renumber(steps: Iterable[PlaybookStep]) -> None:
    for position, step in enumerate(steps, start=1):
        step.position = position


def _position_by_day(playbook: Playbook, target_day: int) -> int:
    """Index after the last step due on or before ``target_day`` (keeps the ladder by day)."""
    index = 0
    for i, step in enumerate(playbook.steps):
        if step.template.target_day <= target_day:
            index = i + 1
    return index


def reorder_steps(database: Database, playbook_id: int, template_ids: Sequence[int]) -> None:
    """Put the version's steps in the order of ``template_ids`` (the same set of templates)."""
    with database.session() as session:
        playbook = PlaybookRules(session).require_editable(playbook_id)
        by_template = {step.template_id: step for step in playbook.steps}
        if sorted(template_ids) != sorted(by_template):
            raise BadInput("The new order does not hold the playbook's milestones; refresh it.")
        for position, template_id in enumerate(template_ids, start=1):
            by_template[template_id].position = position


def add_template(database: Database, playbook_id: int, template_id: int) -> None:
    """Include an existing template (a shared module) in this version, placed by target day."""
    with database.session() as session:
        playbook = PlaybookRules(session).require_editable(playbook_id)
        if any(step.template_id == template_id for step in playbook.steps):
            raise BadInput("That milestone is already in this playbook.")
        template = session.get(MilestoneTemplate, template_id)
        if template is None:
            raise BadInput.gone("milestone template", template_id)
        steps = list(playbook.steps)
        steps.insert(
            _position_by_day(playbook, template.target_day),
            PlaybookStep(template=template, position=0),
        )
        playbook.steps = steps
        _renumber(steps)


def _role(session: Session, name: str) -> Role:
    role = role_named(session, name)
    if role is None:
        raise BadInput(f"There is no role “{name}”; choose one of the listed roles.")
    return role


def new_milestone(
    database: Database, playbook_id: int, title: str, role: str, target_day: int
) -> int:
    """A new template only this version uses, placed by target day; returns its id."""
    step = _checked(StepSnapshot(key="", title=title, role=role, target_day=target_day))
    with database.session() as session:
        playbook = PlaybookRules(session).require_editable(playbook_id)
        template = MilestoneTemplate(
            key=template_key(role, title, template_keys(session)),
            title=step.title,
            role=_role(session, role),
            target_day=target_day,
        )
        steps = list(playbook.steps)
        steps.insert(
            _position_by_day(playbook, target_day), PlaybookStep(template=template, position=0)
        )
        playbook.steps = steps
        _renumber(steps)
        session.flush()
        return template.id


def remove_step(database: Database, playbook_id: int, template_id: int) -> None:
    """Take a milestone out of this version (the template stays for other playbooks)."""
    with database.session() as session:
        playbook = PlaybookRules(session).require_editable(playbook_id)
        steps = [s for s in playbook.steps if s.template_id != template_id]
        if len(steps) == len(playbook.steps):
            raise BadInput("That milestone is not in this playbook; refresh it.")
        playbook.steps = steps
        session.flush()
        _renumber(steps)


# --- editing a template --------------------------------------------------------------------


def _checked(step: StepSnapshot) -> StepSnapshot:
    """``step`` trimmed, or BadInput naming the field to fix."""
    title = step.title.strip()
    if not title:
        raise BadInput("Give the milestone a title.")
    if not 0 <= step.target_day <= MAX_TARGET_DAY:
        raise BadInput(f"The target day must be between 0 and {MAX_TARGET_DAY}.")
    feature = (step.success_feature or "").strip() or None
    criterion = (feature, step.success_threshold, step.success_window_days)
    if any(v is not None for v in criterion) and any(v is None for v in criterion):
        raise BadInput(
            "Give the success criterion a feature, a threshold and a window, or leave all "
            "three empty."
        )
    if feature is not None and (
        (step.success_threshold or 0) < 1 or (step.success_window_days or 0) < 1
    ):
        raise BadInput("The success threshold and window must be at least 1.")
    return replace(step, title=title, success_feature=feature, unlocks=step.unlocks or None)


def _write(template: MilestoneTemplate, step: StepSnapshot, role: Role) -> None:
    for name in (
        "title", "target_day", "purpose", "expected_actions", "risks", "unlocks", "cue",
        "definition_of_done", "success_feature", "success_threshold", "success_window_days",
        "first_value", "message_in_app", "message_email_subject", "message_email_body",
        "help_article", "story_example",
    ):  # fmt: skip
        setattr(template, name, getattr(step, name))
    template.role = role


def save_template(
    database: Database,
    playbook_id: int,
    template_id: int,
    step: StepSnapshot,
    scope: Scope | None = None,
) -> TemplateSaved:
    """Save the fields of one of this version's templates, honouring the shared-module rule.

    Raises ``TemplateShared`` when another playbook includes the template and no ``scope``
    was chosen. Locked versions that include it keep the old text (the edit goes to a copy).
    """
    step = _checked(step)
    with database.session() as session:
        book = PlaybookRules(session)
        playbook = book.require_editable(playbook_id)
        current = next((s for s in playbook.steps if s.template_id == template_id), None)
        if current is None:
            raise BadInput("That milestone is not in this playbook; refresh it.")
        users = [p for p in book.users_of(template_id) if p.id != playbook.id]
        others = [f"{p.name} v{p.version}" for p in users if p.name != playbook.name]
        if others and scope is None:
            raise TemplateShared(
                f"“{current.template.title}” is also in {', '.join(others)}. Choose whether "
                "to change it there too or to make a copy for this playbook.",
                others,
            )
        targets = [playbook]
        if scope is Scope.EVERY_PLAYBOOK:
            targets += [p for p in users if book.lock_reason(p) is None]
        role = _role(session, step.role)
        template = current.template
        copied = any(p not in targets for p in users)
        if copied:
            template = MilestoneTemplate(
                key=unique_key(
                    copy_key(template.key, playbook.name, playbook.version),
                    template_keys(session),
                )
            )
            session.add(template)
        _write(template, step, role)
        session.flush()
        if copied:
            for target in targets:
                for target_step in target.steps:
                    if target_step.template_id == template_id:
                        target_step.template = template
            session.flush()
        return TemplateSaved(template.id, copied, tuple(f"{p.name} v{p.version}" for p in targets))
