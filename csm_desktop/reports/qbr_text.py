"""The sentences of a QBR, shared by the PDF and the deck: plain text, no reportlab.

The executive summary is three to five sentences a VP reads in twenty seconds: the outcomes
against the goal the customer set at kickoff, then this period's wins, then progress, then
what is next. Numbers carry their unit or currency and never a raw feature key.
"""

from __future__ import annotations

from collections.abc import Sequence

from csm_desktop.domain.metrics.value import ValueLine
from csm_desktop.domain.review import day_text, moved_from
from csm_desktop.domain.text import plural
from csm_desktop.domain.value_money import money_text
from csm_desktop.domain.vocabulary import Direction
from csm_desktop.reports.qbr_model import MilestoneLine, QbrData, ValueStory

SUMMARY_MAX = 5


def number(value: float | None, empty: str = "–") -> str:
    """A measured value without noise: 24, 16.5, 1,250."""
    if value is None:
        return empty
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def percent(fraction: float | None, empty: str = "–") -> str:
    """A 0…1 share as a whole percentage that never breaks from its sign: ``64 %``."""
    return empty if fraction is None else f"{fraction * 100:.0f}\u00a0%"


def signed(value: float) -> str:
    """A signed amount with a true minus sign: +2.5, −7.5."""
    return f"+{number(value)}" if value >= 0 else f"−{number(-value)}"


def with_unit(value: float | None, unit: str) -> str:
    """``15 hours``, joined by a non-breaking space so the two never part."""
    return f"{number(value)}\u00a0{unit}".rstrip("\u00a0") if unit else number(value)


