"""The QBR's customer quote: the customer's own words, when they allowed quoting (issue #18).

One remark chosen by ``services.feedback.quotable_feedback`` (positive first, never a
negative one) prints after the executive summary in large type with who said it and when.
User text is escaped like everywhere else in the report.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from csm_desktop.domain.review import day_text
from csm_desktop.reports.layout import FRAME_WIDTH
from csm_desktop.reports.qbr_model import QbrData
from csm_desktop.reports.text import escape, styles


def quote_block(data: QbrData) -> list[Any]:
    """The quote as a shaded block with an accent bar; nothing when there is none."""
    quote = data.quote
    if quote is None:
        return []
    st = styles()
    accent = data.branding.accent_colour
    words = ParagraphStyle("quote", parent=st.body, fontSize=13, leading=18, spaceAfter=4)
    who = ", ".join(part for part in (quote.who, day_text(quote.given_on)) if part)
    cell = [
        Paragraph(f"“{escape(quote.text)}”", words),
        Paragraph(f"— {escape(who)}", st.muted),
    ]
    table = Table([["", cell]], colWidths=[4, FRAME_WIDTH - 4])
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (0, 0), colors.HexColor(accent)),
                ("BACKGROUND", (1, 0), (1, 0), colors.HexColor("#F5F7FA")),
                ("LEFTPADDING", (1, 0), (1, 0), 12),
                ("TOPPADDING", (1, 0), (1, 0), 10),
                ("BOTTOMPADDING", (1, 0), (1, 0), 10),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return [Spacer(1, 6), KeepTogether([table]), Spacer(1, 6)]
