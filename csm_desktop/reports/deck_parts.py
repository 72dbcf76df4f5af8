"""Building blocks of the QBR deck (python-pptx): slide titles, tables, native charts, notes.

Charts are PowerPoint charts with their data embedded (a CSM edits numbers and colours in
PowerPoint or Keynote), never pictures. Text is cut to what a slide can hold: a deck has no
page to flow onto, so an unbounded cell would spill off the slide.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

from pptx.chart.data import CategoryChartData, XyChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Inches, Pt

log = logging.getLogger(__name__)

SLIDE_WIDTH = Inches(13.333)
SLIDE_HEIGHT = Inches(7.5)
MARGIN = Inches(0.6)
BODY_TOP = Inches(1.35)
BODY_WIDTH = SLIDE_WIDTH - 2 * MARGIN
INK = RGBColor(0x1F, 0x29, 0x33)
MUTED = RGBColor(0x61, 0x6E, 0x7C)
SOFT = RGBColor(0xF3, 0xF5, 0xF7)
GREY = RGBColor(0xAF, 0xB8, 0xC1)
_SPACES = re.compile(r"[ \t\r\n\f\v]+")
CELL_CHARS = 160
"""Characters a deck table cell keeps; the rest is cut with an ellipsis."""


def rgb(hex_code: str) -> RGBColor:
    colour: RGBColor = RGBColor.from_string(hex_code.lstrip("#").upper())
    return colour


def cut(text: object, limit: int = CELL_CHARS) -> str:
    """One line of at most ``limit`` characters; non-breaking spaces (a figure and its unit
    or currency) are kept."""
    flat = _SPACES.sub(" ", str(text)).strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def blank_slide(presentation: Any, title: str, accent: str) -> Any:
    """A slide with the section title in the accent colour and a thin accent rule."""
    slide = presentation.slides.add_slide(presentation.slide_layouts[6])  # blank layout
    box = slide.shapes.add_textbox(MARGIN, Inches(0.45), BODY_WIDTH, Inches(0.7))
    frame = box.text_frame
    frame.word_wrap = True
    run = frame.paragraphs[0].add_run()
    run.text = cut(title, 90)
    run.font.size = Pt(28)
    run.font.bold = True
    run.font.color.rgb = rgb(accent)
    rule = slide.shapes.add_shape(1, MARGIN, Inches(1.12), Inches(1.2), Inches(0.06))
    rule.fill.solid()
    rule.fill.fore_color.rgb = rgb(accent)
    rule.line.fill.background()
    return slide


def text_box(
    slide: Any,
    left: int,
    top: int,
    width: int,
    height: int,
    paragraphs: Sequence[str],
    *,
    size: float = 16,
    colour: RGBColor = INK,
    bold: bool = False,
    bullets: bool = False,
) -> Any:
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    for index, text in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = ("• " if bullets else "") + cut(text, 600)
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = colour
        paragraph.space_after = Pt(size * 0.6)
    return box


def table(
    slide: Any,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    *,
    top: int = BODY_TOP,
    left: int = MARGIN,
    width: int = BODY_WIDTH,
    accent: str,
    size: float = 12,
    muted_column: int | None = None,
) -> Any:
    """A native table: header row in the accent colour, light rows, text cut to fit."""
    height = Inches(0.4) * (len(rows) + 1)
    shape = slide.shapes.add_table(len(rows) + 1, len(header), left, top, width, height)
    grid = shape.table
    total = sum(widths)
    for index, share in enumerate(widths):
        grid.columns[index].width = Emu(int(width * share / total))
    for column, text in enumerate(header):
        _cell(grid.cell(0, column), text, size, RGBColor(0xFF, 0xFF, 0xFF), bold=True)
        grid.cell(0, column).fill.solid()
        grid.cell(0, column).fill.fore_color.rgb = rgb(accent)
    for row_index, row in enumerate(rows, start=1):
        for column, text in enumerate(row):
            cell = grid.cell(row_index, column)
            colour = MUTED if column == muted_column else INK
            _cell(cell, text, size, colour)
            cell.fill.solid()
            cell.fill.fore_color.rgb = SOFT if row_index % 2 else RGBColor(0xFF, 0xFF, 0xFF)
    return shape


def _cell(cell: Any, text: str, size: float, colour: RGBColor, *, bold: bool = False) -> None:
    lines = str(text).split("\n")
    frame = cell.text_frame
    frame.word_wrap = True
    for index, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = cut(line)
        run.font.size = Pt(size if index == 0 else size * 0.8)
        run.font.bold = bold
        run.font.color.rgb = colour if index == 0 else MUTED


def category_chart(
    slide: Any,
    kind: Any,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    box: tuple[int, int, int, int],
    colours: Sequence[str],
    *,
    title: str = "",
    number_format: str = "General",
) -> Any:
    """A native category chart (column, bar or line) with its data embedded."""
    data = CategoryChartData(number_format=number_format)
    data.categories = list(categories)
    for name, values in series:
        data.add_series(cut(name, 60), list(values))
    frame = slide.shapes.add_chart(kind, *box, data)
    chart = frame.chart
    _style(chart, title, len(series) > 1)
    if number_format == "0%":  # shares: a 0–100 % axis
        chart.value_axis.maximum_scale = 1.0
        chart.value_axis.minimum_scale = 0.0
        chart.value_axis.tick_labels.number_format = "0%"
        chart.value_axis.tick_labels.number_format_is_linked = False
    for plot in chart.plots:
        for index, line in enumerate(plot.series):
            colour = rgb(colours[index % len(colours)])
            if kind in (XL_CHART_TYPE.LINE, XL_CHART_TYPE.LINE_MARKERS):
                line.format.line.color.rgb = colour
                line.format.line.width = Pt(2.25)
                line.smooth = False
            else:
                line.format.fill.solid()
                line.format.fill.fore_color.rgb = colour
    return chart


def xy_chart(
    slide: Any,
    series: Sequence[tuple[str, Sequence[tuple[float, float]]]],
    box: tuple[int, int, int, int],
    colours: Sequence[str],
    *,
    title: str = "",
) -> Any:
    """A native scatter chart with straight lines (an outcome over days since baseline)."""
    data = XyChartData()
    for name, points in series:
        line = data.add_series(cut(name, 60))
        for x, y in points:
            line.add_data_point(x, y)
    chart = slide.shapes.add_chart(XL_CHART_TYPE.XY_SCATTER_LINES, *box, data).chart
    _style(chart, title, len(series) > 1)
    for index, line in enumerate(chart.plots[0].series):
        line.format.line.color.rgb = rgb(colours[index % len(colours)])
        line.format.line.width = Pt(2.25)
        line.smooth = False
        if line.name == "Target":  # a goal, not a measurement: dashed
            line.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
            line.format.line.width = Pt(1.5)
    return chart


def _style(chart: Any, title: str, legend: bool) -> None:
    chart.font.size = Pt(11)
    chart.font.color.rgb = MUTED
    chart.has_title = bool(title)
    if title:
        chart.chart_title.text_frame.text = cut(title, 80)
        chart.chart_title.text_frame.paragraphs[0].runs[0].font.size = Pt(13)
        chart.chart_title.text_frame.paragraphs[0].runs[0].font.bold = True
    chart.has_legend = legend
    if legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False


def picture(slide: Any, path: str, left: int, top: int, max_w: int, max_h: int) -> bool:
    """Place an image scaled into a box (right-aligned when ``left`` is negative)."""
    if not path:
        return False
    try:
        from PIL import Image

        with Image.open(path) as image:
            width, height = image.size
        scale = min(max_w / width, max_h / height)
        w, h = int(width * scale), int(height * scale)
        x = SLIDE_WIDTH + left - w if left < 0 else left
        slide.shapes.add_picture(path, x, top, w, h)
    except Exception as exc:  # an unreadable logo is left off, never the deck
        log.warning("Logo %s left off the deck: %s", path, exc)
        return False
    return True


def notes(slide: Any, lines: Sequence[str]) -> None:
    """Speaker notes: what the figures on the slide mean."""
    slide.notes_slide.notes_text_frame.text = "\n".join(lines)


def align_right(shape: Any) -> None:
    for paragraph in shape.text_frame.paragraphs:
        paragraph.alignment = PP_ALIGN.RIGHT
