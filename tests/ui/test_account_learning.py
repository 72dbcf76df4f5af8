"""The account page's "After day 90" and "Feedback" tabs, driven through their dialogs on the
demo book (today 2026-11-26): what the CSM enters lands in the book, the lists and the
timeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QMessageBox

from csm_desktop.services.feedback import account_feedback
from csm_desktop.services.renewals import list_advocacy, list_renewals
from csm_desktop.store.database import open_database
from csm_desktop.ui.dialogs import learning_dialogs
from csm_desktop.ui.main_window import MainWindow

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def window(qtbot, tmp_path: Path, demo_copy) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    database = open_database(demo_copy(TODAY))
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(database, today=lambda: TODAY, settings=settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.loading, timeout=10000)
    yield window
    window.database.close()


def _open_oldest(qtbot, window: MainWindow) -> int:  # type: ignore[no-untyped-def]
    """The oldest account with no renewal recorded yet (the demo's renewing accounts have
    theirs), so the tests see only what they enter."""
    fresh = [
        r for r in window.book_view.model.rows() if not list_renewals(window.database, r.account_id)
    ]
    oldest = max(fresh, key=lambda r: r.age_days or 0)
    window.open_account(oldest.account_id)
    qtbot.waitUntil(
        lambda: window.account_view is not None and window.account_view.detail is not None,
        timeout=5000,
    )
    return oldest.account_id


def test_renewal_and_advocacy_entered_on_the_account_page(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    account_id = _open_oldest(qtbot, window)
    panel = window.account_view.after_day_90

    def churned(dialog: learning_dialogs.RenewalDialog) -> QDialog.DialogCode:
        dialog.date.setDate(dialog.date.date().fromString("2026-11-20", "yyyy-MM-dd"))
        dialog.outcome.setCurrentText("churned")
        assert not dialog.arr_after.isEnabled()  # a churn keeps no ARR
        dialog.arr_before.setValue(24000)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(learning_dialogs.RenewalDialog, "exec", churned)
    panel.renewal_add_requested.emit()
    qtbot.waitUntil(lambda: panel.renewals.topLevelItemCount() == 1, timeout=5000)
    row = panel.renewals.topLevelItem(0)
    assert [row.text(c) for c in range(4)] == ["2026-11-20", "churned", "24,000", "0"]
    (stored,) = list_renewals(window.database, account_id)
    assert (stored.outcome.value, stored.arr_before, stored.arr_after) == ("churned", 24000, None)
    timeline = window.account_view.timeline
    qtbot.waitUntil(
        lambda: any(
            timeline.topLevelItem(i).text(1) == "Renewal churned, ARR 24,000 → 0"
            for i in range(timeline.topLevelItemCount())
        ),
        timeout=5000,
    )

    def reference(dialog: learning_dialogs.AdvocacyDialog) -> QDialog.DialogCode:
        dialog.kind.setCurrentText("reference")
        dialog.note.setText("Call with Globex")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(learning_dialogs.AdvocacyDialog, "exec", reference)
    panel.advocacy_add_requested.emit()
    qtbot.waitUntil(lambda: panel.advocacy.topLevelItemCount() == 1, timeout=5000)
    assert panel.advocacy.topLevelItem(0).text(2) == "Call with Globex"
    assert [a.kind for a in list_advocacy(window.database, account_id)] == ["reference"]


def test_feedback_entered_on_the_account_page_shows_in_list_and_timeline(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    account_id = _open_oldest(qtbot, window)
    view = window.account_view
    first_contact = view.detail.contacts[0]
    first_step = view.detail.ladder[0]

    def said(dialog: learning_dialogs.FeedbackDialog) -> QDialog.DialogCode:
        dialog.contact.setCurrentIndex(1)  # the first contact
        dialog.milestone.setCurrentIndex(1)  # the first milestone
        dialog.fields.sentiment.setCurrentText("positive")
        dialog.fields.text.setPlainText("Setup took an afternoon.")
        dialog.fields.quotable.setChecked(True)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(learning_dialogs.FeedbackDialog, "exec", said)
    before = len(account_feedback(window.database, account_id))  # the demo's own remarks
    qtbot.waitUntil(lambda: view.feedback.list.topLevelItemCount() == before, timeout=5000)
    view.feedback.add_requested.emit()
    qtbot.waitUntil(lambda: view.feedback.list.topLevelItemCount() == before + 1, timeout=5000)
    item = view.feedback.list.topLevelItem(0)  # newest first: today's
    assert item.text(1) == "＋"
    assert item.text(2) == f"{first_contact.name} · {first_step.title}"
    assert item.text(3) == "Setup took an afternoon.  (may be quoted)"
    remark = account_feedback(window.database, account_id)[0]
    assert (remark.contact, remark.milestone, remark.quotable) == (
        first_contact.name,
        first_step.title,
        True,
    )
    qtbot.waitUntil(
        lambda: view.timeline.topLevelItem(0).text(1).startswith("Feedback (positive"),
        timeout=5000,
    )


def test_feedback_dialog_refuses_empty_words(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = learning_dialogs.FeedbackDialog(TODAY, [(1, "Zoë")], [(2, "Setup")])
    qtbot.addWidget(dialog)
    dialog.buttons.accepted.emit()
    assert dialog.error.text() == "Write down what the customer said."
    assert dialog.result() != QDialog.DialogCode.Accepted


def test_removing_feedback_asks_first_and_no_keeps_it(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, message_boxes
) -> None:
    from csm_desktop.services.feedback import add_feedback

    account_id = _open_oldest(qtbot, window)
    add_feedback(window.database, account_id, TODAY, "Keep me", "neutral")
    view = window.account_view
    window.open_account(account_id)
    count = len(account_feedback(window.database, account_id))
    qtbot.waitUntil(lambda: view.feedback.list.topLevelItemCount() == count, timeout=5000)
    view.feedback.list.setCurrentItem(view.feedback.list.topLevelItem(0))

    message_boxes.answer = QMessageBox.StandardButton.No
    view.feedback._remove()
    assert message_boxes.shown[-1][:2] == ("question", "Remove")
    assert len(account_feedback(window.database, account_id)) == count

    message_boxes.answer = QMessageBox.StandardButton.Yes
    view.feedback._remove()
    qtbot.waitUntil(lambda: view.feedback.list.topLevelItemCount() == count - 1, timeout=5000)
    assert "Keep me" not in [r.text for r in account_feedback(window.database, account_id)]


def test_the_selected_remark_is_shown_whole_under_the_list(qtbot) -> None:  # type: ignore[no-untyped-def]
    from csm_desktop.domain.feedback import Remark, Sentiment
    from csm_desktop.ui.views.account_learning import FeedbackPanel

    panel = FeedbackPanel()
    qtbot.addWidget(panel)
    long_words = "Setting up SSO took one afternoon instead of the week we planned. " * 3
    panel.show_remarks(
        [Remark(TODAY, Sentiment.POSITIVE, long_words.strip(), "Acme", "Zoë", "Setup", True, 7)]
    )
    assert panel.whole.text() == ""
    panel.list.setCurrentItem(panel.list.topLevelItem(0))
    assert panel.whole.text() == (
        f"“{long_words.strip()}” — Zoë, 2026-11-26 (positive)  (may be quoted)"
    )


def test_editing_a_renewal_a_teammate_changed_meanwhile_is_refused(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, message_boxes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The panel shows a pending renewal; a teammate marks it renewed at 30,000 before the
    CSM's edit (churned) is saved: the save is refused with a warning naming the new
    values, which stay stored."""
    from csm_desktop.services.renewals import save_renewal

    account_id = _open_oldest(qtbot, window)
    panel = window.account_view.after_day_90
    november = dt.date(2026, 11, 20)
    renewal_id = save_renewal(window.database, account_id, november, "pending", 24000.0)
    panel.load_requested.emit(account_id)
    qtbot.waitUntil(lambda: panel.renewals.topLevelItemCount() == 1, timeout=5000)

    def teammate_then_churned(dialog: learning_dialogs.RenewalDialog) -> QDialog.DialogCode:
        save_renewal(
            window.database, account_id, november, "renewed", 24000.0, 30000.0,
            renewal_id=renewal_id,
        )  # fmt: skip
        dialog.outcome.setCurrentText("churned")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(learning_dialogs.RenewalDialog, "exec", teammate_then_churned)
    panel.renewal_edit_requested.emit(renewal_id)
    qtbot.waitUntil(lambda: bool(message_boxes.shown), timeout=5000)
    kind, _title, text = message_boxes.shown[-1]
    assert kind == "warning" and "Someone changed this renewal since you opened it" in text
    assert "renewed on 2026-11-20, ARR 24,000 → 30,000" in text
    (stored,) = list_renewals(window.database, account_id)
    assert (stored.outcome.value, stored.arr_after) == ("renewed", 30000.0)
