"""Two sessions (issue 16): undo follows the chain of one's own edits, and contacts and done
criteria are saved over their account's and kickoff's versions.

Ravi works in the window; Maya is the same book opened again (a second engine; with
``--backend postgresql`` both are sessions on the test cluster's team book). Versions are
counted from ``v``, the milestone's version when the page first read it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from csm_desktop.domain.vocabulary import Direction, Status
from csm_desktop.services import account_edits
from csm_desktop.services.account_edits import ContactFields
from csm_desktop.services.account_story import add_ask, list_asks
from csm_desktop.services.accounts import account_detail
from csm_desktop.services.value_metrics import (
    MetricSnapshot,
    account_metrics,
    record_measurement,
    save_metric,
)
from csm_desktop.store.database import Database, open_database
from csm_desktop.ui.dialogs import account_dialogs, story_dialogs, value_dialogs
from csm_desktop.ui.dialogs.dialog_parts import to_qdate
from csm_desktop.ui.main_window import MainWindow
from tests.ui.conftest import MessageBoxes
from tests.ui.saving import press_ok, saved
from tests.ui.test_save_conflicts import (
    REFUSED,
    TODAY,
    open_account,
    ravi_and_maya,
    refusal,
    shown_status,
)

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def two(  # type: ignore[no-untyped-def]
    qtbot, tmp_path: Path, request: pytest.FixtureRequest, demo_copy: Callable[[dt.date], Path]
) -> Iterator[tuple[MainWindow, Database]]:
    """Ravi's window and Maya's engine on the demo book: a file, or the team server."""
    if request.config.getoption("--backend") == "postgresql":
        from csm_desktop.services.demo import create_demo_book
        from csm_desktop.services.opening import open_team_book
        from csm_desktop.store.server import open_server_database

        url = request.getfixturevalue("team_book_url")
        with open_team_book(url) as book:
            create_demo_book(book, today=TODAY)
        yield from ravi_and_maya(qtbot, tmp_path, lambda: open_server_database(url))
        return
    path = demo_copy(TODAY)
    yield from ravi_and_maya(qtbot, tmp_path, lambda: open_database(path))


def stored(
    book: Database, account_id: int, milestone_id: int
) -> tuple[Status, dt.date | None, int | None]:
    (step,) = [s for s in account_detail(book, account_id, TODAY).ladder if s.id == milestone_id]
    return step.status, step.due_on, step.version


def first_not_started(window: MainWindow) -> int:
    view = window.account_view
    return next(s.id for s in view.detail.ladder if s.status is Status.NOT_STARTED and s.due_on)


def mark(qtbot, window: MainWindow, milestone_id: int, status: Status) -> None:  # type: ignore[no-untyped-def]
    window.account_view.select_milestone(milestone_id)
    window.account_view.status_actions[status].trigger()
    saved(qtbot, window)


def undo(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.undo_action.trigger()
    saved(qtbot, window)


def redo(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.redo_action.trigger()
    saved(qtbot, window)


def move_due(qtbot, window: MainWindow, milestone_id: int, due: dt.date, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def choose(dialog: account_dialogs.DueDateDialog) -> int:
        dialog.date.setDate(to_qdate(due))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(account_dialogs.DueDateDialog, "exec", choose)
    window.account_controller.move_due_date(milestone_id)
    saved(qtbot, window)


def test_undo_under_ones_later_edit_after_someone_elses_change_is_refused(
    qtbot, two: tuple[MainWindow, Database], message_boxes: MessageBoxes, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Ravi: in progress (v → v+1), due date to 15 Dec (v+2). Maya: blocked (v+3). Ravi's
    undo of the date is refused naming her, and so is the undo of his first edit: her
    "blocked" and his date both stay."""
    window, maya = two
    account_id = open_account(qtbot, window)
    milestone = first_not_started(window)
    v = stored(maya, account_id, milestone)[2]
    assert v is not None
    mark(qtbot, window, milestone, Status.IN_PROGRESS)
    qtbot.waitUntil(lambda: shown_status(window, milestone) is Status.IN_PROGRESS, timeout=5000)
    move_due(qtbot, window, milestone, dt.date(2026, 12, 15), monkeypatch)
    assert stored(maya, account_id, milestone) == (Status.IN_PROGRESS, dt.date(2026, 12, 15), v + 2)
    account_edits.set_status(maya, milestone, Status.BLOCKED, on=TODAY, reason="IT", seen=v + 2)
    undo(qtbot, window)
    undo(qtbot, window)
    texts = [t for t in message_boxes.texts() if "Maya Chen" in t]
    assert len(texts) == 2 and all(re.search(REFUSED, t) for t in texts)
    assert all(t.endswith("was not applied; their change stays.") for t in texts)
    assert stored(maya, account_id, milestone) == (Status.BLOCKED, dt.date(2026, 12, 15), v + 3)
    assert not window.undo_action.isEnabled()  # both steps were dropped


