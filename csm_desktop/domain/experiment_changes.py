"""What an experiment arm changes besides the order of milestones (issue #18).

The onboarding method A/B-tests "the sequencing, messaging, and timing of milestones …
different nudges, or alternate success criteria". An arm (variant) is of one kind:

- ``order``: its own order of the ladder (the first round's experiments);
- ``message``: another text for one milestone's nudge (in-app and/or e-mail); the Today list
  offers that text to the arm's accounts;
- ``timing``: the target days of some (or all) milestones scaled and/or shifted;
- ``criterion``: another usage threshold and/or window for one milestone's success criterion.

A change is stored as JSON on the variant (``Variant.change``); this module parses, checks
and describes it, and holds the arithmetic of a timing change. Pure: no Qt, no SQL.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class VariantKind(StrEnum):
    ORDER = "order"
    MESSAGE = "message"
    TIMING = "timing"
    CRITERION = "criterion"


class BadChange(ValueError):
    """A variant change that cannot be used; the message says what to fix."""


@dataclass(frozen=True, slots=True)
class MessageChange:
    """Another nudge text for the milestone made from template ``template``."""

    template: str
    in_app: str = ""
    email_subject: str = ""
    email_body: str = ""


@dataclass(frozen=True, slots=True)
class TimingChange:
    """New target day = round(old × scale) + shift_days, never below 0, for the milestones
    of the listed templates (all milestones when none are listed)."""

    scale: float = 1.0
    shift_days: int = 0
    templates: tuple[str, ...] = ()

    def target_day(self, old: int) -> int:
        # Round half up, so 0.5 days is a whole day (Python's round() would go to even).
        return max(0, math.floor(old * self.scale + 0.5) + self.shift_days)

    def applies_to(self, template: str | None) -> bool:
        return not self.templates or template in self.templates


@dataclass(frozen=True, slots=True)
class CriterionChange:
    """Another usage criterion for the milestone made from template ``template``: the
    threshold and/or window replaced (None keeps the template's own)."""

    template: str
    threshold: int | None = None
    window_days: int | None = None


Change = MessageChange | TimingChange | CriterionChange | None


def check_change(kind: VariantKind, change: Change) -> None:
    """Refuse a change that cannot run: raises ``BadChange`` saying what to fix."""
    if kind is VariantKind.ORDER:
        if change is not None:
            raise BadChange("An ordering variant changes only the order; it takes no change.")
        return
    if kind is VariantKind.MESSAGE:
        if not isinstance(change, MessageChange) or not change.template:
            raise BadChange("A message variant needs the milestone whose nudge it rewrites.")
        if not (change.in_app.strip() or change.email_subject.strip() or change.email_body.strip()):
            raise BadChange("A message variant needs the new text (in-app, e-mail or both).")
        return
    if kind is VariantKind.TIMING:
        if not isinstance(change, TimingChange):
            raise BadChange("A timing variant needs a scale or a shift of the target days.")
        if not 0 < change.scale <= 10:
            raise BadChange(
                f"Scale target days by more than 0 and at most 10 (not {change.scale:g})."
            )
        if abs(change.shift_days) > 365:
            raise BadChange(f"Shift target days by at most a year (not {change.shift_days} days).")
        if change.scale == 1 and change.shift_days == 0:
            raise BadChange("This timing changes nothing: give a scale other than 1 or a shift.")
        return
    if not isinstance(change, CriterionChange) or not change.template:
        raise BadChange("A criterion variant needs the milestone whose criterion it changes.")
    if change.threshold is None and change.window_days is None:
        raise BadChange("A criterion variant needs another threshold, another window, or both.")
    for label, value in (("threshold", change.threshold), ("window", change.window_days)):
        if value is not None and value < 1:
            raise BadChange(f"The criterion's {label} must be at least 1 (not {value}).")


def change_to_json(change: Change) -> str:
    """The text stored in ``Variant.change`` ("" for none)."""
    if change is None:
        return ""
    if isinstance(change, MessageChange):
        data: dict[str, Any] = {
            "template": change.template,
            "in_app": change.in_app,
            "email_subject": change.email_subject,
            "email_body": change.email_body,
        }
    elif isinstance(change, TimingChange):
        data = {
            "scale": change.scale,
            "shift_days": change.shift_days,
            "templates": list(change.templates),
        }
    else:
        data = {
            "template": change.template,
            "threshold": change.threshold,
            "window_days": change.window_days,
        }
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def change_from_json(kind: VariantKind, text: str) -> Change:
    """The change stored for a variant of ``kind``; ``BadChange`` if the text is damaged."""
    if kind is VariantKind.ORDER or not text.strip():
        return None
    try:
        data = json.loads(text)
        if kind is VariantKind.MESSAGE:
            return MessageChange(
                str(data["template"]),
                str(data.get("in_app", "")),
                str(data.get("email_subject", "")),
                str(data.get("email_body", "")),
            )
        if kind is VariantKind.TIMING:
            return TimingChange(
                float(data.get("scale", 1.0)),
                int(data.get("shift_days", 0)),
                tuple(str(t) for t in data.get("templates", [])),
            )
        return CriterionChange(
            str(data["template"]),
            None if data.get("threshold") is None else int(data["threshold"]),
            None if data.get("window_days") is None else int(data["window_days"]),
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BadChange(f"The stored {kind.value} change cannot be read ({exc}).") from None


def describe(kind: VariantKind, change: Change, titles: dict[str, str] | None = None) -> str:
    """One line saying what the arm changes, in a CSM's words."""
    names = titles or {}

    def title(key: str) -> str:
        return f"“{names.get(key, key)}”"

    if kind is VariantKind.ORDER or change is None:
        return "milestone order"
    if isinstance(change, MessageChange):
        channels = [
            name
            for name, text in (
                ("in-app", change.in_app),
                ("e-mail", change.email_subject + change.email_body),
            )
            if text.strip()
        ]
        return f"another {' and '.join(channels)} nudge for {title(change.template)}"
    if isinstance(change, TimingChange):
        parts = []
        if change.scale != 1:
            parts.append(f"target days × {change.scale:g}")
        if change.shift_days:
            parts.append(f"{change.shift_days:+d} days")
        which = (
            ", ".join(title(t) for t in change.templates) if change.templates else "every milestone"
        )
        return f"{' and '.join(parts)} for {which}"
    parts = []
    if change.threshold is not None:
        parts.append(f"threshold {change.threshold}")
    if change.window_days is not None:
        parts.append(f"window {change.window_days} days")
    return f"criterion of {title(change.template)}: {', '.join(parts)}"
