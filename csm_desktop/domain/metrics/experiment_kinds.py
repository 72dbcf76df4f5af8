"""The figure each kind of experiment arm targets, next to the usual results (issue #18).

- message: the share of nudged milestones achieved within 7 days of the nudge being logged
  (the first touchpoint about that milestone). A nudge whose 7 days have not passed and whose
  milestone is not achieved yet is pending (not counted); one logged after the milestone was
  achieved nudged nothing and is left out.
- timing: the share of the changed milestones achieved by their due date, among those
  achieved or already past due.
- criterion: the share of the changed milestones whose usage criterion was met by their due
  date, among those met or already past due (skipped ones left out).

Every arm of an experiment gets its kind's figure over the same milestones (the control's
milestones from the same templates), so the arms can be compared. Pure: ``today`` is a
parameter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from csm_desktop.domain.ladder import Milestone
from csm_desktop.domain.metrics.portfolio import Share, share
from csm_desktop.domain.vocabulary import Status

NUDGE_RESPONSE_DAYS = 7

KIND_METRIC_LABELS = {
    "message": f"Achieved within {NUDGE_RESPONSE_DAYS} days of the nudge",
    "timing": "Changed milestones on time",
    "criterion": "Criterion met by the due date",
}


def nudge_response(
    nudges: Iterable[tuple[dt.date, dt.date | None]],
    today: dt.date,
    days: int = NUDGE_RESPONSE_DAYS,
) -> Share:
    """Over (nudged on, achieved on or None): achieved on nudged … nudged + ``days``."""

    def flag(nudged: dt.date, achieved: dt.date | None) -> bool | None:
        if achieved is not None and achieved < nudged:
            return None  # achieved before anyone nudged: nothing to measure
        window_end = nudged + dt.timedelta(days=days)
        if achieved is not None and achieved <= min(window_end, today):
            return True
        return None if window_end > today else False

    return share(flag(nudged, achieved) for nudged, achieved in nudges)


def on_time_among_judged(milestones: Iterable[Milestone], today: dt.date) -> Share:
    """Achieved by the due date, among achieved or past-due (skipped left out)."""

    def flag(m: Milestone) -> bool | None:
        if m.status is Status.ACHIEVED:
            return m.achieved_on is not None and m.achieved_on <= m.due_on
        if m.status is Status.SKIPPED or m.due_on >= today:
            return None
        return False

    return share(flag(m) for m in milestones)


def criterion_met_by_due(milestones: Iterable[Milestone], today: dt.date) -> Share:
    """Criterion met on or before the due date, among met or past-due (skipped left out)."""

    def flag(m: Milestone) -> bool | None:
        met = m.criterion_met_on
        if met is not None and met <= today:
            return met <= m.due_on
        if m.status is Status.SKIPPED or m.due_on >= today:
            return None
        return False

    return share(flag(m) for m in milestones)
