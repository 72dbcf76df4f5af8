"""What needs the CSM today: the rules that turn a book into a ranked list of nudges.

A CSM opening the app in the morning should see what to do next, most urgent first:
overdue milestones, milestones due within a week, usage criteria met but not yet confirmed,
stalled accounts, unlocked capabilities nobody uses, and renewals coming up with the ladder
far from done. The rules read plain facts and ``today`` (never the clock), so the same book
gives the same list in a test. Roles that are behind live here too: they answer the same
question for one account.
"""

from __future__ import annotations

import datetime as dt
import heapq
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from operator import itemgetter
from typing import TypeVar

from csm_desktop.domain.ladder import Milestone, completion, next_open, ratio_done
from csm_desktop.domain.vocabulary import Status

T = TypeVar("T")


class NudgeKind(StrEnum):
    """Why an item is on the Today list; the order is the order of urgency.

    Overdue milestones give one item per account (the first-value one if late, else the
    oldest, with how many more are late), so one stalled account cannot fill the list.
    """

    OVERDUE = "overdue"
    DUE_SOON = "due soon"
    CRITERION_MET = "criterion met"
    STALLED = "stalled"
    UNUSED_UNLOCK = "unlock unused"
    RENEWAL = "renewal"

    @property
    def base_score(self) -> int:
        """Every nudge of a kind outranks every nudge of the kinds after it."""
        return _BASE_SCORES[self]


_BASE_SCORES = {kind: 100 * (len(NudgeKind) - n) for n, kind in enumerate(NudgeKind)}
"""Worked out once: listing the enum for every nudge was a tenth of the Today list's time."""

_OVERDUE, _DUE_SOON, _CRITERION_MET = NudgeKind.OVERDUE, NudgeKind.DUE_SOON, NudgeKind.CRITERION_MET
_STALLED, _UNUSED_UNLOCK, _RENEWAL = NudgeKind.STALLED, NudgeKind.UNUSED_UNLOCK, NudgeKind.RENEWAL
_ACHIEVED, _BLOCKED = Status.ACHIEVED, Status.BLOCKED
"""The members ``account_nudges`` names, read off their enums once: on Python 3.11 each
``NudgeKind.X`` costs ~0.3 µs, per line and per milestone of a 50,000-account book."""


@dataclass(frozen=True, slots=True)
class NudgeRules:
    """The thresholds of the rules; the defaults are the product's."""

    due_soon_days: int = 7
    """Open milestones due today … today + 7 are "due soon"."""
    stalled_days: int = 14
    """An account whose last status change is this many days old (or more) is stalled."""
    unused_unlock_days: int = 14
    """An unlock unused this many days after it happened gets a nudge …"""
    unlock_window_days: int = 30
    """… until the adoption window (U+1 … U+30, DESIGN §3) closes."""
    renewal_days: int = 90
    """Renewals within this many days are checked for completion …"""
    low_completion: float = 0.75
    """… and flagged when the ladder is less complete than this."""
    handled_days: int = 3
    """A nudge whose subject was contacted in the last 3 days (today included) sinks."""


DEFAULT_RULES = NudgeRules()


@dataclass(frozen=True, slots=True)
class LadderCounts:
    """Counts over a whole ladder, for a snapshot that holds only part of it."""

    achieved: int
    counted: int
    """Milestones not skipped (``domain.ladder.completion``'s denominator)."""

    @property
    def completion(self) -> float | None:
        return ratio_done(self.achieved, self.counted)


