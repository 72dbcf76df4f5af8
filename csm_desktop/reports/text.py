"""Safe text, the bundled Unicode fonts and the paragraph styles every PDF report uses.

Every string that came from a user (account names, milestone titles, kickoff words) is
escaped here before it reaches a reportlab ``Paragraph``: paragraph markup is an attack
surface (CVE-2023-33733 evaluated attribute values; ``<img src>`` fetches files and URLs), so
``Zoë's <Bakery> & Co`` must print literally and never be parsed. Text any bundled font can draw
renders, whatever its script: ``reports.fonts`` holds the fallback chain.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, NamedTuple

from csm_desktop.domain.review import day_text
from csm_desktop.reports.fonts import (
    FONT,
    FONT_BOLD,
    FONT_BOLD_ITALIC,
    FONT_ITALIC,
    register_fonts,
    runs,
)
from csm_desktop.reports.qbr_text import number, percent

# Re-exported: the documents of this package take these from here.
__all__ = [
    "FONT",
    "FONT_BOLD",
    "FONT_BOLD_ITALIC",
    "FONT_ITALIC",
    "clip",
    "day_text",
    "escape",
    "markup",
    "nobreak",
    "number",
    "para",
    "percent",
    "plain",
    "register_fonts",
    "styles",
]

CELL_LIMIT = 400
"""Characters a table cell prints before it is cut with an ellipsis: a table row cannot
break across pages, so an unbounded cell is what raises reportlab's LayoutError."""

# C0 controls (but tab and newline) and DEL have no glyph and confuse the PDF text layer.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

INK = "#1f2933"
MUTED = "#616e7c"
ACCENT = "#1f6feb"
RULE = "#d0d7de"
SOFT = "#f3f5f7"


def escape(text: object) -> str:
    """``text`` as paragraph markup that prints exactly these characters and nothing more.

    ``&``, ``<`` and ``>`` become entities (so no tag or entity of the user's survives),
    control characters are dropped, line breaks become ``<br/>``, and runs the body font
    cannot draw (Japanese, emoji) are set in the fallback font that can (``reports.fonts``).
    """
    flat = _CONTROL.sub("", str(text).replace("\r\n", "\n").replace("\r", "\n"))
    pieces = []
    for run in runs(flat):
        piece = run.text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        piece = piece.replace("\n", "<br/>")
        pieces.append(f'<font face="{run.font}">{piece}</font>' if run.font else piece)
    return "".join(pieces)


def clip(text: object, limit: int = CELL_LIMIT) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis, for a table cell."""
    flat = str(text)
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def nobreak(text: str) -> str:
    """``text`` with its spaces made non-breaking: a figure and its unit stay on one line."""
    return text.replace(" ", "\u00a0")


def plain(text: object) -> str:
    """``text`` for a chart label or PDF metadata, which are never parsed as markup."""
    return _CONTROL.sub("", str(text).replace("\r", " ").replace("\n", " "))


class Styles(NamedTuple):
    """The paragraph styles of the reports, all in the bundled font. (A named tuple, not a
    frozen dataclass: defining one cost a first report ~2.5 ms at import.)"""

    title: Any
    subtitle: Any
    h1: Any
    h2: Any
    body: Any
    small: Any
    cell: Any
    cell_bold: Any
    cell_right: Any
    muted: Any
    kpi_value: Any
    kpi_label: Any


@cache
def styles() -> Styles:
    """The report styles (fonts registered on first call)."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    register_fonts()
    ink = colors.HexColor(INK)
    muted = colors.HexColor(MUTED)
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=14, textColor=ink)
    cell = ParagraphStyle("cell", parent=body, fontSize=8.5, leading=11)
    return Styles(
        title=ParagraphStyle(
            "title", parent=body, fontName=FONT_BOLD, fontSize=26, leading=32, spaceAfter=6
        ),
        subtitle=ParagraphStyle(
            "subtitle", parent=body, fontSize=14, leading=19, textColor=muted, spaceAfter=4
        ),
        h1=ParagraphStyle(
            "h1",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=15,
            leading=19,
            spaceBefore=12,
            spaceAfter=8,
            textColor=colors.HexColor(ACCENT),
        ),
        h2=ParagraphStyle(
            "h2",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=11.5,
            leading=15,
            spaceBefore=8,
            spaceAfter=4,
        ),
        body=ParagraphStyle("body-spaced", parent=body, spaceAfter=5),
        small=ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=muted),
        cell=cell,
        cell_bold=ParagraphStyle("cell-bold", parent=cell, fontName=FONT_BOLD),
        cell_right=ParagraphStyle("cell-right", parent=cell, alignment=TA_RIGHT),
        muted=ParagraphStyle("muted", parent=body, textColor=muted),
        kpi_value=ParagraphStyle(
            "kpi-value",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=17,
            leading=21,
            alignment=TA_CENTER,
            textColor=colors.HexColor(ACCENT),
        ),
        kpi_label=ParagraphStyle(
            "kpi-label",
            parent=body,
            fontSize=8,
            leading=10,
            alignment=TA_CENTER,
            textColor=muted,
        ),
    )


def para(text: object, style: Any) -> Any:
    """A ``Paragraph`` that prints ``text`` literally (user text is always escaped)."""
    from reportlab.platypus import Paragraph

    return Paragraph(escape(text), style)


def markup(template: str, *values: object, style: Any) -> Any:
    """A ``Paragraph`` from our own markup with user ``values`` escaped into ``{}`` slots.

    Only ``template`` (written by us) may hold tags such as ``<b>``; every value is escaped.
    """
    from reportlab.platypus import Paragraph

    return Paragraph(template.format(*(escape(v) for v in values)), style)
