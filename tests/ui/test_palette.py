"""Light and dark: every colour comes from ui/palette.py, and dark mode is dark with light text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from csm_desktop.domain.vocabulary import Health
from csm_desktop.ui import palette
from csm_desktop.ui.charts.kpi_tiles import KpiTile
from csm_desktop.ui.models.book_model import health_colour

UI = Path(palette.__file__).parent
COLOUR_LITERAL = re.compile(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b(?!\w)|QColor\(\s*\d")


@pytest.fixture
def dark() -> Iterator[None]:
    palette.use_scheme(palette.Scheme.DARK)
    yield
    palette.use_scheme(palette.Scheme.LIGHT)


def mean_lightness(image: QImage) -> float:
    """Average HSL lightness (0–255) over a grid of pixels."""
    step = 4
    values = [
        image.pixelColor(x, y).lightness()
        for x in range(0, image.width(), step)
        for y in range(0, image.height(), step)
    ]
    return sum(values) / len(values)


def test_no_view_spells_a_colour() -> None:
    found = [
        f"{path.relative_to(UI)}:{number}: {line.strip()}"
        for path in sorted(UI.rglob("*.py"))
        if path.name != "palette.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if COLOUR_LITERAL.search(line.split("  # ")[0])
    ]
    assert found == []


def test_both_schemes_define_every_colour_differently_where_it_matters() -> None:
    light, dark = palette.LIGHT, palette.DARK
    assert QColor(light.panel).lightness() > 240 and QColor(dark.panel).lightness() < 60
    assert QColor(light.ink).lightness() < 60 and QColor(dark.ink).lightness() > 200
    assert light.phase_tints.keys() == dark.phase_tints.keys()
    assert light.roles.keys() == dark.roles.keys()


def test_dark_kpi_tile_is_a_dark_card_with_light_text(qtbot, dark: None) -> None:  # type: ignore[no-untyped-def]
    tile = KpiTile("Median time to first value")
    qtbot.addWidget(tile)
    tile.resize(240, 110)
    tile.set_value("12 days", "over 17 accounts")
    image = tile.grab().toImage()
    assert mean_lightness(image) < 90  # was a white card with white text
    value_colour = QColor(re.search(r"#\w{6}", tile.value_label.styleSheet()).group())  # type: ignore[union-attr]
    assert value_colour.lightness() > 200


def test_health_text_is_readable_on_each_scheme(dark: None) -> None:
    assert health_colour(Health.OFF_TRACK).lightness() > 140  # light red on a dark row
    palette.use_scheme(palette.Scheme.LIGHT)
    assert health_colour(Health.OFF_TRACK).lightness() < 110  # dark red on a white row


@pytest.mark.parametrize("scheme", list(palette.Scheme))
def test_window_pages_are_drawn_in_the_scheme(
    qtbot, scheme: palette.Scheme, open_demo, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Screenshots of Today, Book and Dashboard: dark pages are dark all over (no white
    cards or rows left), light pages light."""
    import datetime as dt

    from PySide6.QtCore import QSettings

    from csm_desktop.ui import workers
    from csm_desktop.ui.main_window import MainWindow

    today = dt.date(2026, 11, 26)
    palette.use_scheme(scheme)
    try:
        settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
        window = MainWindow(open_demo(today), today=lambda: today, settings=settings)
        qtbot.addWidget(window)
        window.resize(1280, 720)
        window.show()
        qtbot.waitUntil(lambda: not window.loading, timeout=10000)
        for show in (window.show_today, window.show_book, window.show_dashboard):
            show()
            workers.wait_all()
            qtbot.wait(50)
            lightness = mean_lightness(window.pages.currentWidget().grab().toImage())
            if scheme is palette.Scheme.DARK:
                assert lightness < 90, show.__name__
            else:
                assert lightness > 170, show.__name__
        window.close()
    finally:
        palette.use_scheme(palette.Scheme.LIGHT)
