"""The playbook editor says what customers said at the chosen step.

Book: tests/store/test_feedback_service.py's Acme, its templates "setup" and "report" put
in a playbook "Voices". Feedback on "First report": 2026-01-20 positive "Reports in
minutes, not hours." (Zoë) and 2026-02-15 neutral "The export is handy." (Zoë); on "Setup":
2026-02-03 negative "SSO took three tries." (Ian). A third template nobody spoke about.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from csm_desktop.store.database import Database
from csm_desktop.store.models import MilestoneTemplate, Playbook, PlaybookStep, Role
from csm_desktop.ui.views.playbook_editor import PlaybookEditor
from tests.store.test_feedback_service import _book, _entries


def test_choosing_a_step_shows_what_customers_said(qtbot: Any, book: Database) -> None:
    ids = _book(book)
    _entries(book, ids)
    with book.session() as session:
        templates = {t.key: t for t in session.scalars(select(MilestoneTemplate))}
        operator = session.scalars(select(Role).where(Role.name == "Operator")).one()
        quiet = MilestoneTemplate(key="quiet", title="Quiet step", role=operator, target_day=30)
        playbook = Playbook(name="Voices")
        playbook.steps = [
            PlaybookStep(template=t, position=i)
            for i, t in enumerate((templates["setup"], templates["report"], quiet), 1)
        ]
        session.add(playbook)
    editor = PlaybookEditor(book)
    qtbot.addWidget(editor)
    editor.resize(1300, 800)
    qtbot.waitUntil(lambda: editor.steps_model.rowCount() == 3, timeout=10000)
    assert not editor.voices.isVisibleTo(editor)

    editor.steps_view.setCurrentIndex(editor.steps_model.index(1))  # First report
    qtbot.waitUntil(lambda: "First report" in editor.voices.text(), timeout=10000)
    assert editor.voices.isVisibleTo(editor)
    assert editor.voices.text() == (
        "<b>What customers say at “First report”</b>: 2 remarks: 1 positive, 1 neutral<br>"
        "○ “The export is handy.” — Zoë Ødegård, Acme, 2026-02-15<br>"
        "＋ “Reports in minutes, not hours.” — Zoë Ødegård, Acme, 2026-01-20"
    )
    editor.steps_view.setCurrentIndex(editor.steps_model.index(2))
    qtbot.waitUntil(lambda: "Quiet step" in editor.voices.text(), timeout=10000)
    assert "no feedback yet<br><i>Record feedback on an account page" in editor.voices.text()
