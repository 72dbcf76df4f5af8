"""The QBR as an editable PowerPoint deck: the PDF's story, one slide per section.

Title, executive summary, value realized, wins, adoption, plan by role, next steps, risks and
asks (each left out when it has nothing to say, as in the PDF), with native charts whose
data stays editable, the book's accent colour and logos, and speaker notes that define every
figure. Built from the same ``QbrData`` and sentences as the PDF, so both tell one story.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Inches

from csm_desktop.domain.review import day_text
from csm_desktop.domain.story import can_now_do
from csm_desktop.domain.value_money import money_text
from csm_desktop.reports.deck_parts import (
    BODY_TOP,
    BODY_WIDTH,
    MARGIN,
    MUTED,
    SLIDE_HEIGHT,
    SLIDE_WIDTH,
    blank_slide,
    category_chart,
    cut,
    notes,
    picture,
    rgb,
    table,
    text_box,
    xy_chart,
)
from csm_desktop.reports.deck_quote import quote_slide
from csm_desktop.reports.qbr_model import QbrData
from csm_desktop.reports.qbr_text import (
    definitions,
    money_sentence,
    plan_date_text,
    summary_sentences,
    value_row,
)

PLAN_ROWS_PER_SLIDE = 10
SECOND = "#8c959f"


def _title(presentation: Any, data: QbrData) -> None:
    brand = data.branding
    slide = presentation.slides.add_slide(presentation.slide_layouts[6])
    band = slide.shapes.add_shape(1, 0, 0, SLIDE_WIDTH, Inches(0.28))
    band.fill.solid()
    band.fill.fore_color.rgb = rgb(brand.accent_colour)
    band.line.fill.background()
    vendor_logo = picture(slide, brand.vendor_logo, MARGIN, Inches(0.6), Inches(2.6), Inches(0.9))
    if not vendor_logo and brand.company_name:
        text_box(
            slide,
            MARGIN,
            Inches(0.6),
            Inches(6),
            Inches(0.8),
            [brand.company_name],
            size=20,
            bold=True,
            colour=rgb(brand.accent_colour),
        )
    picture(slide, data.branding.customer_logo, -MARGIN, Inches(0.6), Inches(2.6), Inches(0.9))
    text_box(
        slide,
        MARGIN,
        Inches(2.3),
        BODY_WIDTH,
        Inches(0.5),
        ["Quarterly business review"],
        size=20,
        colour=rgb(brand.accent_colour),
    )
    text_box(
        slide,
        MARGIN,
        Inches(2.85),
        BODY_WIDTH,
        Inches(1.2),
        [cut(data.account, 90)],
        size=40,
        bold=True,
    )
    text_box(
        slide,
        MARGIN,
        Inches(4.1),
        BODY_WIDTH,
        Inches(0.5),
        [data.period.title()],
        size=20,
        colour=MUTED,
    )
    by = data.csm or "your Customer Success Manager"
    if brand.company_name:
        by += f", {brand.company_name}"
    text_box(
        slide,
        MARGIN,
        Inches(5.3),
        BODY_WIDTH,
        Inches(1.2),
        [
            f"Prepared for {data.prepared_for or data.account}",
            f"Prepared by {by}",
            f"Report date {day_text(data.today)}",
        ],
        size=14,
        colour=MUTED,
    )
    notes(slide, [f"QBR for {data.account}.", *definitions(data)[:1]])


def _summary(presentation: Any, data: QbrData) -> None:
    slide = blank_slide(presentation, "Executive summary", data.branding.accent_colour)
    text_box(
        slide,
        MARGIN,
        BODY_TOP + Inches(0.2),
        BODY_WIDTH,
        Inches(5.5),
        summary_sentences(data),
        size=20,
        bullets=True,
    )
    notes(
        slide,
        [
            "Outcomes against the goal agreed at kickoff, then wins, then what is next.",
            *definitions(data)[:4],
        ],
    )


def _value(presentation: Any, data: QbrData) -> None:
    if not data.values:
        return
    accent = data.branding.accent_colour
    slide = blank_slide(presentation, "Value realized", accent)
    currency = data.branding.currency
    money = any(v.money is not None for v in data.values)
    header = ["Outcome", "Before", "Now", "Target", "Change"]
    rows = [value_row(v, currency)[:5] for v in data.values[:4]]
    if money:
        header.append(f"Value, {data.period.label or 'period'}")
        rows = [value_row(v, currency) for v in data.values[:4]]
    table(slide, header, rows, [3, 1.3, 1.3, 1.3, 1.5, 1.6][: len(header)], accent=accent)
    top = BODY_TOP + Inches(0.45) * (len(rows) + 1) + Inches(0.15)
    sentence = money_sentence(data)
    if sentence:
        text_box(slide, MARGIN, top, BODY_WIDTH, Inches(0.5), [sentence], size=14)
        top += Inches(0.55)
    charted = [v for v in data.values if len(v.measurements) >= 2][:2]
    width = int(BODY_WIDTH / max(len(charted), 1))
    for index, story in enumerate(charted):
        origin = story.measurements[0][0]
        points = [((day - origin).days, value) for day, value in story.measurements]
        series = [(story.line.metric, points)]
        if story.line.target is not None:
            series.append(
                ("Target", [(points[0][0], story.line.target), (points[-1][0], story.line.target)])
            )
        xy_chart(
            slide,
            series,
            (MARGIN + index * width, top, width - Inches(0.2), SLIDE_HEIGHT - top - Inches(0.3)),
            [accent, SECOND],
            title=f"{story.line.metric} ({story.line.unit}), by day since baseline",
        )
    lines = [definitions(data)[3], definitions(data)[4]]
    for v in data.values:
        if v.money is not None and v.money_per_unit is not None:
            lines.append(
                f"{v.line.metric}: {money_text(v.money_per_unit, currency)} per unit "
                f"({v.line.unit or 'unit'})"
                + (f", a rate per {v.rate_per}" if v.rate_per else ", a level counted once")
                + f"; improvement {v.money.improvement:g}; "
                f"{money_text(v.money.per_period, currency)} over {data.period.days} days."
            )
    notes(slide, lines)


def _wins(presentation: Any, data: QbrData) -> None:
    wins = data.wins
    if not wins:
        return
    accent = data.branding.accent_colour
    slide = blank_slide(presentation, f"Wins in {data.period.label or 'this period'}", accent)
    rows = [
        [day_text(m.achieved_on), m.title, can_now_do(m.unlocks or "") or "–"] for m in wins[:10]
    ]
    table(
        slide,
        ["Reached on", "Milestone", "What you can now do"],
        rows,
        [1.2, 3.5, 3.5],
        accent=accent,
        size=14,
    )
    notes(
        slide,
        [
            f"Milestones achieved between {day_text(data.period.start)} and "
            f"{day_text(data.period.end)}, with the capability each one unlocked."
        ],
    )


def _adoption(presentation: Any, data: QbrData) -> None:
    if not data.active_users and not data.usage:
        return
    from csm_desktop.reports.qbr import adoption_note, seats_sentence

    accent = data.branding.accent_colour
    slide = blank_slide(presentation, "Adoption", accent)
    lines = [s for s in (seats_sentence(data), adoption_note(data)) if s]
    text_box(slide, MARGIN, BODY_TOP, BODY_WIDTH, Inches(0.8), lines, size=14)
    top = BODY_TOP + Inches(0.9)
    height = SLIDE_HEIGHT - top - Inches(0.3)
    half = int(BODY_WIDTH / 2)
    charts = 0
    if data.active_users:
        weeks = [f"{m.day} {m:%b}" for m, _n in data.active_users]
        series: list[tuple[str, list[float | None]]] = [
            ("Active users", [None if n is None else float(n) for _m, n in data.active_users])
        ]
        if data.seats:
            series.append(("Licensed seats", [float(data.seats)] * len(weeks)))
        category_chart(
            slide,
            XL_CHART_TYPE.LINE_MARKERS,
            weeks,
            series,
            (MARGIN, top, half - Inches(0.2), height),
            [accent, SECOND],
            title="Active users per week against seats",
        )
        charts += 1
    if data.usage:
        weeks = [f"{m.day} {m:%b}" for m, _n in data.usage[0].weeks]
        category_chart(
            slide,
            XL_CHART_TYPE.COLUMN_CLUSTERED,
            weeks,
            [(u.feature, [float(n) for _m, n in u.weeks]) for u in data.usage[:4]],
            (
                MARGIN + half * charts,
                top,
                (half if charts else int(BODY_WIDTH)) - Inches(0.2),
                height,
            ),
            [accent, SECOND, "#1a7f37", "#9a6700"],
            title="Key features, uses per week",
        )
    notes(slide, [*definitions(data)[5:7], adoption_note(data)])


def _plan(presentation: Any, data: QbrData) -> None:
    accent = data.branding.accent_colour
    lines = list(data.milestones)
    chunks = [
        lines[i : i + PLAN_ROWS_PER_SLIDE] for i in range(0, len(lines), PLAN_ROWS_PER_SLIDE)
    ] or [[]]
    for number, chunk in enumerate(chunks, start=1):
        title = "Plan by role" + (f" ({number} of {len(chunks)})" if len(chunks) > 1 else "")
        slide = blank_slide(presentation, title, accent)
        left = int(BODY_WIDTH * 0.3)
        if number == 1 and data.completion_by_role:
            category_chart(
                slide,
                XL_CHART_TYPE.BAR_CLUSTERED,
                [cut(role, 30) for role, _s in data.completion_by_role],
                [("Complete", [round((s or 0.0), 4) for _r, s in data.completion_by_role])],
                (MARGIN, BODY_TOP, left - Inches(0.2), Inches(4.5)),
                [accent],
                title="Complete by role",
                number_format="0%",
            )
        rows = []
        for m in chunk:
            planned, moved = plan_date_text(m)
            if data.internal is not None and m.is_overdue(data.today):
                moved = (moved + "; " if moved else "") + "overdue"
            rows.append(
                [
                    m.title,
                    m.role,
                    m.status.value,
                    planned + (f"\n{moved}" if moved and m.status.is_open else ""),
                    day_text(m.achieved_on, ""),
                ]
            )
        table(
            slide,
            ["Milestone", "Role", "Status", "Planned for", "Achieved"],
            rows,
            [3.2, 1.6, 1.3, 1.5, 1.3],
            left=MARGIN + left,
            width=BODY_WIDTH - left,
            accent=accent,
            size=11,
        )
        notes(slide, [definitions(data)[1], definitions(data)[7]])


def _next_steps(presentation: Any, data: QbrData) -> None:
    accent = data.branding.accent_colour
    slide = blank_slide(presentation, "Next steps", accent)
    upcoming = data.upcoming(6)
    if not upcoming:
        text_box(
            slide,
            MARGIN,
            BODY_TOP,
            BODY_WIDTH,
            Inches(1),
            [
                "Every milestone of the plan "
                "is done; next we agree the goals of the next phase together."
            ],
            size=18,
        )
        return
    rows = []
    for m in upcoming:
        planned, moved = plan_date_text(m)
        rows.append(
            [
                planned + (f"\n{moved}" if moved else ""),
                m.title + (f"\nUnlocks: {m.unlocks}" if m.unlocks else ""),
                m.customer_owner or f"{m.role}: to be named",
                data.csm or "your CSM",
            ]
        )
    table(
        slide,
        ["Date", "Step", "Your owner", "Our owner"],
        rows,
        [1.4, 4.2, 1.8, 1.8],
        accent=accent,
        size=13,
    )
    notes(
        slide,
        [
            "Mutual action plan: the next open milestones, soonest planned first; your "
            "owner is the contact holding the milestone's role.",
            definitions(data)[7],
        ],
    )


def _asks(presentation: Any, data: QbrData) -> None:
    if not data.asks:
        return
    accent = data.branding.accent_colour
    slide = blank_slide(presentation, "Risks and asks", accent)
    rows = [
        [
            "Risk" if a.kind == "risk" else "Ask",
            a.text + (f" (for “{a.milestone}”)" if a.milestone else ""),
            a.owner or "–",
            day_text(a.due_on),
        ]
        for a in data.asks
    ]
    table(slide, ["", "What", "Owner", "By"], rows, [0.8, 5.2, 1.8, 1.4], accent=accent, size=13)
    notes(slide, ["What we need from you to keep the plan on track; open items only."])


def _internal(presentation: Any, data: QbrData) -> None:
    """The internal edition's last slide: ARR, renewal, health and why, the CSM's notes."""
    internal = data.internal
    if internal is None:
        return
    slide = blank_slide(presentation, "Internal: health and notes", "#cf222e")
    rows = [
        ["ARR", money_text(internal.arr, data.branding.currency)],
        ["Renewal", day_text(internal.renewal_on)],
        ["Health", "\n".join([internal.health.value, *internal.health_reasons[:3]])],
        ["Overdue milestones", str(internal.overdue_count)],
        *[[day_text(day), text] for day, text in internal.notes[:4]],
    ]
    table(slide, ["", ""], rows, [1.5, 6], accent="#cf222e", size=12)
    notes(slide, ["INTERNAL — never show this slide to the customer."])


def build_deck(data: QbrData) -> Any:
    """The deck as a python-pptx ``Presentation`` (16:9)."""
    presentation = Presentation()
    presentation.slide_width = SLIDE_WIDTH
    presentation.slide_height = SLIDE_HEIGHT
    presentation.core_properties.title = cut(f"{data.account} — Quarterly business review", 200)
    presentation.core_properties.author = data.csm or "CSM Desktop"
    parts = (
        _title, _summary, quote_slide, _value, _wins, _adoption, _plan, _next_steps, _asks,
        _internal,
    )  # fmt: skip
    for part in parts:
        part(presentation, data)
    if data.internal is not None:
        slide = presentation.slides[0]
        text_box(
            slide,
            MARGIN,
            Inches(6.7),
            BODY_WIDTH,
            Inches(0.4),
            ["INTERNAL — contains overdue flags; do not share with the customer"],
            size=12,
            bold=True,
            colour=rgb("#cf222e"),
        )
    return presentation


def write_deck(data: QbrData, target: Path | Any) -> None:
    """Write the QBR deck of ``data`` to ``target`` (a path or a binary file)."""
    build_deck(data).save(str(target) if isinstance(target, Path) else target)


__all__ = ["build_deck", "write_deck"]
