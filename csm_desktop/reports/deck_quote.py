"""The QBR deck's "In your words" slide: the customer quote of the PDF (issue #18), in large
type with who said it; no slide when the customer allowed no remark to be quoted."""

from __future__ import annotations

from typing import Any

from pptx.util import Inches

from csm_desktop.domain.review import day_text
from csm_desktop.reports.deck_parts import (
    BODY_TOP,
    BODY_WIDTH,
    MARGIN,
    MUTED,
    blank_slide,
    notes,
    text_box,
)
from csm_desktop.reports.qbr_model import QbrData


def quote_slide(presentation: Any, data: QbrData) -> None:
    quote = data.quote
    if quote is None:
        return
    slide = blank_slide(presentation, "In your words", data.branding.accent_colour)
    text_box(
        slide, MARGIN + Inches(0.4), BODY_TOP + Inches(0.8), BODY_WIDTH - Inches(0.8),
        Inches(3.2), [f"“{quote.text}”"], size=30,
    )  # fmt: skip
    who = ", ".join(part for part in (quote.who, day_text(quote.given_on)) if part)
    text_box(
        slide, MARGIN + Inches(0.4), BODY_TOP + Inches(4.2), BODY_WIDTH - Inches(0.8),
        Inches(0.8), [f"— {who}"], size=18, colour=MUTED,
    )  # fmt: skip
    notes(slide, ["Feedback the customer allowed us to quote, given in this review period."])
