"""The account page: status changes from keyboard and menu, undo and redo, contacts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog

from csm_desktop.services.accounts import account_detail
from csm_desktop.store.database import open_database
from csm_desktop.ui.dialogs import account_dialogs
from csm_desktop.ui.main_window import MainWindow
from tests.conftest import _copy_closed_book
from tests.ui.saving import press_ok, saved

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def window(qtbot, tmp_path: Path, demo_copy: Callable[[dt.date], Path]) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    database = open_database(demo_copy(TODAY))
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(database, today=lambda: TODAY, settings=settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.loading, timeout=10000)
    yield window
    window.database.close()


def open_youngest_account(qtbot, window: MainWindow) -> int:  # type: ignore[no-untyped-def]
    rows = window.book_view.model.rows()
    youngest = min(rows, key=lambda r: r.age_days or 0)
    window.open_account(youngest.account_id)
    qtbot.waitUntil(
        lambda: window.account_view is not None and window.account_view.detail is not None,
        timeout=5000,
    )
    return youngest.account_id


def first_open_step(window: MainWindow):  # type: ignore[no-untyped-def]
    detail = window.account_view.detail
    assert detail is not None
    return next(s for s in detail.ladder if s.status.value == "not started")


def status_of(window: MainWindow, milestone_id: int) -> str:
    detail = account_detail(window.database, window.account_view.detail.id, TODAY)  # type: ignore[union-attr]
    return next(s.status.value for s in detail.ladder if s.id == milestone_id)


def test_keyboard_status_change_then_undo_and_redo(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    open_youngest_account(qtbot, window)
    step = first_open_step(window)
    view = window.account_view
    view.select_milestone(step.id)
    view.ladder.setFocus()
    qtbot.keyClick(view.ladder, Qt.Key.Key_P)
    saved(qtbot, window)  # the save runs off the UI thread
    assert status_of(window, step.id) == "in progress"
    qtbot.waitUntil(lambda: view.step(step.id).status.value == "in progress", timeout=5000)

    assert window.undo_action.isEnabled()
    assert "in progress" in window.undo_action.text()
    window.undo_action.trigger()
    saved(qtbot, window)
    assert status_of(window, step.id) == "not started"
    qtbot.waitUntil(lambda: view.step(step.id).status.value == "not started", timeout=5000)
    timeline = account_detail(window.database, view.detail.id, TODAY).timeline  # type: ignore[union-attr]
    assert [e.text for e in timeline[:2]] == [  # the undo is listed above what it undid
        f"{step.title}: in progress → not started (undone)",
        f"{step.title}: not started → in progress",
    ]

    window.redo_action.trigger()
    saved(qtbot, window)
    assert status_of(window, step.id) == "in progress"
    qtbot.waitUntil(lambda: view.step(step.id).status.value == "in progress", timeout=5000)
    assert view.selected_milestone_id() == step.id  # selection survives the reload


def test_achieved_asks_for_the_date_and_blocked_for_a_reason(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    open_youngest_account(qtbot, window)
    step = first_open_step(window)
    view = window.account_view
    asked: list[str] = []

    def accept(dialog: account_dialogs.StatusDialog) -> int:
        asked.append(dialog.status.value)
        dialog.date.setDate(account_dialogs.to_qdate(TODAY - dt.timedelta(days=2)))
        dialog.reason.setPlainText("Waiting for IT")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(account_dialogs.StatusDialog, "exec", accept)
    view.select_milestone(step.id)
    view.status_actions[account_dialogs.Status.BLOCKED].trigger()
    view.status_actions[account_dialogs.Status.ACHIEVED].trigger()
    saved(qtbot, window)
    assert asked == ["blocked", "achieved"]
    detail = account_detail(window.database, view.detail.id, TODAY)  # type: ignore[union-attr]
    achieved = next(s for s in detail.ladder if s.id == step.id)
    assert (achieved.status.value, achieved.achieved_on) == ("achieved", TODAY - dt.timedelta(2))
    assert any("blocked (Waiting for IT)" in e.text for e in detail.timeline)


def test_cancelling_the_reason_changes_nothing(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    open_youngest_account(qtbot, window)
    step = first_open_step(window)
    monkeypatch.setattr(
        account_dialogs.StatusDialog, "exec", lambda self: QDialog.DialogCode.Rejected
    )
    window.account_view.select_milestone(step.id)
    window.account_view.status_actions[account_dialogs.Status.SKIPPED].trigger()
    assert status_of(window, step.id) == "not started"
    assert not window.undo_action.isEnabled()


def test_status_dialog_needs_a_reason_before_ok(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = account_dialogs.StatusDialog("SSO", account_dialogs.Status.SKIPPED, TODAY)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert not ok.isEnabled()
    dialog.reason.setPlainText("Not needed")
    assert ok.isEnabled()


def test_adding_a_contact_from_the_page(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    account_id = open_youngest_account(qtbot, window)

    def fill(dialog: account_dialogs.ContactDialog) -> int:
        dialog.name.setText("Ødegård, Ingrid")
        dialog.role.setCurrentText("Executive sponsor")
        return press_ok(qtbot, dialog)  # OK saves

    monkeypatch.setattr(account_dialogs.ContactDialog, "exec", fill)
    window.account_controller.add_contact()  # the roles are read first, off the UI thread
    saved(qtbot, window)
    detail = account_detail(window.database, account_id, TODAY)
    assert ("Ødegård, Ingrid", "Executive sponsor") in [(c.name, c.role) for c in detail.contacts]


def test_ticking_a_done_criterion_is_saved(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    account_id = open_youngest_account(qtbot, window)
    criteria = window.account_view.criteria
    item = next(
        criteria.item(r) for r in range(criteria.count())
        if criteria.item(r).checkState() == Qt.CheckState.Unchecked
    )  # fmt: skip
    item.setCheckState(Qt.CheckState.Checked)
    saved(qtbot, window)
    kickoff = account_detail(window.database, account_id, TODAY).kickoff
    assert kickoff is not None
    assert TODAY in [met for _id, _text, met in kickoff.done_criteria]


def test_renaming_an_account_leaves_what_the_dialog_cannot_show_as_stored(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """An account with no signed-on date, an ARR of 12,345.67 (the dialog shows whole
    units) and 0 seats is renamed in Edit account: only its name changes. The dialog shows
    today for a missing signed-on date and rounds the ARR; it used to write both back (and
    0 seats as none), moving K and with it ages, due dates and health (review 14, #3)."""
    from csm_desktop.store.models import Account

    account_id = open_youngest_account(qtbot, window)
    with window.database.session() as session:
        account = session.get(Account, account_id)
        assert account is not None
        account.signed_on, account.arr, account.seats = None, 12345.67, 0
    window.accounts.reload()
    qtbot.waitUntil(lambda: window.account_view.detail.arr == 12345.67, timeout=5000)

    def rename(dialog: account_dialogs.NewAccountDialog) -> int:
        dialog.name.setText("Renamed only")
        return press_ok(qtbot, dialog)

    monkeypatch.setattr(account_dialogs.NewAccountDialog, "exec", rename)
    window.account_view.edit_button.click()
    with window.database.session() as session:
        account = session.get(Account, account_id)
        assert account is not None
        assert (account.name, account.signed_on, account.arr, account.seats) == (
            "Renamed only", None, 12345.67, 0,
        )  # fmt: skip


def test_edit_button_saves_the_account_details(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    account_id = open_youngest_account(qtbot, window)

    def rename(dialog: account_dialogs.NewAccountDialog) -> int:
        assert dialog.windowTitle() == "Edit account"
        dialog.name.setText("Renamed & Co <Ltd>")
        return press_ok(qtbot, dialog)  # OK saves

    monkeypatch.setattr(account_dialogs.NewAccountDialog, "exec", rename)
    window.account_view.edit_button.click()
    assert account_detail(window.database, account_id, TODAY).name == "Renamed & Co <Ltd>"
    qtbot.waitUntil(lambda: "Renamed &amp; Co &lt;Ltd&gt;" in window.account_view.title.text())


@pytest.mark.parametrize(("on_met_day", "evidence"), [(True, "usage"), (False, "manual")])
def test_achieved_on_the_day_the_criterion_was_met_is_proved_by_usage(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, on_met_day: bool, evidence: str
) -> None:  # type: ignore[no-untyped-def]
    """The account page records the evidence Today records (one rule): "usage" when the
    milestone is marked achieved on the day its usage criterion was met (the date the
    dialog offers), "manual" on any other day."""
    account_id, step = next(
        (row.account_id, s)
        for row in window.book_view.model.rows()
        for s in account_detail(window.database, row.account_id, TODAY).ladder
        if s.criterion_met_on is not None and s.status.value != "achieved"
    )
    window.open_account(account_id)
    qtbot.waitUntil(
        lambda: window.account_view is not None and window.account_view.detail is not None,
        timeout=5000,
    )
    view = window.account_view
    met = step.criterion_met_on
    other_day = met + dt.timedelta(days=1) if met < TODAY else met - dt.timedelta(days=1)

    def accept(dialog: account_dialogs.StatusDialog) -> int:
        assert dialog.chosen_date() == met  # offered
        if not on_met_day:
            dialog.date.setDate(account_dialogs.to_qdate(other_day))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(account_dialogs.StatusDialog, "exec", accept)
    view.select_milestone(step.id)
    view.status_actions[account_dialogs.Status.ACHIEVED].trigger()
    saved(qtbot, window)
    detail = account_detail(window.database, account_id, TODAY)
    achieved = next(s for s in detail.ladder if s.id == step.id)
    expected_day = met if on_met_day else other_day
    assert (achieved.status.value, achieved.achieved_on, achieved.evidence) == (
        "achieved",
        expected_day,
        evidence,
    )


def test_another_book_forgets_the_versions_and_steps_of_the_last(
    qtbot, window: MainWindow, tmp_path: Path, demo_template: Callable[[dt.date], Path]
) -> None:  # type: ignore[no-untyped-def]
    """Milestone ids number from 1 in every book. After an edit in one book, the same id in
    another (a copy, so one version behind) is saved over the version it shows, not over
    the version the last book's edit left (refused as someone else's change), and Undo
    no longer offers the last book's step."""
    open_youngest_account(qtbot, window)
    step = first_open_step(window)
    window.account_view.select_milestone(step.id)
    window.account_view.ladder.setFocus()
    qtbot.keyClick(window.account_view.ladder, Qt.Key.Key_P)
    saved(qtbot, window)
    assert status_of(window, step.id) == "in progress"

    other = tmp_path / "other.sqlite3"
    _copy_closed_book(demo_template(TODAY), other)
    window.use_database(open_database(other))
    assert not window.undo_action.isEnabled()
    qtbot.waitUntil(lambda: not window.loading, timeout=10000)
    open_youngest_account(qtbot, window)
    view = window.account_view
    qtbot.waitUntil(  # the other book's page: the same milestone, one version behind
        lambda: view.step(step.id).version == step.version, timeout=5000
    )
    view.select_milestone(step.id)
    view.ladder.setFocus()
    qtbot.keyClick(view.ladder, Qt.Key.Key_P)
    saved(qtbot, window)
    assert status_of(window, step.id) == "in progress"
