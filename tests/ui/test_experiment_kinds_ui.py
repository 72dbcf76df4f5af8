"""Each arm kind end to end on the Experiments page: defined in the dialog (with its
sample-size advice), assigned, started, and read with the kind's own column and the
no-peeking warning. The book is the four-account one of
tests/store/test_experiment_kinds_service.py (K = 2026-01-05, "report" due day 14 with
reports.run ≥ 5 in 7 days); the page's today is K, the planned read date K + 90.
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import select

from csm_desktop.domain.experiment_changes import VariantKind
from csm_desktop.services.today import today_list
from csm_desktop.store.database import Database
from csm_desktop.store.models import Account, AccountMilestone, Variant
from csm_desktop.ui.controllers.experiments import ExperimentsController
from csm_desktop.ui.views.experiments_view import ExperimentsView
from tests.store.test_experiment_kinds_service import _book

K = dt.date(2026, 1, 5)
LABELS = {
    "message": "Achieved within 7 days of the nudge",
    "timing": "Changed milestones on time",
    "criterion": "Criterion met by the due date",
}


def _fill_arm(arm, kind: str) -> None:  # type: ignore[no-untyped-def]
    arm.set_kind(VariantKind(kind))
    assert arm.pages.currentIndex() == arm.kind.currentIndex()
    if kind == "message":
        arm.message_milestone.setCurrentIndex(arm.message_milestone.findData("report"))
        arm.in_app.setPlainText("{contact}, two minutes: your first report!")
    elif kind == "timing":
        arm.scale.setValue(0.5)
    else:
        arm.criterion_milestone.setCurrentIndex(arm.criterion_milestone.findData("report"))
        arm.threshold.setValue(2)


@pytest.mark.parametrize("kind", ["message", "timing", "criterion"])
def test_each_kind_from_the_dialog_to_the_results(  # type: ignore[no-untyped-def]
    qtbot, book: Database, message_boxes, kind: str
) -> None:
    _book(book)
    view = ExperimentsView()
    qtbot.addWidget(view)
    view.resize(1300, 800)
    view.show()
    controller = ExperimentsController(view, book, lambda: K)
    controller.refresh()
    qtbot.waitUntil(lambda: controller.busy == 0, timeout=10000)

    view.new_button.click()
    qtbot.waitUntil(lambda: controller.new_dialog is not None, timeout=10000)
    dialog = controller.new_dialog
    assert dialog is not None
    dialog.baseline.setValue(50)
    dialog.hoped.setValue(70)
    assert "each arm needs about 93 accounts" in dialog.advice.text()
    assert dialog.planned_read_on() == K + dt.timedelta(days=90)
    dialog.name.setText(f"{kind} test")
    _fill_arm(dialog.variants[1], kind)
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: view.list.count() == 1 and controller.busy == 0, timeout=10000)
    assert "Read results on</b> 2026-04-05" in view.setup.text()

    view.assign_button.click()
    qtbot.waitUntil(lambda: controller.assign_dialog is not None, timeout=10000)
    assign = controller.assign_dialog
    ok = assign.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.waitUntil(ok.isEnabled, timeout=10000)
    ok.click()
    qtbot.waitUntil(
        lambda: view.list.item(0).text().endswith("4 accounts") and controller.busy == 0,
        timeout=10000,
    )
    view.start_button.click()
    qtbot.waitUntil(
        lambda: "running" in view.list.item(0).text() and view.results.rowCount() == 2,
        timeout=10000,
    )
    qtbot.waitUntil(lambda: view.results.columnCount() == 8, timeout=10000)
    assert view.results.horizontalHeaderItem(7).text() == LABELS[kind]
    assert view.peeking.isVisible()
    assert view.peeking.text().startswith("⚠ Not yet: Planned read date 2026-04-05 is 90 days")
    assert view.voices.text() == "<i>No feedback from these accounts since the start.</i>"

    with book.session() as session:
        arm = session.scalars(select(Variant).where(Variant.name == "B")).one()
        arm_accounts = session.scalars(select(Account).where(Account.variant_id == arm.id)).all()
        reports = [
            session.scalars(
                select(AccountMilestone).where(
                    AccountMilestone.account_id == a.id, AccountMilestone.title == "First report"
                )
            ).one()
            for a in arm_accounts
        ]
        names = [a.name for a in arm_accounts]
    assert len(reports) == 2
    if kind == "timing":
        assert [r.target_day for r in reports] == [7, 7]
    elif kind == "criterion":
        assert [r.success_threshold for r in reports] == [2, 2]
    else:  # the arm's accounts are offered the arm's text on Today
        items = [
            i
            for i in today_list(book, K + dt.timedelta(days=10))
            if i.nudge.account in names and i.nudge.milestone == "First report"
        ]
        assert [i.filled.message.in_app.text for i in items] == [
            "Pat, two minutes: your first report!"
        ] * 2


def test_a_message_arm_without_text_is_refused_in_the_dialog(  # type: ignore[no-untyped-def]
    qtbot, book: Database, message_boxes
) -> None:
    _book(book)
    view = ExperimentsView()
    qtbot.addWidget(view)
    controller = ExperimentsController(view, book, lambda: K)
    view.new_button.click()
    qtbot.waitUntil(lambda: controller.new_dialog is not None, timeout=10000)
    dialog = controller.new_dialog
    dialog.name.setText("Empty nudge")
    dialog.variants[1].set_kind(VariantKind.MESSAGE)
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: bool(dialog.error.text()), timeout=10000)
    assert dialog.error.text() == (
        "Variant “B”: A message variant needs the new text (in-app, e-mail or both)."
    )
    assert dialog.isVisible()
    dialog.reject()
