"""reportlab's chart items answer as before once ``reports.charts`` made their lookup quicker."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_chart_items_answer_the_same_before_and_after_the_quicker_lookup() -> None:
    """In a fresh process: items of reportlab's own collections (bars, axis labels, plot
    lines; nested indices backed by their parent index) are asked every attribute before
    ``reports.charts.quick_chart_items`` runs and again after; the answers are the same
    objects."""
    script = textwrap.dedent(
        """
        from reportlab.graphics.charts.axes import XCategoryAxis
        from reportlab.graphics.charts.barcharts import VerticalBarChart
        from reportlab.graphics.charts.lineplots import LinePlot
        from reportlab.lib import colors

        chart, axis, plot = VerticalBarChart(), XCategoryAxis(), LinePlot()
        chart.bars.strokeWidth = 2
        chart.bars[0].fillColor = colors.red
        chart.bars[(0, 2)].strokeWidth = 5
        axis.labels.fontSize = 6.5
        axis.labels[1].fontName = "Courier"
        plot.lines[1].strokeDashArray = (4, 3)
        items = [chart.bars[0], chart.bars[1], chart.bars[(0, 2)], chart.bars[(0, 3)],
                 chart.bars[(1, 4)], axis.labels[0], axis.labels[1], axis.labels[(1, 7)],
                 plot.lines[0], plot.lines[1]]

        def answers():
            got = []
            for item in items:
                names = sorted(set(item._attrMap) | {"no_such_attribute"})
                for name in names:
                    try:
                        got.append((name, id(getattr(item, name))))
                    except AttributeError:
                        got.append((name, "missing"))
            return got

        before = answers()
        type_before = [type(item).__getattr__ for item in items]
        from csm_desktop.reports import charts
        assert type(items[0]).__getattr__ is type_before[0]  # importing changes nothing
        charts.quick_chart_items()
        assert all(type(item).__getattr__ is charts._from_collection for item in items)
        assert type_before[0] is not charts._from_collection
        assert answers() == before
        assert chart.bars[(0, 2)].strokeWidth == 5 and chart.bars[(0, 3)].fillColor == colors.red
        assert chart.bars[(1, 4)].strokeWidth == 2 and axis.labels[(1, 7)].fontName == "Courier"
        assert VerticalBarChart().bars[0].__class__.__getattr__ is charts._from_collection
        print("ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
