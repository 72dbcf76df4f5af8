"""What changed between two versions of a playbook, in plain language for the version history.

A playbook version is an ordered list of milestone steps. Two versions are compared step by
step: steps are matched by their *lineage* — the template key without the ``@…`` suffix a copy
gets when a shared template is copied for one playbook — so a copied and reworded step shows
as "changed", not as "removed" plus "added". Moves are the steps outside the longest common
order of the matched steps, so dragging one step reports one move, not every step it passed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, fields

from csm_desktop.domain.vocabulary import phase_of_day

# A copy of a shared template is keyed "<original key>@<playbook> v<version>".
COPY_MARK = "@"
# Values longer than this are reported as "reworded" rather than quoted in full.
QUOTE_LIMIT = 60


def lineage_of(key: str) -> str:
    """The key of the template a step descends from (a copy shares its original's lineage)."""
    return key.split(COPY_MARK, 1)[0]


def copy_key(key: str, playbook: str, version: int) -> str:
    """The key of a copy of template ``key`` made for one playbook version."""
    return f"{lineage_of(key)}{COPY_MARK}{playbook} v{version}"


@dataclass(frozen=True, slots=True)
class StepSnapshot:
    """One step of a playbook version with every field a CSM can edit."""

    key: str
    title: str
    role: str
    target_day: int
    purpose: str = ""
    expected_actions: str = ""
    risks: str = ""
    unlocks: str | None = None
    cue: str = ""
    definition_of_done: str = ""
    success_feature: str | None = None
    success_threshold: int | None = None
    success_window_days: int | None = None
    first_value: bool = False
    message_in_app: str = ""
    message_email_subject: str = ""
    message_email_body: str = ""
    help_article: str = ""
    story_example: str = ""

    @property
    def lineage(self) -> str:
        return lineage_of(self.key)

    @property
    def criterion(self) -> str | None:
        """The usage success criterion in words, or None when the step has none."""
        if not self.success_feature:
            return None
        return (
            f"{self.success_feature} ≥ {self.success_threshold} in {self.success_window_days} days"
        )


# Field labels in the CSM's words, in the order the history lists them. The three criterion
# fields are compared together as one "success criterion".
FIELD_LABELS: dict[str, str] = {
    "title": "title",
    "role": "role",
    "target_day": "target day",
    "first_value": "first-value flag",
    "purpose": "purpose",
    "expected_actions": "expected actions",
    "risks": "risks",
    "unlocks": "unlocked capability",
    "cue": "instructional cue",
    "definition_of_done": "definition of done",
    "criterion": "success criterion",
    "message_in_app": "in-app message",
    "message_email_subject": "e-mail subject",
    "message_email_body": "e-mail body",
    "help_article": "help-centre article",
    "story_example": "customer story",
}
_CRITERION_FIELDS = {"success_feature", "success_threshold", "success_window_days"}
_COMPARED = [f.name for f in fields(StepSnapshot) if f.name not in {"key", *_CRITERION_FIELDS}]


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str  # a FIELD_LABELS key
    before: object
    after: object


@dataclass(frozen=True, slots=True)
class StepChange:
    title: str  # the step's title in the newer version
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True, slots=True)
class StepMove:
    title: str
    from_position: int  # 1-based, in the older version
    to_position: int  # 1-based, in the newer version


@dataclass(frozen=True, slots=True)
class VersionNote:
    """One version in a playbook's history: when, why, and what changed from the one before."""

    version: int
    created_on: dt.date | None
    change_note: str
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PlaybookDiff:
    added: tuple[StepSnapshot, ...]
    removed: tuple[StepSnapshot, ...]
    moved: tuple[StepMove, ...]
    changed: tuple[StepChange, ...]

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.moved or self.changed)


def _value(step: StepSnapshot, name: str) -> object:
    return step.criterion if name == "criterion" else getattr(step, name)


