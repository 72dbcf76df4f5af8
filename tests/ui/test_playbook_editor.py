"""The playbook editor over a real book, driven with qtbot."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QMessageBox

from csm_desktop.services import playbooks as pb
from csm_desktop.store.database import Database
from csm_desktop.ui import workers
from csm_desktop.ui.models.playbook_steps_model import (
    PhaseRole,
    PlaybookStepsModel,
    TemplateIdRole,
)
from csm_desktop.ui.views import playbook_dialogs
from csm_desktop.ui.views.playbook_editor import (
    PLAYBOOK_ID_ROLE,
    ApplyToAccountsDialog,
    PlaybookEditor,
)
from tests.ui.test_account_saves_off_the_ui_thread import Held

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def demo(open_demo: Callable[[dt.date], Database]) -> Database:
    return open_demo(TODAY)


def playbook_id(database: Database, label: str) -> int:
    return next(s.id for s in pb.list_playbooks(database) if s.label == label)


def make_editor(qtbot: Any, database: Database) -> PlaybookEditor:
    editor = PlaybookEditor(database, today=lambda: TODAY)
    qtbot.addWidget(editor)
    editor.resize(1300, 800)

    return editor


def step_titles(editor: PlaybookEditor) -> list[str]:
    model = editor.steps_model
    return [model.index(row).data() for row in range(model.rowCount())]


def test_a_version_in_use_is_shown_read_only_with_the_reason(qtbot: Any, demo: Database) -> None:
    editor = make_editor(qtbot, demo)
    editor.select_playbook(playbook_id(demo, "Standard v1"))
    assert editor.header.text().startswith("<h3 style='margin:0'>Standard v1</h3>")
    assert editor.lock_banner.isVisibleTo(editor)
    assert editor.lock_banner.text() == (
        "33 accounts are on Standard v1; create a new version to change its milestones."
    )
    assert step_titles(editor)[:2] == ["Users provisioned", "First automated workflow live"]
    assert editor.form.title.isReadOnly()
    assert not editor.form.save_button.isEnabled()
    assert not editor.remove_button.isEnabled()
    assert not editor.steps_model.moveRows(QModelIndex(), 0, 1, QModelIndex(), 3)


def test_new_version_with_a_note_is_selected_and_editable(qtbot: Any, demo: Database) -> None:
    editor = make_editor(qtbot, demo)
    editor.select_playbook(playbook_id(demo, "Standard v1"))
    editor.create_new_version("Integration before the first workflow")
    assert editor.detail is not None
    assert editor.detail.summary.label == "Standard v2"
    assert not editor.lock_banner.isVisibleTo(editor)
    assert "Integration before the first workflow" in editor.history.toPlainText()
    assert editor.form.save_button.isEnabled()
    item = editor.versions.currentItem()
    assert item is not None and (item.text(0), item.text(2)) == ("v2", "editable")


def test_editing_a_field_and_saving_stores_it(qtbot: Any, demo: Database) -> None:
    editor = make_editor(qtbot, demo)
    editor.select_playbook(playbook_id(demo, "Standard v1"))
    editor.create_new_version("Faster first value")
    editor.steps_view.setCurrentIndex(editor.steps_model.index(1))
    assert editor.form.title.text() == "First automated workflow live"
    editor.form.target_day.setValue(35)
    assert editor.form.phase.text() == "mid (from the target day)"
    editor.form.risks.setPlainText("Picking a workflow that needs an integration.")
    asked: list[pb.TemplateSharing] = []
    editor.ask_scope = lambda title, sharing: asked.append(sharing) or pb.Scope.THIS_PLAYBOOK

    assert editor.save_template() is not None  # the save runs in a worker
    qtbot.waitUntil(lambda: not editor.saving, timeout=10000)

    assert asked == [pb.TemplateSharing(("Enterprise v1",), ("Enterprise v1", "Standard v1"))]
    v2 = pb.playbook_detail(demo, playbook_id(demo, "Standard v2"))
    saved = next(s for s in v2.steps if s.title == "First automated workflow live")
    assert (saved.target_day, saved.step.risks) == (
        35,
        "Picking a workflow that needs an integration.",
    )
    assert editor.form.template is not None and editor.form.template.id == saved.id
    assert "target day 14 → 35 (phase early → mid)" in editor.history.toPlainText()


def test_saving_runs_off_the_ui_thread_and_the_form_shows_it(
    qtbot: Any, demo: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the save runs, the form is read-only and its button says "Saving…"; the
    service's save ran on a pool thread, then the form is editable again with the stored
    value (target day 21 → 28 on Standard v2's "Daily operations on the platform")."""
    editor = make_editor(qtbot, demo)
    editor.select_playbook(playbook_id(demo, "Standard v1"))
    editor.create_new_version("Later daily operations")
    editor.steps_view.setCurrentIndex(editor.steps_model.index(2))
    assert editor.form.title.text() == "Daily operations on the platform"
    editor.form.target_day.setValue(28)
    editor.ask_scope = lambda title, sharing: pb.Scope.THIS_PLAYBOOK
    threads: list[threading.Thread] = []
    real_save = pb.save_template

    def save_and_note_thread(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread())
        return real_save(*args, **kwargs)

    monkeypatch.setattr(pb, "save_template", save_and_note_thread)

    assert editor.save_template() is not None
    assert editor.saving
    assert editor.form.save_button.text() == "Saving…"
    assert not editor.form.save_button.isEnabled() and editor.form.title.isReadOnly()
    qtbot.waitUntil(lambda: not editor.saving, timeout=10000)

    assert len(threads) == 1 and threads[0] is not threading.main_thread()
    assert editor.form.save_button.text() == "Save milestone"
    assert editor.form.save_button.isEnabled() and not editor.form.title.isReadOnly()
    assert editor.form.target_day.value() == 28
    v2 = pb.playbook_detail(demo, playbook_id(demo, "Standard v2"))
    assert next(s.target_day for s in v2.steps if s.title == editor.form.title.text()) == 28