@dataclass(slots=True)
class AccountSnapshot:
    """One account as the Today rules see it.

    Not frozen, like ``Nudge``: a frozen dataclass sets each field through
    ``object.__setattr__``, a microsecond per object at 50,000 accounts (issue 17); nothing
    changes a snapshot once made."""

    id: int
    name: str
    kickoff: dt.date | None
    """K of DESIGN §3 (kickoff, else signed-on date)."""
    milestones: tuple[Milestone, ...] = ()
    """The ladder in order; each milestone carries its database id."""
    renewal_on: dt.date | None = None
    last_status_change: dt.date | None = None
    unlocks_used: frozenset[int] = frozenset()
    """Ids of achieved milestones whose unlocked feature had a count > 0 after the unlock."""
    last_contacted: dt.date | None = None
    """The latest touchpoint with the account, about anything."""
    milestones_contacted: Mapping[int, dt.date] = field(default_factory=dict)
    """The latest touchpoint about each milestone, by milestone id."""
    owner: str | None = None
    capability_names: Mapping[str, str] = field(default_factory=dict)
    """What people read for an unlocked capability, by the milestone's ``unlocks`` text
    (feature keys become display names); text not in it is shown as written."""
    late: int | None = None
    """Open milestones due before today whose usage criterion is not met, counted over the
    whole ladder when ``milestones`` holds only some of them (None: count ``milestones``)."""
    counts: LadderCounts | None = None
    """The whole ladder's counts when ``milestones`` is only part of it (None: count
    ``milestones``).

    A big book's Today reads of each ladder only the milestones the rules name
    (``store.queries.today_lines``): the open ones with a met criterion or due soon, the
    late first-value ones, of the other open ones the two due first, and the achieved ones
    still in their unlock window; ``late`` counts the late ones, and ``counts`` is read for
    the accounts renewing within ``renewal_days``, the only ones whose completion the rules
    read."""