def field_changes(old: StepSnapshot, new: StepSnapshot) -> tuple[FieldChange, ...]:
    """The fields of one step that differ, in ``FIELD_LABELS`` order."""
    names = [n for n in FIELD_LABELS if n == "criterion" or n in _COMPARED]
    return tuple(
        FieldChange(name, _value(old, name), _value(new, name))
        for name in names
        if _value(old, name) != _value(new, name)
    )


def _longest_common_order(old: Sequence[str], new: Sequence[str]) -> set[str]:
    """Lineages forming the longest subsequence common to both orders (ties: earliest)."""
    rows, cols = len(old), len(new)
    table = [[0] * (cols + 1) for _ in range(rows + 1)]
    for i in range(rows - 1, -1, -1):
        for j in range(cols - 1, -1, -1):
            if old[i] == new[j]:
                table[i][j] = table[i + 1][j + 1] + 1
            else:
                table[i][j] = max(table[i + 1][j], table[i][j + 1])
    kept: set[str] = set()
    i = j = 0
    while i < rows and j < cols:
        if old[i] == new[j]:
            kept.add(old[i])
            i += 1
            j += 1
        elif table[i + 1][j] >= table[i][j + 1]:
            i += 1
        else:
            j += 1
    return kept


def diff_steps(old: Sequence[StepSnapshot], new: Sequence[StepSnapshot]) -> PlaybookDiff:
    """Steps added, removed, moved and changed going from ``old`` to ``new``."""
    old_by = {s.lineage: (i, s) for i, s in enumerate(old)}
    new_by = {s.lineage: (i, s) for i, s in enumerate(new)}
    added = tuple(s for s in new if s.lineage not in old_by)
    removed = tuple(s for s in old if s.lineage not in new_by)
    common_old = [s.lineage for s in old if s.lineage in new_by]
    common_new = [s.lineage for s in new if s.lineage in old_by]
    in_order = _longest_common_order(common_old, common_new)
    moved = tuple(
        StepMove(s.title, old_by[s.lineage][0] + 1, i + 1)
        for i, s in enumerate(new)
        if s.lineage in old_by and s.lineage not in in_order
    )
    changed = tuple(
        StepChange(s.title, changes)
        for s in new
        if s.lineage in old_by and (changes := field_changes(old_by[s.lineage][1], s))
    )
    return PlaybookDiff(added, removed, moved, changed)


def _quoted(value: object) -> str:
    if value is None or value == "":
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"“{value}”" if isinstance(value, str) else str(value)


def describe_change(change: FieldChange) -> str:
    """One field change as a CSM reads it: ``target day 7 → 10``, ``purpose reworded``."""
    label = FIELD_LABELS[change.field]
    before, after = change.before, change.after
    if change.field == "first_value":
        return "now the first-value milestone" if after else "no longer the first-value milestone"
    if change.field == "target_day" and isinstance(before, int) and isinstance(after, int):
        phase = ""
        if phase_of_day(before) is not phase_of_day(after):
            phase = f" (phase {phase_of_day(before).value} → {phase_of_day(after).value})"
        return f"{label} {before} → {after}{phase}"
    longest = max(len(str(before or "")), len(str(after or "")))
    if longest > QUOTE_LIMIT or "\n" in f"{before or ''}{after or ''}":
        if not before:
            return f"{label} written"
        if not after:
            return f"{label} removed"
        return f"{label} reworded"
    return f"{label} {_quoted(before)} → {_quoted(after)}"


def describe(diff: PlaybookDiff) -> list[str]:
    """The diff as plain-language lines, one per added, removed, moved or changed step."""
    lines = [f"Added “{s.title}” ({s.role}, day {s.target_day})." for s in diff.added]
    lines += [f"Removed “{s.title}” ({s.role})." for s in diff.removed]
    lines += [
        f"Moved “{m.title}” from position {m.from_position} to {m.to_position}." for m in diff.moved
    ]
    lines += [
        f"Changed “{c.title}”: {'; '.join(describe_change(f) for f in c.changes)}."
        for c in diff.changed
    ]
    return lines or ["No changes to the milestones."]