def test_save_on_leaving_stores_then_moves_to_the_chosen_milestone(
    qtbot: Any, demo: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unsaved edit (target day 14 → 35), the user picks milestone 3 and answers Save: the
    editor stays on milestone 2 while the save runs, then shows milestone 3; day 35 is
    stored."""
    editor = make_editor(qtbot, demo)
    editor.select_playbook(playbook_id(demo, "Standard v1"))
    editor.create_new_version("Faster first value")
    editor.steps_view.setCurrentIndex(editor.steps_model.index(1))
    editor.form.target_day.setValue(35)
    editor.ask_scope = lambda title, sharing: pb.Scope.THIS_PLAYBOOK
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Save)

    editor.steps_view.setCurrentIndex(editor.steps_model.index(2))

    assert editor.saving
    assert editor.form.title.text() == "First automated workflow live"
    qtbot.waitUntil(lambda: not editor.saving, timeout=10000)
    qtbot.waitUntil(lambda: editor.form.title.text() == "Daily operations on the platform")
    assert editor.steps_view.currentIndex().row() == 2
    v2 = pb.playbook_detail(demo, playbook_id(demo, "Standard v2"))
    assert next(s.target_day for s in v2.steps if s.title.startswith("First automated")) == 35


def test_reordering_through_the_model_stores_the_ladder(qtbot: Any, demo: Database) -> None:
    editor = make_editor(qtbot, demo)
    editor.select_playbook(playbook_id(demo, "Standard v1"))
    editor.create_new_version("Daily operations first")
    assert editor.steps_model.moveRows(QModelIndex(), 2, 1, QModelIndex(), 0)
    assert step_titles(editor)[:3] == [
        "Daily operations on the platform",
        "Users provisioned",
        "First automated workflow live",
    ]
    stored = [s.title for s in pb.playbook_detail(demo, playbook_id(demo, "Standard v2")).steps]
    assert stored == step_titles(editor)
    assert "Moved “Daily operations on the platform” from position 3 to 1." in (
        editor.history.toPlainText()
    )


def test_new_milestone_add_existing_and_remove(qtbot: Any, demo: Database) -> None:
    editor = make_editor(qtbot, demo)
    editor.select_playbook(playbook_id(demo, "Standard v1"))
    editor.create_new_version("SSO for SMB too")
    sso = next(
        t for t in pb.templates_for_reuse(demo, playbook_id(demo, "Standard v2"))
        if t.step.key == "admin-sso"
    )  # fmt: skip
    editor.add_existing_template(sso.id)
    assert step_titles(editor)[0] == "Single sign-on configured"
    editor.steps_view.setCurrentIndex(editor.steps_model.index(0))
    editor.new_milestone()
    assert step_titles(editor)[:2] == ["Single sign-on configured", "New milestone"]
    assert editor.form.title.text() == "New milestone"
    editor.remove_selected()
    assert "New milestone" not in step_titles(editor)
    assert len(step_titles(editor)) == 11


def test_new_playbook_can_reuse_the_current_ladder(qtbot: Any, demo: Database) -> None:
    editor = make_editor(qtbot, demo)
    editor.select_playbook(playbook_id(demo, "Enterprise v1"))
    editor.create_playbook("Healthcare", start_from_current=True)
    assert editor.detail is not None and editor.detail.summary.label == "Healthcare v1"
    assert len(step_titles(editor)) == 13
    assert editor.form.shared_note.text().startswith("Shared module, used in: Enterprise v1")


def test_apply_dialog_previews_and_the_editor_applies(qtbot: Any, demo: Database) -> None:
    editor = make_editor(qtbot, demo)
    editor.select_playbook(playbook_id(demo, "Standard v1"))
    editor.create_new_version("SSO for SMB too")
    v2 = playbook_id(demo, "Standard v2")
    sso = next(t for t in pb.templates_for_reuse(demo, v2) if t.step.key == "admin-sso")
    editor.add_existing_template(sso.id)
    accounts = pb.accounts_on_older_versions(demo, v2)
    dialog = ApplyToAccountsDialog(
        "Standard v2", accounts,
        lambda ids: pb.apply_to_accounts(demo, v2, ids, dry_run=True), editor,
    )  # fmt: skip
    qtbot.addWidget(dialog)
    assert not dialog.apply_button.isEnabled()
    dialog.accounts.item(0).setCheckState(dialog.accounts.item(0).checkState().Checked)
    assert dialog.chosen_ids() == [accounts[0].account_id]
    assert dialog.apply_button.isEnabled()
    assert dialog.preview.toPlainText() == "Previewing 1 account…"  # off the UI thread
    qtbot.waitUntil(lambda: "v1 → v2" in dialog.preview.toPlainText(), timeout=10000)
    assert f"{accounts[0].name} v1 → v2" in dialog.preview.toPlainText()
    assert "Add “Single sign-on configured” due" in dialog.preview.toPlainText()

    messages: list[str] = []
    editor.status_message.connect(messages.append)
    task = editor.apply_to_accounts(dialog.chosen_ids())
    assert task is not None
    with qtbot.waitSignal(task.finished, timeout=20000):
        pass
    assert messages == ["Standard v2 applied to 1 account."]
    assert len(pb.accounts_on_older_versions(demo, v2)) == len(accounts) - 1
    assert editor.lock_banner.text().startswith("1 account is on Standard v2")


def test_the_preview_shows_the_first_accounts_in_full_and_counts_the_rest(
    qtbot: Any, demo: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(playbook_dialogs, "PREVIEW_LIMIT", 2)
    editor = make_editor(qtbot, demo)
    editor.select_playbook(playbook_id(demo, "Standard v1"))
    editor.create_new_version("Nothing yet")
    v2 = playbook_id(demo, "Standard v2")
    accounts = pb.accounts_on_older_versions(demo, v2)
    previewed: list[list[int]] = []

    def preview(ids: list[int]) -> list[pb.AccountUpdate]:
        previewed.append(ids)
        return pb.apply_to_accounts(demo, v2, ids, dry_run=True)

    dialog = ApplyToAccountsDialog("Standard v2", accounts, preview, editor)
    qtbot.addWidget(dialog)
    dialog.select_all.setChecked(True)
    more = len(accounts) - 2
    qtbot.waitUntil(lambda: "more account" in dialog.preview.toPlainText(), timeout=10000)
    text = dialog.preview.toPlainText()
    assert text.count("v1 → v2") == 2
    assert f"… and {more} more accounts, checked again when you apply." in text
    assert previewed == [[a.account_id for a in accounts[:2]]]  # one dry run, not one per tick


def test_cancel_of_applying_leaves_the_accounts_and_says_so(qtbot: Any, demo: Database) -> None:
    editor = make_editor(qtbot, demo)
    editor.select_playbook(playbook_id(demo, "Standard v1"))
    editor.create_new_version("Nothing yet")
    v2 = playbook_id(demo, "Standard v2")
    accounts = pb.accounts_on_older_versions(demo, v2)
    messages: list[str] = []
    editor.status_message.connect(messages.append)
    task = editor.apply_to_accounts([a.account_id for a in accounts])
    assert task is not None
    task.cancel()  # what the progress dialog's Cancel does
    with qtbot.waitSignal(task.finished, timeout=20000):
        pass
    assert messages == ["Applying Standard v2 cancelled; nothing changed."]
    assert pb.accounts_on_older_versions(demo, v2) == accounts


def test_apply_reads_the_accounts_off_the_ui_thread_then_offers_them(
    qtbot: Any, demo: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = make_editor(qtbot, demo)
    editor.select_playbook(playbook_id(demo, "Standard v1"))
    editor.create_new_version("Nothing yet")
    v2 = playbook_id(demo, "Standard v2")
    offered: list[int] = []

    def exec_(dialog: ApplyToAccountsDialog) -> int:
        items = [dialog.accounts.item(row) for row in range(dialog.accounts.count())]
        offered.extend(item.data(Qt.ItemDataRole.UserRole) for item in items)
        return 0  # Cancel

    monkeypatch.setattr(ApplyToAccountsDialog, "exec", exec_)
    task = editor.open_apply_dialog()
    assert task is not None and offered == []
    with qtbot.waitSignal(task.finished, timeout=10000):
        pass
    assert offered == [a.account_id for a in pb.accounts_on_older_versions(demo, v2)]
    assert offered


def test_export_runs_in_a_worker_and_writes_the_pdf(
    qtbot: Any, demo: Database, tmp_path: Path
) -> None:
    editor = make_editor(qtbot, demo)
    editor.select_playbook(playbook_id(demo, "Enterprise v1"))
    messages: list[str] = []
    editor.status_message.connect(messages.append)
    task = editor.export_pdf(tmp_path / "enterprise.pdf")
    assert task is not None
    with qtbot.waitSignal(task.finished, timeout=20000):
        pass
    workers.wait_all()
    assert (tmp_path / "enterprise.pdf").stat().st_size > 10_000
    assert messages[-1] == f"Saved {tmp_path / 'enterprise.pdf'}."
    assert editor.export_action.isEnabled()


def test_steps_model_passes_the_model_tester(qtmodeltester: Any, demo: Database) -> None:
    detail = pb.playbook_detail(demo, playbook_id(demo, "Enterprise v1"))
    model = PlaybookStepsModel()
    model.set_steps(detail.steps, editable=True)
    qtmodeltester.check(model)
    moved: list[list[int]] = []
    model.order_changed.connect(moved.append)
    assert model.moveRows(QModelIndex(), 0, 1, QModelIndex(), 3)
    assert model.index(2).data(TemplateIdRole) == detail.steps[0].id
    assert model.index(2).data(PhaseRole) == "early"
    assert moved == [[detail.steps[1].id, detail.steps[2].id, detail.steps[0].id]
                     + [s.id for s in detail.steps[3:]]]  # fmt: skip
    assert not model.moveRows(QModelIndex(), 0, 1, QModelIndex(), 1)  # onto itself
    qtmodeltester.check(model)


def versions_listed(editor: PlaybookEditor) -> list[str]:
    tree = editor.versions
    return [item.text(0) for i in range(tree.topLevelItemCount()) if (item := tree.topLevelItem(i))]


def test_reading_the_page_again_runs_in_a_worker_and_keeps_the_milestone_on_show(
    qtbot: Any, demo: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A teammate adds a playbook (a `*` notice, or the page shown again): the page is read
    on a pool thread while the UI thread goes on; then the list has the new playbook and
    Standard v1's third milestone is still the one on show."""
    from csm_desktop.services.playbook_edits import create_playbook

    editor = make_editor(qtbot, demo)
    editor.select_playbook(playbook_id(demo, "Standard v1"))
    editor.steps_view.setCurrentIndex(editor.steps_model.index(2))
    third = editor.selected_template()
    assert third is not None
    create_playbook(demo, "Team standard", today=TODAY)
    held = Held(pb.list_playbooks)
    monkeypatch.setattr(pb, "list_playbooks", held)

    editor.reload_in_background(third.id)

    assert held.entered.wait(5) and held.threads[0] is not threading.main_thread()
    assert "Team standard" not in versions_listed(editor)  # nothing shown before it is read
    held.release.set()
    qtbot.waitUntil(lambda: "Team standard" in versions_listed(editor), timeout=10000)
    assert editor.header.text().startswith("<h3 style='margin:0'>Standard v1</h3>")
    assert editor.steps_view.currentIndex().row() == 2
    assert editor.form.title.text() == third.title
    assert editor.versions.currentItem().data(0, PLAYBOOK_ID_ROLE) == playbook_id(
        demo, "Standard v1"
    )


@pytest.mark.parametrize("meanwhile", ["chooses another version", "starts typing"])
def test_a_page_read_that_arrives_after_the_user_moved_on_is_not_shown(
    qtbot: Any, demo: Database, monkeypatch: pytest.MonkeyPatch, meanwhile: str
) -> None:
    """While the page is being read again the user picks another version, or starts
    editing a milestone: the read's result does not take their page back (or their typing
    away)."""
    editor = make_editor(qtbot, demo)
    editor.select_playbook(playbook_id(demo, "Standard v1"))
    editor.create_new_version("Later daily operations")  # Standard v2, editable, on show
    v1, v2 = playbook_id(demo, "Standard v1"), playbook_id(demo, "Standard v2")
    if meanwhile == "chooses another version":
        editor.select_playbook(v1)
    held = Held(pb.list_playbooks)
    monkeypatch.setattr(pb, "list_playbooks", held)

    task = editor.reload_in_background()
    assert held.entered.wait(5)
    if meanwhile == "chooses another version":
        editor.select_playbook(v2)
    else:
        editor.form.target_day.setValue(editor.form.target_day.value() + 7)
        assert editor.form.dirty
    typed = editor.form.target_day.value()
    finished: list[bool] = []
    task.finished.connect(lambda: finished.append(True))
    held.release.set()
    qtbot.waitUntil(lambda: bool(finished), timeout=10000)
    qtbot.wait(50)
    assert editor.detail is not None and editor.detail.summary.id == v2
    assert editor.versions.currentItem().data(0, PLAYBOOK_ID_ROLE) == v2
    assert editor.form.target_day.value() == typed


class HeldAfterReading:
    """Stands for ``version_history`` on a worker: reads, then waits for release (the
    page's read is done but not yet shown); on the UI thread it just reads."""

    def __init__(self, holds: int = 1) -> None:
        self.real = pb.version_history
        self.entered, self.release = threading.Event(), threading.Event()
        self.holds = holds

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        history = self.real(*args, **kwargs)
        if threading.current_thread() is not threading.main_thread() and self.holds > 0:
            self.holds -= 1
            self.entered.set()
            assert self.release.wait(10)
        return history


def test_a_read_done_before_the_users_own_edit_is_not_shown_after_it(
    qtbot: Any, demo: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page is read again (held once read); meanwhile the user removes a milestone of
    Standard v2. The read, older than that edit, does not put the removed milestone back."""
    editor = make_editor(qtbot, demo)
    editor.select_playbook(playbook_id(demo, "Standard v1"))
    editor.create_new_version("Fewer steps")
    held = HeldAfterReading()
    monkeypatch.setattr(pb, "version_history", held)
    task = editor.reload_in_background()
    assert held.entered.wait(5)
    editor.steps_view.setCurrentIndex(editor.steps_model.index(0))
    removed = step_titles(editor)[0]
    editor.remove_selected()
    after_edit = step_titles(editor)
    assert removed not in after_edit
    finished: list[bool] = []
    task.finished.connect(lambda: finished.append(True))
    held.release.set()
    qtbot.waitUntil(lambda: bool(finished), timeout=10000)
    qtbot.wait(50)
    assert step_titles(editor) == after_edit


def test_of_two_reads_the_older_one_never_lands_last(
    qtbot: Any, demo: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two reads of the page overlap (the page shown again, then a teammate's notice); the
    first, read before a teammate added "Team standard", finishes last: it is dropped, the
    list keeps the new playbook."""
    from csm_desktop.services.playbook_edits import create_playbook

    editor = make_editor(qtbot, demo)
    held = HeldAfterReading()
    monkeypatch.setattr(pb, "version_history", held)
    older = editor.reload_in_background()
    assert held.entered.wait(5)
    create_playbook(demo, "Team standard", today=TODAY)
    editor.reload_in_background()
    qtbot.waitUntil(lambda: "Team standard" in versions_listed(editor), timeout=10000)
    finished: list[bool] = []
    older.finished.connect(lambda: finished.append(True))
    held.release.set()
    qtbot.waitUntil(lambda: bool(finished), timeout=10000)
    qtbot.wait(50)
    assert "Team standard" in versions_listed(editor)


def test_a_read_keeps_the_milestone_the_user_chose_meanwhile(
    qtbot: Any, demo: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page is read again with milestone 3 selected; meanwhile the user clicks milestone
    5 (no typing): once shown, milestone 5 is still the one selected."""
    editor = make_editor(qtbot, demo)
    editor.select_playbook(playbook_id(demo, "Standard v1"))
    editor.steps_view.setCurrentIndex(editor.steps_model.index(2))
    chosen = editor.selected_template()
    assert chosen is not None
    held = HeldAfterReading()
    monkeypatch.setattr(pb, "version_history", held)
    task = editor.reload_in_background(chosen.id)
    assert held.entered.wait(5)
    editor.steps_view.setCurrentIndex(editor.steps_model.index(4))
    fifth = editor.form.title.text()
    finished: list[bool] = []
    task.finished.connect(lambda: finished.append(True))
    held.release.set()
    qtbot.waitUntil(lambda: bool(finished), timeout=10000)
    qtbot.wait(50)
    assert editor.steps_view.currentIndex().row() == 4
    assert editor.form.title.text() == fifth
