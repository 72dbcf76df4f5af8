"""One calm look for every pyqtgraph chart: fonts, the heat-map scale, pyqtgraph options.

Colours come from ``ui.palette`` (light or dark, by meaning), so the dashboard, the account
charts and the rest of the window agree. ``configure()`` sets pyqtgraph's global options.
"""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtGui import QColor, QFont

from csm_desktop.ui.palette import current


def configure() -> None:
    """pyqtgraph's global look: antialiased, the scheme's panel background and ink."""
    import pyqtgraph as pg

    colours = current()
    pg.setConfigOptions(antialias=True, background=colours.panel, foreground=colours.muted)


def font(point_size: float = 9.5, *, bold: bool = False) -> QFont:
    chosen = QFont()
    chosen.setPointSizeF(point_size)
    chosen.setBold(bold)
    return chosen


def heat_colour(fraction: float | None) -> QColor:
    """The heat-map colour of a share in 0…1 (grey when there is nothing to count)."""
    colours = current()
    if fraction is None:
        return QColor(colours.no_value)
    fraction = min(max(fraction, 0.0), 1.0)
    for (low, low_hex), (high, high_hex) in pairwise(colours.heat_stops):
        if fraction <= high:
            t = (fraction - low) / (high - low)
            a, b = QColor(low_hex), QColor(high_hex)
            return QColor(
                round(a.red() + (b.red() - a.red()) * t),
                round(a.green() + (b.green() - a.green()) * t),
                round(a.blue() + (b.blue() - a.blue()) * t),
            )
    return QColor(colours.heat_stops[-1][1])


def percent(fraction: float | None) -> str:
    """A share as the dashboard prints it: whole percent, an en dash when nothing counts."""
    return "–" if fraction is None else f"{fraction * 100:.0f} %"
