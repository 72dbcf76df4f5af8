"""Qt's item delegate asks the roles ``answer_delegate`` answers, in its order: every cell
the Book and Today tables paint takes that path, and paints as ``data`` does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from csm_desktop.services.today import today_list
from csm_desktop.store.database import Database
from csm_desktop.ui.models import book_model, cell_roles, nudge_model
from csm_desktop.ui.models.book_model import BookModel
from csm_desktop.ui.models.nudge_model import NudgeModel
from tests.ui.painting import painted_both_ways
from tests.ui.test_book_model import ROWS

TODAY = dt.date(2026, 11, 26)


def spied(monkeypatch: pytest.MonkeyPatch, module: Any) -> tuple[list[bool], list[int]]:
    """What ``answer_delegate`` returned for each cell of ``module``'s model, and how often
    the role-by-role ``answer_roles`` answered instead."""
    answered: list[bool] = []
    by_role: list[int] = []

    def delegate(*args: Any) -> bool:
        answered.append(cell_roles.answer_delegate(*args))
        return answered[-1]

    def roles(*args: Any) -> None:
        by_role.append(1)
        cell_roles.answer_roles(*args)

    monkeypatch.setattr(module, "answer_delegate", delegate)
    monkeypatch.setattr(module, "answer_roles", roles)
    return answered, by_role


def test_every_book_cell_is_answered_as_the_delegate_asks(  # type: ignore[no-untyped-def]
    qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    answered, by_role = spied(monkeypatch, book_model)
    model = BookModel()
    model.set_rows(ROWS)
    direct, through_data = painted_both_ways(qtbot, model, 1400, 200)
    assert len(answered) >= len(ROWS) * len(book_model.Column)
    assert all(answered)
    assert not by_role
    assert direct == through_data  # colours and alignment never carried to the next cell


def test_every_today_cell_is_answered_as_the_delegate_asks(  # type: ignore[no-untyped-def]
    qtbot, monkeypatch: pytest.MonkeyPatch, open_demo: Callable[[dt.date], Database]
) -> None:
    answered, by_role = spied(monkeypatch, nudge_model)
    items = today_list(open_demo(TODAY), TODAY)
    for item in items[1::3]:  # handled lines: grey text, no bold kind
        item.nudge.contacted_on = TODAY
    model = NudgeModel()
    model.set_rows(items)
    direct, through_data = painted_both_ways(qtbot, model, 900, 400)
    assert len(answered) >= 10 * len(nudge_model.Column)
    assert all(answered)
    assert not by_role
    assert direct == through_data


def test_both_lists_lay_their_text_out_unshaped_in_the_application_font(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    from csm_desktop.ui.views.book_view import BookView
    from csm_desktop.ui.views.today_view import TodayView

    application = QApplication.font()
    for view in (BookView(), TodayView()):
        qtbot.addWidget(view)
        font = view.table.font()
        assert font.styleStrategy() == QFont.StyleStrategy.PreferNoShaping
        assert (font.family(), font.pointSizeF()) == (
            application.family(),
            application.pointSizeF(),
        )


@pytest.mark.parametrize(
    ("text", "shaped"),
    [
        ("Northwind Traders", False),
        ("Åkerlund & Berg AB", False),  # precomposed accents
        ("Θάλασσα Shipping", False),
        ("Москва Логистик", False),
        ("شركة الأمل للتجارة", True),
        ("אלון מערכות", True),
        ("टाटा सेवाएँ", True),
        ("Cafe\u0301 Nord", True),  # a combining accent
        ("Team 🚀", True),
    ],
)
def test_a_cell_is_shaped_when_its_text_needs_it(text: str, shaped: bool, qapp) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QFont

    table = QFont()  # what the cell's font is resolved against: the table's, unshaped
    table.setStyleStrategy(QFont.StyleStrategy.PreferNoShaping)
    strategy = QFont.StyleStrategy.PreferDefault if shaped else QFont.StyleStrategy.PreferNoShaping
    font = cell_roles.cell_font(text)
    assert (font is not None) == shaped
    assert (font or QFont()).resolve(table).styleStrategy() == strategy
    bold = QFont()
    bold.setBold(True)
    kept = cell_roles.cell_font(text, bold)
    assert kept is not None
    assert kept.resolve(table).bold()
    assert kept.resolve(table).styleStrategy() == strategy


def test_an_arabic_name_paints_as_in_a_shaped_table(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The Book lays Latin text out unshaped; an Arabic name keeps its joined letters and
    right-to-left order: its cell paints exactly as in a table that shapes everything."""
    from PySide6.QtWidgets import QTableView

    from csm_desktop.ui.views.delegates import paint_text_unshaped
    from tests.ui.test_book_model import row

    model = BookModel()
    model.set_rows([row(1, "شركة الأمل للتجارة", owner="عمر الفاروق"), *ROWS])
    grabs = []
    for unshaped in (True, False):
        table = QTableView()
        qtbot.addWidget(table)
        if unshaped:
            paint_text_unshaped(table)
        table.setModel(model)
        table.resize(1400, 200)
        table.show()
        grabs.append(table)
    arabic = next(r for r in range(model.rowCount()) if model.row_at(r).account_id == 1)
    for column in (book_model.Column.NAME, book_model.Column.OWNER):
        cells = [
            t.viewport().grab(t.visualRect(model.index(arabic, column))).toImage() for t in grabs
        ]
        assert not cells[0].isNull()
        assert cells[0] == cells[1]
