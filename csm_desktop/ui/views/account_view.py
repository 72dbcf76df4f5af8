"""One account: header, kickoff summary, ladder grouped by role, contacts and timeline.

Layout only. The ladder rows carry the milestone id in ``MILESTONE_ID_ROLE`` so a
controller can act on the selection.
"""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from csm_desktop.domain.vocabulary import Status
from csm_desktop.services.accounts import AccountDetail, LadderStep

MILESTONE_ID_ROLE = Qt.ItemDataRole.UserRole + 10

STATUS_MARKS = {
    Status.ACHIEVED: ("✔ achieved", "#067647"),
    Status.IN_PROGRESS: ("◐ in progress", "#175cd3"),
    Status.NOT_STARTED: ("○ not started", "#475467"),
    Status.BLOCKED: ("⛔ blocked", "#b42318"),
    Status.SKIPPED: ("⤼ skipped", "#667085"),
}
OVERDUE_BACKGROUND = QColor("#fef3f2")

LADDER_HEADERS = ("Milestone", "Status", "Due", "Achieved", "Evidence", "Definition of done")


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


class AccountView(QWidget):
    back_requested = Signal()  # the user wants the Book again

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail: AccountDetail | None = None
        self.back_button = QPushButton("← Book")
        self.back_button.clicked.connect(self.back_requested)
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.facts = QLabel()
        self.facts.setTextFormat(Qt.TextFormat.RichText)
        self.facts.setWordWrap(True)
        self.kickoff = QLabel()
        self.kickoff.setTextFormat(Qt.TextFormat.RichText)
        self.kickoff.setWordWrap(True)
        self.kickoff.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.kickoff.setObjectName("kickoffSummary")

        self.ladder = QTreeWidget()
        self.ladder.setColumnCount(len(LADDER_HEADERS))
        self.ladder.setHeaderLabels(list(LADDER_HEADERS))
        self.ladder.setAlternatingRowColors(True)
        self.ladder.setUniformRowHeights(True)
        header = self.ladder.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.ladder.setColumnWidth(0, 300)
        self.ladder.setColumnWidth(1, 120)
        self.ladder.setColumnWidth(2, 90)
        self.ladder.setColumnWidth(3, 90)
        self.ladder.setColumnWidth(4, 150)

        self.contacts = QTreeWidget()
        self.contacts.setHeaderLabels(["Role", "Name", "Title", "E-mail"])
        self.contacts.setRootIsDecorated(False)
        self.timeline = QTreeWidget()
        self.timeline.setHeaderLabels(["Date", "What happened"])
        self.timeline.setRootIsDecorated(False)
        self.timeline.setColumnWidth(0, 100)

        self.side = QTabWidget()
        self.side.addTab(self.timeline, "Timeline")
        self.side.addTab(self.contacts, "Contacts")

        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.title, 1)
        self.actions_bar = QHBoxLayout()
        top.addLayout(self.actions_bar)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.kickoff)
        left_layout.addWidget(self.ladder, 1)
        splitter.addWidget(left)
        splitter.addWidget(self.side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 0)
        layout.addLayout(top)
        layout.addWidget(self.facts)
        layout.addWidget(splitter, 1)

    def show_account(self, detail: AccountDetail, today: dt.date) -> None:
        self.detail = detail
        e = html.escape
        self.title.setText(f"<h2 style='margin:0'>{e(detail.name)}</h2>")
        completion = "—" if detail.completion is None else f"{detail.completion:.0%}"
        by_role = " · ".join(
            f"{e(role)} {'—' if value is None else f'{value:.0%}'}"
            for role, value in detail.completion_by_role
        )
        facts = [
            detail.segment or "",
            detail.industry or "",
            f"owner {detail.owner}" if detail.owner else "",
            f"playbook {detail.playbook}" if detail.playbook else "no playbook",
            f"kickoff {_date(detail.kickoff_on)}" if detail.kickoff_on else "",
            f"day {detail.age_days}" if detail.age_days is not None else "",
            f"renewal {_date(detail.renewal_on)}" if detail.renewal_on else "",
        ]
        overdue = (
            f" · <span style='color:#b42318'><b>{detail.overdue_count} overdue</b></span>"
            if detail.overdue_count
            else ""
        )
        self.facts.setText(
            " · ".join(e(f) for f in facts if f)
            + f"<br><b>Ladder {completion}</b> ({by_role}){overdue}"
        )
        self.kickoff.setText(self._kickoff_html(detail))
        self._fill_ladder(detail, today)
        self._fill_contacts(detail)
        self._fill_timeline(detail)

    @staticmethod
    def _kickoff_html(detail: AccountDetail) -> str:
        e = html.escape
        kickoff = detail.kickoff
        if kickoff is None:
            return "<i>No kickoff logged yet.</i>"
        criteria = "".join(
            f"<li>{'☑' if met else '☐'} {e(text)}"
            + (f" <span style='color:#067647'>(met {met.isoformat()})</span>" if met else "")
            + "</li>"
            for _id, text, met in kickoff.done_criteria
        )
        held = kickoff.held_on.isoformat() if kickoff.held_on else "date not set"
        return (
            f"<b>Kickoff</b> {held} — “{e(kickoff.success_statement)}”"
            f"<br><b>Definition of done (first phase)</b><ul style='margin:0'>{criteria}</ul>"
        )

    def _fill_ladder(self, detail: AccountDetail, today: dt.date) -> None:
        self.ladder.clear()
        bold = QFont()
        bold.setBold(True)
        role_values = dict(detail.completion_by_role)
        for role in detail.roles:
            value = role_values.get(role)
            group = QTreeWidgetItem(
                [f"{role}  ({'—' if value is None else f'{value:.0%}'})", "", "", "", "", ""]
            )
            group.setFont(0, bold)
            group.setFirstColumnSpanned(True)
            self.ladder.addTopLevelItem(group)
            for step in detail.ladder:
                if step.role == role:
                    group.addChild(self._ladder_item(step, today))
            group.setExpanded(True)

    @staticmethod
    def _ladder_item(step: LadderStep, today: dt.date) -> QTreeWidgetItem:
        mark, colour = STATUS_MARKS[step.status]
        title = step.title + ("  ★ first value" if step.first_value else "")
        evidence = step.evidence or ""
        if step.criterion_met_on and step.status is not Status.ACHIEVED:
            evidence = f"criterion met on {step.criterion_met_on.isoformat()}"
        elif step.criterion_met_on:
            evidence = f"{evidence} (criterion met {step.criterion_met_on.isoformat()})"
        item = QTreeWidgetItem(
            [
                title,
                mark,
                _date(step.due_on),
                _date(step.achieved_on),
                evidence,
                step.definition_of_done,
            ]
        )
        item.setData(0, MILESTONE_ID_ROLE, step.id)
        item.setForeground(1, QBrush(QColor(colour)))
        tips = [
            f"Tip: {step.cue}" if step.cue else "",
            f"Usage criterion: {step.criterion}" if step.criterion else "",
            f"Reason: {step.status_reason}" if step.status_reason else "",
            f"Unlocks: {step.unlocks}" if step.unlocks else "",
        ]
        tooltip = "\n".join(t for t in tips if t)
        for column in range(len(LADDER_HEADERS)):
            item.setToolTip(column, tooltip)
        if step.is_overdue(today):
            for column in range(len(LADDER_HEADERS)):
                item.setBackground(column, QBrush(OVERDUE_BACKGROUND))
            item.setToolTip(2, f"Overdue since {_date(step.due_on)}")
            item.setForeground(2, QBrush(QColor("#b42318")))
        return item

    def _fill_contacts(self, detail: AccountDetail) -> None:
        self.contacts.clear()
        for contact in sorted(detail.contacts, key=lambda c: (c.role or "", c.name)):
            self.contacts.addTopLevelItem(
                QTreeWidgetItem(
                    [contact.role or "", contact.name, contact.title or "", contact.email or ""]
                )
            )

    def _fill_timeline(self, detail: AccountDetail) -> None:
        self.timeline.clear()
        for entry in detail.timeline:
            self.timeline.addTopLevelItem(QTreeWidgetItem([entry.on.isoformat(), entry.text]))

    def selected_milestone_id(self) -> int | None:
        item = self.ladder.currentItem()
        if item is None:
            return None
        value = item.data(0, MILESTONE_ID_ROLE)
        return int(value) if value is not None else None