@dataclass(slots=True, unsafe_hash=True)
class Nudge:
    """One thing to do today, with the milestone whose template fits it.

    Not frozen (a frozen dataclass costs a microsecond more per line: a tenth of a second
    at 99,000 lines); nothing changes a nudge once made, so it hashes by its fields."""

    kind: NudgeKind
    account_id: int
    account: str
    milestone_id: int | None
    milestone: str | None
    role: str | None
    due: dt.date | None
    reason: str
    score: int
    """Higher is more urgent; a kind's base plus at most 99 for urgency within the kind."""
    contacted_on: dt.date | None = None
    """Set when the subject was contacted recently: the nudge is probably handled."""
    owner: str | None = None
    criterion_met_on: dt.date | None = None
    """For "criterion met": the day the usage criterion was met, the date to confirm it on."""

    @property
    def handled(self) -> bool:
        return self.contacted_on is not None


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def account_nudges(
    account: AccountSnapshot, today: dt.date, rules: NudgeRules = DEFAULT_RULES
) -> list[Nudge]:
    """Every nudge of one account on ``today``, unranked."""
    nudges: list[Nudge] = []
    # Read once per account, not per line (99,000 lines at 50,000 accounts: issue 17).
    by_milestone, last_contacted = account.milestones_contacted, account.last_contacted
    handled_days = rules.handled_days

    def add(kind: NudgeKind, milestone: Milestone | None, reason: str, urgency: int) -> None:
        if milestone is not None and milestone.id is not None and kind in _MILESTONE_KINDS:
            contacted = by_milestone.get(milestone.id) if by_milestone else None
        else:
            contacted = last_contacted
        if contacted is not None and (today - contacted).days >= handled_days:
            contacted = None  # not recently: not handled
        # The kind's base plus the urgency held to 0 … 99 (compared here: ``max(0, min(99,
        # urgency))`` was two builtin calls per line).
        score = _BASE_SCORES[kind] + (urgency if 0 <= urgency <= 99 else 0 if urgency < 0 else 99)
        # Positional, in field order: keywords cost a third more at 99,000 lines.
        if milestone is None:
            nudges.append(
                Nudge(kind, account.id, account.name, None, None, None, None, reason, score,
                      contacted, account.owner)
            )  # fmt: skip
        else:
            nudges.append(
                Nudge(kind, account.id, account.name, milestone.id, milestone.title,
                      milestone.role, milestone.due_on, reason, score, contacted,
                      account.owner,
                      milestone.criterion_met_on if kind is _CRITERION_MET else None)
            )  # fmt: skip

    late_ones: list[Milestone] = []
    for milestone in account.milestones:
        if not milestone.status.is_open:
            continue
        met = milestone.criterion_met_on
        if met is not None and met <= today:
            add(
                _CRITERION_MET,
                milestone,
                f"Usage criterion met on {met.isoformat()}: confirm it as achieved",
                (today - met).days,
            )
        elif milestone.due_on < today:
            late_ones.append(milestone)
        elif (milestone.due_on - today).days <= rules.due_soon_days:
            left = (milestone.due_on - today).days
            when = {0: "today", 1: "tomorrow"}.get(left, f"in {left} days")
            add(
                _DUE_SOON,
                milestone,
                f"Due {when}" + (", first value" if milestone.first_value else ""),
                10 * (rules.due_soon_days - left) + (20 if milestone.first_value else 0),
            )

    if late_ones:
        # One item per account: the first-value milestone if it is late, else the oldest;
        # on a tie the earlier in the ladder (``min`` by (not first value, due), without
        # its key call per milestone: 89,000 of them at 50,000 accounts).
        first = late_ones[0]
        for milestone in late_ones:
            if milestone.first_value > first.first_value or (
                milestone.due_on < first.due_on and milestone.first_value == first.first_value
            ):
                first = milestone
        late = (today - first.due_on).days
        more = (len(late_ones) if account.late is None else account.late) - 1
        add(
            _OVERDUE,
            first,
            f"Overdue by {_days(late)}"
            + (" (blocked)" if first.status is _BLOCKED else "")
            + (", first value" if first.first_value else "")
            + (f"; {more} more overdue" if more else ""),
            (late if late < 60 else 60)
            + (30 if first.first_value else 0)
            + (more if more < 9 else 9),
        )

    upcoming = next_open(account.milestones)
    since = account.last_status_change or account.kickoff
    if upcoming is not None and since is not None:
        quiet = (today - since).days
        if quiet >= rules.stalled_days:
            what = (
                f"last on {since.isoformat()}"
                if account.last_status_change
                else "none since kickoff"
            )
            add(
                _STALLED,
                upcoming,
                f"No status change for {_days(quiet)} ({what})",
                quiet - rules.stalled_days,
            )

    for milestone in account.milestones:
        unlocked = milestone.achieved_on
        if (
            milestone.status is not _ACHIEVED
            or not milestone.unlocks
            or unlocked is None
            or milestone.id in account.unlocks_used
        ):
            continue
        age = (today - unlocked).days
        if rules.unused_unlock_days <= age <= rules.unlock_window_days:
            add(
                _UNUSED_UNLOCK,
                milestone,
                f"{account.capability_names.get(milestone.unlocks, milestone.unlocks)} "
                f"unlocked {_days(age)} ago and not used since",
                age - rules.unused_unlock_days,
            )

    renewal = account.renewal_on
    if renewal is not None and upcoming is not None:
        left = (renewal - today).days
        if 0 <= left <= rules.renewal_days:
            counts = account.counts
            done = completion(account.milestones) if counts is None else counts.completion
            if done is not None and done < rules.low_completion:
                add(
                    _RENEWAL,
                    upcoming,
                    f"Renewal in {_days(left)} ({renewal.isoformat()}) with the ladder "
                    f"{done:.0%} complete",
                    rules.renewal_days - left,
                )
    return nudges


_MILESTONE_KINDS = frozenset(
    {NudgeKind.OVERDUE, NudgeKind.DUE_SOON, NudgeKind.CRITERION_MET, NudgeKind.UNUSED_UNLOCK}
)


RankKey = tuple[bool, int, str, str]


def rank_key(nudge: Nudge) -> RankKey:
    """The ranking: most urgent first; recently handled ones last; ties by account, then
    milestone (nudges equal in all of these keep the order they were found in)."""
    return (nudge.handled, -nudge.score, nudge.account.casefold(), nudge.milestone or "")


def rank(nudges: Iterable[Nudge]) -> list[Nudge]:
    """The nudges in ranking order (``rank_key``)."""
    return sorted(nudges, key=rank_key)


def merge_ranked(ranked: Iterable[Iterable[T]], key: Callable[[T], Nudge]) -> Iterator[T]:
    """Ranked lists (each in ``rank`` order, given in the order their accounts were read)
    merged with a heap into one ranking: exactly ``rank`` of their concatenation, since on
    equal keys an earlier list comes first and a list keeps its own order. A big book is
    ranked page by page this way, and the first lines of the merge cost only their own
    heap steps (``itertools.islice``), not a sort of everything."""
    return heapq.merge(*ranked, key=lambda item: rank_key(key(item)))


