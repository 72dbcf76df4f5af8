"""The living playbook: create, edit, version, and roll playbooks out to accounts.

Versioning rules (DESIGN §2: a playbook is named and versioned; account milestones are
snapshots):

- A version is *locked* when it is not the newest version of its name, when an account is
  on it, or when an experiment variant uses it. A locked version's ladder and texts never
  change, so older versions stay readable exactly as they were; "New version…" copies its
  steps into version + 1 with a change note, and that copy is what the CSM edits.
- Templates are modules shared by every playbook version that includes them. Saving a
  template that another playbook also uses needs a choice (``Scope``): ``EVERY_PLAYBOOK``
  changes it for every editable playbook that uses it, ``THIS_PLAYBOOK`` makes a copy (key
  ``<key>@<playbook> v<version>``) for this version only. Whenever a locked version uses the
  template, the edit goes to a copy and the locked version keeps the original (copy on write).
- Editing a playbook never touches an account. ``apply_to_accounts`` moves chosen accounts to
  a newer version: it adds the new milestones and refreshes the snapshot of *open* ones
  (title, role, target day and due date, definition of done, criterion, cue, unlocks,
  first-value flag); achieved and skipped milestones are history and stay as they are.

Every function takes the ``Database`` and returns plain frozen dataclasses or ids.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from csm_desktop.domain.ladder import due_date, reference_date
from csm_desktop.domain.playbook_diff import (
    StepSnapshot,
    VersionNote,
    copy_key,
    describe,
    diff_steps,
    lineage_of,
)
from csm_desktop.domain.vocabulary import Phase, Status, phase_of_day
from csm_desktop.errors import BadInput, UserError
from csm_desktop.safe_output import write_output_file
from csm_desktop.services.evidence import refresh_usage_evidence
from csm_desktop.services.ladder import snapshot
from csm_desktop.store.database import Database
from csm_desktop.store.models import (
    Account,
    AccountMilestone,
    MilestoneTemplate,
    Playbook,
    PlaybookStep,
    Role,
    Variant,
)

MAX_TARGET_DAY = 365


class PlaybookLocked(UserError):
    """The version is history (older, or accounts are on it); a new version is needed."""


class TemplateShared(UserError):
    """The template is in other playbooks too; the caller must choose a ``Scope``."""

    def __init__(self, message: str, playbooks: Sequence[str]) -> None:
        super().__init__(message)
        self.playbooks = tuple(playbooks)


class Scope(Enum):
    """Where a template edit goes when other playbooks share the template."""

    EVERY_PLAYBOOK = "every playbook"
    THIS_PLAYBOOK = "this playbook"


@dataclass(frozen=True, slots=True)
class PlaybookSummary:
    id: int
    name: str
    version: int
    segment: str | None
    industry: str | None
    description: str
    change_note: str
    created_on: dt.date | None
    step_count: int
    account_count: int
    is_latest: bool
    locked_reason: str | None  # why it cannot be edited, or None when it can

    @property
    def locked(self) -> bool:
        return self.locked_reason is not None

    @property
    def label(self) -> str:
        return f"{self.name} v{self.version}"


@dataclass(frozen=True, slots=True)
class TemplateDetail:
    """One milestone template: its id, every editable field, and where else it is used."""

    id: int
    step: StepSnapshot
    used_in: tuple[str, ...] = ()  # "Enterprise v1", ... (every version that includes it)

    @property
    def title(self) -> str:
        return self.step.title

    @property
    def role(self) -> str:
        return self.step.role

    @property
    def target_day(self) -> int:
        return self.step.target_day

    @property
    def phase(self) -> Phase:
        return phase_of_day(self.step.target_day)


@dataclass(frozen=True, slots=True)
class PlaybookDetail:
    summary: PlaybookSummary
    steps: tuple[TemplateDetail, ...]  # in ladder order


@dataclass(frozen=True, slots=True)
class TemplateSharing:
    """Who else uses a template, for the "edit for all / make a copy" question."""

    other_playbooks: tuple[str, ...]  # versions of other playbooks that include it
    locked: tuple[str, ...]  # versions (any name) that will keep the old text regardless


@dataclass(frozen=True, slots=True)
class TemplateSaved:
    template_id: int  # the template now in the playbook (a new id when a copy was made)
    copied: bool
    changed_in: tuple[str, ...]  # playbook versions that show the new text


@dataclass(frozen=True, slots=True)
class AccountOnVersion:
    account_id: int
    name: str
    version: int


@dataclass(frozen=True, slots=True)
class AccountUpdate:
    """What applying a newer version did (or would do) to one account."""

    account_id: int
    account: str
    from_version: int
    to_version: int
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()  # achieved/skipped milestones left as history

    @property
    def lines(self) -> list[str]:
        return [
            *(f"Add {text}" for text in self.added),
            *(f"Update {text}" for text in self.updated),
            *(f"Keep {text}" for text in self.kept),
        ] or ["Only the version number changes."]


# --- reading -------------------------------------------------------------------------------


def _step_of(template: MilestoneTemplate) -> StepSnapshot:
    return StepSnapshot(
        key=template.key,
        title=template.title,
        role=template.role.name,
        target_day=template.target_day,
        purpose=template.purpose,
        expected_actions=template.expected_actions,
        risks=template.risks,
        unlocks=template.unlocks,
        cue=template.cue,
        definition_of_done=template.definition_of_done,
        success_feature=template.success_feature,
        success_threshold=template.success_threshold,
        success_window_days=template.success_window_days,
        first_value=template.first_value,
        message_in_app=template.message_in_app,
        message_email_subject=template.message_email_subject,
        message_email_body=template.message_email_body,
        help_article=template.help_article,
        story_example=template.story_example,
    )


class _Book:
    """Facts about every playbook version, loaded once per service call."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.playbooks = list(
            session.scalars(
                select(Playbook)
                .options(
                    selectinload(Playbook.steps)
                    .selectinload(PlaybookStep.template)
                    .selectinload(MilestoneTemplate.role)
                )
                .order_by(Playbook.name, Playbook.version)
            )
        )
        self.accounts: Counter[int] = Counter(
            dict(
                session.execute(  # type: ignore[arg-type]
                    select(Account.playbook_id, func.count())
                    .where(Account.playbook_id.is_not(None))
                    .group_by(Account.playbook_id)
                ).all()
            )
        )
        self.experiments = {
            row[0]: row[1]
            for row in session.execute(
                select(Variant.playbook_id, Variant.name).where(Variant.playbook_id.is_not(None))
            )
        }
        self.latest: dict[str, int] = {}
        for playbook in self.playbooks:
            self.latest[playbook.name] = max(self.latest.get(playbook.name, 0), playbook.version)

    def get(self, playbook_id: int) -> Playbook:
        for playbook in self.playbooks:
            if playbook.id == playbook_id:
                return playbook
        raise BadInput(f"Playbook #{playbook_id} no longer exists; refresh the playbook list.")

    def lock_reason(self, playbook: Playbook) -> str | None:
        label = f"{playbook.name} v{playbook.version}"
        if playbook.version < self.latest[playbook.name]:
            return (
                f"{label} is an older version and stays as it was; "
                f"edit {playbook.name} v{self.latest[playbook.name]}."
            )
        if count := self.accounts[playbook.id]:
            accounts = "1 account is" if count == 1 else f"{count} accounts are"
            return f"{accounts} on {label}; create a new version to change its milestones."
        if playbook.id in self.experiments:
            return (
                f"{label} is part of the experiment variant “{self.experiments[playbook.id]}”; "
                "create a new version to change its milestones."
            )
        return None

    def require_editable(self, playbook_id: int) -> Playbook:
        playbook = self.get(playbook_id)
        reason = self.lock_reason(playbook)
        if reason is not None:
            raise PlaybookLocked(reason)
        return playbook

    def users_of(self, template_id: int) -> list[Playbook]:
        return [p for p in self.playbooks if any(s.template_id == template_id for s in p.steps)]

    def summary(self, playbook: Playbook) -> PlaybookSummary:
        return PlaybookSummary(
            id=playbook.id,
            name=playbook.name,
            version=playbook.version,
            segment=playbook.segment,
            industry=playbook.industry,
            description=playbook.description,
            change_note=playbook.change_note,
            created_on=playbook.created_on,
            step_count=len(playbook.steps),
            account_count=self.accounts[playbook.id],
            is_latest=playbook.version == self.latest[playbook.name],
            locked_reason=self.lock_reason(playbook),
        )

    def detail(self, template: MilestoneTemplate) -> TemplateDetail:
        used_in = tuple(f"{p.name} v{p.version}" for p in self.users_of(template.id))
        return TemplateDetail(template.id, _step_of(template), used_in)


