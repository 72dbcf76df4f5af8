"""One calm light look for every pyqtgraph chart: colours, fonts and the heat-map scale.

Charts read their colours here so the dashboard and the account charts agree, and so the
palette can change in one place. ``configure()`` sets pyqtgraph's global options once.
"""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtGui import QColor, QFont

INK = "#101828"
MUTED = "#475467"
FAINT = "#98a2b3"
GRID = "#eaecf0"
TRACK = "#eef0f3"
PANEL = "#ffffff"
PAGE = "#f2f4f7"

BLUE = "#2e90fa"
BLUE_DARK = "#1570ef"
BLUE_LIGHT = "#d1e9ff"
GREEN = "#12b76a"
GREEN_LIGHT = "#d1fadf"
AMBER = "#f79009"
RED = "#f04438"
GREY = "#98a2b3"

# Heat map: low share red, middle amber, high green; light enough for black text.
HEAT_STOPS: tuple[tuple[float, str], ...] = ((0.0, "#fda29b"), (0.5, "#fedf89"), (1.0, "#6ce9a6"))
NO_VALUE = "#f2f4f7"

_configured = False


def configure() -> None:
    """pyqtgraph's global look: antialiased, white background, dark ink."""
    global _configured
    if _configured:
        return
    import pyqtgraph as pg

    pg.setConfigOptions(antialias=True, background=PANEL, foreground=MUTED)
    _configured = True


def font(point_size: float = 9.5, *, bold: bool = False) -> QFont:
    chosen = QFont()
    chosen.setPointSizeF(point_size)
    chosen.setBold(bold)
    return chosen


def heat_colour(fraction: float | None) -> QColor:
    """The heat-map colour of a share in 0…1 (grey when there is nothing to count)."""
    if fraction is None:
        return QColor(NO_VALUE)
    fraction = min(max(fraction, 0.0), 1.0)
    for (low, low_hex), (high, high_hex) in pairwise(HEAT_STOPS):
        if fraction <= high:
            t = (fraction - low) / (high - low)
            a, b = QColor(low_hex), QColor(high_hex)
            return QColor(
                round(a.red() + (b.red() - a.red()) * t),
                round(a.green() + (b.green() - a.green()) * t),
                round(a.blue() + (b.blue() - a.blue()) * t),
            )
    return QColor(HEAT_STOPS[-1][1])


def percent(fraction: float | None) -> str:
    """A share as the dashboard prints it: whole percent, an en dash when nothing counts."""
    return "–" if fraction is None else f"{fraction * 100:.0f} %"
