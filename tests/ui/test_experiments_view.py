"""The Experiments page driven with qtbot: define through the dialog, assign, start, results."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import select

from csm_desktop.services.experiment_results import experiment_report
from csm_desktop.services.experiments import list_experiments
from csm_desktop.store.database import Database
from csm_desktop.store.models import Account, MilestoneTemplate, Playbook, PlaybookStep, Role
from csm_desktop.ui.controllers.experiments import ExperimentsController
from csm_desktop.ui.views.experiments_view import ExperimentsView

TODAY = dt.date(2026, 11, 26)


def small_book(book: Database) -> None:
    """One three-step playbook; 4 SMB and 2 Enterprise accounts kicking off today."""
    with book.session() as session:
        roles = {r.name: r for r in session.scalars(select(Role))}
        templates = [
            MilestoneTemplate(
                key="users", title="Users", role=roles["Administrator"], target_day=7
            ),
            MilestoneTemplate(
                key="flow", title="First workflow", role=roles["Power user"], target_day=14,
                first_value=True,
            ),
            MilestoneTemplate(
                key="integration", title="Integration", role=roles["Administrator"], target_day=21
            ),
        ]  # fmt: skip
        playbook = Playbook(name="Standard", version=1)
        playbook.steps = [PlaybookStep(template=t, position=i) for i, t in enumerate(templates, 1)]
        session.add(playbook)
        for segment, count in (("SMB", 4), ("Enterprise", 2)):
            for n in range(count):
                session.add(
                    Account(
                        name=f"{segment} {n}", segment=segment, kickoff_on=TODAY, playbook=playbook
                    )
                )


def make_page(qtbot, database: Database) -> tuple[ExperimentsView, ExperimentsController]:  # type: ignore[no-untyped-def]
    view = ExperimentsView()
    qtbot.addWidget(view)
    view.resize(1200, 720)
    view.show()
    controller = ExperimentsController(view, database, lambda: TODAY)
    controller.refresh()
    qtbot.waitUntil(lambda: controller.busy == 0, timeout=10000)
    return view, controller


def test_define_assign_start_and_read_results(qtbot, book: Database, message_boxes) -> None:  # type: ignore[no-untyped-def]
    small_book(book)
    view, controller = make_page(qtbot, book)
    assert view.list.count() == 0
    assert not view.detail.isEnabled()

    view.new_button.click()
    qtbot.waitUntil(lambda: controller.new_dialog is not None, timeout=10000)
    dialog = controller.new_dialog
    assert dialog is not None
    dialog.name.setText("Integration first")
    dialog.hypothesis.setPlainText("Integration before the first workflow speeds up value.")
    a, b = dialog.variants
    a.name.setText("A: workflow first")
    b.name.setText("B: integration first")
    b.ordering.setCurrentRow(1)  # First workflow …
    b.move_current(1)  # … after Integration
    assert b.keys() == ("users", "integration", "flow")
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    ok.click()
    qtbot.waitUntil(lambda: view.list.count() == 1 and controller.busy == 0, timeout=10000)
    assert not dialog.isVisible()
    (summary,) = list_experiments(book)
    assert [v.ordering for v in summary.variants] == [
        ("users", "flow", "integration"),
        ("users", "integration", "flow"),
    ]
    assert view.list.item(0).text() == "Integration first\ndraft · 0 accounts"
    # People read the milestones' titles, never the template keys.
    assert "Users → Integration → First workflow" in view.setup.text()
    assert "users → integration" not in view.setup.text()
    assert not view.start_button.isEnabled()

    view.assign_button.click()
    qtbot.waitUntil(lambda: controller.assign_dialog is not None, timeout=10000)
    assign = controller.assign_dialog
    assert assign is not None
    ok = assign.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.waitUntil(ok.isEnabled, timeout=10000)
    rows = {
        assign.table.item(r, 0).text(): [
            assign.table.item(r, c).text() for c in range(1, assign.table.columnCount())
        ]
        for r in range(assign.table.rowCount())
    }
    assert rows == {"Enterprise": ["1", "1", "2"], "SMB": ["2", "2", "4"], "All": ["3", "3", "6"]}
    assign.segment_boxes["Enterprise"].setChecked(False)  # preview follows the filter
    qtbot.waitUntil(lambda: assign.table.rowCount() == 2 and ok.isEnabled(), timeout=10000)
    ok.click()
    qtbot.waitUntil(
        lambda: view.list.item(0).text().endswith("4 accounts") and controller.busy == 0,
        timeout=10000,
    )
    assert view.start_button.isEnabled()

    view.start_button.click()
    assert message_boxes.shown[0][:2] == ("question", "Start the experiment")
    qtbot.waitUntil(
        lambda: (
            view.list.item(0).text().startswith("Integration first\nrunning")
            and controller.busy == 0
        ),
        timeout=10000,
    )
    assert not view.assign_button.isEnabled()
    assert view.results.rowCount() == 2
    assert view.results.item(0, 0).text() == "A: workflow first"
    assert view.results.item(0, 1).text() == "2"
    assert view.results.item(1, 6).text() == "too few"
    assert view.verdict.text() == (
        "No account has reached its first-value milestone or its due date yet, so there is "
        "nothing to compare. Check back once first values come in."
    )


def test_a_refused_experiment_keeps_the_dialog_open_with_the_reason(  # type: ignore[no-untyped-def]
    qtbot, book: Database, message_boxes
) -> None:
    small_book(book)
    view, controller = make_page(qtbot, book)
    view.new_button.click()
    qtbot.waitUntil(lambda: controller.new_dialog is not None, timeout=10000)
    dialog = controller.new_dialog
    assert dialog is not None
    dialog.name.setText("Same")
    dialog.variants[1].name.setText("A")  # both variants are called "A"
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: bool(dialog.error.text()), timeout=10000)
    assert dialog.error.text() == "Two variants have the same name; give each a different one."
    assert dialog.isVisible()
    assert message_boxes.shown == []
    dialog.reject()


@pytest.fixture
def demo_book(open_demo: Callable[[dt.date], Database]) -> Database:
    return open_demo(TODAY)


def test_results_of_the_demo_experiment_match_the_service(qtbot, demo_book: Database) -> None:  # type: ignore[no-untyped-def]
    view, _controller = make_page(qtbot, demo_book)
    assert view.list.count() == 1
    qtbot.waitUntil(lambda: view.results.rowCount() == 2, timeout=10000)
    report = experiment_report(demo_book, view.current_id or 0, TODAY)
    control, _variant = report.result.variants
    fv = control.first_value_within_target
    assert view.results.item(0, 2).text() == (
        f"{fv.fraction:.0%} ({fv.part} of {fv.counted})" if fv.fraction is not None else "—"
    )
    assert view.results.item(0, 5).text() == "control"
    (comparison,) = report.result.comparisons
    if comparison.p_value is not None:
        assert view.results.item(1, 6).text() == f"{comparison.p_value:.2f}"
    assert view.verdict.text() == report.verdict
    assert not view.assign_button.isEnabled()  # the demo experiment is running: locked


def test_a_refresh_asks_for_the_results_once_and_a_teammates_unrelated_change_not_at_all(
    qtbot, book: Database
) -> None:  # type: ignore[no-untyped-def]
    """The list read again asks for the selected experiment's results once (it asked twice:
    the row change and a second call by hand). Live refresh after a teammate's change that
    left this experiment's summary as it was keeps the results on show and asks none."""
    from csm_desktop.services.experiments import VariantSpec, create_experiment, playbook_choices

    small_book(book)
    choice = playbook_choices(book)[0]
    keys = tuple(key for key, _ in choice.steps)
    variants = [VariantSpec("A", choice.id, keys), VariantSpec("B", choice.id, keys[::-1])]
    create_experiment(book, "Order test", "", variants, seed=3)
    view, controller = make_page(qtbot, book)
    asked: list[int] = []
    view.experiment_selected.connect(asked.append)
    controller.refresh()
    qtbot.waitUntil(lambda: controller.busy == 0, timeout=10000)
    assert len(asked) == 1
    controller.refresh(keep_results=True)
    qtbot.waitUntil(lambda: controller.busy == 0, timeout=10000)
    assert len(asked) == 1
