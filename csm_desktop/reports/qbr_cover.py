"""The QBR's cover page: both logos on the book's accent band, who it is for and from.

A logo that is missing or not an image is left out (the cover still says who is who in
words): a report is never lost to a moved logo file.
"""

from __future__ import annotations

import logging
from typing import Any

from reportlab.lib import colors
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer

from csm_desktop.domain.review import day_text
from csm_desktop.domain.value_money import money_text
from csm_desktop.reports.fonts import FONT_BOLD, draw_string, fit
from csm_desktop.reports.layout import DANGER, FRAME_WIDTH, key_value_table, kpi_strip
from csm_desktop.reports.qbr_model import QbrData
from csm_desktop.reports.qbr_text import percent
from csm_desktop.reports.text import clip, escape, markup, para, styles

log = logging.getLogger(__name__)
LOGO_BOX = (130.0, 46.0)
INTERNAL_BANNER = "INTERNAL — contains ARR, health and CSM notes; do not share with the customer"


def logo_image(path: str, box: tuple[float, float] = LOGO_BOX) -> Any | None:
    """The logo at ``path`` scaled to fit ``box`` keeping its proportions; None if unusable."""
    if not path:
        return None
    try:
        from reportlab.lib.utils import ImageReader

        reader = ImageReader(path)
        width, height = reader.getSize()
    except Exception as exc:  # any unreadable image: leave it out, say why in the log
        log.warning("Logo %s left off the report: %s", path, exc)
        return None
    scale = min(box[0] / width, box[1] / height)
    return reader, width * scale, height * scale


class CoverBand(Flowable):  # type: ignore[misc]
    """The accent band with the vendor's logo (or name) left and the customer's right."""

    def __init__(self, data: QbrData, width: float = FRAME_WIDTH) -> None:
        super().__init__()
        self.data = data
        self.width = width
        self.height = 70.0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        brand = self.data.branding
        canvas.setFillColor(colors.HexColor(brand.accent_colour))
        canvas.rect(0, self.height - 8, self.width, 8, stroke=0, fill=1)
        top = self.height - 16
        for path, right, fallback in (
            (brand.vendor_logo, False, brand.company_name),
            (brand.customer_logo, True, ""),
        ):
            logo = logo_image(path)
            if logo is not None:
                reader, w, h = logo
                x = self.width - w if right else 0
                canvas.drawImage(reader, x, top - h, w, h, mask="auto")
            elif fallback:
                canvas.setFillColor(colors.HexColor(brand.accent_colour))
                name = fit(fallback, FONT_BOLD, 14, self.width / 2 - 10)
                draw_string(canvas, 0, top - 18, name, FONT_BOLD, 14)


def headline_figures(data: QbrData) -> list[tuple[str, str]]:
    """The cover's big figures: value in money, plan progress, seats in use, first value."""
    figures = []
    if data.value_this_period is not None:
        figures.append(
            (f"value realized in {data.period.label or 'the period'}",
             money_text(data.value_this_period, data.branding.currency))
        )  # fmt: skip
    figures.append(("milestones achieved", f"{data.achieved} / {data.counted}"))
    latest = next((n for _m, n in reversed(data.active_users) if n is not None), None)
    if latest is not None and data.seats:
        figures.append(("of seats active", percent(latest / data.seats)))
    figures.append(
        ("day of first value", str(data.ttfv_days) if data.ttfv_days is not None else "not yet")
    )
    return figures[:4]


def cover(data: QbrData) -> list[Any]:
    st = styles()
    brand = data.branding
    by = data.csm or "your Customer Success Manager"
    if brand.company_name:
        by += f", {brand.company_name}"
    rows = [
        ("Prepared for", data.prepared_for or data.account),
        ("Prepared by", by),
        ("Review period", data.period.title()),
        ("Report date", day_text(data.today)),
    ]
    if data.internal is not None and data.external_id:
        rows.append(("External ID", data.external_id))
    story: list[Any] = [
        CoverBand(data),
        Spacer(1, 70),
        markup(f'<font color="{brand.accent_colour}">{{}}</font>', "Quarterly business review",
               style=st.subtitle),
        para(clip(data.account, 160), st.title),
        para(data.period.title(), st.subtitle),
        Spacer(1, 30),
        key_value_table(rows, (FRAME_WIDTH * 0.28, FRAME_WIDTH * 0.72)),
        Spacer(1, 30),
        kpi_strip(headline_figures(data), colour=brand.accent_colour),
    ]  # fmt: skip
    if data.success_statement.strip():
        story += [
            Spacer(1, 34),
            Paragraph("Goal agreed at kickoff", st.muted),
            markup("<i>“{}”</i>", clip(data.success_statement.strip(), 600), style=st.subtitle),
        ]
    if data.internal is not None:
        story += [
            Spacer(1, 24),
            Paragraph(f'<font color="{DANGER}"><b>{escape(INTERNAL_BANNER)}</b></font>', st.body),
        ]
    story.append(PageBreak())
    return story
