"""The account page's Re-plan action and its Risks & asks tab, driven as a CSM would."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog

from csm_desktop.domain.vocabulary import Status
from csm_desktop.services.account_edits import set_status
from csm_desktop.services.account_story import add_ask, list_asks, replan_candidates
from csm_desktop.services.accounts import account_detail
from csm_desktop.store.database import open_database
from csm_desktop.ui.dialogs import story_dialogs
from csm_desktop.ui.dialogs.dialog_parts import to_qdate
from csm_desktop.ui.main_window import MainWindow
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


def _open(qtbot, window: MainWindow, account_id: int) -> None:  # type: ignore[no-untyped-def]
    window.open_account(account_id)
    qtbot.waitUntil(
        lambda: (
            window.account_view is not None
            and window.account_view.detail is not None
            and window.account_view.detail.id == account_id
        ),
        timeout=5000,
    )


def _open_a_late_account(qtbot, window: MainWindow) -> tuple[int, list[Any]]:  # type: ignore[no-untyped-def]
    """Open the first account with past-due milestones; its id and its re-plan candidates."""
    rows = window.book_view.model.rows()
    late = next(
        r.account_id for r in rows if replan_candidates(window.database, r.account_id, TODAY)
    )
    before = replan_candidates(window.database, late, TODAY)
    _open(qtbot, window, late)
    return late, before


def test_replan_moves_past_due_milestones_and_keeps_the_due_date(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    late, before = _open_a_late_account(qtbot, window)
    new_date = TODAY + dt.timedelta(days=21)

    def accept(dialog: story_dialogs.ReplanDialog) -> int:
        assert dialog.list.count() == len(before)
        dialog.date.setDate(to_qdate(new_date))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(story_dialogs.ReplanDialog, "exec", accept)
    window.account_view.replan_button.click()
    qtbot.waitUntil(lambda: not replan_candidates(window.database, late, TODAY), timeout=5000)
    detail = account_detail(window.database, late, TODAY)
    due = {s.id: s.due_on for s in detail.ladder}
    assert all(due[c.id] == c.due_on for c in before)  # the original due dates stay
    assert detail.overdue_count >= len(before)  # and the overdue count still counts them
    qtbot.waitUntil(
        lambda: any("re-planned from" in e.text for e in window.account_view.detail.timeline),  # type: ignore[union-attr]
        timeout=5000,
    )


def test_edit_undo_takes_a_replan_back_and_redo_makes_it_again(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """A re-plan of every past-due milestone is one step of Edit → Undo: undo puts each
    plan date back (they are past due again, the timeline says so), redo moves them again."""
    late, before = _open_a_late_account(qtbot, window)
    new_date = TODAY + dt.timedelta(days=14)

    def accept(dialog: story_dialogs.ReplanDialog) -> int:
        dialog.date.setDate(to_qdate(new_date))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(story_dialogs.ReplanDialog, "exec", accept)
    window.account_view.replan_button.click()  # the candidates are read first, off the UI
    qtbot.waitUntil(window.undo_action.isEnabled, timeout=10000)  # thread: then it is saved
    assert replan_candidates(window.database, late, TODAY) == []
    assert window.undo_action.text() == (
        f"&Undo Re-plan {len(before)} milestone{'s' if len(before) > 1 else ''} "
        f"to {new_date.isoformat()}"
    )

    window.undo_action.trigger()
    saved(qtbot, window)
    again = replan_candidates(window.database, late, TODAY)
    assert [(c.id, c.planned_on) for c in again] == [(c.id, c.planned_on) for c in before]
    timeline = [e.text for e in account_detail(window.database, late, TODAY).timeline]
    assert sum(text.endswith("(re-plan undone)") for text in timeline) == len(before)

    window.redo_action.trigger()
    saved(qtbot, window)
    assert replan_candidates(window.database, late, TODAY) == []
    ladder = {s.id: s for s in account_detail(window.database, late, TODAY).ladder}
    assert {ladder[c.id].replanned_on for c in before} == {new_date}


def test_a_status_change_right_after_a_replan_is_saved_over_its_version(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, message_boxes
) -> None:  # type: ignore[no-untyped-def]
    """The CSM re-plans the past-due milestones and, before the page has reloaded, marks one
    of them in progress. The status is saved over the version the re-plan left (the page
    still shows the one before it, and the status was refused naming the CSM)."""
    rows = window.book_view.model.rows()
    late = next(
        r.account_id for r in rows if replan_candidates(window.database, r.account_id, TODAY)
    )
    status = {s.id: s.status for s in account_detail(window.database, late, TODAY).ladder}
    candidate = next(
        c
        for c in replan_candidates(window.database, late, TODAY)
        if status[c.id] is not Status.IN_PROGRESS
    )
    _open(qtbot, window, late)
    view, accepted = window.account_view, []

    def accept(dialog: story_dialogs.ReplanDialog) -> int:
        dialog.date.setDate(to_qdate(TODAY + dt.timedelta(days=21)))
        accepted.append(True)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(story_dialogs.ReplanDialog, "exec", accept)
    view.replan_button.click()
    qtbot.waitUntil(lambda: bool(accepted), timeout=5000)
    view.select_milestone(candidate.id)  # the page still shows the version before the re-plan
    view.status_actions[Status.IN_PROGRESS].trigger()  # queued behind the re-plan
    saved(qtbot, window)
    step = next(s for s in account_detail(window.database, late, TODAY).ladder
                if s.id == candidate.id)  # fmt: skip
    assert message_boxes.shown == []
    assert (step.status, step.version) == (Status.IN_PROGRESS, candidate.version + 2)


def test_an_ask_starts_from_a_blocked_reason_then_is_resolved_and_removed(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    account_id = window.book_view.model.rows()[0].account_id
    detail = account_detail(window.database, account_id, TODAY)
    step = next(s for s in detail.ladder if s.status.is_open)
    set_status(window.database, step.id, Status.BLOCKED, on=TODAY, reason="Waiting for SSO")
    _open(qtbot, window, account_id)
    panel = window.account_view.risks_asks

    def accept(dialog: story_dialogs.AskDialog) -> int:
        dialog.start_from.setCurrentIndex(1)
        assert dialog.text.toPlainText() == "Waiting for SSO"
        dialog.owner.setCurrentText("Dana IT")
        return press_ok(qtbot, dialog)  # OK saves, off the UI thread

    monkeypatch.setattr(story_dialogs.AskDialog, "exec", accept)
    panel.add_requested.emit()
    qtbot.waitUntil(lambda: panel.list.topLevelItemCount() == 1, timeout=5000)
    item = panel.list.topLevelItem(0)
    assert [item.text(c) for c in range(3)] == ["Ask", f"Waiting for SSO (for “{step.title}”)",
                                                "Dana IT"]  # fmt: skip
    panel.list.setCurrentItem(item)
    panel.resolve.click()
    qtbot.waitUntil(lambda: panel.list.topLevelItem(0).text(3).startswith("resolved"), timeout=5000)
    assert list_asks(window.database, account_id)[0].resolved_on == TODAY
    panel.list.setCurrentItem(panel.list.topLevelItem(0))
    panel._emit(panel.remove_requested)
    qtbot.waitUntil(lambda: panel.list.topLevelItemCount() == 0, timeout=5000)
    assert list_asks(window.database, account_id) == []


def test_reports_menu_offers_the_deck_next_to_the_pdf(window: MainWindow) -> None:
    texts = [a.text() for a in window.reports_menu.actions()]
    pdf = texts.index("Export &QBR report…")
    assert texts[pdf + 1] == "Export QBR &deck…"
    assert "Export QBR decks for selected &accounts…" in texts
    assert texts[texts.index("&Portfolio report…") + 1] == "Portfolio review dec&k…"


def test_replan_says_so_when_nothing_is_past_due(qtbot, window: MainWindow, message_boxes) -> None:  # type: ignore[no-untyped-def]
    rows = window.book_view.model.rows()
    calm = next(
        r.account_id for r in rows if not replan_candidates(window.database, r.account_id, TODAY)
    )
    _open(qtbot, window, calm)
    window.account_view.replan_button.click()
    qtbot.waitUntil(lambda: bool(message_boxes.shown), timeout=5000)
    assert message_boxes.texts() == ["No open milestone of this account is past its date."]


def test_the_ladder_shows_the_re_planned_date_after_the_due_date(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    rows = window.book_view.model.rows()
    late = next(
        r.account_id for r in rows if replan_candidates(window.database, r.account_id, TODAY)
    )
    first = replan_candidates(window.database, late, TODAY)[0]
    _open(qtbot, window, late)
    new_date = TODAY + dt.timedelta(days=story_dialogs.REPLAN_DAYS_AHEAD)  # the default
    monkeypatch.setattr(
        story_dialogs.ReplanDialog, "exec", lambda self: QDialog.DialogCode.Accepted
    )
    window.account_view.replan_button.click()
    expected = f"{first.due_on.isoformat()} → {new_date.isoformat()}"  # type: ignore[union-attr]

    def due_texts() -> list[str]:
        ladder = window.account_view.ladder
        items = [ladder.topLevelItem(i) for i in range(ladder.topLevelItemCount())]
        children = [item.child(j) for item in items for j in range(item.childCount())]
        return [item.text(2) for item in [*items, *children]]

    qtbot.waitUntil(lambda: expected in due_texts(), timeout=5000)


def _add_ask(qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, text: str) -> None:  # type: ignore[no-untyped-def]
    def accept(dialog: story_dialogs.AskDialog) -> int:
        dialog.text.setPlainText(text)
        dialog.owner.setCurrentText("Dana IT")
        return press_ok(qtbot, dialog)

    monkeypatch.setattr(story_dialogs.AskDialog, "exec", accept)
    window.account_view.risks_asks.add_requested.emit()
    qtbot.waitUntil(lambda: window.undo_action.text().startswith("&Undo Add"), timeout=5000)
    saved(qtbot, window)


def _asks(window: MainWindow, account_id: int) -> list[tuple[str, str, dt.date | None]]:
    return [(a.text, a.owner, a.resolved_on) for a in list_asks(window.database, account_id)]


def test_edit_undo_takes_back_adding_resolving_and_removing_an_ask(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, message_boxes
) -> None:  # type: ignore[no-untyped-def]
    """Each edit of the risks and asks is a step of Edit → Undo; a removal undone puts the
    ask back as it was (resolved, with its owner), and the steps before it on the stack then
    act on the ask put back."""
    account_id = window.book_view.model.rows()[0].account_id
    _open(qtbot, window, account_id)
    panel = window.account_view.risks_asks
    _add_ask(qtbot, window, monkeypatch, "Sign the DPA")
    assert window.undo_action.text() == "&Undo Add ask “Sign the DPA”"
    qtbot.waitUntil(lambda: panel.list.topLevelItemCount() == 1, timeout=5000)
    panel.list.setCurrentItem(panel.list.topLevelItem(0))
    panel.resolve.click()
    saved(qtbot, window)
    panel.list.setCurrentItem(panel.list.topLevelItem(0))
    panel._emit(panel.remove_requested)
    saved(qtbot, window)
    assert window.undo_action.text() == "&Undo Remove ask “Sign the DPA”"
    assert _asks(window, account_id) == []

    window.undo_action.trigger()  # the removal: back, resolved
    saved(qtbot, window)
    assert _asks(window, account_id) == [("Sign the DPA", "Dana IT", TODAY)]
    window.undo_action.trigger()  # the resolve, of the ask put back
    saved(qtbot, window)
    assert _asks(window, account_id) == [("Sign the DPA", "Dana IT", None)]
    window.undo_action.trigger()  # the addition
    saved(qtbot, window)
    assert _asks(window, account_id) == []
    assert not window.undo_action.isEnabled()

    for expected in (
        [("Sign the DPA", "Dana IT", None)],
        [("Sign the DPA", "Dana IT", TODAY)],
        [],
    ):
        window.redo_action.trigger()
        saved(qtbot, window)
        assert _asks(window, account_id) == expected
    qtbot.waitUntil(lambda: panel.list.topLevelItemCount() == 0, timeout=5000)
    assert message_boxes.shown == []


def test_undo_of_an_ask_is_refused_over_a_teammates_change_of_the_account(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, message_boxes
) -> None:  # type: ignore[no-untyped-def]
    account_id = window.book_view.model.rows()[0].account_id
    _open(qtbot, window, account_id)
    _add_ask(qtbot, window, monkeypatch, "Sign the DPA")
    teammate = open_database(Path(window.database.where))
    try:
        add_ask(teammate, account_id, "risk", "Budget freeze", created_on=TODAY)
    finally:
        teammate.close()

    window.undo_action.trigger()
    saved(qtbot, window)
    assert [text for text, _owner, _on in _asks(window, account_id)] == [
        "Sign the DPA",
        "Budget freeze",
    ]
    [(kind, title, text)] = message_boxes.shown
    assert (kind, title) == ("warning", "Undo")
    assert text.endswith("Undo was not applied; their change stays.")