def list_playbooks(database: Database) -> list[PlaybookSummary]:
    """Every playbook version, by name then version."""
    with database.session() as session:
        book = _Book(session)
        return [book.summary(p) for p in book.playbooks if not p.archived]


def find_playbook(database: Database, name: str, version: int | None = None) -> PlaybookSummary:
    """A playbook by name (ignoring case and surrounding space): ``version``, else the newest."""
    wanted = name.strip().casefold()
    versions = [s for s in list_playbooks(database) if s.name.strip().casefold() == wanted]
    if version is not None:
        versions = [s for s in versions if s.version == version]
    if not versions:
        known = sorted({s.label for s in list_playbooks(database)})
        which = f"{name.strip()} v{version}" if version is not None else name.strip()
        raise BadInput(f"There is no playbook “{which}”. Known: {', '.join(known) or 'none'}.")
    return versions[-1]


def playbook_detail(database: Database, playbook_id: int) -> PlaybookDetail:
    """One version with its steps in ladder order."""
    with database.session() as session:
        book = _Book(session)
        playbook = book.get(playbook_id)
        steps = tuple(book.detail(step.template) for step in playbook.steps)
        return PlaybookDetail(book.summary(playbook), steps)


def role_names(database: Database) -> list[str]:
    """The roles a milestone can be for, in their display order."""
    with database.session() as session:
        return list(session.scalars(select(Role.name).order_by(Role.position, Role.id)))


