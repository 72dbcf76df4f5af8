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
