"""Two sessions on one book (issue 16): the second save is refused, explained, and kept.

Ravi works in the window; Maya is the same book opened a second time (another engine, as a
second CSM on the team server). The window's screens still show what they read before
Maya saved. Every refusal names her ("… was changed by Maya Chen at HH:MM — reload to see
it."), the page reloads to show her change, and Ravi's typed edit is still there to retry.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog

from csm_desktop.domain.vocabulary import Direction, Status
from csm_desktop.services import account_edits
from csm_desktop.services.account_edits import AccountFields
from csm_desktop.services.accounts import account_detail
from csm_desktop.services.value_metrics import (
    MetricSnapshot,
    account_metrics,
    record_measurement,
    save_metric,
)
from csm_desktop.store.authorship import sign_as
from csm_desktop.store.database import Database, open_database
from csm_desktop.ui.dialogs import account_dialogs, value_dialogs
from csm_desktop.ui.dialogs.dialog_parts import to_qdate
from csm_desktop.ui.main_window import MainWindow
from tests.ui.conftest import MessageBoxes
from tests.ui.saving import press_ok, saved

TODAY = dt.date(2026, 11, 26)
REFUSED = r"was changed by Maya Chen at \d\d:\d\d — reload to see it\."


@pytest.fixture
def two(  # type: ignore[no-untyped-def]
    qtbot, tmp_path: Path, demo_copy: Callable[[dt.date], Path]
) -> Iterator[tuple[MainWindow, Database]]:
    path = demo_copy(TODAY)
    yield from ravi_and_maya(qtbot, tmp_path, lambda: open_database(path))


def ravi_and_maya(  # type: ignore[no-untyped-def]
    qtbot, tmp_path: Path, open_book: Callable[[], Database]
) -> Iterator[tuple[MainWindow, Database]]:
    """Ravi's window and Maya's engine on the same book (``open_book`` opens it again)."""
    database = open_book()
    sign_as(database.engine, "Ravi Patel")
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(database, today=lambda: TODAY, settings=settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.loading, timeout=20000)
    maya = open_book()
    sign_as(maya.engine, "Maya Chen")
    yield window, maya
    maya.close()
    window.database.close()


def open_account(qtbot, window: MainWindow) -> int:  # type: ignore[no-untyped-def]
    account_id = window.book_view.model.rows()[0].account_id
    window.open_account(account_id)
    qtbot.waitUntil(
        lambda: window.account_view is not None and window.account_view.detail is not None,
        timeout=5000,
    )
    qtbot.waitUntil(lambda: not window.account_view.value.busy, timeout=5000)
    return account_id


def shown_status(window: MainWindow, milestone_id: int) -> Status | None:
    step = window.account_view.step(milestone_id)
    return step.status if step else None


def refusal(boxes: MessageBoxes) -> str:
    (text,) = [t for t in boxes.texts() if "Maya Chen" in t]
    return text


def test_a_status_over_someone_elses_is_refused_and_the_page_shows_theirs(
    qtbot, two: tuple[MainWindow, Database], message_boxes: MessageBoxes
) -> None:  # type: ignore[no-untyped-def]
    """The page shows a milestone not started; Maya marks it in progress; Ravi's
    "in progress" → refused; it is Maya's change the book keeps and the page shows."""
    window, maya = two
    open_account(qtbot, window)
    view = window.account_view
    step = next(s for s in view.detail.ladder if s.status is Status.NOT_STARTED)
    account_edits.set_status(maya, step.id, Status.IN_PROGRESS, on=TODAY, seen=step.version)
    view.select_milestone(step.id)
    view.status_actions[Status.IN_PROGRESS].trigger()
    saved(qtbot, window)
    text = refusal(message_boxes)
    assert re.match(f"“{re.escape(step.title)}” {REFUSED}\n\nNothing was changed;", text)
    assert not window.undo_action.isEnabled()  # nothing of Ravi's was saved
    qtbot.waitUntil(lambda: shown_status(window, step.id) is Status.IN_PROGRESS, timeout=5000)
    timeline = account_detail(window.database, view.detail.id, TODAY).timeline
    assert (timeline[0].text, timeline[0].by) == (
        f"{step.title}: not started → in progress",
        "Maya Chen",
    )
    assert view.timeline.topLevelItem(0).text(2) == "Maya Chen"


