"""The words of the product as enums: statuses, phases, health, channels, directions."""

from enum import StrEnum


class Status(StrEnum):
    """Status of an account milestone (DESIGN §2)."""

    NOT_STARTED = "not started"
    IN_PROGRESS = "in progress"
    ACHIEVED = "achieved"
    BLOCKED = "blocked"
    SKIPPED = "skipped"

    @property
    def is_open(self) -> bool:
        """Still to be done: neither achieved nor skipped."""
        return self not in _CLOSED

    @property
    def needs_reason(self) -> bool:
        return self in (Status.BLOCKED, Status.SKIPPED)


_CLOSED = (Status.ACHIEVED, Status.SKIPPED)
"""Worked out once: on Python 3.11 reading a member off its enum class costs ~0.3 µs, and
``is_open`` is asked of every milestone a big book's Today or metrics read (issue 17)."""


class Phase(StrEnum):
    """Phase of the first 90 days, from a milestone's target day."""

    EARLY = "early"
    MID = "mid"
    LATE = "late"
    BEYOND = "beyond 90"


def phase_of_day(target_day: int) -> Phase:
    """Early 0–30, mid 31–60, late 61–90 (bounds inclusive), beyond after day 90."""
    if target_day <= 30:
        return Phase.EARLY
    if target_day <= 60:
        return Phase.MID
    if target_day <= 90:
        return Phase.LATE
    return Phase.BEYOND


class Health(StrEnum):
    ON_TRACK = "on track"
    AT_RISK = "at risk"
    OFF_TRACK = "off track"


class Direction(StrEnum):
    """Which way a value metric improves."""

    HIGHER = "higher"
    LOWER = "lower"


class Channel(StrEnum):
    IN_APP = "in-app"
    EMAIL = "e-mail"
    CALL = "call"
    MEETING = "meeting"


class Evidence(StrEnum):
    MANUAL = "manual"
    USAGE = "usage"


SEEDED_ROLES: tuple[tuple[str, str], ...] = (
    ("Administrator", "Governance and integration readiness"),
    ("Power user", "Automation and advanced configuration"),
    ("Operator", "Reliability and operational dashboards"),
)

SEGMENTS: tuple[str, ...] = ("SMB", "Mid-market", "Enterprise")
