"""The account page's saves run off the UI thread (issue 16: on a team server a save is a
round trip over the network): the window keeps answering while one runs, and the edit
lands once it is done. The service is held inside the worker by an event, so the test
sees the save in flight."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from csm_desktop.domain.vocabulary import Status
from csm_desktop.services import account_edits
from csm_desktop.services.accounts import account_detail
from csm_desktop.store.database import open_database
from csm_desktop.ui import workers
from csm_desktop.ui.dialogs import account_dialogs
from csm_desktop.ui.dialogs.dialog_parts import to_qdate
from csm_desktop.ui.main_window import MainWindow
from tests.ui.saving import saved
from tests.ui.test_save_conflicts import TODAY, open_account


@pytest.fixture
def window(qtbot, tmp_path: Path, demo_copy: Callable[[dt.date], Path]) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(open_database(demo_copy(TODAY)), today=lambda: TODAY, settings=settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.loading, timeout=20000)
    yield window
    window.database.close()


class Held:
    """Wraps a service: records the thread it ran on and holds it until released."""

    def __init__(self, service: Callable[..., Any]) -> None:
        self.service = service
        self.entered = threading.Event()
        self.release = threading.Event()
        self.threads: list[threading.Thread] = []

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.threads.append(threading.current_thread())
        self.entered.set()
        assert self.release.wait(10)
        return self.service(*args, **kwargs)


def ticks_while(qtbot, busy: Callable[[], bool]) -> int:  # type: ignore[no-untyped-def]
    """How many times a 10 ms timer of the UI thread fired while ``busy`` held (~100 ms)."""
    fired = [0]
    timer = QTimer()
    timer.timeout.connect(lambda: fired.__setitem__(0, fired[0] + 1))
    timer.start(10)
    qtbot.wait(100)
    timer.stop()
    assert busy()
    return fired[0]


def test_a_status_change_is_saved_in_a_worker_and_the_window_keeps_answering(
    qtbot, window: MainWindow, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """ "In progress" is asked for: the action returns at once, the save runs on a pool
    thread while the UI thread's timer keeps firing and the Value panel's buttons are off;
    once released the milestone is in progress and Edit → Undo offers it."""
    held = Held(account_edits.set_status)
    monkeypatch.setattr(account_edits, "set_status", held)
    account_id = open_account(qtbot, window)
    view = window.account_view
    step = next(s for s in view.detail.ladder if s.status is Status.NOT_STARTED)
    view.select_milestone(step.id)
    view.status_actions[Status.IN_PROGRESS].trigger()  # returns with the save in flight
    assert held.entered.wait(5)
    assert held.threads[0] is not threading.main_thread()
    controller = window.account_controller
    assert ticks_while(qtbot, lambda: controller.busy) >= 3
    assert view.value.busy and not window.undo_action.isEnabled()
    held.release.set()
    saved(qtbot, window)
    (now,) = [s for s in account_detail(window.database, account_id, TODAY).ladder
              if s.id == step.id]  # fmt: skip
    assert now.status is Status.IN_PROGRESS
    assert window.undo_action.isEnabled()


def test_the_account_dialog_saves_in_a_worker_and_closes_once_saved(
    qtbot, window: MainWindow, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """OK in the account dialog: the save runs on a pool thread with the dialog's buttons
    off and Cancel not taken (the UI thread's timer keeps firing); once saved the dialog
    closes accepted, its buttons back on, and the account is renamed."""
    held = Held(account_edits.update_account)
    monkeypatch.setattr(account_edits, "update_account", held)
    account_id = open_account(qtbot, window)
    seen: list[tuple[bool, int, int]] = []

    def rename(dialog: account_dialogs.NewAccountDialog) -> int:
        dialog.name.setText("Renamed in a worker")
        box = dialog.findChild(QDialogButtonBox)
        box.button(QDialogButtonBox.StandardButton.Ok).click()
        assert held.entered.wait(5)
        ticks = ticks_while(qtbot, lambda: dialog.busy and not box.isEnabled())
        dialog.reject()  # Cancel while the save runs is not taken: its outcome is shown
        held.release.set()
        qtbot.waitUntil(lambda: not dialog.busy, timeout=10000)
        seen.append((box.isEnabled(), ticks, dialog.result()))
        return dialog.result()

    monkeypatch.setattr(account_dialogs.NewAccountDialog, "exec", rename)
    window.account_view.edit_button.click()
    ((enabled, ticks, result),) = seen
    assert ticks >= 3 and enabled and result == QDialog.DialogCode.Accepted
    assert held.threads[0] is not threading.main_thread()
    assert account_detail(window.database, account_id, TODAY).name == "Renamed in a worker"


def test_the_contact_dialog_reads_its_roles_in_a_worker_first(
    qtbot, window: MainWindow, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Add contact: the roles are read on a pool thread (the dialog is not open yet and the
    UI thread's timer keeps firing); once read, the dialog offers them."""
    held = Held(account_edits.role_names)
    monkeypatch.setattr(account_edits, "role_names", held)
    open_account(qtbot, window)
    offered: list[list[str]] = []

    def look(dialog: account_dialogs.ContactDialog) -> int:
        offered.append([dialog.role.itemText(i) for i in range(dialog.role.count())])
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(account_dialogs.ContactDialog, "exec", look)
    window.account_controller.add_contact()
    assert held.entered.wait(5) and held.threads[0] is not threading.main_thread()
    assert ticks_while(qtbot, lambda: not offered) >= 3
    held.release.set()
    saved(qtbot, window)
    assert offered and "Administrator" in offered[0]


def test_closing_waits_for_a_save_queued_behind_a_running_one(qtbot, window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Two status changes, the first still at the server (held), the second queued behind
    it, then the CSM quits: the window closes once both are stored, none is dropped (the
    second used to wait in the queue for an event loop that no longer turned)."""
    real = account_edits.set_status
    held = Held(real)
    calls = [0]

    def first_held(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return held(*args, **kwargs) if calls[0] == 1 else real(*args, **kwargs)

    monkeypatch.setattr(account_edits, "set_status", first_held)
    account_id = open_account(qtbot, window)
    view = window.account_view
    first, second = [s for s in view.detail.ladder if s.status is Status.NOT_STARTED][:2]
    view.select_milestone(first.id)
    view.status_actions[Status.IN_PROGRESS].trigger()
    assert held.entered.wait(5)
    view.select_milestone(second.id)
    view.status_actions[Status.IN_PROGRESS].trigger()  # queued behind the first
    threading.Timer(0.3, held.release.set).start()  # the server answers the first
    assert window.close()
    workers.wait_all()  # what the app does once its event loop has returned
    ladder = {s.id: s.status for s in account_detail(window.database, account_id, TODAY).ladder}
    assert (ladder[first.id], ladder[second.id]) == (Status.IN_PROGRESS, Status.IN_PROGRESS)


def test_a_dialog_saves_over_the_version_ones_own_finished_save_left(
    qtbot, window, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The CSM removes a contact (the save runs, and moves the account's version on) and
    opens Edit account at once; the removal ends while they type. OK saves the new name:
    their own removal is not taken for a teammate's change (it was refused, naming them)."""
    from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

    from csm_desktop.ui.dialogs import save_refusals

    held = Held(account_edits.remove_contact)
    monkeypatch.setattr(account_edits, "remove_contact", held)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    explained: list[str] = []
    monkeypatch.setattr(
        save_refusals, "explain", lambda parent, title, exc, **k: explained.append(str(exc))
    )
    account_id = open_account(qtbot, window)
    detail = window.account_view.detail
    contact_id = next(c.id for c in detail.contacts)
    window.account_controller.remove_contact(contact_id)  # in the worker, held
    assert held.entered.wait(5)

    def rename(dialog: account_dialogs.NewAccountDialog) -> int:
        dialog.name.setText("Renamed by me")
        held.release.set()  # the removal ends while the CSM types
        qtbot.waitUntil(lambda: not window.account_controller.queue.busy, timeout=10000)
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
        qtbot.waitUntil(lambda: not dialog.busy, timeout=10000)
        return dialog.result()

    monkeypatch.setattr(account_dialogs.NewAccountDialog, "exec", rename)
    window.account_view.edit_button.click()
    qtbot.waitUntil(
        lambda: account_detail(window.database, account_id, TODAY).name == "Renamed by me",
        timeout=10000,
    )
    assert explained == []


def test_ok_pressed_while_ones_own_save_still_runs_waits_for_it(qtbot, window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The CSM removes a contact (held at the server: the account's version moves on only
    once it runs) and presses OK on Edit account while it is still held. The dialog's save
    waits in the page's queue behind the removal and is saved over the version the removal
    left: both land, nobody is refused (the two used to race, and the removal, saved over
    the version the rename had already moved on, was refused naming the CSM)."""
    from PySide6.QtWidgets import QMessageBox

    from csm_desktop.ui.dialogs import save_refusals

    held = Held(account_edits.remove_contact)
    monkeypatch.setattr(account_edits, "remove_contact", held)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    explained: list[str] = []
    monkeypatch.setattr(
        save_refusals, "explain", lambda parent, title, exc, **k: explained.append(str(exc))
    )
    account_id = open_account(qtbot, window)
    detail = window.account_view.detail
    contact_id = next(c.id for c in detail.contacts)
    window.account_controller.remove_contact(contact_id)  # in the queue, held
    assert held.entered.wait(5)
    waited: list[bool] = []

    def rename(dialog: account_dialogs.NewAccountDialog) -> int:
        dialog.name.setText("Renamed while saving")
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
        qtbot.wait(200)  # the rename is queued behind the held removal, not running
        waited.append(dialog.busy and account_detail(window.database, account_id, TODAY).name
                      == detail.name)  # fmt: skip
        held.release.set()
        qtbot.waitUntil(lambda: not dialog.busy, timeout=10000)
        return dialog.result()

    monkeypatch.setattr(account_dialogs.NewAccountDialog, "exec", rename)
    window.account_view.edit_button.click()
    saved(qtbot, window)
    after = account_detail(window.database, account_id, TODAY)
    assert waited == [True] and explained == []
    assert after.name == "Renamed while saving"
    assert contact_id not in {c.id for c in after.contacts}
    assert after.version == detail.version + 2


def test_a_tick_right_after_ones_own_kickoff_save_is_not_refused(
    qtbot, window, monkeypatch, message_boxes
) -> None:  # type: ignore[no-untyped-def]
    """The page read the kickoff at version k. The CSM saves a new success statement in the
    kickoff dialog (k+1) and ticks a criterion before the page has reloaded: the tick is
    saved over k+1, the version their own kickoff save left (it was saved over k, the
    version on screen, and refused naming the CSM)."""
    from tests.ui.saving import press_ok

    account_id = open_account(qtbot, window)
    detail = window.account_view.detail
    assert detail.kickoff is not None
    k = detail.kickoff_version
    criterion = next(c for c, _text, met in detail.kickoff.done_criteria if met is None)

    def edit(dialog: account_dialogs.KickoffDialog) -> int:
        dialog.success.setPlainText("Reports run without anyone")
        assert press_ok(qtbot, dialog) == QDialog.DialogCode.Accepted
        window.account_controller.tick_criterion(criterion, True)  # the page still shows k
        return dialog.result()

    monkeypatch.setattr(account_dialogs.KickoffDialog, "exec", edit)
    window.account_view.kickoff_button.click()
    saved(qtbot, window)
    qtbot.waitUntil(lambda: window.account_view.detail.kickoff_version == k + 2, timeout=10000)
    assert message_boxes.shown == []
    after = account_detail(window.database, account_id, TODAY)
    assert after.kickoff is not None
    assert after.kickoff.success_statement == "Reports run without anyone"
    assert {c: met for c, _text, met in after.kickoff.done_criteria}[criterion] == TODAY


def test_a_status_change_right_after_ones_own_kickoff_move_is_not_refused(
    qtbot, window, monkeypatch, message_boxes
) -> None:  # type: ignore[no-untyped-def]
    """The CSM moves the kickoff a week later with the open due dates: the account (its
    kickoff date) and every open milestone get a new version. Before the page has reloaded
    they mark an open milestone in progress: saved over the version the move left (it was
    saved over the one on screen, and refused naming the CSM)."""
    from tests.ui.saving import press_ok

    account_id = open_account(qtbot, window)
    detail = window.account_view.detail
    assert detail.kickoff is not None and detail.kickoff_on is not None
    step = next(s for s in detail.ladder if s.status is Status.NOT_STARTED and s.due_on)
    later = detail.kickoff_on + dt.timedelta(days=7)

    def move(dialog: account_dialogs.KickoffDialog) -> int:
        dialog.held_on.setDate(to_qdate(later))
        dialog.move_due_dates.setChecked(True)
        assert press_ok(qtbot, dialog) == QDialog.DialogCode.Accepted
        view = window.account_view
        view.select_milestone(step.id)  # the page still shows the versions before the move
        view.status_actions[Status.IN_PROGRESS].trigger()
        return dialog.result()

    monkeypatch.setattr(account_dialogs.KickoffDialog, "exec", move)
    window.account_view.kickoff_button.click()
    saved(qtbot, window)
    qtbot.waitUntil(lambda: not window.account_controller.busy, timeout=10000)
    after = account_detail(window.database, account_id, TODAY)
    (now,) = [s for s in after.ladder if s.id == step.id]
    assert [t for t in message_boxes.texts() if "changed by" in t] == []
    assert (now.status, now.due_on) == (Status.IN_PROGRESS, step.due_on + dt.timedelta(days=7))
    assert after.kickoff_on == later
