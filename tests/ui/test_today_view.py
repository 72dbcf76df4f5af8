"""The Today view over the demo book, driven with qtbot: list, message, copy, log touchpoint."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel

from csm_desktop.services.accounts import account_detail
from csm_desktop.services.today import celebration, today_list
from csm_desktop.store.database import Database
from csm_desktop.ui.controllers.today import TodayController
from csm_desktop.ui.dialogs.celebration import show_celebration
from csm_desktop.ui.models.nudge_model import Column, ItemRole, NudgeModel
from csm_desktop.ui.views.role_view import RoleView
from csm_desktop.ui.views.today_view import TodayView
from tests.ui.painting import painted_both_ways

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def demo_book(open_demo: Callable[[dt.date], Database]) -> Database:
    return open_demo(TODAY)


@pytest.fixture
def today_view(qtbot, demo_book: Database) -> tuple[TodayView, TodayController]:  # type: ignore[no-untyped-def]
    view = TodayView()
    qtbot.addWidget(view)
    view.resize(1300, 760)
    view.show()
    controller = TodayController(view, demo_book, lambda: TODAY)
    with qtbot.waitSignal(controller.loaded, timeout=10000):
        controller.refresh()
    return view, controller


def test_nudge_model_passes_the_model_tester(qtmodeltester, demo_book: Database) -> None:  # type: ignore[no-untyped-def]
    model = NudgeModel()
    model.set_rows(today_list(demo_book, TODAY))
    qtmodeltester.check(model)


def test_the_list_paints_the_same_through_multi_data_as_through_data(  # type: ignore[no-untyped-def]
    qtbot, demo_book: Database
) -> None:
    """The view asks ``multiData`` (one call per cell); a proxy asks ``data`` once per role.
    Both tables, handled lines and the bold kind column included, are the same pixels."""
    items = today_list(demo_book, TODAY)
    for item in items[1::3]:  # every third line handled: grey text, no bold kind
        item.nudge.contacted_on = TODAY
    model = NudgeModel()
    model.set_rows(items)
    direct, through_data = painted_both_ways(qtbot, model, 900, 400)
    assert not direct.isNull()
    assert direct == through_data


def test_the_list_is_ranked_and_the_first_message_is_ready(  # type: ignore[no-untyped-def]
    today_view, demo_book: Database
) -> None:
    view, _controller = today_view
    expected = today_list(demo_book, TODAY)  # exact values are pinned in the store tests
    assert view.model.rowCount() == len(expected)
    assert view.count_label.text() == f"{len(expected)} to do"
    first = view.model.index(0, Column.KIND)
    assert first.data() == "Overdue"
    assert view.model.index(0, Column.ACCOUNT).data() == expected[0].nudge.account
    assert view.current == expected[0]
    assert view.subject.text() == expected[0].filled.message.email_subject.text
    contact = expected[0].filled.contact
    assert contact is not None
    assert view.body.text().startswith(f"Hi {contact.name.split()[0]},")
    assert view.recipient.text().startswith(f"To: <b>{contact.name}</b>")


def test_copy_puts_the_filled_text_on_the_clipboard(today_view) -> None:  # type: ignore[no-untyped-def]
    view, _controller = today_view
    view.tabs.setCurrentIndex(1)
    view.body.copy_button.click()
    assert QGuiApplication.clipboard().text() == view.current.filled.message.email_body.text
    view.subject.copy_button.click()
    assert QGuiApplication.clipboard().text() == view.subject.text()


def test_unknown_placeholder_in_an_edited_template_warns_in_amber_live(today_view) -> None:  # type: ignore[no-untyped-def]
    view, _controller = today_view
    view.edit_button.setChecked(True)
    assert view.in_app.template_edit.isVisibleTo(view)
    view.in_app.template_edit.setPlainText("Hi {contact} from {csm}: budget {budget}")
    values = view.current.filled.values
    assert view.in_app.text() == f"Hi {values['contact']} from {values['csm']}: budget {{budget}}"
    assert view.warnings.isVisibleTo(view)
    assert "Unknown placeholder {budget}" in view.warnings.text()


def test_owner_filter_shows_one_csms_items(today_view) -> None:  # type: ignore[no-untyped-def]
    view, _controller = today_view
    mine = sum(i.nudge.owner == "Maya Chen" for i in view.model._rows)
    view.owner_filter.setCurrentText("Maya Chen")
    owners = {view.model.index(r, Column.OWNER).data() for r in range(view.model.rowCount())}
    assert owners == {"Maya Chen"}
    assert view.model.rowCount() == mine > 0
    view.owner_filter.setCurrentText("Everyone")
    assert view.model.rowCount() == len(view.model._rows)


def test_logging_a_touchpoint_lands_in_the_account_timeline(  # type: ignore[no-untyped-def]
    qtbot, today_view, demo_book: Database
) -> None:
    view, controller = today_view
    item = view.current
    dialog = view.open_touchpoint_dialog()
    assert dialog is not None
    assert dialog.channel.currentText() == "in-app"
    # The first item is Coho Winery's overdue first workflow: its template is stored under
    # the key "pu-first-workflow", which the CSM knows by the milestone's title.
    assert item.filled.template.name == "pu-first-workflow"
    assert dialog.template.text() == item.nudge.milestone == "First automated workflow live"
    dialog.channel.setCurrentText("e-mail")
    dialog.note.setText("Sent from Today")
    with qtbot.waitSignals([controller.touchpoint_logged, controller.loaded], timeout=10000):
        dialog.accept()
    detail = account_detail(demo_book, item.nudge.account_id, TODAY)
    assert detail.timeline[0].on == TODAY
    assert detail.timeline[0].text == "e-mail: First automated workflow live — Sent from Today"
    # The item is handled: it sinks to the bottom, marked done (with the account's stalled or
    # renewal items, which any touchpoint with the account answers).
    handled = [
        view.model.index(r, 0).data(ItemRole)
        for r in range(view.model.rowCount())
        if view.model.index(r, 0).data(ItemRole).nudge.handled
    ]
    assert handled[0].nudge.milestone_id == item.nudge.milestone_id
    assert view.model.index(view.model.rowCount() - len(handled), Column.KIND).data() == "Overdue ✓"
    assert {h.nudge.account_id for h in handled} == {item.nudge.account_id}
    total = view.model.rowCount()
    assert view.count_label.text() == f"{total - len(handled)} to do, {len(handled)} done"


def test_celebration_notice_copies_the_congratulations(qtbot, demo_book: Database) -> None:  # type: ignore[no-untyped-def]
    first = today_list(demo_book, TODAY)[0].nudge
    assert first.milestone_id is not None
    notice = show_celebration(celebration(demo_book, first.milestone_id, TODAY))
    qtbot.addWidget(notice)
    assert notice.isVisible() and not notice.isModal()
    notice.copy_button.click()
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith(f"{first.account}: {first.milestone} is done — what's next\n\nHi ")
    assert "What's next: " in copied
    assert notice.copy_button.text() == "Copied"


def test_role_view_shows_who_is_behind(qtbot, demo_book: Database) -> None:  # type: ignore[no-untyped-def]
    account_id = today_list(demo_book, TODAY)[0].nudge.account_id
    detail = account_detail(demo_book, account_id, TODAY)
    view = RoleView()
    qtbot.addWidget(view)
    view.show_account(detail, TODAY)
    assert [p.role for p in view.progress] == detail.roles
    for progress in view.progress:
        overdue = sorted(
            (s for s in detail.ladder if s.role == progress.role and s.is_overdue(TODAY)),
            key=lambda s: s.due_on or TODAY,
        )
        assert progress.behind is bool(overdue)
        assert [m.title for m in progress.holding_back[: len(overdue)]] == [
            s.title for s in overdue
        ]
    labels = [w.text() for w in view.body.findChildren(QLabel)]
    assert "behind" in labels


def test_while_the_book_is_read_the_first_message_fills_after_the_lines_paint(  # type: ignore[no-untyped-def]
    qtbot, demo_book: Database
) -> None:
    """The first lines paint in one event, their message fills in the next (the two in one
    event were the UI thread's longest step at 50,000 accounts); a complete list fills its
    message at once."""
    from csm_desktop.services.today_stream import TodaySnapshot

    items = today_list(demo_book, TODAY)
    view = TodayView()
    qtbot.addWidget(view)
    view.resize(1300, 760)
    view.show()
    qtbot.waitExposed(view)
    blank = view.subject.text()
    reading = TodaySnapshot(items[:10], False, 10, 40, 10, 10, ())
    view.show_snapshot(reading, TODAY)
    assert view.current == items[0]
    assert view.subject.text() == blank  # not yet: the lines paint first
    qtbot.waitUntil(lambda: view.subject.text() == items[0].filled.message.email_subject.text)

    fresh = TodayView()
    qtbot.addWidget(fresh)
    fresh.show()
    qtbot.waitExposed(fresh)
    fresh.show_snapshot(reading, TODAY)
    fresh.show_snapshot(TodaySnapshot(items, True, 40, 40, len(items), len(items), ()), TODAY)
    assert fresh.current == items[0]
    assert fresh.subject.text() == items[0].filled.message.email_subject.text