def test_undo_across_someone_elses_change_in_between_is_refused_naming_them(
    qtbot, two: tuple[MainWindow, Database], message_boxes: MessageBoxes, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Ravi: in progress (v → v+1). Maya: blocked (v+2). Ravi's page shows her change; he
    moves the date (v+3) and undoes that (v+4: blocked, her date): fine, the state is hers.
    His next undo (back to not started) would overwrite her "blocked": refused, naming
    Maya although the last write (v+4) was his own."""
    window, maya = two
    account_id = open_account(qtbot, window)
    milestone = first_not_started(window)
    _status, due, v = stored(maya, account_id, milestone)
    assert v is not None and due is not None
    mark(qtbot, window, milestone, Status.IN_PROGRESS)
    account_edits.set_status(maya, milestone, Status.BLOCKED, on=TODAY, reason="IT", seen=v + 1)
    window.open_account(account_id)
    qtbot.waitUntil(lambda: shown_status(window, milestone) is Status.BLOCKED, timeout=5000)
    move_due(qtbot, window, milestone, dt.date(2026, 12, 15), monkeypatch)
    assert stored(maya, account_id, milestone)[2] == v + 3
    undo(qtbot, window)
    assert stored(maya, account_id, milestone) == (Status.BLOCKED, due, v + 4)
    assert message_boxes.shown == []
    undo(qtbot, window)
    text = refusal(message_boxes)
    assert text.endswith("Undo was not applied; their change stays.")
    assert stored(maya, account_id, milestone) == (Status.BLOCKED, due, v + 4)


def test_ones_own_chain_of_edits_undoes_and_redoes_without_refusal(
    qtbot, two: tuple[MainWindow, Database], monkeypatch, message_boxes: MessageBoxes
) -> None:  # type: ignore[no-untyped-def]
    """In progress (v+1), date 15 Dec (v+2); undo twice (v+3, v+4: not started, the old
    date); redo twice (v+5, v+6: in progress, 15 Dec). Nobody else wrote: nothing refused."""
    window, maya = two
    account_id = open_account(qtbot, window)
    milestone = first_not_started(window)
    _status, due, v = stored(maya, account_id, milestone)
    assert v is not None
    mark(qtbot, window, milestone, Status.IN_PROGRESS)
    move_due(qtbot, window, milestone, dt.date(2026, 12, 15), monkeypatch)
    undo(qtbot, window)
    undo(qtbot, window)
    assert stored(maya, account_id, milestone) == (Status.NOT_STARTED, due, v + 4)
    redo(qtbot, window)
    redo(qtbot, window)
    assert stored(maya, account_id, milestone) == (
        Status.IN_PROGRESS, dt.date(2026, 12, 15), v + 6,
    )  # fmt: skip
    assert message_boxes.shown == []


def test_a_contact_over_someone_elses_account_change_keeps_the_dialog_open(
    qtbot, two: tuple[MainWindow, Database], message_boxes: MessageBoxes, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The page read the account at version a; Maya adds a contact (a+1). Ravi's new
    contact is refused naming her, the dialog stays open with his name; OK again saves it
    over a+1 (a+2), and both contacts are kept."""
    window, maya = two
    account_id = open_account(qtbot, window)
    a = window.account_view.detail.version
    account_edits.add_contact(maya, account_id, ContactFields("Maya's contact"), seen=a)
    presses: list[tuple[int, str]] = []

    def add(dialog: account_dialogs.ContactDialog) -> int:
        dialog.name.setText("Ravi's contact")
        for _ in range(2):
            presses.append((press_ok(qtbot, dialog), dialog.name.text()))
        return dialog.result()

    monkeypatch.setattr(account_dialogs.ContactDialog, "exec", add)
    window.account_controller.add_contact()
    saved(qtbot, window)
    rejected, accepted = QDialog.DialogCode.Rejected, QDialog.DialogCode.Accepted
    assert presses == [(rejected, "Ravi's contact"), (accepted, "Ravi's contact")]
    assert re.search(REFUSED, refusal(message_boxes))
    detail = account_detail(maya, account_id, TODAY)
    assert {"Maya's contact", "Ravi's contact"} <= {c.name for c in detail.contacts}
    assert detail.version == a + 2


def test_a_tick_over_someone_elses_kickoff_change_is_refused(
    qtbot, two: tuple[MainWindow, Database], message_boxes: MessageBoxes
) -> None:  # type: ignore[no-untyped-def]
    """The page read the kickoff at version k; Maya ticks the open criterion (k+1). Ravi's
    untick of a met one is refused naming her: both stay met."""
    window, maya = two
    account_id = open_account(qtbot, window)
    detail = window.account_view.detail
    assert detail.kickoff is not None
    met = {c: m for c, _text, m in detail.kickoff.done_criteria}
    theirs = next(c for c, m in met.items() if m is None)
    mine = next(c for c, m in met.items() if m is not None)
    account_edits.tick_done_criterion(maya, theirs, TODAY, seen=detail.kickoff_version)
    criteria = window.account_view.criteria
    item = next(
        criteria.item(r) for r in range(criteria.count())
        if criteria.item(r).data(Qt.ItemDataRole.UserRole) == mine
    )  # fmt: skip
    item.setCheckState(Qt.CheckState.Unchecked)
    saved(qtbot, window)
    assert re.match(f"The kickoff of .* {REFUSED}", refusal(message_boxes))
    after = account_detail(maya, account_id, TODAY)
    assert after.kickoff is not None
    now = {c: m for c, _text, m in after.kickoff.done_criteria}
    assert (now[theirs], now[mine]) == (TODAY, met[mine])
    assert after.kickoff_version == detail.kickoff_version + 1


def test_a_value_metric_undo_across_someone_elses_measurement_is_refused(
    qtbot, two: tuple[MainWindow, Database], message_boxes: MessageBoxes, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Hours (baseline 10 h) at version m. Ravi records 6 h on 20 Nov (m+1); Maya 8 h on
    22 Nov (m+2); the panel shows hers and Ravi records 5 h on 24 Nov (m+3), then undoes
    that (m+4: her state). His undo of the 6 h would put back the metric as it was before
    it, without her 8 h: refused naming Maya, and all of 6, 8 h stay."""
    window, maya = two
    account_id = open_account(qtbot, window)
    metric = MetricSnapshot("Hours on hand-over", "h", Direction.LOWER, 10.0, TODAY, 4.0)
    save_metric(window.database, account_id, metric, on=TODAY)
    panel, controller = window.account_view.value, window.account_controller.value
    controller.load(account_id)
    qtbot.waitUntil(lambda: any(m.name == metric.name for m in panel.metrics), timeout=5000)
    m = next(x.version for x in panel.metrics if x.name == metric.name)

    def record(day: int, value: str) -> None:
        def measure(dialog: value_dialogs.MeasurementDialog) -> int:
            dialog.value.setText(value)
            dialog.measured_on.setDate(to_qdate(dt.date(2026, 11, day)))
            dialog._accept()
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(value_dialogs.MeasurementDialog, "exec", measure)
        # The page's own reload after the last save may still be loading the panel (its
        # buttons are off meanwhile): click once it shows the metric again.
        qtbot.waitUntil(lambda: not panel.busy, timeout=5000)
        panel.select_metric(metric.name)
        qtbot.waitUntil(panel.buttons["record"].isEnabled, timeout=5000)
        panel.buttons["record"].click()
        saved(qtbot, window)

    def stored() -> tuple[tuple[tuple[dt.date, float], ...], int | None]:
        (now,) = [x for x in account_metrics(maya, account_id) if x.name == metric.name]
        return now.measurements, now.version

    record(20, "6")
    record_measurement(maya, account_id, metric.name, 8.0, dt.date(2026, 11, 22), on=TODAY)
    controller.load(account_id)
    saved(qtbot, window)
    shown = lambda: next(x.version for x in panel.metrics if x.name == metric.name)  # noqa: E731
    qtbot.waitUntil(lambda: not panel.busy and shown() == m + 2, timeout=5000)
    record(24, "5")
    assert stored()[1] == m + 3
    undo(qtbot, window)
    assert message_boxes.shown == []
    undo(qtbot, window)
    text = refusal(message_boxes)
    assert re.search(REFUSED, text) and text.endswith("their change stays.")
    nov = dt.date(2026, 11, 20), dt.date(2026, 11, 22)
    assert stored() == (((nov[0], 6.0), (nov[1], 8.0)), m + 4)


def test_an_ask_over_someone_elses_account_change_keeps_the_dialog_open(
    qtbot, two: tuple[MainWindow, Database], message_boxes: MessageBoxes, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The page read the account at version a; Maya keeps an ask (a+1). Ravi's new ask is
    refused naming her, the dialog stays open with his text; OK again saves it (a+2)."""
    window, maya = two
    account_id = open_account(qtbot, window)
    a = window.account_view.detail.version
    add_ask(maya, account_id, "ask", "Maya's ask", created_on=TODAY, seen=a)
    presses: list[tuple[int, str]] = []

    def ask(dialog: story_dialogs.AskDialog) -> int:
        dialog.text.setPlainText("Ravi's ask")
        for _ in range(2):
            presses.append((press_ok(qtbot, dialog), dialog.text.toPlainText()))
        return dialog.result()

    monkeypatch.setattr(story_dialogs.AskDialog, "exec", ask)
    window.account_view.risks_asks.add_requested.emit()
    qtbot.waitUntil(lambda: len(presses) == 2, timeout=10000)
    rejected, accepted = QDialog.DialogCode.Rejected, QDialog.DialogCode.Accepted
    assert presses == [(rejected, "Ravi's ask"), (accepted, "Ravi's ask")]
    assert re.search(REFUSED, refusal(message_boxes))
    assert {e.text for e in list_asks(maya, account_id)} == {"Maya's ask", "Ravi's ask"}
    assert account_detail(maya, account_id, TODAY).version == a + 2


def test_the_kickoff_dialog_keeps_the_edit_over_someone_elses_kickoff(
    qtbot, two: tuple[MainWindow, Database], message_boxes: MessageBoxes, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The page read the kickoff at version k; Maya ticks a criterion (k+1). Ravi's new
    success statement is refused naming her, the dialog stays open with it; OK again saves
    it over k+1 (k+2), and her tick stays (the dialog still shows it unticked: only what
    Ravi changed is written)."""
    window, maya = two
    account_id = open_account(qtbot, window)
    detail = window.account_view.detail
    assert detail.kickoff is not None
    k = detail.kickoff_version
    criterion = next(c for c, _text, met in detail.kickoff.done_criteria if met is None)
    account_edits.tick_done_criterion(maya, criterion, TODAY, seen=k)
    presses: list[tuple[int, str]] = []

    def edit(dialog: account_dialogs.KickoffDialog) -> int:
        dialog.success.setPlainText("Reports run without Ravi")
        for _ in range(2):
            presses.append((press_ok(qtbot, dialog), dialog.success.toPlainText()))
        return dialog.result()

    monkeypatch.setattr(account_dialogs.KickoffDialog, "exec", edit)
    window.account_view.kickoff_button.click()
    saved(qtbot, window)
    rejected, accepted = QDialog.DialogCode.Rejected, QDialog.DialogCode.Accepted
    text = "Reports run without Ravi"
    assert presses == [(rejected, text), (accepted, text)]
    assert re.match(f"The kickoff of .* {REFUSED}", refusal(message_boxes))
    after = account_detail(maya, account_id, TODAY)
    assert after.kickoff is not None and after.kickoff.success_statement == text
    assert after.kickoff_version == k + 2
    met = {c: met_on for c, _text, met_on in after.kickoff.done_criteria}
    assert met[criterion] == TODAY
    before = {c: met_on for c, _text, met_on in detail.kickoff.done_criteria}
    assert {c: m for c, m in met.items() if c != criterion} == {
        c: m for c, m in before.items() if c != criterion
    }
