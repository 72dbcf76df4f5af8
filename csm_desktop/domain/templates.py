"""Message templates with placeholders, filled in for one account and contact.

CSMs write these templates themselves, so rendering never raises: a placeholder the app does
not know (``{budget}``), or one with no value for this account (no Operator contact for
``{contact}``), stays visible in the text exactly as typed and comes back as a warning, so
nothing half-filled goes out unnoticed. ``{{`` and ``}}`` stand for literal braces.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

PLACEHOLDERS: tuple[str, ...] = (
    "account",
    "contact",
    "role",
    "milestone",
    "due_date",
    "unlocks",
    "cue",
    "csm",
    "next_milestone",
    "next_due_date",
)
"""Every placeholder a template may use; the last two serve the "what's next" messages."""

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")
_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


def placeholder_name(raw: str) -> str:
    """The canonical name of a placeholder as typed: ``{ Due date }`` means ``{due_date}``."""
    return "_".join(raw.strip().lower().split())


def letter_date(day: dt.date | None) -> str:
    """A date as a customer reads it in a message, in English: "3 December 2026"."""
    return "" if day is None else f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True, slots=True)
class Rendered:
    """A filled-in text and what the CSM must look at before sending it."""

    text: str
    warnings: tuple[str, ...] = ()


def render(template: str, values: Mapping[str, str | None]) -> Rendered:
    """``template`` with each known placeholder replaced by its value from ``values``.

    Unknown placeholders and known ones whose value is missing or blank are left in the text
    as typed, each with one warning (in order of first appearance).
    """
    warnings: dict[str, None] = {}

    def fill(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        name = placeholder_name(match.group(1))
        if name not in PLACEHOLDERS:
            known = ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)
            warnings.setdefault(
                f"Unknown placeholder {token}: it stays in the text as typed. Known ones: {known}."
            )
            return token
        value = values.get(name)
        if value is None or not value.strip():
            warnings.setdefault(
                f"{{{name}}} has no value for this account: it stays in the text as typed; "
                "fill it in before sending."
            )
            return token
        return value

    return Rendered(_TOKEN.sub(fill, template), tuple(warnings))


@dataclass(frozen=True, slots=True)
class MessageTemplate:
    """The messages of one template: in-app, e-mail subject and body, help-centre link."""

    name: str
    """How a logged touchpoint names it: the milestone template's key or a built-in name."""
    in_app: str = ""
    email_subject: str = ""
    email_body: str = ""
    help_article: str = ""


@dataclass(frozen=True, slots=True)
class RenderedMessage:
    """A ``MessageTemplate`` filled in for one account and contact."""

    name: str
    in_app: Rendered
    email_subject: Rendered
    email_body: Rendered
    help_article: Rendered

    @property
    def warnings(self) -> tuple[str, ...]:
        """Every warning of the four texts, each once."""
        seen: dict[str, None] = {}
        for part in (self.in_app, self.email_subject, self.email_body, self.help_article):
            for warning in part.warnings:
                seen.setdefault(warning, None)
        return tuple(seen)


def render_message(template: MessageTemplate, values: Mapping[str, str | None]) -> RenderedMessage:
    """All four texts of ``template`` filled from ``values``; an empty text stays empty."""

    def part(text: str) -> Rendered:
        return render(text, values) if text else Rendered("")

    return RenderedMessage(
        template.name,
        part(template.in_app),
        part(template.email_subject),
        part(template.email_body),
        part(template.help_article),
    )


NEXT_STEP = MessageTemplate(
    name="Next milestone nudge",
    in_app="Next step for {account}: {milestone}, planned for {due_date}.",
    email_subject="{account}: next step — {milestone}",
    email_body=(
        "Hi {contact},\n\n"
        'The next milestone on your onboarding plan is "{milestone}", planned for '
        "{due_date}. Is there anything I can do to help your team get there?\n\n"
        "Best,\n{csm}"
    ),
)
"""For a milestone whose template has no messages of its own."""

CELEBRATION = MessageTemplate(
    name="Congratulations / what's next",
    in_app="Congratulations, {account}: {milestone} is done! Next up: {next_milestone}.",
    email_subject="{account}: {milestone} is done — what's next",
    email_body=(
        "Hi {contact},\n\n"
        'Congratulations: your team has reached "{milestone}". That is a real step towards '
        "the goals we agreed at kickoff.\n\n"
        'What\'s next: "{next_milestone}", planned for {next_due_date}.\n\n'
        "Best,\n{csm}"
    ),
)
"""Sent when a milestone is achieved (or its usage criterion is met)."""

UNLOCK_NUDGE = MessageTemplate(
    name="Unlocked capability not used yet",
    in_app="{account} unlocked {unlocks} with {milestone}: give it a first try today.",
    email_subject="{account}: getting started with {unlocks}",
    email_body=(
        "Hi {contact},\n\n"
        'Since "{milestone}" your team can use {unlocks}, but nobody has tried it yet. '
        "A first run takes a few minutes.\n\n"
        "Shall we go through it together this week?\n\n"
        "Best,\n{csm}"
    ),
)
"""Sent when what a milestone unlocked is still unused two weeks later."""

RENEWAL_CHECK_IN = MessageTemplate(
    name="Renewal check-in",
    in_app="{account}: let's get the most out of the platform before renewal.",
    email_subject="{account}: onboarding check-in before your renewal",
    email_body=(
        "Hi {contact},\n\n"
        "Your renewal is coming up and part of the onboarding plan is still open. The next "
        'step is "{next_milestone}", planned for {next_due_date}.\n\n'
        "Could we book 30 minutes to plan the remaining steps together?\n\n"
        "Best,\n{csm}"
    ),
)
"""Sent when the renewal is near and the ladder is far from complete."""
