"""Storing the Milestones sheet of a book workbook: each row matched by (milestone, role) on
its account's ladder, updated or added, its status change logged, its template found or
added to the account's playbook.

Part of ``services.book_import_store.BookImporter`` (which stores the other sheets); written
a chunk of rows at a time through ``store.queries.book_io``, so 600,000 rows never become
600,000 dicts at once (issue 17).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from csm_desktop.domain.ladder import due_on, reference_date
from csm_desktop.domain.playbook_keys import template_key
from csm_desktop.domain.vocabulary import Status
from csm_desktop.services.book_import_checks import ImportChecks
from csm_desktop.spreadsheets.book_workbook import MilestoneRow
from csm_desktop.store.models import (
    AccountMilestone,
    MilestoneTemplate,
    PlaybookStep,
    Role,
    StatusChange,
)
from csm_desktop.store.queries import book_io as io

_TEXT = {status: status.value for status in Status}  # an enum's .value costs a call per row
_NOT_STARTED = Status.NOT_STARTED.value
_NEEDS_REASON = frozenset(status for status in Status if status.needs_reason)


class MilestoneImport(ImportChecks):
    """The milestone half of storing a checked workbook, and the look-ups it shares (an
    account's id by name, a role's id, added when new)."""

    def _id(self, account: str) -> int:
        return self.by_key[self.key[account]]

    def _stored(self, account_ids: set[int]) -> set[int]:
        """Those of ``account_ids`` the book held before this import (an account created by
        it has nothing stored to match: a new book's 5,000 need no look-up)."""
        return account_ids - {account_id for account_id, _row in self.created}

    def _role(self, name: str) -> int:
        role = self.roles.get(self.key[name])
        if role is None:
            position = max((r[2] for r in self.roles.values()), default=0) + 1
            role_id = io.insert_row(self.session, Role, {"name": name, "position": position})
            role = self.roles[self.key[name]] = (role_id, name, position)
        return role[0]

    def _store_milestones(self, rows: list[MilestoneRow]) -> None:
        """Matched by (milestone, role) on the account's ladder; written a chunk of rows at
        a time, so 600,000 rows never become 600,000 dicts at once (issue 17: 720 MiB)."""
        ladders: dict[int, dict[tuple[str, int], io.MilestoneRef]] = {}
        top: dict[int, int] = {}
        for m in io.milestones_of(self.session, self._stored({self._id(r.account) for r in rows})):
            ladders.setdefault(m.account_id, {}).setdefault((self.key[m.title], m.role_id), m)
            top[m.account_id] = max(top.get(m.account_id, 0), m.position)
        self._load_templates()
        self.recorded_at = dt.datetime.now()  # one import, one moment (and one text to store)
        for start in range(0, len(rows), io.CHUNK):
            self._store_milestone_chunk(rows[start : start + io.CHUNK], ladders, top)

    def _store_milestone_chunk(
        self,
        rows: list[MilestoneRow],
        ladders: dict[int, dict[tuple[str, int], io.MilestoneRef]],
        top: dict[int, int],
    ) -> None:
        new: list[dict[str, Any]] = []
        new_history: list[dict[str, Any] | None] = []
        changed: list[dict[str, Any]] = []
        history: list[dict[str, Any]] = []
        # Per distinct name, not per row (60,000 rows name 5,000 accounts, a few roles).
        account_of: dict[str, io.AccountRef] = {}
        role_of: dict[str, int] = {}
        template_of: dict[tuple[int, str, int], int] = {}
        nothing: dict[tuple[str, int], io.MilestoneRef] = {}
        for row in rows:
            account = account_of.get(row.account)
            if account is None:
                account = account_of[row.account] = self.accounts[self._id(row.account)]
            role_id = role_of.get(row.role)
            if role_id is None:
                role_id = role_of[row.role] = self._role(row.role)
            found = ladders.get(account.id, nothing).get((self.key[row.milestone], role_id))
            previous = found.status if found else None
            template_id = found.template_id if found else None
            if account.playbook_id is not None and template_id is None:
                step = (account.playbook_id, row.milestone, role_id)
                template_id = template_of.get(step)
                if template_id is None:
                    template_id = template_of[step] = self._template(
                        account.playbook_id, row, role_id
                    )
            kickoff = reference_date(account.kickoff_on, account.signed_on)
            values: dict[str, Any] = {
                "title": row.milestone,
                "target_day": row.target_day,
                "due_on": due_on(row.due_on, kickoff, row.target_day),
                "started_on": row.started_on,
                "achieved_on": row.achieved_on,
                "evidence": row.evidence,
                "definition_of_done": row.definition_of_done or "",
                "first_value": row.first_value,
                "unlocks": row.unlocks,
                "success_feature": row.success_feature,
                "success_threshold": row.success_threshold,
                "success_window_days": row.success_window_days,
                "template_id": template_id,
                "status": previous or _NOT_STARTED,
                "status_reason": found.status_reason if found else "",
            }
            change = None
            if previous != _TEXT[row.status] and not (
                previous is None and row.status is Status.NOT_STARTED
            ):
                change = self._status_change(values, previous, row)
            if found is None:
                position = top[account.id] = top.get(account.id, 0) + 1
                values["account_id"] = account.id
                values["position"] = position
                values["role_id"] = role_id
                new.append(values)
                new_history.append(change)
            else:
                values["id"] = found.id
                changed.append(values)
                if change is not None:
                    change["milestone_id"] = found.id
                    history.append(change)
        io.update_rows(self.session, AccountMilestone, changed)
        io.insert_rows(self.session, AccountMilestone, new)
        if any(change is not None for change in new_history):
            ids = io.milestone_ids(self.session, {values["account_id"] for values in new})
            for values, change in zip(new, new_history, strict=True):
                if change is not None:
                    change["milestone_id"] = ids[(values["account_id"], values["position"])]
                    history.append(change)
        io.insert_rows(self.session, StatusChange, history)

    def _load_templates(self) -> None:
        """The playbooks' steps and the templates, matched by (title, role)."""
        self._steps: dict[int, dict[tuple[str, int], int]] = {}
        self._step_top: dict[int, int] = {}
        for playbook_id, position, template_id, title, role_id in io.playbook_steps(self.session):
            self._steps.setdefault(playbook_id, {}).setdefault(
                (self.key[title], role_id), template_id
            )
            self._step_top[playbook_id] = max(self._step_top.get(playbook_id, 0), position)
        self._templates: dict[tuple[str, int], int] = {}
        self._keys: set[str] = set()
        for template_id, key, title, role_id in io.templates(self.session):
            self._templates[(self.key[title], role_id)] = template_id
            self._keys.add(key)

    def _template(self, playbook_id: int, row: MilestoneRow, role_id: int) -> int:
        """The playbook's template for (milestone, role), added as its next step if new."""
        pair = (self.key[row.milestone], role_id)
        steps = self._steps.setdefault(playbook_id, {})
        if pair in steps:
            return steps[pair]
        template_id = self._templates.get(pair)
        if template_id is None:
            key = template_key(self.roles[self.key[row.role]][1], row.milestone, self._keys)
            self._keys.add(key)
            template_id = io.insert_row(
                self.session,
                MilestoneTemplate,
                {
                    "key": key,
                    "title": row.milestone,
                    "role_id": role_id,
                    "target_day": row.target_day,
                    "definition_of_done": row.definition_of_done or "",
                    "unlocks": row.unlocks,
                    "success_feature": row.success_feature,
                    "success_threshold": row.success_threshold,
                    "success_window_days": row.success_window_days,
                    "first_value": row.first_value,
                },
            )
            self._templates[pair] = template_id
        position = self._step_top[playbook_id] = self._step_top.get(playbook_id, 0) + 1
        io.insert_row(
            self.session,
            PlaybookStep,
            {"playbook_id": playbook_id, "template_id": template_id, "position": position},
        )
        steps[pair] = template_id
        return template_id

    def _status_change(
        self, values: dict[str, Any], previous: str | None, row: MilestoneRow
    ) -> dict[str, Any]:
        """Set the row's status in ``values``; the status change to log for it."""
        status = row.status
        if status is Status.ACHIEVED and row.achieved_on is not None:
            on = row.achieved_on
        elif status is Status.IN_PROGRESS and row.started_on is not None:
            on = row.started_on
        else:
            on = self.today
        reason = ""
        if status in _NEEDS_REASON:
            reason = values["status_reason"] if previous == status.value else ""
            reason = reason or f"Imported from {self.source}; the workbook gives no reason."
        values["status"] = _TEXT[status]
        values["status_reason"] = reason
        return {
            "changed_on": on,
            "recorded_at": self.recorded_at,
            "from_status": previous,
            "to_status": _TEXT[status],
            "reason": reason,
        }
