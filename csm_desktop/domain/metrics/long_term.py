"""Does onboarding pay off? Renewal rate and net revenue retention, split by first value.

The onboarding method justifies its effort by what happens after day 90: renewals,
expansion, advocacy. A CS leader's first question is "do accounts that reach first value on
time renew more?"; these functions answer it from plain facts, ``today`` being a parameter.

Definitions (issue #18, in DESIGN §3 style):

- A renewal is *decided* when its date ≤ today and its outcome is renewed or churned; a
  pending renewal, or one dated after today, is not counted anywhere.
- Renewal rate = renewed ÷ decided renewals.
- NRR (net revenue retention) = Σ ARR after ÷ Σ ARR before over decided renewals, a churned
  renewal counting 0 after. A renewal whose ARR before is unknown, or a renewed one whose ARR
  after is unknown, cannot say how much revenue it kept: it counts in the renewal rate but not
  in NRR.
- Split by onboarding outcome, judged on ``today`` by the one first-value rule
  (``first_value_within_target``: the first-value milestone of ``domain.ladder``): "on time"
  = achieved on a day ≤ its target day; "late" = achieved later, or not achieved and past
  due. An account whose first value is still undecided (or skipped, or which has no ladder)
  is in neither group, though its renewals count in the totals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from csm_desktop.domain.metrics.drilldown import DrillAccount, DrillDown, DrillGroup


class RenewalOutcome(StrEnum):
    RENEWED = "renewed"
    CHURNED = "churned"
    PENDING = "pending"


ON_TIME = "on time"
LATE = "late"
FIRST_VALUE_GROUPS: tuple[str, ...] = (ON_TIME, LATE)


@dataclass(frozen=True, slots=True)
class RenewalFact:
    """One renewal of one account, as the long-term figures need it."""

    account: str
    renewal_on: dt.date
    outcome: RenewalOutcome
    arr_before: float | None = None
    arr_after: float | None = None
    account_id: int | None = None

    def is_decided(self, today: dt.date) -> bool:
        """Dated on or before today, and renewed or churned."""
        return self.renewal_on <= today and self.outcome is not RenewalOutcome.PENDING

    @property
    def kept_arr(self) -> float | None:
        """ARR after the renewal for NRR: 0 when churned; None when it is unknown."""
        if self.outcome is RenewalOutcome.CHURNED:
            return 0.0
        return self.arr_after

    @property
    def counts_in_nrr(self) -> bool:
        return self.arr_before is not None and self.kept_arr is not None


@dataclass(frozen=True, slots=True)
class RenewalGroup:
    """Decided renewals of a set of accounts, with their rate and NRR."""

    renewals: tuple[RenewalFact, ...]
    """Decided renewals only, in account name then date order."""

    @property
    def decided(self) -> int:
        return len(self.renewals)

    @property
    def renewed(self) -> int:
        return sum(r.outcome is RenewalOutcome.RENEWED for r in self.renewals)

    @property
    def churned(self) -> int:
        return self.decided - self.renewed

    @property
    def renewal_rate(self) -> float | None:
        return self.renewed / self.decided if self.decided else None

    @property
    def arr_before(self) -> float:
        """Σ ARR before over the renewals that count in NRR."""
        return sum(r.arr_before or 0.0 for r in self.renewals if r.counts_in_nrr)

    @property
    def arr_after(self) -> float:
        """Σ ARR after (churned: 0) over the renewals that count in NRR."""
        return sum(r.kept_arr or 0.0 for r in self.renewals if r.counts_in_nrr)

    @property
    def nrr(self) -> float | None:
        before = self.arr_before
        return self.arr_after / before if before > 0 else None


@dataclass(frozen=True, slots=True)
class LongTermMetrics:
    """The "does onboarding pay off?" figures on one day."""

    today: dt.date
    total: RenewalGroup
    by_first_value: Mapping[str, RenewalGroup]
    """"on time" and "late", in that order."""
    neither: RenewalGroup
    """Decided renewals of accounts whose first value is undecided, skipped or unknown."""
    pending: tuple[RenewalFact, ...]
    """Renewals not decided on ``today`` (pending, or dated later)."""

    @property
    def decided(self) -> int:
        return self.total.decided

    @property
    def renewal_rate(self) -> float | None:
        return self.total.renewal_rate

    @property
    def nrr(self) -> float | None:
        return self.total.nrr


def first_value_group(on_time: bool | None) -> str | None:
    """The group of an account by ``first_value_within_target``: True on time, False late."""
    if on_time is None:
        return None
    return ON_TIME if on_time else LATE


def long_term_metrics(
    renewals: Iterable[RenewalFact],
    first_value_on_time: Mapping[int, bool | None],
    today: dt.date,
) -> LongTermMetrics:
    """Renewal rate and NRR on ``today``, in total and by first value (see module docstring).

    ``first_value_on_time`` maps an account id to ``first_value_within_target`` of that
    account on ``today``; an account missing from it is in neither group.
    """
    ordered = sorted(renewals, key=lambda r: (r.account.casefold(), r.renewal_on))
    decided = [r for r in ordered if r.is_decided(today)]
    groups: dict[str, list[RenewalFact]] = {name: [] for name in FIRST_VALUE_GROUPS}
    neither: list[RenewalFact] = []
    for renewal in decided:
        on_time = (
            first_value_on_time.get(renewal.account_id) if renewal.account_id is not None else None
        )
        group = first_value_group(on_time)
        (groups[group] if group is not None else neither).append(renewal)
    return LongTermMetrics(
        today=today,
        total=RenewalGroup(tuple(decided)),
        by_first_value={name: RenewalGroup(tuple(members)) for name, members in groups.items()},
        neither=RenewalGroup(tuple(neither)),
        pending=tuple(r for r in ordered if not r.is_decided(today)),
    )


def arr_figure(value: float | None, empty: str = "?") -> str:
    """An ARR as a whole figure without currency: ``24,000``; ``empty`` when not known."""
    return empty if value is None else f"{value:,.0f}"


def arr_after(outcome: RenewalOutcome, value: float | None) -> float | None:
    """The ARR after a renewal: a churned customer pays nothing, whatever was typed."""
    return 0.0 if outcome is RenewalOutcome.CHURNED else value


def arr_change(outcome: RenewalOutcome, before: float | None, after: float | None) -> str:
    """``ARR 24,000 → 0`` for a renewal's ARR either side; empty when neither is known."""
    if before is None and after is None:
        return ""
    return f"ARR {arr_figure(before)} → {arr_figure(arr_after(outcome, after))}"


