"""Safe text, the bundled Unicode fonts and the paragraph styles every PDF report uses.

Every string that came from a user (account names, milestone titles, kickoff words) is
escaped here before it reaches a reportlab ``Paragraph``: paragraph markup is an attack
surface (CVE-2023-33733 evaluated attribute values; ``<img src>`` fetches files and URLs), so
``Zoë's <Bakery> & Co`` must print literally and never be parsed. The DejaVu Sans family in
``resources/fonts`` is registered once, on first use, so Polish, Nordic, German, Greek and
Cyrillic names render; the standard PDF fonts only cover Latin-1.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"
FONT_BOLD_ITALIC = "DejaVuSans-BoldOblique"
_FONT_FILES = {
    FONT: "DejaVuSans.ttf",
    FONT_BOLD: "DejaVuSans-Bold.ttf",
    FONT_ITALIC: "DejaVuSans-Oblique.ttf",
    FONT_BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
}

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
    control characters are dropped and line breaks become ``<br/>``.
    """
    plain = _CONTROL.sub("", str(text).replace("\r\n", "\n").replace("\r", "\n"))
    plain = plain.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return plain.replace("\n", "<br/>")


def plain(text: object) -> str:
    """``text`` for a chart label or PDF metadata, which are never parsed as markup."""
    return _CONTROL.sub("", str(text).replace("\r", " ").replace("\n", " "))


def day_text(day: dt.date | None, empty: str = "–") -> str:
    """A date as a CSM writes it in a report: ``3 Feb 2026``."""
    return empty if day is None else f"{day.day} {day:%b %Y}"


def percent(fraction: float | None, empty: str = "–") -> str:
    """A 0…1 share as a whole percentage: ``64 %``."""
    return empty if fraction is None else f"{fraction * 100:.0f} %"


def number(value: float | None, empty: str = "–") -> str:
    """A measured value without noise: 24, 16.5, 1,250."""
    if value is None:
        return empty
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.1f}"


@cache
def register_fonts() -> str:
    """Register the bundled DejaVu Sans family once per process; returns the body font name."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from csm_desktop.paths import resources_dir

    folder = resources_dir() / "fonts"
    for name, file_name in _FONT_FILES.items():
        path = folder / file_name
        if not path.is_file():
            raise FileNotFoundError(
                f"The report font {path} is missing; reinstall CSM Desktop to restore it."
            )
        pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC
    )
    # <b> and <i> inside paragraphs find the family through these mappings.
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT_BOLD)
    addMapping(FONT, 0, 1, FONT_ITALIC)
    addMapping(FONT, 1, 1, FONT_BOLD_ITALIC)
    return FONT


@dataclass(frozen=True)
class Styles:
    """The paragraph styles of the reports, all in the bundled font."""

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