def templates_for_reuse(database: Database, playbook_id: int) -> list[TemplateDetail]:
    """Templates this version could add: those of other current playbooks, and unused ones.

    Templates only older versions still hold (originals of copies) are history, not offered.
    """
    with database.session() as session:
        book = _Book(session)
        playbook = book.get(playbook_id)
        inside = {s.template_id for s in playbook.steps}
        templates = session.scalars(
            select(MilestoneTemplate).options(selectinload(MilestoneTemplate.role))
        )
        offered = []
        for template in templates:
            if template.id in inside:
                continue
            users = book.users_of(template.id)
            if users and all(p.version < book.latest[p.name] for p in users):
                continue
            offered.append(book.detail(template))
        return sorted(offered, key=lambda t: (t.target_day, t.title.casefold()))


def template_sharing(database: Database, playbook_id: int, template_id: int) -> TemplateSharing:
    """Which other playbooks include the template, and which versions keep the old text."""
    with database.session() as session:
        book = _Book(session)
        playbook = book.get(playbook_id)
        users = [p for p in book.users_of(template_id) if p.id != playbook.id]
        return TemplateSharing(
            other_playbooks=tuple(
                f"{p.name} v{p.version}" for p in users if p.name != playbook.name
            ),
            locked=tuple(f"{p.name} v{p.version}" for p in users if book.lock_reason(p)),
        )


# --- creating and versioning -------------------------------------------------------------


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
        if session.scalar(select(Playbook.id).where(Playbook.name == name).limit(1)):
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
        book = _Book(session)
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
        book = _Book(session)
        versions = [p for p in book.playbooks if p.name == name]
        if not versions:
            raise BadInput(f"There is no playbook named “{name}”.")
        notes = []
        previous: list[StepSnapshot] | None = None
        for playbook in versions:
            steps = [_step_of(s.template) for s in playbook.steps]
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
        playbook = _Book(session).require_editable(playbook_id)
        by_template = {step.template_id: step for step in playbook.steps}
        if sorted(template_ids) != sorted(by_template):
            raise BadInput("The new order does not hold the playbook's milestones; refresh it.")
        for position, template_id in enumerate(template_ids, start=1):
            by_template[template_id].position = position


