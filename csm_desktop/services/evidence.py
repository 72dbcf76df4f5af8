"""Usage evidence for milestones: recompute when each criterion was met, maybe achieve it.

After usage is imported, every milestone of the touched accounts that has a usage success
criterion (feature, threshold, window) gets its ``criterion_met_on`` recomputed from the
stored usage (DESIGN §3). The book setting ``auto_confirm_usage`` ("yes"/"no", default "no")
decides whether a met criterion also marks the milestone achieved on that day with evidence
"usage". A manual status always wins: only milestones still "not started" or "in progress"
are achieved automatically; achieved, blocked and skipped ones keep their status and only
get the met date as information.

The caller owns the session and so the transaction: the import runs this inside its own, so
usage and evidence are stored together or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from csm_desktop.domain.criteria import criterion_met_day
from csm_desktop.domain.features import feature_match_key
from csm_desktop.domain.ladder import reference_date
from csm_desktop.domain.vocabulary import Evidence, Status
from csm_desktop.services.ladder import change_status
from csm_desktop.store.day_numbers import day_number, day_of_number
from csm_desktop.store.models import AccountMilestone
from csm_desktop.store.queries.evidence import (
    CriterionRow,
    MetDate,
    criterion_rows,
    set_criterion_met_on,
)
from csm_desktop.store.queries.settings import read_setting, write_setting
from csm_desktop.store.queries.usage_rows import usage_features, used_day_series

AUTO_CONFIRM_KEY = "auto_confirm_usage"
USAGE_REASON = "usage criterion met"
_AUTO_ACHIEVABLE = (Status.NOT_STARTED.value, Status.IN_PROGRESS.value)


@dataclass(frozen=True, slots=True)
class EvidenceUpdate:
    """What a recomputation found: milestones checked, met, and achieved by usage."""

    milestones_checked: int = 0
    criteria_met: int = 0  # milestones whose criterion is met (newly or still)
    met_dates_changed: int = 0
    auto_achieved: tuple[int, ...] = ()  # milestone ids marked achieved by this run


def auto_confirm_usage(session: Session) -> bool:
    """The book's setting: does a met usage criterion achieve the milestone by itself?"""
    value = read_setting(session, AUTO_CONFIRM_KEY)
    return value is not None and value.strip().casefold() == "yes"


def set_auto_confirm_usage(session: Session, enabled: bool) -> None:
    """Store the book's auto-confirm setting as "yes" or "no"."""
    write_setting(session, AUTO_CONFIRM_KEY, "yes" if enabled else "no")


def refresh_usage_evidence(
    session: Session,
    account_ids: Collection[int] | None = None,
    *,
    recorded_at: dt.datetime | None = None,
) -> EvidenceUpdate:
    """Recompute ``criterion_met_on`` for the milestones of these accounts (all if None).

    Features match by ``feature_match_key`` (case, accents, spaces, ``_``, ``-`` and ``.``
    ignored: "User Invited" counts for a criterion on ``user_invited``). Milestones with no
    kickoff or signed-on date, or with an incomplete criterion (threshold or window below
    1), get None.
    """
    found = criterion_rows(session, account_ids)
    return refresh_evidence_of(session, found, recorded_at=recorded_at)


def refresh_evidence_of(
    session: Session, found: Sequence[CriterionRow], *, recorded_at: dt.datetime | None = None
) -> EvidenceUpdate:
    """``refresh_usage_evidence`` of the milestones ``found``, as ``criterion_rows`` gives
    them: an import that added every milestone of a new book holds them already (35,000 read
    back cost 0.16 s of a 5,000-account import)."""
    if not found:
        return EvidenceUpdate()
    keys: dict[str, str] = {}  # a book spells few criterion features: fold each once
    for row in found:
        if row.success_feature not in keys:
            keys[row.success_feature] = feature_match_key(row.success_feature)
    series = _used_days(session, {row.account_id for row in found}, set(keys.values()))
    auto = auto_confirm_usage(session)
    met = changed = 0
    changes: list[MetDate] = []
    to_achieve: list[tuple[int, dt.date]] = []
    for row in found:
        kickoff = reference_date(row.kickoff_on, row.signed_on)
        threshold, window = row.success_threshold, row.success_window_days
        met_on = None
        if kickoff is not None and threshold and window and threshold > 0 and window > 0:
            days, counts = series.get((row.account_id, keys[row.success_feature]), ((), ()))
            met_day = criterion_met_day(days, counts, day_number(kickoff), threshold, window)
            met_on = None if met_day is None else day_of_number(met_day)
        if met_on != row.criterion_met_on:
            changed += 1
        if met_on is not None:
            met += 1
            if auto and row.status in _AUTO_ACHIEVABLE:
                to_achieve.append((row.id, met_on))  # stored below with its new status
                continue
        if met_on != row.criterion_met_on:
            changes.append(MetDate(row.id, row.version, met_on))
    set_criterion_met_on(session, changes)
    for milestone_id, met_on in to_achieve:
        # Only with the book's setting on: the ORM path that logs a status change.
        milestone = session.get_one(AccountMilestone, milestone_id)
        milestone.criterion_met_on = met_on
        change_status(
            session,
            milestone,
            Status.ACHIEVED,
            on=met_on,
            reason=USAGE_REASON,
            evidence=Evidence.USAGE,
            recorded_at=recorded_at,
        )
    session.flush()
    return EvidenceUpdate(len(found), met, changed, tuple(m for m, _on in to_achieve))


def _used_days(
    session: Session, account_ids: set[int], wanted: set[str]
) -> dict[tuple[int, str], tuple[Sequence[int], Sequence[int]]]:
    """Day numbers and counts per (account, feature match key), spellings of one feature
    summed.

    The stored spellings of these accounts are few: they are listed first and compared in
    Python, then only the rows of the matching spellings are read (on the usage index).
    """
    accounts = sorted(account_ids)
    spellings = {name: feature_match_key(name) for name in usage_features(session, accounts)}
    matching = [name for name, key in spellings.items() if key in wanted]
    found: dict[tuple[int, str], tuple[Sequence[int], Sequence[int]]] = {}
    for (account_id, name), (days, counts) in used_day_series(session, accounts, matching).items():
        key = (account_id, spellings[name])
        if key in found:  # a second spelling of the same feature: add its counts by day
            per_day = dict(zip(*found[key], strict=True))
            for day, count in zip(days, counts, strict=True):
                per_day[day] = per_day.get(day, 0) + count
            ordered = sorted(per_day)
            found[key] = (ordered, [per_day[day] for day in ordered])
        else:
            found[key] = (days, counts)
    return found
