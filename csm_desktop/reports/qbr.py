"""The customer-facing QBR value report of one account, laid out with reportlab platypus.

Cover, executive summary in plain sentences, burn-up against plan, milestone progress by
role, weekly use of key features, value before and after, the kickoff's definition of done
and what comes next. The internal edition (``QbrData.internal`` set) adds ARR, renewal,
health with its reasons, blocked and skipped reasons and the CSM's notes; the customer
edition never prints them. Every user string is escaped (see ``reports.text``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.platypus import CondPageBreak, PageBreak, Paragraph, Spacer

from csm_desktop.domain.vocabulary import Direction, Health, Status
from csm_desktop.reports.charts import burn_up, value_before_after, weekly_usage
from csm_desktop.reports.layout import (
    DANGER,
    FRAME_WIDTH,
    GOOD,
    WARN,
    PageFurniture,
    build_pdf,
    data_table,
    grid,
    key_value_table,
    kpi_strip,
    on_date,
    section,
    status_cell,
)
from csm_desktop.reports.model import MilestoneLine, QbrData, ValueLine
from csm_desktop.reports.text import (
    MUTED,
    day_text,
    escape,
    markup,
    number,
    para,
    percent,
    styles,
)

INTERNAL_BANNER = "INTERNAL — contains ARR, health and CSM notes; do not share with the customer"


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _signed(value: float) -> str:
    """A signed amount with a true minus sign: +2.5, −7.5."""
    return f"+{number(value)}" if value >= 0 else f"−{number(-value)}"


def _with_unit(value: float | None, unit: str) -> str:
    return f"{number(value)} {unit}".rstrip()


def ladder_sentence(data: QbrData) -> str:
    """Ladder progress in one sentence, with the count by role."""
    if not data.counted:
        return (
            f"{data.account} has no milestones to count on its onboarding plan yet "
            f"({data.age_days} days after the kickoff on {day_text(data.kickoff_on)})."
        )
    text = (
        f"{data.account} has achieved {data.achieved} of {_plural(data.counted, 'milestone')} "
        f"on its onboarding plan ({percent(data.completion)}), {data.age_days} days after "
        f"the kickoff on {day_text(data.kickoff_on)}."
    )
    if data.skipped:
        text += (
            f" {_plural(data.skipped, 'milestone was', 'milestones were')} skipped as not needed."
        )
    roles = []
    for role, _share in data.completion_by_role:
        lines = [m for m in data.milestones if m.role == role and m.status is not Status.SKIPPED]
        achieved = sum(m.status is Status.ACHIEVED for m in lines)
        roles.append(f"{role} {achieved} of {len(lines)}")
    if len(roles) > 1:
        text += " By role: " + ", ".join(roles) + "."
    return text


def first_value_sentence(data: QbrData) -> str | None:
    """When first value came (or is planned) against its target day."""
    milestone = data.first_value
    if milestone is None:
        return None
    name = f"First value (“{milestone.title}”)"
    target = milestone.target_day
    if data.ttfv_days is not None:
        if data.ttfv_days <= target:
            verdict = (
                "on time"
                if data.ttfv_days == target
                else f"{_plural(target - data.ttfv_days, 'day')} ahead of plan"
            )
        else:
            verdict = f"{_plural(data.ttfv_days - target, 'day')} later than planned"
        return (
            f"{name} was reached on day {data.ttfv_days} against a target of day {target}: "
            f"{verdict}."
        )
    if milestone.status is Status.SKIPPED:
        return f"{name} was skipped."
    due = day_text(milestone.due_on)
    if milestone.due_on is not None and milestone.due_on < data.today:
        return f"{name} was planned for day {target} ({due}) and has not been reached yet."
    return f"{name} is planned for day {target} ({due}); it has not been reached yet."


def adoption_sentence(data: QbrData) -> str:
    """Adoption after unlock: used within 30 days, with the ones still pending."""
    judged = [a for a in data.adoptions if a.adopted is not None]
    adopted = sum(bool(a.adopted) for a in judged)
    pending = len(data.adoptions) - len(judged)
    if not data.adoptions:
        return "No new capability has been unlocked yet; adoption will show once one is."
    if not judged:
        return (
            f"{_plural(pending, 'capability was', 'capabilities were')} unlocked in the last "
            "30 days; their adoption will show in the next review."
        )
    text = (
        f"Adoption after unlock: {adopted} of "
        f"{_plural(len(judged), 'unlocked capability', 'unlocked capabilities')} "
        f"{'was' if adopted == 1 else 'were'} used within 30 days of unlocking "
        f"({percent(adopted / len(judged))})."
    )
    if pending:
        text += (
            f" {_plural(pending, 'more is', 'more are')} still within "
            f"{'its' if pending == 1 else 'their'} 30-day window."
        )
    return text


def value_sentence(value: ValueLine) -> str:
    """One outcome: from baseline to latest, the change in its unit and in percent."""
    unit = value.unit
    if value.baseline is None:
        if value.latest is None:
            return f"{value.metric}: no baseline and no measurement yet."
        return (
            f"{value.metric}: {_with_unit(value.latest, unit)} on {day_text(value.latest_on)} "
            "(no baseline to compare with)."
        )
    if value.latest is None or value.change is None:
        return (
            f"{value.metric}: baseline {_with_unit(value.baseline, unit)} on "
            f"{day_text(value.baseline_on)}; not measured since."
        )
    text = (
        f"{value.metric}: from {_with_unit(value.baseline, unit)} to "
        f"{_with_unit(value.latest, unit)} ({_signed(value.change)} {unit}".rstrip()
    )
    if value.change_percent is None:
        text += ")."
    elif value.change_percent == 0:
        text += ", unchanged)."
    else:
        word = "better" if value.change_percent > 0 else "worse"
        text += f", {abs(value.change_percent):.1f} % {word})."
    if value.target is not None:
        reached = (
            value.latest <= value.target
            if value.direction is Direction.LOWER
            else value.latest >= value.target
        )
        verdict = "reached" if reached else "not yet reached"
        text += f" Target {_with_unit(value.target, unit)}: {verdict}."
    return text


def summary_sentences(data: QbrData) -> list[str]:
    """The executive summary as plain sentences, in the order the report prints them."""
    sentences = [ladder_sentence(data)]
    first_value = first_value_sentence(data)
    if first_value:
        sentences.append(first_value)
    sentences.append(adoption_sentence(data))
    sentences.extend(value_sentence(v) for v in data.values)
    upcoming = data.upcoming(1)
    if upcoming:
        step = upcoming[0]
        when = (
            f"overdue since {day_text(step.due_on)}"
            if step.is_overdue(data.today)
            else f"due {day_text(step.due_on)}"
        )
        sentences.append(
            f"Next: “{step.title}” ({step.role}), {when}"
            + (f"; it unlocks {step.unlocks}." if step.unlocks else ".")
        )
    return sentences


# --- sections -------------------------------------------------------------------------------


def _cover(data: QbrData) -> list[Any]:
    st = styles()
    period = f"{day_text(data.period_start)} – {day_text(data.today)}"
    rows = [
        ("Account", data.account + (f"  ({data.external_id})" if data.external_id else "")),
        ("Review period", period),
        ("Customer Success Manager", data.csm or "–"),
        ("Prepared on", on_date(data.today)),
        ("Onboarding plan", data.playbook or "–"),
    ]
    details = key_value_table(rows, (FRAME_WIDTH * 0.32, FRAME_WIDTH * 0.68))
    story: list[Any] = [
        Spacer(1, 110),
        Paragraph("Quarterly business review", st.subtitle),
        para(data.account, st.title),
        Paragraph("Onboarding progress and value report", st.subtitle),
        Spacer(1, 36),
        details,
        Spacer(1, 36),
        kpi_strip(_headline_figures(data)),
    ]
    if data.internal is not None:
        story += [
            Spacer(1, 24),
            markup(f'<font color="{DANGER}"><b>{{}}</b></font>', INTERNAL_BANNER, style=st.body),
        ]
    story.append(PageBreak())
    return story


def _headline_figures(data: QbrData) -> list[tuple[str, str]]:
    figures = [
        ("milestones achieved", f"{data.achieved} / {data.counted}"),
        ("of the plan complete", percent(data.completion)),
        (
            "day of first value",
            str(data.ttfv_days) if data.ttfv_days is not None else "not yet",
        ),
    ]
    best = max(
        (v for v in data.values if v.change_percent is not None),
        key=lambda v: v.change_percent or 0.0,
        default=None,
    )
    if best is not None and best.change_percent is not None:
        figures.append(
            (f"{best.metric}: better", f"{best.change_percent:+.0f} %".replace("-", "−"))
        )
    return figures


def _summary(data: QbrData) -> list[Any]:
    st = styles()
    story = section("Executive summary", *[para(s, st.body) for s in summary_sentences(data)])
    story += [
        Spacer(1, 6),
        Paragraph("<b>Progress against plan</b>", st.h2),
        Paragraph(
            "Milestones achieved by day since kickoff (blue) against the milestones due by "
            "then on the plan (grey).",
            st.small,
        ),
        burn_up(data.milestones, data.kickoff_on, data.today, FRAME_WIDTH),
    ]
    return story


def _milestones(data: QbrData) -> list[Any]:
    st = styles()
    internal = data.internal is not None
    story: list[Any] = [CondPageBreak(160)]
    story += section(
        "Milestone progress by role",
        Paragraph(
            "✓ achieved   ◐ in progress   ○ not started   ✕ blocked   – skipped",
            st.small,
        ),
    )
    widths = (FRAME_WIDTH * 0.40, FRAME_WIDTH * 0.26, FRAME_WIDTH * 0.17, FRAME_WIDTH * 0.17)
    for role, share in data.completion_by_role:
        lines = [m for m in data.milestones if m.role == role]
        rows = [
            [
                _title_cell(m),
                status_cell(
                    m.status,
                    overdue=m.is_overdue(data.today),
                    reason=m.status_reason if internal else "",
                ),
                day_text(m.due_on),
                day_text(m.achieved_on, "") + (" (usage data)" if m.evidence == "usage" else ""),
            ]
            for m in lines
        ]
        heading = markup(
            "<b>{}</b>" + f' <font color="{MUTED}">· {{}} complete</font>',
            role,
            percent(share),
            style=st.h2,
        )
        table = data_table(("Milestone", "Status", "Due", "Achieved"), rows, widths)
        story += [CondPageBreak(90), heading, table]
    return story


def _title_cell(milestone: MilestoneLine) -> Paragraph:
    st = styles()
    if milestone.first_value:
        return markup(
            '{}<br/><font color="' + GOOD + '" size="7">★ first value</font>',
            milestone.title,
            style=st.cell,
        )
    return para(milestone.title, st.cell)


def _usage_and_value(data: QbrData) -> list[Any]:
    st = styles()
    story: list[Any] = []
    if not data.usage and data.age_days >= 7:
        story += [CondPageBreak(80)]
        story += section(
            "Weekly use of key features",
            para(
                "No use of the key features was recorded in the last "
                f"{data.usage_weeks} complete weeks.",
                st.body,
            ),
        )
    if data.usage:
        weeks = len(data.usage[0].weeks)
        charts = [weekly_usage(u, FRAME_WIDTH / 2 - 10) for u in data.usage]
        story += [CondPageBreak(200)]
        story += section(
            "Weekly use of key features",
            Paragraph(
                f"Uses per week over the last {_plural(weeks, 'complete week')}; each chart "
                "has its own scale. Dates are the Monday of each week.",
                st.small,
            ),
            grid(charts, 2),
        )
    if data.values:
        charts = [value_before_after(v, FRAME_WIDTH / 2 - 10) for v in data.values]
        rows = [
            [
                v.metric,
                _with_unit(v.baseline, v.unit) if v.baseline is not None else "–",
                _with_unit(v.latest, v.unit) if v.latest is not None else "not measured",
                f"{_signed(v.change)} {v.unit}".rstrip() if v.change is not None else "–",
                _change_cell(v),
                _with_unit(v.target, v.unit) if v.target is not None else "–",
            ]
            for v in data.values
        ]
        w = FRAME_WIDTH
        table = data_table(
            ("Outcome", "Before", "Now", "Change", "Change %", "Target"),
            rows,
            (w * 0.30, w * 0.13, w * 0.14, w * 0.15, w * 0.14, w * 0.14),
        )
        story += [CondPageBreak(220)]
        story += section(
            "Value before and after",
            Paragraph(
                "Each outcome as measured at kickoff (before) and most recently (now). "
                "Change % is positive when the outcome got better.",
                st.small,
            ),
            grid(charts, 2),
            table,
        )
    return story


def _change_cell(value: ValueLine) -> Paragraph:
    st = styles()
    if value.change_percent is None:
        return para("–", st.cell)
    colour = GOOD if value.change_percent > 0 else (DANGER if value.change_percent < 0 else MUTED)
    word = "better" if value.change_percent > 0 else ("worse" if value.change_percent < 0 else "")
    return Paragraph(
        f'<font color="{colour}"><b>{abs(value.change_percent):.1f} %</b> {word}</font>', st.cell
    )


def _definition_of_done(data: QbrData) -> list[Any]:
    st = styles()
    if not data.done_criteria and not data.success_statement:
        return []
    story: list[Any] = [CondPageBreak(150)]
    intro = []
    if data.success_statement:
        intro.append(markup("<i>“{}”</i>", data.success_statement, style=st.body))
    rows = [
        [
            c.text,
            Paragraph(
                f'<font color="{GOOD}"><b>✓</b></font> met on {escape(day_text(c.met_on))}'
                if c.met_on is not None
                else f'<font color="{WARN}"><b>○</b></font> open',
                st.cell,
            ),
        ]
        for c in data.done_criteria
    ]
    flowables: list[Any] = [
        Paragraph(
            "What we agreed at kickoff that success looks like, and how far each part of it "
            "has come.",
            st.small,
        ),
        *intro,
    ]
    if rows:
        met = sum(c.met_on is not None for c in data.done_criteria)
        flowables += [
            Paragraph(f"<b>Definition of done: {met} of {len(rows)} criteria met</b>", st.h2),
            data_table(("Criterion", "Status"), rows, (FRAME_WIDTH * 0.70, FRAME_WIDTH * 0.30)),
        ]
    story += section("Definition of done", *flowables)
    return story


def _next_steps(data: QbrData) -> list[Any]:
    st = styles()
    upcoming = data.upcoming(5)
    story: list[Any] = [CondPageBreak(150)]
    if not upcoming:
        return [
            *story,
            *section(
                "What comes next",
                para(
                    "Every milestone of the onboarding plan is achieved or skipped; next we "
                    "agree the goals of the next phase together.",
                    st.body,
                ),
            ),
        ]
    rows = []
    for m in upcoming:
        what = []
        if m.unlocks:
            what.append(f"<b>Unlocks:</b> {escape(m.unlocks)}")
        if m.definition_of_done:
            what.append(f"<b>Done when:</b> {escape(m.definition_of_done)}")
        due = escape(day_text(m.due_on))
        if m.is_overdue(data.today):
            due += f'<br/><font color="{DANGER}">overdue</font>'
        rows.append(
            [
                _title_cell(m),
                m.role,
                Paragraph(due, st.cell),
                Paragraph("<br/>".join(what) or "–", st.cell),
            ]
        )
    w = FRAME_WIDTH
    story += section(
        "What comes next",
        Paragraph("The next milestones on the plan, soonest first.", st.small),
        data_table(
            ("Milestone", "Role", "Due", "What it unlocks"),
            rows,
            (w * 0.28, w * 0.15, w * 0.15, w * 0.42),
        ),
    )
    return story


def _internal(data: QbrData) -> list[Any]:
    internal = data.internal
    if internal is None:
        return []
    st = styles()
    colour = {Health.ON_TRACK: GOOD, Health.AT_RISK: WARN, Health.OFF_TRACK: DANGER}[
        internal.health
    ]
    health = Paragraph(
        f'<font color="{colour}"><b>{escape(internal.health.value)}</b></font>'
        + "".join(f"<br/>{escape(r)}" for r in internal.health_reasons),
        st.cell,
    )
    rows: list[tuple[str, Any]] = [
        ("ARR", f"{internal.arr:,.0f}" if internal.arr is not None else "–"),
        ("Renewal", day_text(internal.renewal_on)),
        ("Health", health),
        ("Overdue milestones", str(internal.overdue_count)),
    ]
    story: list[Any] = [PageBreak()]
    story += section(
        "Internal: account health and notes",
        markup(f'<font color="{DANGER}"><b>{{}}</b></font>', INTERNAL_BANNER, style=st.small),
        key_value_table(rows, (FRAME_WIDTH * 0.3, FRAME_WIDTH * 0.7)),
    )
    if internal.notes:
        story += [
            Paragraph("<b>CSM notes (newest first)</b>", st.h2),
            data_table(
                ("Date", "Note"),
                [[day_text(day), text] for day, text in internal.notes],
                (FRAME_WIDTH * 0.18, FRAME_WIDTH * 0.82),
            ),
        ]
    return story


def qbr_story(data: QbrData) -> list[Any]:
    """The flowables of the report, in page order."""
    return [
        *_cover(data),
        *_summary(data),
        *_milestones(data),
        *_usage_and_value(data),
        *_definition_of_done(data),
        *_next_steps(data),
        *_internal(data),
    ]


def write_qbr(data: QbrData, target: Path | Any) -> None:
    """Write the QBR value report of ``data`` to ``target`` (a path or a binary file)."""
    edition = "internal edition" if data.internal is not None else "QBR value report"
    furniture = PageFurniture(
        header_left=f"{data.account} · Quarterly business review",
        header_right=f"{edition} · {day_text(data.today)}",
        footer_left=f"Prepared by {data.csm or 'your Customer Success Manager'} "
        f"on {on_date(data.today)}",
        banner=INTERNAL_BANNER if data.internal is not None else "",
    )
    build_pdf(
        target,
        qbr_story(data),
        furniture,
        title=f"{data.account} — QBR value report",
        author=data.csm or "CSM Desktop",
        subject=f"Onboarding progress and value, {day_text(data.period_start)} – "
        f"{day_text(data.today)}",
    )


__all__ = ["qbr_story", "summary_sentences", "write_qbr"]
