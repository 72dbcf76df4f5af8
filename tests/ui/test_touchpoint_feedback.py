""" "Log touchpoint…" on Today can keep what the customer said as a feedback entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from csm_desktop.errors import BadInput
from csm_desktop.services.feedback import account_feedback, log_touchpoint_with_feedback
from csm_desktop.store.database import Database
from csm_desktop.ui.controllers.today import TodayController
from csm_desktop.ui.views.today_view import TodayView

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def demo_book(open_demo: Callable[[dt.date], Database]) -> Database:
    return open_demo(TODAY)


def test_what_the_customer_said_is_kept_with_the_touchpoint(qtbot, demo_book: Database) -> None:  # type: ignore[no-untyped-def]
    view = TodayView()
    qtbot.addWidget(view)
    controller = TodayController(view, demo_book, lambda: TODAY)
    with qtbot.waitSignal(controller.loaded, timeout=10000):
        controller.refresh()
    item = view.current
    before = len(account_feedback(demo_book, item.nudge.account_id))
    dialog = view.open_touchpoint_dialog()
    assert dialog is not None
    dialog.feedback_fields.sentiment.setCurrentText("negative")
    dialog.feedback_fields.text.setPlainText("The SSO docs are out of date.")
    with qtbot.waitSignals([controller.touchpoint_logged, controller.loaded], timeout=10000):
        dialog.accept()
    remarks = account_feedback(demo_book, item.nudge.account_id)
    assert len(remarks) == before + 1
    newest = remarks[0]
    assert (newest.given_on, newest.sentiment.value, newest.text, newest.quotable) == (
        TODAY,
        "negative",
        "The SSO docs are out of date.",
        False,
    )
    assert newest.milestone == item.nudge.milestone
    assert newest.contact == (item.filled.contact.name if item.filled.contact else None)


def test_a_touchpoint_without_words_adds_no_feedback(demo_book: Database) -> None:
    account_id = 1
    before = len(account_feedback(demo_book, account_id))
    log_touchpoint_with_feedback(demo_book, account_id, "call", TODAY, "check-in", said="   ")
    assert len(account_feedback(demo_book, account_id)) == before


def test_a_bad_sentiment_stores_neither_touchpoint_nor_feedback(demo_book: Database) -> None:
    from csm_desktop.services.accounts import account_detail

    account_id = 1
    timeline = account_detail(demo_book, account_id, TODAY).timeline
    with pytest.raises(BadInput, match="Unknown sentiment “angry”"):
        log_touchpoint_with_feedback(
            demo_book, account_id, "call", TODAY, "check-in", said="Hm.", sentiment="angry"
        )
    assert account_detail(demo_book, account_id, TODAY).timeline == timeline