def renewal_note(renewal: RenewalFact) -> str:
    """One line saying what a renewal was: outcome, date and ARR either side."""
    arr = arr_change(renewal.outcome, renewal.arr_before, renewal.arr_after)
    return f"{renewal.outcome.value} {renewal.renewal_on.isoformat()}{' · ' + arr if arr else ''}"


def renewal_drilldown(metrics: LongTermMetrics, group: str | None = None) -> DrillDown:
    """The renewals behind the total figure (``group`` None) or one first-value group.

    Renewed and churned are listed apart, so the list adds up to the rate on the panel; the
    total also lists the renewals not yet decided and those in neither group.
    """
    chosen = metrics.total if group is None else metrics.by_first_value[group]

    def lines(renewals: Iterable[RenewalFact]) -> tuple[DrillAccount, ...]:
        return tuple(DrillAccount(r.account_id, r.account, renewal_note(r)) for r in renewals)

    def of(outcome: RenewalOutcome) -> tuple[DrillAccount, ...]:
        return lines(r for r in chosen.renewals if r.outcome is outcome)

    renewed, churned = of(RenewalOutcome.RENEWED), of(RenewalOutcome.CHURNED)
    groups = [
        DrillGroup(f"Renewed ({len(renewed)})", renewed),
        DrillGroup(f"Churned ({len(churned)})", churned),
    ]
    if group is None:
        title = "Decided renewals, all accounts"
        if metrics.neither.renewals:
            neither = lines(metrics.neither.renewals)
            groups.append(
                DrillGroup(f"Of these, first value not judged yet ({len(neither)})", neither)
            )
        if metrics.pending:
            pending = lines(metrics.pending)
            groups.append(DrillGroup(f"Not decided yet ({len(pending)})", pending))
    else:
        title = f"Decided renewals, first value {group}"
    return DrillDown(title, tuple(groups))