def add_template(database: Database, playbook_id: int, template_id: int) -> None:
    """Include an existing template (a shared module) in this version, placed by target day."""
    with database.session() as session:
        playbook = _Book(session).require_editable(playbook_id)
        if any(step.template_id == template_id for step in playbook.steps):
            raise BadInput("That milestone is already in this playbook.")
        template = session.get(MilestoneTemplate, template_id)
        if template is None:
            raise BadInput("That milestone template no longer exists; refresh the list.")
        steps = list(playbook.steps)
        steps.insert(
            _position_by_day(playbook, template.target_day),
            PlaybookStep(template=template, position=0),
        )
        playbook.steps = steps
        _renumber(steps)


def _unique_key(session: Session, wanted: str) -> str:
    keys = set(session.scalars(select(MilestoneTemplate.key)))
    key, n = wanted, 2
    while key in keys:
        key, n = f"{wanted}-{n}", n + 1
    return key


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:40] or "milestone"


def _role(session: Session, name: str) -> Role:
    role = session.scalar(select(Role).where(Role.name == name))
    if role is None:
        raise BadInput(f"There is no role “{name}”; choose one of the listed roles.")
    return role


def new_milestone(
    database: Database, playbook_id: int, title: str, role: str, target_day: int
) -> int:
    """A new template only this version uses, placed by target day; returns its id."""
    step = _checked(StepSnapshot(key="", title=title, role=role, target_day=target_day))
    with database.session() as session:
        playbook = _Book(session).require_editable(playbook_id)
        template = MilestoneTemplate(
            key=_unique_key(session, f"{_slug(role)}-{_slug(title)}"),
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
        playbook = _Book(session).require_editable(playbook_id)
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
        book = _Book(session)
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
                key=_unique_key(session, copy_key(template.key, playbook.name, playbook.version))
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


# --- rolling a version out to accounts ----------------------------------------------------


def accounts_on_older_versions(database: Database, playbook_id: int) -> list[AccountOnVersion]:
    """Accounts on an older version of this playbook, by name."""
    with database.session() as session:
        playbook = _Book(session).get(playbook_id)
        rows = session.execute(
            select(Account.id, Account.name, Playbook.version)
            .join(Playbook, Account.playbook_id == Playbook.id)
            .where(Playbook.name == playbook.name, Playbook.version < playbook.version)
            .where(Account.archived.is_(False))
            .order_by(Account.name)
        )
        return [AccountOnVersion(row[0], row[1], row[2]) for row in rows]


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
    database: Database, playbook_id: int, account_ids: Sequence[int], *, dry_run: bool = False
) -> list[AccountUpdate]:
    """Move the chosen accounts (on older versions of this playbook) to this version.

    With ``dry_run`` nothing is stored: the result is the preview the dialog shows.
    """
    with database.session() as session:
        book = _Book(session)
        playbook = book.get(playbook_id)
        accounts = list(
            session.scalars(
                select(Account)
                .where(Account.id.in_(account_ids))
                .options(
                    selectinload(Account.milestones).selectinload(AccountMilestone.template),
                    selectinload(Account.playbook),
                )
                .order_by(Account.name)
            )
        )
        updates = []
        for account in accounts:
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
        session.flush()
        if dry_run:
            session.rollback()
        else:  # a changed criterion is judged again against the usage already stored
            refresh_usage_evidence(session, [account.id for account in accounts])
        return updates


# --- the playbook as a document ------------------------------------------------------------


def write_playbook_pdf(database: Database, playbook_id: int, path: Path) -> Path:
    """Export one version as a readable PDF with the playbook's version history."""
    from csm_desktop.reports.playbook_doc import PlaybookDocument, build_playbook_pdf

    detail = playbook_detail(database, playbook_id)
    summary = detail.summary
    history = [
        note for note in version_history(database, summary.name) if note.version <= summary.version
    ]
    document = PlaybookDocument(
        name=summary.name,
        version=summary.version,
        segment=summary.segment,
        industry=summary.industry,
        description=summary.description,
        created_on=summary.created_on,
        milestones=tuple(step.step for step in detail.steps),
        history=tuple(history),
    )
    return write_output_file(Path(path), lambda target: build_playbook_pdf(document, target))
