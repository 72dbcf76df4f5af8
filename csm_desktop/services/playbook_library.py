"""Reading playbooks: the plain results every playbook service returns, and the rules of
which version is locked and which templates are shared (see ``services.playbooks``)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from sqlalchemy.orm import Session

from csm_desktop.domain.playbook_diff import StepSnapshot
from csm_desktop.domain.text import name_key
from csm_desktop.domain.vocabulary import Phase, phase_of_day
from csm_desktop.errors import BadInput, UserError
from csm_desktop.store.database import Database
from csm_desktop.store.models import MilestoneTemplate, Playbook
from csm_desktop.store.queries.playbooks import (
    accounts_per_playbook,
    playbooks_in_variants,
    playbooks_with_steps,
    role_names_in_order,
    templates_with_roles,
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


def step_of(template: MilestoneTemplate) -> StepSnapshot:
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


class PlaybookRules:
    """Facts about every playbook version, loaded once per service call."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.playbooks = playbooks_with_steps(session)
        self.accounts: Counter[int] = Counter(accounts_per_playbook(session))
        self.experiments = playbooks_in_variants(session)
        self.latest: dict[str, int] = {}
        for playbook in self.playbooks:
            self.latest[playbook.name] = max(self.latest.get(playbook.name, 0), playbook.version)

    def get(self, playbook_id: int) -> Playbook:
        for playbook in self.playbooks:
            if playbook.id == playbook_id:
                return playbook
        raise BadInput.gone("playbook", playbook_id)

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
        return TemplateDetail(template.id, step_of(template), used_in)


def list_playbooks(database: Database) -> list[PlaybookSummary]:
    """Every playbook version, by name then version."""
    with database.session() as session:
        book = PlaybookRules(session)
        return [book.summary(p) for p in book.playbooks if not p.archived]


def find_playbook(database: Database, name: str, version: int | None = None) -> PlaybookSummary:
    """A playbook by name (ignoring case and surrounding space): ``version``, else the newest."""
    wanted = name_key(name)
    versions = [s for s in list_playbooks(database) if name_key(s.name) == wanted]
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
        book = PlaybookRules(session)
        playbook = book.get(playbook_id)
        steps = tuple(book.detail(step.template) for step in playbook.steps)
        return PlaybookDetail(book.summary(playbook), steps)


def role_names(database: Database) -> list[str]:
    """The roles a milestone can be for, in their display order."""
    with database.session() as session:
        return role_names_in_order(session)


def templates_for_reuse(database: Database, playbook_id: int) -> list[TemplateDetail]:
    """Templates this version could add: those of other current playbooks, and unused ones.

    Templates only older versions still hold (originals of copies) are history, not offered.
    """
    with database.session() as session:
        book = PlaybookRules(session)
        playbook = book.get(playbook_id)
        inside = {s.template_id for s in playbook.steps}
        templates = templates_with_roles(session)
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
        book = PlaybookRules(session)
        playbook = book.get(playbook_id)
        users = [p for p in book.users_of(template_id) if p.id != playbook.id]
        return TemplateSharing(
            other_playbooks=tuple(
                f"{p.name} v{p.version}" for p in users if p.name != playbook.name
            ),
            locked=tuple(f"{p.name} v{p.version}" for p in users if book.lock_reason(p)),
        )