def test_the_account_dialog_stays_open_with_the_edit_and_ok_again_saves_it(
    qtbot, two: tuple[MainWindow, Database], message_boxes: MessageBoxes, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Maya sets 40 seats after the page was read. Ravi renames the account and presses
    OK: refused naming Maya, the dialog is still open with his name; OK again saves it
    over hers, and her 40 seats stay although the dialog still shows the old number (only
    what Ravi changed, the name, is written)."""
    window, maya = two
    account_id = open_account(qtbot, window)
    detail = window.account_view.detail
    assert detail is not None and detail.seats != 40
    theirs = AccountFields(detail.name, segment=detail.segment, seats=40, owner=detail.owner)
    account_edits.update_account(maya, account_id, theirs, seen=detail.version)
    presses: list[tuple[int, str]] = []

    def rename(dialog: account_dialogs.NewAccountDialog) -> int:
        dialog.name.setText("Renamed Co")
        presses.append((press_ok(qtbot, dialog), dialog.name.text()))  # refused: kept
        presses.append((press_ok(qtbot, dialog), dialog.name.text()))
        return dialog.result()

    monkeypatch.setattr(account_dialogs.NewAccountDialog, "exec", rename)
    window.account_view.edit_button.click()
    rejected, accepted = QDialog.DialogCode.Rejected, QDialog.DialogCode.Accepted
    assert presses == [(rejected, "Renamed Co"), (accepted, "Renamed Co")]
    assert refusal(message_boxes).startswith(f"“{detail.name}” was changed by Maya Chen at ")
    after = account_detail(maya, account_id, TODAY)
    assert (after.name, after.seats) == ("Renamed Co", 40)


def test_the_value_panel_keeps_the_typed_measurement_for_a_retry(
    qtbot, two: tuple[MainWindow, Database], message_boxes: MessageBoxes, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Hours (baseline 10 h) is on the panel at its version; Maya records 8 h on 24 Nov.
    Ravi records 6 h on 25 Nov: refused naming Maya; the same dialog opens again still
    holding 6 h; OK saves it, and both measurements are kept."""
    window, maya = two
    account_id = open_account(qtbot, window)
    metric = MetricSnapshot("Hours on hand-over", "h", Direction.LOWER, 10.0, TODAY, 4.0)
    save_metric(window.database, account_id, metric, on=TODAY)
    panel = window.account_view.value
    window.account_controller.value.load(account_id)
    # Loaded and idle: a reload still running keeps the panel's buttons off (a click on
    # Record then does nothing; seen under load in CI).
    qtbot.waitUntil(
        lambda: any(m.name == metric.name for m in panel.metrics) and not panel.busy,
        timeout=5000,
    )
    record_measurement(maya, account_id, metric.name, 8.0, dt.date(2026, 11, 24), on=TODAY)
    opened: list[str] = []

    def measure(dialog: value_dialogs.MeasurementDialog) -> int:
        if not opened:
            dialog.value.setText("6")
            dialog.measured_on.setDate(to_qdate(dt.date(2026, 11, 25)))
        opened.append(dialog.value.text())
        dialog._accept()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(value_dialogs.MeasurementDialog, "exec", measure)
    panel.select_metric(metric.name)
    panel.buttons["record"].click()
    qtbot.waitUntil(lambda: len(opened) == 2 and not panel.busy, timeout=15000)
    qtbot.waitUntil(lambda: not panel.busy, timeout=5000)
    assert opened == ["6", "6"]  # the second time, the dialog still held what was typed
    assert refusal(message_boxes).startswith(f"“{metric.name}” was changed by Maya Chen")
    (stored,) = [m for m in account_metrics(maya, account_id) if m.name == metric.name]
    assert stored.measurements == ((dt.date(2026, 11, 24), 8.0), (dt.date(2026, 11, 25), 6.0))


def test_undo_after_someone_elses_later_change_is_refused(
    qtbot, two: tuple[MainWindow, Database], message_boxes: MessageBoxes
) -> None:  # type: ignore[no-untyped-def]
    """Ravi marks a milestone in progress (Edit → Undo offers it); Maya then blocks it.
    Ravi's undo is refused naming her: the milestone stays blocked."""
    window, maya = two
    open_account(qtbot, window)
    view = window.account_view
    step = next(s for s in view.detail.ladder if s.status is Status.NOT_STARTED)
    view.select_milestone(step.id)
    view.status_actions[Status.IN_PROGRESS].trigger()
    saved(qtbot, window)
    assert window.undo_action.isEnabled()
    now = account_edits.milestone_state(maya, step.id)
    assert now.status is Status.IN_PROGRESS
    version = next(
        s.version for s in account_detail(maya, view.detail.id, TODAY).ladder if s.id == step.id
    )
    account_edits.set_status(
        maya, step.id, Status.BLOCKED, on=TODAY, reason="Waiting for IT", seen=version
    )
    window.undo_action.trigger()
    saved(qtbot, window)
    text = refusal(message_boxes)
    assert text.startswith(f"“{step.title}” was changed by Maya Chen at ")
    assert "Undo was not applied; their change stays." in text
    assert account_edits.milestone_state(maya, step.id).status is Status.BLOCKED
    qtbot.waitUntil(lambda: shown_status(window, step.id) is Status.BLOCKED, timeout=5000)


def test_ones_own_edits_of_one_milestone_undo_one_after_the_other(
    qtbot, two: tuple[MainWindow, Database], message_boxes: MessageBoxes
) -> None:  # type: ignore[no-untyped-def]
    """In progress, then not started again; undo twice: in progress, then not started.
    Nobody else wrote, so nothing is refused: the first undo moved the milestone on from the
    version the first edit left, and the second expects the version that undo left."""
    window, _maya = two
    open_account(qtbot, window)
    view = window.account_view
    step = next(s for s in view.detail.ladder if s.status is Status.NOT_STARTED)
    view.select_milestone(step.id)
    view.status_actions[Status.IN_PROGRESS].trigger()
    saved(qtbot, window)
    qtbot.waitUntil(lambda: shown_status(window, step.id) is Status.IN_PROGRESS, timeout=5000)
    view.select_milestone(step.id)
    view.status_actions[Status.NOT_STARTED].trigger()
    saved(qtbot, window)
    assert account_edits.milestone_state(window.database, step.id).status is Status.NOT_STARTED
    qtbot.waitUntil(lambda: shown_status(window, step.id) is Status.NOT_STARTED, timeout=5000)
    window.undo_action.trigger()
    saved(qtbot, window)
    assert account_edits.milestone_state(window.database, step.id).status is Status.IN_PROGRESS
    qtbot.waitUntil(lambda: shown_status(window, step.id) is Status.IN_PROGRESS, timeout=5000)
    window.undo_action.trigger()
    saved(qtbot, window)
    assert account_edits.milestone_state(window.database, step.id).status is Status.NOT_STARTED
    assert message_boxes.shown == []


def today_line(window: MainWindow, status: Status) -> int:
    """Select the first Today line about a milestone of ``status``; its row."""
    view = window.today_view
    for row in range(view.model.rowCount()):
        item = view.model.row_at(row)
        milestone = item.nudge.milestone_id
        if milestone is not None and (
            account_edits.milestone_state(window.database, milestone).status is status
        ):
            view.table.selectRow(row)
            assert view.current is item
            return row
    raise AssertionError(f"no Today line about a {status.value} milestone")


def test_mark_achieved_from_today_over_someone_elses_change_is_refused(
    qtbot, two: tuple[MainWindow, Database], message_boxes: MessageBoxes, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Today read an in-progress milestone at its version; Maya blocks it (one version
    on). Ravi's Mark achieved from that line is refused naming her, the milestone stays
    blocked, and Today is read again (the line now carries her version)."""
    window, maya = two
    today_line(window, Status.IN_PROGRESS)
    item = window.today_view.current
    milestone = item.nudge.milestone_id
    stored = account_edits.set_status(
        maya, milestone, Status.BLOCKED, on=TODAY, reason="Waiting for IT", seen=None
    )
    assert stored.left_at == item.milestone_version + 1  # the line read the version before
    monkeypatch.setattr(
        account_dialogs.StatusDialog, "exec", lambda _dialog: QDialog.DialogCode.Accepted
    )
    with qtbot.waitSignal(window.today_controller.loaded, timeout=10000):
        window.today_view.request_achieved()
    text = refusal(message_boxes)
    assert text.startswith(f"“{item.nudge.milestone}” was changed by Maya Chen at ")
    assert text.endswith("Nothing was changed; their change stays.")
    assert account_edits.milestone_state(maya, milestone).status is Status.BLOCKED
    lines = [window.today_view.model.row_at(r) for r in range(window.today_view.model.rowCount())]
    assert {i.milestone_version for i in lines if i.nudge.milestone_id == milestone} == {
        stored.left_at
    }


def test_mark_achieved_from_today_saves_over_the_version_the_line_read(
    qtbot, two: tuple[MainWindow, Database], message_boxes: MessageBoxes, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Nobody else wrote: the line's version is the stored one, the milestone is marked
    achieved (one version on) and nothing is refused."""
    window, maya = two
    today_line(window, Status.IN_PROGRESS)
    item = window.today_view.current
    milestone = item.nudge.milestone_id
    version = next(
        s.version
        for s in account_detail(maya, item.nudge.account_id, TODAY).ladder
        if s.id == milestone
    )
    assert item.milestone_version == version
    monkeypatch.setattr(
        account_dialogs.StatusDialog, "exec", lambda _dialog: QDialog.DialogCode.Accepted
    )
    with qtbot.waitSignal(window.today_controller.loaded, timeout=10000):
        window.today_view.request_achieved()
    assert account_edits.milestone_state(maya, milestone).status is Status.ACHIEVED
    assert message_boxes.shown == []
