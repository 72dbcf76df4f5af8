""" "What customers say at this step": the playbook editor's summary of the feedback given
on the milestones made from the selected template, across every account.

Sentiment counts and the newest few remarks, read in a worker (``services.feedback
.step_feedback``) so choosing a step never waits on the book.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from csm_desktop.domain.feedback import FeedbackSummary
from csm_desktop.services.opening import Database
from csm_desktop.ui import workers
from csm_desktop.ui.palette import banner_style

SENTIMENT_MARKS = {"positive": "＋", "neutral": "○", "negative": "－"}


def voices_html(title: str, summary: FeedbackSummary) -> str:
    e = html.escape
    heading = f"<b>What customers say at “{e(title)}”</b>: {e(summary.counts_text())}"
    if not summary.latest:
        return heading + "<br><i>Record feedback on an account page or with Log touchpoint.</i>"
    lines = [
        f"{SENTIMENT_MARKS[r.sentiment.value]} “{e(r.text)}” — "
        f"{e(', '.join(p for p in (r.contact, r.account) if p))}, {r.given_on.isoformat()}"
        for r in summary.latest
    ]
    return heading + "<br>" + "<br>".join(lines)


class StepVoices(QLabel):
    """The summary for one template; ``show_template`` asks for it in the background."""

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.template_id: int | None = None
        self.setObjectName("stepVoices")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.setStyleSheet(banner_style())
        self.setAccessibleName("What customers say at this step")
        self.setVisible(False)

    def show_template(self, template_id: int, title: str) -> None:
        from csm_desktop.services.feedback import step_feedback

        self.template_id = template_id
        database = self.database

        def show(found: dict[int, FeedbackSummary]) -> None:
            if self.template_id == template_id:  # still the step on show
                self.setText(voices_html(title, found[template_id]))
                self.setVisible(True)

        workers.run(
            lambda progress: step_feedback(database, [template_id]),
            show,
            what="Reading what customers said",
            owner=self,
        )
