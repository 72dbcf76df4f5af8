"""The QBR of one account as a PDF: the customer's value story, laid out with platypus.

In story order, each section left out when it has nothing to say: cover, executive summary,
value realized, wins this period, adoption, plan by role, next steps (a mutual action plan),
risks and asks. The internal edition (``QbrData.internal`` set) keeps overdue in red and adds
ARR, health with its reasons, blocked and skipped reasons and the CSM's notes; the customer
edition shows re-planned dates with "moved from …" in grey and never a red overdue tag.
Every user text is escaped and bounded (``reports.text``), so no text can break the layout.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.platypus import CondPageBreak, PageBreak, Paragraph, Spacer

from csm_desktop.domain.review import day_text
from csm_desktop.domain.story import can_now_do
from csm_desktop.domain.text import plural
from csm_desktop.domain.value_money import money_text
from csm_desktop.domain.vocabulary import Health
from csm_desktop.reports.charts import burn_up, weekly_usage
from csm_desktop.reports.layout import (
    DANGER,
    FRAME_WIDTH,
    GOOD,
    WARN,
    PageFurniture,
    build_pdf,
    cell,
    data_table,
    grid,
    key_value_table,
    on_date,
    section,
    status_cell,
)
from csm_desktop.reports.qbr_cover import INTERNAL_BANNER, cover
from csm_desktop.reports.qbr_model import MilestoneLine, QbrData
from csm_desktop.reports.qbr_quote import quote_block
from csm_desktop.reports.qbr_text import (
    money_rule,
    percent,
    plan_date_text,
    summary_sentences,
    value_row,
)
from csm_desktop.reports.story_charts import users_and_seats, value_trend
from csm_desktop.reports.text import MUTED, clip, escape, markup, nobreak, para, styles


def _summary(data: QbrData) -> list[Any]:
    st = styles()
    return section(
        "Executive summary",
        *[para(sentence, st.body) for sentence in summary_sentences(data)],
        colour=data.branding.accent_colour,
    )


def _value(data: QbrData) -> list[Any]:
    st = styles()
    if not data.values and not data.done_criteria:
        return []
    flowables: list[Any] = []
    if data.values:
        w = FRAME_WIDTH
        money = any(v.money is not None for v in data.values)
        rows = [value_row(v, data.branding.currency) for v in data.values]
        header = ["Outcome", "Before", "Now", "Target", "Change"]
        widths = [w * 0.30, w * 0.13, w * 0.13, w * 0.13, w * 0.15]
        if money:
            header.append(f"Value, {data.period.label or 'period'}")
            widths.append(w * 0.16)
        else:
            rows = [row[:5] for row in rows]
            widths = [width * w / sum(widths) for width in widths]
        flowables.append(data_table(header, rows, widths))
        rule = money_rule(data)
        if rule:
            flowables += [Spacer(1, 3), para(rule, st.small)]
        flowables += [
            Spacer(1, 4),
            grid(
                [value_trend(v, FRAME_WIDTH / 2 - 12, data.branding.accent_colour)
                 for v in data.values[:6]],
                2,
            ),
        ]  # fmt: skip
    if data.done_criteria:
        met = sum(c.met_on is not None for c in data.done_criteria)
        rows = [
            [
                c.text,
                Paragraph(
                    f'<font color="{GOOD}"><b>✓</b></font> met on {escape(day_text(c.met_on))}'
                    if c.met_on is not None
                    else f'<font color="{MUTED}">○ open</font>',
                    st.cell,
                ),
            ]
            for c in data.done_criteria
        ]
        flowables += [
            Paragraph(f"<b>Definition of done: {met} of {len(rows)} criteria met</b>", st.h2),
            data_table(("Criterion", "Status"), rows, (FRAME_WIDTH * 0.72, FRAME_WIDTH * 0.28)),
        ]
    return [CondPageBreak(200), *section("Value realized", *flowables,
                                         colour=data.branding.accent_colour)]  # fmt: skip


def _wins(data: QbrData) -> list[Any]:
    wins = data.wins
    if not wins:
        return []
    st = styles()
    rows = [
        [day_text(m.achieved_on), _title_cell(m), can_now_do(m.unlocks or "") or "–"] for m in wins
    ]
    return [
        CondPageBreak(120),
        *section(
            f"Wins in {data.period.label or 'this period'}",
            Paragraph(
                f"{plural(len(wins), 'milestone')} reached between "
                f"{escape(day_text(data.period.start))} and {escape(day_text(data.period.end))}.",
                st.small,
            ),
            data_table(
                ("Reached on", "Milestone", "What you can now do"),
                rows,
                (FRAME_WIDTH * 0.16, FRAME_WIDTH * 0.44, FRAME_WIDTH * 0.40),
            ),
            colour=data.branding.accent_colour,
        ),
    ]


def adoption_note(data: QbrData) -> str:
    """Where usage data stops, so a gap is never read as people stopping."""
    if data.usage_until is None:
        return "No usage data has been imported for this account yet."
    if data.usage_until < data.period.end:
        return (
            f"Usage data runs to {day_text(data.usage_until)}; weeks after it show no data, "
            "not no use."
        )
    return f"Usage data covers the whole period (up to {day_text(data.usage_until)})."


def seats_sentence(data: QbrData) -> str | None:
    latest = next(((m, n) for m, n in reversed(data.active_users) if n is not None), None)
    if latest is None:
        return None
    monday, users = latest
    text = f"In the week of {day_text(monday)}, {users:,} people used the product"
    if data.seats:
        text += f": {users:,} of {data.seats:,} licensed seats ({percent(users / data.seats)})"
    return text + "."


def _adoption(data: QbrData) -> list[Any]:
    st = styles()
    if not data.usage and not data.active_users and data.usage_until is None:
        return [
            CondPageBreak(80),
            *section("Adoption", para(adoption_note(data), st.body),
                     colour=data.branding.accent_colour),
        ]  # fmt: skip
    flowables: list[Any] = []
    sentence = seats_sentence(data)
    if sentence:
        flowables.append(para(sentence, st.body))
    if data.active_users:
        flowables.append(
            users_and_seats(data.active_users, data.seats, FRAME_WIDTH, data.branding.accent_colour)
        )
    flowables.append(para(adoption_note(data), st.small))
    if data.usage:
        flowables += [
            Paragraph("<b>Key features, uses per week</b>", st.h2),
            grid([weekly_usage(u, FRAME_WIDTH / 2 - 10, accent=data.branding.accent_colour)
                  for u in data.usage], 2),
        ]  # fmt: skip
    return [CondPageBreak(220), *section("Adoption", *flowables,
                                         colour=data.branding.accent_colour)]  # fmt: skip


def _title_cell(milestone: MilestoneLine) -> Paragraph:
    st = styles()
    if milestone.first_value:
        return markup(
            '{}<br/><font color="' + GOOD + '" size="7">★ first value</font>',
            clip(milestone.title),
            style=st.cell,
        )
    return cell(milestone.title)


def _plan_date_cell(milestone: MilestoneLine, data: QbrData) -> Paragraph:
    planned, moved = plan_date_text(milestone)
    text = escape(nobreak(planned))
    if moved and milestone.status.is_open:
        words, _, day = moved.rpartition(" from ")  # the date stays whole, the words may wrap
        moved = f"{words} from {nobreak(day)}" if day and words else moved
        text += f'<br/><font color="{MUTED}" size="7">{escape(moved)}</font>'
    if data.internal is not None and milestone.is_overdue(data.today):
        text += f'<br/><font color="{DANGER}"><b>overdue</b></font>'
    return Paragraph(text, styles().cell)


def _plan(data: QbrData) -> list[Any]:
    st = styles()
    internal = data.internal is not None
    story: list[Any] = [CondPageBreak(260)]
    story += section(
        "Plan by role",
        Paragraph(
            "Milestones achieved by day since kickoff (solid) against those planned by then "
            "(dashed).",
            st.small,
        ),
        burn_up(data.milestones, data.kickoff_on, data.today, FRAME_WIDTH, 170,
                accent=data.branding.accent_colour),
        Paragraph("✓ achieved   ◐ in progress   ○ not started   ✕ blocked   – skipped",
                  st.small),
        colour=data.branding.accent_colour,
    )  # fmt: skip
    widths = (FRAME_WIDTH * 0.44, FRAME_WIDTH * 0.2, FRAME_WIDTH * 0.18, FRAME_WIDTH * 0.18)
    for role, share in data.completion_by_role:
        rows = [
            [
                _title_cell(m),
                status_cell(m.status, overdue=False,
                            reason=m.status_reason if internal else ""),
                _plan_date_cell(m, data),
                day_text(m.achieved_on, "")
                + (" (usage data)" if m.evidence == "usage" and internal else ""),
            ]
            for m in data.milestones
            if m.role == role
        ]  # fmt: skip
        heading = markup(
            "<b>{}</b>" + f' <font color="{MUTED}">· {{}} complete</font>',
            clip(role, 120),
            percent(share),
            style=st.h2,
        )
        table = data_table(("Milestone", "Status", "Planned for", "Achieved"), rows, widths)
        story += [CondPageBreak(90), heading, table]
    return story


def _next_steps(data: QbrData) -> list[Any]:
    st = styles()
    upcoming = data.upcoming(6)
    accent = data.branding.accent_colour
    if not upcoming:
        return [
            CondPageBreak(80),
            *section("Next steps", para("Every milestone of the plan is achieved or skipped; "
                     "next we agree the goals of the next phase together.", st.body),
                     colour=accent),
        ]  # fmt: skip
    vendor = data.csm or "your CSM"
    rows = []
    for m in upcoming:
        what = [f"<b>{escape(clip(m.title, 300))}</b>"]
        if m.unlocks:
            what.append(f"Unlocks: {escape(m.unlocks)}")
        if m.definition_of_done:
            what.append(f"Done when: {escape(clip(m.definition_of_done, 300))}")
        customer = (
            escape(m.customer_owner)
            if m.customer_owner
            else f'<font color="{MUTED}">{escape(m.role)}: to be named</font>'
        )
        rows.append(
            [_plan_date_cell(m, data), Paragraph("<br/>".join(what), st.cell),
             Paragraph(customer, st.cell), cell(vendor)]
        )  # fmt: skip
    w = FRAME_WIDTH
    return [
        CondPageBreak(150),
        *section(
            "Next steps",
            Paragraph("Our mutual action plan: the next milestones, soonest first, with who "
                      "leads each on your side and on ours.", st.small),
            data_table(("Date", "Step", "Your owner", "Our owner"), rows,
                       (w * 0.17, w * 0.49, w * 0.17, w * 0.17)),
            colour=accent,
        ),
    ]  # fmt: skip


def _risks_and_asks(data: QbrData) -> list[Any]:
    if not data.asks:
        return []
    st = styles()
    rows = [
        [
            Paragraph(
                f'<font color="{WARN if a.kind == "risk" else GOOD}"><b>'
                f"{'Risk' if a.kind == 'risk' else 'Ask'}</b></font>",
                st.cell,
            ),
            cell(a.text + (f" (for “{a.milestone}”)" if a.milestone else "")),
            cell(a.owner or "–"),
            day_text(a.due_on),
        ]
        for a in data.asks
    ]
    w = FRAME_WIDTH
    return [
        CondPageBreak(120),
        *section(
            "Risks and asks",
            Paragraph("What we need from you to keep the plan on track.", st.small),
            data_table(("", "What", "Owner", "By"), rows, (w * 0.1, w * 0.56, w * 0.18, w * 0.16)),
            colour=data.branding.accent_colour,
        ),
    ]


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
        + "".join(f"<br/>{escape(clip(r))}" for r in internal.health_reasons),
        st.cell,
    )
    rows: list[tuple[str, Any]] = [
        ("ARR", money_text(internal.arr, data.branding.currency)),
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
    """The flowables of the report, in story order."""
    return [
        *cover(data),
        *_summary(data),
        *quote_block(data),
        *_value(data),
        *_wins(data),
        *_adoption(data),
        *_plan(data),
        *_next_steps(data),
        *_risks_and_asks(data),
        *_internal(data),
    ]


def write_qbr(data: QbrData, target: Path | Any) -> None:
    """Write the QBR of ``data`` to ``target`` (a path or a binary file)."""
    edition = "internal edition" if data.internal is not None else "Quarterly business review"
    by = data.csm or "your Customer Success Manager"
    if data.branding.company_name:
        by += f", {data.branding.company_name}"
    furniture = PageFurniture(
        header_left=data.account,
        header_right=f"{edition} · {data.period.title()}",
        footer_left=f"Prepared by {by} on {on_date(data.today)}",
        banner=INTERNAL_BANNER if data.internal is not None else "",
    )
    build_pdf(
        target,
        qbr_story(data),
        furniture,
        title=f"{clip(data.account, 200)} — Quarterly business review",
        author=data.csm or "CSM Desktop",
        subject=f"Value review, {data.period.title()}",
    )


__all__ = ["qbr_story", "summary_sentences", "write_qbr"]