def joined(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def change_words(value: ValueLine) -> str:
    """``25.0 % better``, ``unchanged`` or ``–``."""
    if value.change_percent is None:
        return "–"
    if value.change_percent == 0:
        return "unchanged"
    word = "better" if value.change_percent > 0 else "worse"
    return f"{abs(value.change_percent):.1f}\u00a0% {word}"


def value_sentence(value: ValueLine) -> str:
    """One outcome: from baseline to latest, the change in its unit and in percent."""
    unit = value.unit
    if value.baseline is None:
        if value.latest is None:
            return f"{value.metric}: no baseline and no measurement yet."
        return (
            f"{value.metric}: {with_unit(value.latest, unit)} on {day_text(value.latest_on)} "
            "(no baseline to compare with)."
        )
    if value.latest is None or value.change is None:
        return (
            f"{value.metric}: baseline {with_unit(value.baseline, unit)} on "
            f"{day_text(value.baseline_on)}; not measured since."
        )
    text = (
        f"{value.metric}: from {with_unit(value.baseline, unit)} to "
        f"{with_unit(value.latest, unit)} ({signed(value.change)}"
        + (f"\u00a0{unit}" if unit else "")
    )
    if value.change_percent is None:
        text += ")."
    elif value.change_percent == 0:
        text += ", unchanged)."
    else:
        text += f", {change_words(value)})."
    if value.target is not None:
        text += f" Target {with_unit(value.target, unit)}: {target_verdict(value)}."
    return text


def target_verdict(value: ValueLine) -> str:
    if value.target is None or value.latest is None:
        return "not yet measured"
    reached = (
        value.latest <= value.target
        if value.direction is Direction.LOWER
        else value.latest >= value.target
    )
    return "reached" if reached else "not yet reached"


def money_sentence(data: QbrData) -> str | None:
    """What the improved outcomes are worth: in the period, per year and against ARR."""
    total = data.value_this_period
    if total is None:
        return None
    currency = data.branding.currency
    text = f"Together these improvements are worth {money_text(total, currency)} in "
    text += f"{data.period.label or 'this period'}"
    yearly = data.value_per_year
    if yearly is not None and yearly != total:
        text += f", {money_text(yearly, currency)} a year"
        if data.arr:
            text += f" ({percent(yearly / data.arr)} of the annual subscription)"
    return text + "."


def money_rule(data: QbrData) -> str | None:
    """How the money column was computed, with each outcome's value per unit."""
    priced = [v for v in data.values if v.money is not None and v.money_per_unit is not None]
    if not priced:
        return None
    currency = data.branding.currency
    parts = []
    for v in priced:
        per = f" a {v.rate_per}" if v.rate_per else ""
        parts.append(
            f"{v.line.metric}: {money_text(v.money_per_unit, currency)} per {v.line.unit or 'unit'}"
            + (f", improvement held{per} over {data.period.days} days" if v.rate_per else "")
        )
    return "Value = improvement × value per unit (× periods in the review for a rate). " + (
        "; ".join(parts) + "."
    )


def ladder_sentence(data: QbrData) -> str:
    """Plan progress in one sentence."""
    if not data.counted:
        return (
            f"{data.account} has no milestones to count on its onboarding plan yet "
            f"({data.age_days} days after the kickoff on {day_text(data.kickoff_on)})."
        )
    text = (
        f"{data.account} has achieved {data.achieved} of {plural(data.counted, 'milestone')} "
        f"on its plan ({percent(data.completion)}), {data.age_days} days after the kickoff"
    )
    first = first_value_clause(data)
    return text + (f"; {first}." if first else ".")


def first_value_clause(data: QbrData) -> str:
    """``first value came on day 12, 2 days ahead of plan`` or empty."""
    milestone = data.first_value
    if milestone is None or data.ttfv_days is None:
        return ""
    target = milestone.target_day
    if data.ttfv_days < target:
        verdict = f"{plural(target - data.ttfv_days, 'day')} ahead of plan"
    elif data.ttfv_days == target:
        verdict = "on plan"
    else:
        verdict = f"{plural(data.ttfv_days - target, 'day')} after the planned day {target}"
    return f"first value came on day {data.ttfv_days}, {verdict}"


def outcome_sentences(data: QbrData) -> list[str]:
    """The goal agreed at kickoff, then how the outcomes moved against it."""
    sentences = []
    if data.success_statement.strip():
        goal = data.success_statement.strip()
        stop = "" if goal[-1:] in ".!?…" else "."
        sentences.append(f"At kickoff the goal was: “{goal}”{stop}")
    moved = [
        v.line
        for v in data.values
        if v.line.change_percent is not None and v.line.latest is not None
    ]
    moved.sort(key=lambda v: -(v.change_percent or 0.0))
    if moved:
        parts = [
            f"{v.metric} went from {with_unit(v.baseline, v.unit)} to "
            f"{with_unit(v.latest, v.unit)} ({change_words(v)})"
            for v in moved[:2]
        ]
        sentences.append(f"Since then, {joined(parts)}.")
        money = money_sentence(data)
        if money:
            sentences.append(money)
    elif data.done_criteria:
        met = sum(c.met_on is not None for c in data.done_criteria)
        sentences.append(
            f"{met} of {plural(len(data.done_criteria), 'goal')} agreed at kickoff "
            f"{'is' if met == 1 else 'are'} met."
        )
    return sentences


def wins_sentence(data: QbrData) -> str | None:
    wins = data.wins
    if not wins:
        return None
    titles = [f"“{m.title}”" for m in wins[:3]]
    more = len(wins) - 3
    text = f"In {data.period.label or 'this period'} the team reached " + plural(
        len(wins), "milestone"
    )
    text += ": " + joined(titles + ([f"{more} more"] if more > 0 else []))
    capabilities = list(dict.fromkeys(m.unlocks for m in wins if m.unlocks))
    if capabilities:
        text += f", and can now use {joined(capabilities[:3])}"
    return text + "."


def next_sentence(data: QbrData) -> str | None:
    upcoming = data.upcoming(1)
    if not upcoming:
        return "Every milestone of the plan is done; next we agree the goals of the next phase."
    step = upcoming[0]
    text = f"Next: “{step.title}” ({step.role}), planned for {day_text(step.planned_on)}"
    if step.customer_owner:
        text += f" with {step.customer_owner}"
    return text + "."


def summary_sentences(data: QbrData) -> list[str]:
    """The executive summary: outcomes, wins, progress, next — at most five sentences."""
    sentences = outcome_sentences(data)
    wins = wins_sentence(data)
    if wins:
        sentences.append(wins)
    sentences.append(ladder_sentence(data))
    following = next_sentence(data)
    if len(sentences) >= SUMMARY_MAX:
        sentences = sentences[: SUMMARY_MAX - 1]
    if following:
        sentences.append(following)
    return sentences


def plan_date_text(milestone: MilestoneLine) -> tuple[str, str]:
    """(planned date, ``moved from …`` or empty) for the plan tables."""
    return day_text(milestone.planned_on), moved_from(milestone.due_on, milestone.replanned_on)


def value_row(story: ValueStory, currency: str) -> list[str]:
    """Outcome, before, now, target, change, value this period: the value table's row."""
    v = story.line
    return [
        v.metric,
        with_unit(v.baseline, v.unit) if v.baseline is not None else "–",
        with_unit(v.latest, v.unit) if v.latest is not None else "not measured",
        with_unit(v.target, v.unit) if v.target is not None else "–",
        change_words(v),
        money_text(story.money.per_period, currency) if story.money else "–",
    ]


def definitions(data: QbrData) -> list[str]:
    """How each figure is computed, for the deck's speaker notes and the PDF's fine print."""
    period = data.period.title()
    return [
        f"Review period: {period}. Plan status is as of {day_text(data.today)}.",
        "Completion: achieved milestones ÷ all milestones except skipped ones.",
        "First value: the day after kickoff on which the first-value milestone was achieved.",
        "Value change: (now − before) ÷ |before|, signed so that positive is better.",
        "Value in money: improvement × units in the period × money per unit; a rate "
        "(per week, month…) is multiplied by the period's length, a level is counted once.",
        "Active users: the most users active on any one day of each week; seats: licences.",
        "Weekly use: the sum of a feature's events in each complete ISO week (Monday–Sunday).",
        "Plan dates: a re-planned milestone shows its new date and the original one it moved from.",
    ]
