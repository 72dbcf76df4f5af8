"""The dashboard's "Does onboarding pay off?" panel over the stored book of
tests/cli/test_long_term_cli.py (its docstring has the figures worked out by hand).

Today 2026-06-30: all 5 decided, 3 renewed = 60 %, NRR 23,000/27,000 = 85 %; on time 1 of
2 renewed, NRR 120 %; late 1 of 2, NRR 5,000/13,000 = 38 %. Delta (first value skipped)
counts in "all" only; Echo's two renewals are not decided.
"""

from __future__ import annotations

import datetime as dt

from pytestqt.qtbot import QtBot

from csm_desktop.services.long_term import long_term
from csm_desktop.store.database import Database
from csm_desktop.ui.views.dashboard_view import DashboardView
from tests.cli.test_long_term_cli import _store

TODAY = dt.date(2026, 6, 30)


def test_panel_shows_the_split_and_lists_the_renewals_behind_a_tile(
    qtbot: QtBot, book: Database
) -> None:
    ids = _store(book)
    view = DashboardView()
    qtbot.addWidget(view)
    view.show_long_term(long_term(book, TODAY))
    panel = view.long_term
    assert (panel.all_tile.value, panel.all_tile.caption) == ("60 %", "3 of 5 renewed · NRR 85 %")
    assert (panel.on_time_tile.value, panel.on_time_tile.caption) == (
        "50 %",
        "1 of 2 renewed · NRR 120 %",
    )
    assert panel.late_tile.caption == "1 of 2 renewed · NRR 38 %"
    assert "1 decided renewals are of accounts whose first value is not judged" in (
        panel.note.text()
    )
    assert "2 renewals not decided yet." in panel.note.text()

    panel.late_tile.clicked.emit()
    assert view.drill_list.title_label.text() == "Decided renewals, first value late"
    assert view.drill_list.account_names() == ["Charlie", "Bravo"]

    with qtbot.waitSignal(view.account_activated) as opened:
        rows = view.drill_list.list  # headings and accounts: Renewed, Charlie, Churned, Bravo
        rows.itemActivated.emit(rows.item(3))
    assert opened.args == [ids["Bravo"]]


def test_panel_with_no_renewals_says_where_to_record_them(qtbot: QtBot, book: Database) -> None:
    view = DashboardView()
    qtbot.addWidget(view)
    view.show_long_term(long_term(book, TODAY))
    assert view.long_term.all_tile.value == "–"
    assert view.long_term.all_tile.caption == "0 of 0 renewed · NRR –"
    assert "Record renewal outcomes on an account page" in view.long_term.note.text()
