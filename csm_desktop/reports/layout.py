"""Page furniture shared by the reports: A4 frame, header, footer with "Page N of M", tables.

Loaded only when a report is made (it imports reportlab at the top), never at window
start-up. Header and footer text passes through ``plain()``: the canvas draws strings as
they are, without markup, so user text cannot inject anything there either.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)

from csm_desktop.domain.vocabulary import Health, Status
from csm_desktop.reports.fonts import draw_string, fit
from csm_desktop.reports.text import (
    ACCENT,
    FONT,
    FONT_BOLD,
    INK,
    MUTED,
    RULE,
    SOFT,
    clip,
    escape,
    plain,
    register_fonts,
    styles,
)

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN
DANGER = "#cf222e"
GOOD = "#1a7f37"
WARN = "#9a6700"
HEALTH_COLOURS = {Health.ON_TRACK: GOOD, Health.AT_RISK: WARN, Health.OFF_TRACK: DANGER}

# Status marks: a shape that survives black-and-white printing, plus a colour on screen.
STATUS_MARKS: dict[Status, tuple[str, str]] = {
    Status.ACHIEVED: ("✓", GOOD),
    Status.IN_PROGRESS: ("◐", ACCENT),
    Status.NOT_STARTED: ("○", MUTED),
    Status.BLOCKED: ("✕", DANGER),
    Status.SKIPPED: ("–", MUTED),
}


class PageFurniture(NamedTuple):
    """The words around every page but the cover. (A named tuple, not a frozen dataclass:
    defining one cost a first report ~1 ms at import.)"""

    header_left: str
    header_right: str
    footer_left: str
    banner: str = ""
    """A warning printed in red on every page, e.g. the internal edition's."""


