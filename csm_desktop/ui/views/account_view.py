"""One account: header, kickoff summary, ladder grouped by role, contacts and timeline.

Layout only. The ladder rows carry the milestone id in ``MILESTONE_ID_ROLE`` so a
controller can act on the selection.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QFont, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from csm_desktop.domain.vocabulary import Status
from csm_desktop.ui.palette import current
from csm_desktop.ui.read_only import writes
from csm_desktop.ui.views.account_learning import AfterDay90Panel, FeedbackPanel
from csm_desktop.ui.views.account_story import RisksAsksPanel
from csm_desktop.ui.views.role_view import RoleView
from csm_desktop.ui.views.value_panel import ValuePanel

if TYPE_CHECKING:  # plain data from the service; the ORM behind it loads on first open
    from csm_desktop.services.accounts import AccountDetail, LadderStep

MILESTONE_ID_ROLE = Qt.ItemDataRole.UserRole + 10

STATUS_MARKS = {
    Status.ACHIEVED: "✔ achieved",
    Status.IN_PROGRESS: "◐ in progress",
    Status.NOT_STARTED: "○ not started",
    Status.BLOCKED: "✖ blocked",
    Status.SKIPPED: "↷ skipped",
}


def status_colour(status: Status) -> str:
    c = current()
    return {
        Status.ACHIEVED: c.good,
        Status.IN_PROGRESS: c.info,
        Status.NOT_STARTED: c.muted,
        Status.BLOCKED: c.bad,
        Status.SKIPPED: c.faint,
    }[status]


STATUS_KEYS = {
    Status.NOT_STARTED: "N",
    Status.IN_PROGRESS: "P",
    Status.ACHIEVED: "A",
    Status.BLOCKED: "B",
    Status.SKIPPED: "S",
}
CONTACT_ID_ROLE = Qt.ItemDataRole.UserRole + 11

LADDER_HEADERS = ("Milestone", "Status", "Due", "Achieved", "Evidence", "Definition of done")


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


class AccountView(QWidget):
    back_requested = Signal()  # the user wants the Book again
    status_requested = Signal(int, str)  # milestone id, new status value
    due_date_requested = Signal(int)  # milestone id whose due date to move
    kickoff_requested = Signal()  # open the kickoff dialog
    edit_requested = Signal()  # edit the account's details
    apply_playbook_requested = Signal()  # give the account (more of) a playbook's ladder
    charts_requested = Signal(int)  # the Charts tab is showing this account: load its series
    criterion_toggled = Signal(int, bool)  # done-criterion id, now met?
    contact_add_requested = Signal()
    contact_edit_requested = Signal(int)  # contact id
    contact_remove_requested = Signal(int)  # contact id
    replan_requested = Signal()  # move the open, past-due milestones to a new date

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
        self.criteria = QListWidget()
        self.criteria.setMaximumHeight(72)
        self.criteria.setToolTip("Tick a criterion when the customer has met it")
        self.criteria.itemChanged.connect(self._criterion_changed)
        self.kickoff_button = QPushButton("Kickoff…")
        self.kickoff_button.setToolTip(
            "Log the kickoff: date, attendees, success, definition of done"
        )
        self.kickoff_button.clicked.connect(self.kickoff_requested)
        self.edit_button = QPushButton("Edit…")
        self.edit_button.setToolTip("Edit the account's details")
        self.edit_button.clicked.connect(self.edit_requested)
        self.playbook_button = QPushButton("Apply playbook…")
        self.playbook_button.clicked.connect(self.apply_playbook_requested)
        self.message = QLabel()
        self.message.setStyleSheet(f"color:{current().good}")

        self.ladder = QTreeWidget()
        self.ladder.setColumnCount(len(LADDER_HEADERS))
        self.ladder.setHeaderLabels(list(LADDER_HEADERS))
        self.ladder.setAlternatingRowColors(True)
        self.ladder.setUniformRowHeights(True)
        header = self.ladder.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((290, 115, 85, 85, 175)):
            self.ladder.setColumnWidth(column, width)
        self.ladder.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.ladder.customContextMenuRequested.connect(self._ladder_menu)
        self.status_actions: dict[Status, QAction] = {}
        for status, key in STATUS_KEYS.items():
            action = QAction(f"Mark {status.value}", self.ladder)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(lambda _=False, s=status: self._request_status(s))
            self.ladder.addAction(action)
            self.status_actions[status] = action
        self.due_action = QAction("Move due date…", self.ladder)
        self.due_action.setShortcut(QKeySequence("D"))
        self.due_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.due_action.triggered.connect(self._request_due_date)
        self.ladder.addAction(self.due_action)

        self.contacts = QTreeWidget()
        self.contacts.setHeaderLabels(["Role", "Name", "Title", "E-mail"])
        self.contacts.setRootIsDecorated(False)
        self.contacts.itemDoubleClicked.connect(lambda *_: self._contact_action("edit"))
        contacts_page = QWidget()
        contacts_layout = QVBoxLayout(contacts_page)
        contacts_layout.setContentsMargins(0, 4, 0, 0)
        contacts_layout.addWidget(self.contacts)
        contact_buttons = QHBoxLayout()
        for text, kind in (("Add…", "add"), ("Edit…", "edit"), ("Remove", "remove")):
            button = QPushButton(text)
            writes(button)
            button.clicked.connect(lambda _=False, k=kind: self._contact_action(k))
            contact_buttons.addWidget(button)
        contact_buttons.addStretch(1)
        contacts_layout.addLayout(contact_buttons)
        self.timeline = QTreeWidget()
        self.timeline.setHeaderLabels(["Date", "What happened", "By"])
        self.timeline.setRootIsDecorated(False)
        timeline_header = self.timeline.header()  # what happened gets the room, not who
        timeline_header.setStretchLastSection(False)
        timeline_header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        timeline_header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        timeline_header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)

        self.side = QTabWidget()
        self.side.addTab(self.timeline, "Timeline")
        self.value = ValuePanel()
        self.side.addTab(self.value, "Value")
        self.side.addTab(contacts_page, "Contacts")
        self.roles = RoleView()
        self.side.addTab(self.roles, "Roles")
        self.after_day_90 = AfterDay90Panel()
        self.side.addTab(self.after_day_90, "After day 90")
        self.feedback = FeedbackPanel()
        self.side.addTab(self.feedback, "Feedback")
        self.risks_asks = RisksAsksPanel()
        self.side.addTab(self.risks_asks, "Risks && asks")
        self.replan_button = QPushButton("Re-plan…")
        self.replan_button.setToolTip("Give open milestones whose date has passed a new date")
        self.replan_button.clicked.connect(self.replan_requested)
        writes(
            self.replan_button,
            self.kickoff_button,
            self.edit_button,
            self.playbook_button,
            self.criteria,
            self.due_action,
            *self.status_actions.values(),
        )

        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.title, 1)
        top.addWidget(self.message)
        self.actions_bar = QHBoxLayout()
        for button in (
            self.edit_button,
            self.kickoff_button,
            self.playbook_button,
            self.replan_button,
        ):
            self.actions_bar.addWidget(button)
        top.addLayout(self.actions_bar)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.kickoff)
        left_layout.addWidget(self.criteria)
        left_layout.addWidget(self.ladder, 1)
        splitter.addWidget(left)
        splitter.addWidget(self.side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        # Many tabs must not make the side panel wider than the ladder: the tab bar scrolls.
        self.side.setUsesScrollButtons(True)
        self.side.setElideMode(Qt.TextElideMode.ElideNone)
        splitter.setSizes([600, 400])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 0)
        layout.addLayout(top)
        layout.addWidget(self.facts)
        self.charts_page = QWidget()  # hosts AccountChartsView, built when first shown
        QVBoxLayout(self.charts_page).setContentsMargins(0, 0, 0, 0)
        self.charts: Any = None
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(splitter, "Ladder")
        self.tabs.addTab(self.charts_page, "Charts")
        self.tabs.currentChanged.connect(lambda _index: self._request_charts())
        layout.addWidget(self.tabs, 1)

    def show_account(self, detail: AccountDetail, today: dt.date) -> None:
        """Show ``detail``; the selected milestone stays selected when the same account reloads."""
        same_account = self.detail is not None and self.detail.id == detail.id
        keep = self.selected_milestone_id() if same_account else None
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
            f" · <span style='color:{current().bad}'><b>{detail.overdue_count} overdue</b></span>"
            if detail.overdue_count
            else ""
        )
        self.facts.setText(
            " · ".join(e(f) for f in facts if f)
            + f"<br><b>Ladder {completion}</b> ({by_role}){overdue}"
        )
        self.kickoff.setText(self._kickoff_html(detail))
        self._fill_criteria(detail)
        if not same_account:
            self.message.clear()  # a note about the previous account does not carry over
        self._fill_ladder(detail, today)
        if keep is not None:
            self.select_milestone(keep)
        self._fill_contacts(detail)
        self._fill_timeline(detail)
        self.roles.show_account(detail, today)
        self.after_day_90.set_account(detail)
        self.feedback.set_account(detail)
        self.risks_asks.set_account(detail)
        self.value.set_account(detail.id)
        self._request_charts()

    @staticmethod
    def _kickoff_html(detail: AccountDetail) -> str:
        e = html.escape
        kickoff = detail.kickoff
        if kickoff is None:
            return "<i>No kickoff logged yet.</i>"
        held = kickoff.held_on.isoformat() if kickoff.held_on else "date not set"
        met = sum(1 for _id, _text, met_on in kickoff.done_criteria if met_on)
        return (
            f"<b>Kickoff</b> {held} — “{e(kickoff.success_statement)}”"
            f"<br><b>Definition of done (first phase)</b>: {met} of "
            f"{len(kickoff.done_criteria)} met"
        )

    def _fill_criteria(self, detail: AccountDetail) -> None:
        self.criteria.blockSignals(True)
        self.criteria.clear()
        for criterion_id, text, met_on in detail.kickoff.done_criteria if detail.kickoff else ():
            label = f"{text}  (met {met_on.isoformat()})" if met_on else text
            item = QListWidgetItem(label)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if met_on else Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, criterion_id)
            self.criteria.addItem(item)
        self.criteria.setVisible(self.criteria.count() > 0)
        self.criteria.blockSignals(False)

    def _criterion_changed(self, item: QListWidgetItem) -> None:
        met = item.checkState() == Qt.CheckState.Checked
        self.criterion_toggled.emit(int(item.data(Qt.ItemDataRole.UserRole)), met)

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
        if any(step.replanned_on for step in detail.ladder):  # "due → re-planned" is wider
            self.ladder.resizeColumnToContents(2)

    @staticmethod
    def _ladder_item(step: LadderStep, today: dt.date) -> QTreeWidgetItem:
        mark, colour = STATUS_MARKS[step.status], status_colour(step.status)
        title = step.title + ("  ★ first value" if step.first_value else "")
        evidence = step.evidence or ""
        if step.criterion_met_on and step.status is not Status.ACHIEVED:
            evidence = f"criterion met on {step.criterion_met_on.isoformat()}"
        elif step.criterion_met_on:
            evidence = f"{evidence}; met {step.criterion_met_on.isoformat()}"
        replanned = step.replanned_on is not None and step.status.is_open
        item = QTreeWidgetItem(
            [
                title,
                mark,
                _date(step.due_on) + (f" → {_date(step.replanned_on)}" if replanned else ""),
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
                item.setBackground(column, QBrush(QColor(current().overdue_row)))
            item.setToolTip(
                2,
                f"Overdue since {_date(step.due_on)}"
                + (f"; re-planned for {_date(step.replanned_on)}" if replanned else ""),
            )
            item.setForeground(2, QBrush(QColor(current().bad)))
        return item

    def _fill_contacts(self, detail: AccountDetail) -> None:
        self.contacts.clear()
        for contact in sorted(detail.contacts, key=lambda c: (c.role or "", c.name)):
            item = QTreeWidgetItem(
                [contact.role or "", contact.name, contact.title or "", contact.email or ""]
            )
            item.setData(0, CONTACT_ID_ROLE, contact.id)
            self.contacts.addTopLevelItem(item)

    def _fill_timeline(self, detail: AccountDetail) -> None:
        self.timeline.clear()
        for entry in detail.timeline:
            item = QTreeWidgetItem([entry.on.isoformat(), entry.text, entry.by or ""])
            item.setToolTip(1, entry.text)  # the whole line, when the column cuts it
            self.timeline.addTopLevelItem(item)

    def selected_milestone_id(self) -> int | None:
        item = self.ladder.currentItem()
        if item is None:
            return None
        value = item.data(0, MILESTONE_ID_ROLE)
        return int(value) if value is not None else None

    def _request_charts(self) -> None:
        if self.tabs.currentWidget() is self.charts_page and self.detail is not None:
            self.charts_requested.emit(self.detail.id)

    def show_charts(self, data: Any) -> None:
        """Draw the account's charts; pyqtgraph is imported here, on first use."""
        if self.charts is None:
            from csm_desktop.ui.views.account_charts_view import AccountChartsView

            self.charts = AccountChartsView()
            layout = self.charts_page.layout()
            assert layout is not None
            layout.addWidget(self.charts)
        if self.detail is not None and data.account_id == self.detail.id:
            self.charts.show_charts(data)

    def step(self, milestone_id: int) -> LadderStep | None:
        if self.detail is None:
            return None
        return next((s for s in self.detail.ladder if s.id == milestone_id), None)

    def select_milestone(self, milestone_id: int) -> None:
        for group in range(self.ladder.topLevelItemCount()):
            parent = self.ladder.topLevelItem(group)
            if parent is None:
                continue
            for row in range(parent.childCount()):
                child = parent.child(row)
                if child is not None and child.data(0, MILESTONE_ID_ROLE) == milestone_id:
                    self.ladder.setCurrentItem(child)
                    return

    def notify(self, text: str) -> None:
        """A short confirmation next to the title (e.g. how many due dates moved)."""
        self.message.setText(text)

    def _request_status(self, status: Status) -> None:
        milestone_id = self.selected_milestone_id()
        if milestone_id is not None:
            self.status_requested.emit(milestone_id, status.value)

    def _request_due_date(self) -> None:
        milestone_id = self.selected_milestone_id()
        if milestone_id is not None:
            self.due_date_requested.emit(milestone_id)

    def _ladder_menu(self, position: QPoint) -> None:
        milestone_id = self.selected_milestone_id()
        step = self.step(milestone_id) if milestone_id is not None else None
        if step is None:
            return
        menu = QMenu(self)
        for status, action in self.status_actions.items():
            action.setEnabled(status is not step.status)
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.due_action)
        menu.exec(self.ladder.viewport().mapToGlobal(position))

    def _contact_action(self, kind: str) -> None:
        if kind == "add":
            self.contact_add_requested.emit()
            return
        item = self.contacts.currentItem()
        if item is None:
            return
        contact_id = int(item.data(0, CONTACT_ID_ROLE))
        if kind == "edit":
            self.contact_edit_requested.emit(contact_id)
        else:
            self.contact_remove_requested.emit(contact_id)