def rank_keyed(ranked: Iterable[Sequence[tuple[RankKey, T]]], piece: int = 5_000) -> list[T]:
    """Ranked lists of (``rank_key``, item) in one ranking: exactly ``merge_ranked`` of
    them, without working a key out again.

    A stable sort finds each list as a run and merges them in C (a heap merge of 100,000
    lines calls Python per line), but one sort of everything would hold the interpreter
    for 40-100 ms: the window, reading in another thread, would freeze meanwhile. So the
    lines are sorted piece by piece, about ``piece`` lines at a time: between the same keys
    in every list, which keeps equal keys in one piece and in list order. The keys split
    at are every ``piece / lists``-th of each list: lists ranked alike put their k-th
    splits side by side, so split at every ``piece``-th of each, one piece held about
    ``piece`` lines of every list (50,000 accounts: two sorts of 50,000, ~90 ms each)."""
    lists = [list(pairs) for pairs in ranked]
    keys = [[key for key, _item in pairs] for pairs in lists]
    step = max(1, piece // max(1, len(lists)))
    splits = sorted({own[n] for own in keys for n in range(step, len(own), step)})
    starts = [0] * len(lists)
    together: list[T] = []
    for split in (*splits, None):
        bucket: list[tuple[RankKey, T]] = []
        for n, pairs in enumerate(lists):
            end = len(pairs) if split is None else bisect_right(keys[n], split, starts[n])
            bucket += pairs[starts[n] : end]
            starts[n] = end
        bucket.sort(key=_key_of)
        together += [item for _key, item in bucket]
    return together


_key_of = itemgetter(0)
"""A (key, item) pair's key (C, not a Python call per line)."""


def keyed_nudges(
    accounts: Iterable[AccountSnapshot], today: dt.date, rules: NudgeRules = DEFAULT_RULES
) -> list[tuple[RankKey, Nudge]]:
    """``todays_nudges`` with each nudge's ``rank_key`` (for ``rank_keyed``)."""
    keyed = [
        (rank_key(nudge), nudge)
        for account in accounts
        for nudge in account_nudges(account, today, rules)
    ]
    keyed.sort(key=_key_of)
    return keyed


def todays_nudges(
    accounts: Iterable[AccountSnapshot], today: dt.date, rules: NudgeRules = DEFAULT_RULES
) -> list[Nudge]:
    """The Today list over a whole book, ranked."""
    return rank(nudge for account in accounts for nudge in account_nudges(account, today, rules))


@dataclass(frozen=True, slots=True)
class RoleProgress:
    """How one role of an account is doing, and what holds it back."""

    role: str
    completion: float | None
    """Achieved ÷ (all − skipped) for the role."""
    expected: float | None
    """Share of the role's (non-skipped) milestones due on or before today."""
    behind: bool
    """The role has overdue milestones."""
    holding_back: tuple[Milestone, ...]
    """Overdue ones (oldest due first), then blocked ones, else the next open one."""


def role_progress(milestones: Sequence[Milestone], today: dt.date) -> tuple[RoleProgress, ...]:
    """Per role, in the order the ladder first names them."""
    progress = []
    for role in dict.fromkeys(m.role for m in milestones):
        own = [m for m in milestones if m.role == role]
        counted = [m for m in own if m.status is not Status.SKIPPED]
        late = sorted((m for m in own if m.is_overdue(today)), key=lambda m: m.due_on)
        blocked = [m for m in own if m.status is Status.BLOCKED and m not in late]
        holding = late + blocked
        if not holding:
            upcoming = next_open(own)
            holding = [upcoming] if upcoming is not None else []
        progress.append(
            RoleProgress(
                role=role,
                completion=completion(own),
                expected=(
                    sum(m.due_on <= today for m in counted) / len(counted) if counted else None
                ),
                behind=bool(late),
                holding_back=tuple(holding),
            )
        )
    return tuple(progress)