def _numbered_canvas(furniture: PageFurniture) -> type[Canvas]:
    """A canvas that defers pages so the footer can say "Page N of M"."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            # Every page starts in the bundled font, so no standard Type 1 font is referenced.
            kwargs.setdefault("initialFontName", FONT)
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                _draw_furniture(self, furniture, number, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def _draw_furniture(canvas: Canvas, furniture: PageFurniture, number: int, total: int) -> None:
    canvas.saveState()
    top = PAGE_HEIGHT - MARGIN + 8 * mm
    bottom = MARGIN - 10 * mm
    if number > 1:
        canvas.setFillColor(colors.HexColor(MUTED))
        right = plain(furniture.header_right)
        room = FRAME_WIDTH - canvas.stringWidth(right, FONT, 8) - 12
        draw_string(canvas, MARGIN, top, fit(plain(furniture.header_left), FONT, 8, room), FONT, 8)
        draw_string(canvas, PAGE_WIDTH - MARGIN, top, right, FONT, 8, "end")
        canvas.setStrokeColor(colors.HexColor(RULE))
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, top - 3, PAGE_WIDTH - MARGIN, top - 3)
    if furniture.banner:
        canvas.setFont(FONT_BOLD, 8)
        canvas.setFillColor(colors.HexColor(DANGER))
        canvas.drawCentredString(PAGE_WIDTH / 2, top + 10, plain(furniture.banner))
    canvas.setStrokeColor(colors.HexColor(RULE))
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN, bottom + 10, PAGE_WIDTH - MARGIN, bottom + 10)
    canvas.setFont(FONT, 8)
    canvas.setFillColor(colors.HexColor(MUTED))
    footer = fit(plain(furniture.footer_left), FONT, 8, FRAME_WIDTH - 90)
    draw_string(canvas, MARGIN, bottom, footer, FONT, 8)
    canvas.setFont(FONT, 8)
    canvas.drawRightString(PAGE_WIDTH - MARGIN, bottom, f"Page {number} of {total}")
    canvas.restoreState()


def build_pdf(
    target: Path | Any,
    story: list[Flowable],
    furniture: PageFurniture,
    *,
    title: str,
    author: str,
    subject: str,
) -> None:
    """Lay ``story`` out on A4 pages with header and footer and write it to ``target``."""
    register_fonts()
    document = BaseDocTemplate(
        target if not isinstance(target, Path) else str(target),
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=plain(title),
        author=plain(author),
        subject=plain(subject),
        creator="CSM Desktop",
        invariant=True,
    )
    frame = Frame(
        MARGIN,
        MARGIN,
        FRAME_WIDTH,
        PAGE_HEIGHT - 2 * MARGIN,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    document.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    document.build(story, canvasmaker=_numbered_canvas(furniture))


def data_table(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    *,
    extra: Sequence[tuple[Any, ...]] = (),
) -> Table:
    """A table with a repeated header row; cells that are not flowables are escaped text."""
    st = styles()
    head = [Paragraph(escape(clip(text, 80)), st.cell_bold) for text in header]
    body = [[cell if isinstance(cell, Flowable) else _cell(cell) for cell in row] for row in rows]
    table = Table([head, *body], colWidths=list(widths), repeatRows=1)
    commands: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(SOFT)),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor(INK)),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, colors.HexColor(RULE)),
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        *extra,
    ]
    table.setStyle(TableStyle(commands))
    return table


def key_value_table(rows: Sequence[tuple[str, Any]], widths: Sequence[float]) -> Table:
    """Labels on the left, values on the right, thin rules between; values escaped."""
    st = styles()
    body = [
        [
            Paragraph(escape(clip(label, 80)), st.cell),
            value if isinstance(value, Flowable) else _cell(value),
        ]
        for label, value in rows
    ]
    table = Table(body, colWidths=list(widths))
    table.setStyle(
        TableStyle(
            [
                ("LINEABOVE", (0, 0), (-1, 0), 0.8, colors.HexColor(INK)),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor(RULE)),
                ("TEXTCOLOR", (0, 0), (0, -1), colors.HexColor(MUTED)),
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _cell(value: Any) -> Paragraph:
    """A table cell: escaped, and cut to ``CELL_LIMIT`` characters so a row always fits a
    page (a row taller than a page is what makes reportlab raise LayoutError)."""
    return Paragraph(escape(clip("" if value is None else value)), styles().cell)


def cell(value: Any, style: Any = None) -> Paragraph:
    """The same safe, bounded cell as ``data_table`` makes, in another style if given."""
    return Paragraph(escape(clip("" if value is None else value)), style or styles().cell)


def status_cell(status: Status, *, overdue: bool = False, reason: str = "") -> Paragraph:
    """A status with its mark and colour; overdue in red (internal edition only: the
    customer edition passes ``overdue=False``); a reason (internal only) below."""
    mark, colour = STATUS_MARKS[status]
    text = f'<font color="{colour}"><b>{mark}</b></font> {escape(status.value)}'
    if overdue:
        text += f' <font color="{DANGER}"><b>· overdue</b></font>'
    if reason:
        text += f'<br/><font color="{MUTED}"><i>{escape(clip(reason))}</i></font>'
    return Paragraph(text, styles().cell)


def kpi_strip(
    items: Sequence[tuple[str, str]], width: float = FRAME_WIDTH, colour: str = ""
) -> Table:
    """Big figures side by side, each with its label below, the figures in ``colour`` (the
    book's accent) when given."""
    st = styles()

    def figure(value: str) -> str:
        return f'<font color="{colour}">{escape(value)}</font>' if colour else escape(value)

    cells = [
        [Paragraph(figure(value), st.kpi_value), Paragraph(escape(label), st.kpi_label)]
        for label, value in items
    ]
    column = width / max(len(items), 1)
    table = Table(
        [[cell[0] for cell in cells], [cell[1] for cell in cells]],
        colWidths=[column] * len(items),
    )
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(SOFT)),
                ("LINEAFTER", (0, 0), (-2, -1), 2, colors.white),
                ("TOPPADDING", (0, 0), (-1, 0), 8),
                ("BOTTOMPADDING", (0, 1), (-1, 1), 8),
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def grid(flowables: Sequence[Any], columns: int, width: float = FRAME_WIDTH) -> Table:
    """Small multiples: ``flowables`` in rows of ``columns``, left to right."""
    rows = [list(flowables[i : i + columns]) for i in range(0, len(flowables), columns)]
    if rows:
        rows[-1] += [""] * (columns - len(rows[-1]))
    table = Table(rows or [[""]], colWidths=[width / columns] * columns)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return table


def section(title: str, *flowables: Any, colour: str = "") -> list[Any]:
    """A heading (in ``colour`` when given) kept on the same page as the first thing under it."""
    text = escape(title)
    if colour:
        text = f'<font color="{colour}">{text}</font>'
    heading = Paragraph(text, styles().h1)
    if not flowables:
        return [heading]
    return [KeepTogether([heading, flowables[0]]), *flowables[1:]]


def on_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"
