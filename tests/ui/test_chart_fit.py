"""Charts of a big book stay legible: the cohorts heat map of a book two years old shows the
last kickoff months that fit and leaves the others a drag away (never 24 rows squeezed into
a panel's height); a column's value too wide for the panel prints its short form instead of
being cut at the panel's edge."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from csm_desktop.ui.charts.bars import ColumnBars
from csm_desktop.ui.charts.heatmap import MIN_ROW_PX, HeatMap


def _months(count: int) -> list[str]:
    return [f"{2024 + (n // 12)}-{n % 12 + 1:02d}" for n in range(count)]


def _mouse(widget: QWidget, kind: QEvent.Type, at: QPointF, held: Qt.MouseButton) -> None:
    button = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else Qt.MouseButton.LeftButton
    event = QMouseEvent(
        kind, at, widget.mapToGlobal(at), button, held, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(widget, event)


def _shown(qtbot, chart, width: int, height: int) -> None:  # type: ignore[no-untyped-def]
    page = QScrollArea()  # as on the dashboard: a panel in a scrolled page
    page.setWidgetResizable(True)
    page.setWidget(chart)
    qtbot.addWidget(page)
    chart.setFixedSize(width, height)  # the dashboard's grid gives the panel its size
    page.resize(width + 40, height + 40)
    page.show()
    qtbot.waitUntil(lambda: chart.plot.vb.height() > 100)
    chart.page = page  # kept alive with the chart


def _map(qtbot, rows: int, height: int) -> HeatMap:  # type: ignore[no-untyped-def]
    chart = HeatMap("Cohorts on plan", "by kickoff month (accounts)")
    _shown(qtbot, chart, 420, height)
    chart.set_cells(
        _months(rows),
        ["Day 30", "Day 60", "Day 90"],
        [[0.5, 0.5, None]] * rows,
        [["50 %", "50 %", "not yet"]] * rows,
    )
    return chart


def test_rows_beyond_the_panel_height_are_left_for_a_drag_and_the_subtitle_says_so(
    qtbot,
) -> None:  # type: ignore[no-untyped-def]
    chart = _map(qtbot, 24, 260)
    fit = chart.shown_rows
    assert 1 <= fit < 24
    assert chart.plot.vb.height() / fit >= MIN_ROW_PX
    low, high = chart.plot.vb.viewRange()[1]
    assert (round(low), round(high)) == (24 - fit, 24)  # the latest months
    assert chart.subtitle_label.text() == (
        f"by kickoff month (accounts) · last {fit} of 24, drag for earlier"
    )
    # A drag downwards brings earlier months into view; the rows stay as tall.
    viewport = chart.plot_widget.viewport()
    start = QPointF(chart.widget_point(1.5, 24 - fit + 0.5))
    _mouse(viewport, QEvent.Type.MouseButtonPress, start, Qt.MouseButton.LeftButton)
    for step in range(1, 11):  # QTest's mouseMove holds no button: a real drag does
        _mouse(
            viewport,
            QEvent.Type.MouseMove,
            start + QPointF(0, step * 12),
            Qt.MouseButton.LeftButton,
        )
    _mouse(
        viewport, QEvent.Type.MouseButtonRelease, start + QPointF(0, 120), Qt.MouseButton.NoButton
    )
    low_after, high_after = chart.plot.vb.viewRange()[1]
    assert low_after < low
    assert round(high_after - low_after) == fit


def test_rows_that_fit_all_show_and_the_subtitle_stays(qtbot) -> None:  # type: ignore[no-untyped-def]
    chart = _map(qtbot, 4, 400)
    assert chart.shown_rows == 4
    low, high = chart.plot.vb.viewRange()[1]
    assert (round(low), round(high)) == (0, 4)
    assert chart.subtitle_label.text() == "by kickoff month (accounts)"
    assert not chart.plot.vb.state["mouseEnabled"][1]


PHASES = ["Early 0–30", "Mid 31–60", "Late 61–90"]
LONG = ["<b>64 %</b> 19231/30000", "<b>58 %</b> 11513/20000", "<b>50 %</b> 5013/10000"]
SHORT = ["<b>64 %</b>", "<b>58 %</b>", "<b>50 %</b>"]


def _printed(chart: ColumnBars) -> list[str]:
    return [item.textItem.toPlainText() for item, _long, _short in chart.values]


@pytest.mark.parametrize(("width", "printed"), [(260, "short"), (900, "long")])
def test_a_column_value_too_wide_for_the_panel_prints_its_short_form(
    qtbot, width: int, printed: str
) -> None:  # type: ignore[no-untyped-def]
    chart = ColumnBars("Phase progression", "milestones achieved by phase")
    _shown(qtbot, chart, width, 240)
    chart.set_bars(PHASES, [0.64, 0.58, 0.5], LONG, ["#8cf"] * 3, top=1.0, short_texts=SHORT)
    expected = SHORT if printed == "short" else LONG
    assert _printed(chart) == [text.replace("<b>", "").replace("</b>", "") for text in expected]
