"""Roles of one account: who is behind, and which milestones hold each role back.

A compact widget for the account page: per role a completion bar, "behind" when the role has
overdue milestones, and the open milestones holding it back, overdue first. Layout only; the
rule lives in ``domain.nudges.role_progress``.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QProgressBar,
    QScrollArea,
    QWidget,
)

from csm_desktop.domain.nudges import RoleProgress
from csm_desktop.domain.text import plural
from csm_desktop.domain.vocabulary import Status
from csm_desktop.ui.palette import current, span

if TYPE_CHECKING:
    from csm_desktop.services.accounts import AccountDetail


class RoleView(QScrollArea):
    milestone_activated = Signal(int)  # milestone id the user clicked in a "holding back" list

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setMinimumSize(260, 160)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.progress: tuple[RoleProgress, ...] = ()
        self.body = QWidget()
        self.grid = QGridLayout(self.body)
        self.grid.setColumnStretch(1, 1)
        self.setWidget(self.body)

    def show_account(self, detail: AccountDetail, today: dt.date) -> None:
        """Show the roles of an already loaded account (no database work)."""
        from csm_desktop.services.today import role_progress_of

        self.set_roles(role_progress_of(detail, today), today)

    def set_roles(self, progress: Sequence[RoleProgress], today: dt.date) -> None:
        self.progress = tuple(progress)
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        if not progress:
            self.grid.addWidget(QLabel("<i>No milestones on this account's ladder yet.</i>"), 0, 0)
            return
        e = html.escape
        colours = current()
        row = 0
        for role in progress:
            name = QLabel(f"<b>{e(role.role)}</b>")
            state = QLabel("behind" if role.behind else "on track")
            state.setStyleSheet(
                f"color: {colours.bad}; font-weight: bold"
                if role.behind
                else f"color: {colours.good}"
            )
            bar = QProgressBar()
            bar.setRange(0, 100)
            bar.setValue(round((role.completion or 0) * 100))
            expected = "" if role.expected is None else f", {role.expected:.0%} due by today"
            bar.setFormat(f"{'—' if role.completion is None else f'{role.completion:.0%}'} done")
            bar.setToolTip(f"Achieved ÷ (all − skipped) for {role.role}{expected}")
            bar.setMaximumHeight(18)
            self.grid.addWidget(name, row, 0)
            self.grid.addWidget(bar, row, 1)
            self.grid.addWidget(state, row, 2)
            row += 1
            lines = []
            for milestone in role.holding_back:
                if milestone.is_overdue(today):
                    late = (today - milestone.due_on).days
                    lines.append(
                        f"<span style='color:{colours.bad}'>● {e(milestone.title)} — overdue "
                        f"{plural(late, 'day')} (due {milestone.due_on.isoformat()})"
                        "</span>"
                    )
                elif milestone.status is Status.BLOCKED:
                    lines.append(span(f"✖ {e(milestone.title)} — blocked", colours.warn))
                else:
                    lines.append(
                        f"○ next: {e(milestone.title)} (due {milestone.due_on.isoformat()})"
                    )
            if not lines:
                lines.append(span("✔ every milestone done", colours.good))
            held = QLabel("<br>".join(lines))
            held.setTextFormat(Qt.TextFormat.RichText)
            held.setWordWrap(True)
            held.setContentsMargins(12, 0, 0, 8)
            self.grid.addWidget(held, row, 0, 1, 3)
            row += 1
        self.grid.setRowStretch(row, 1)
