"""Storing the Milestones sheet of a book workbook: each row matched by (milestone, role) on
its account's ladder, updated or added, its status change logged, its template found or
added to the account's playbook.

Part of ``services.book_import_store.BookImporter`` (which stores the other sheets); written
a chunk of rows at a time through ``store.queries.book_io``, so 600,000 rows never become
600,000 dicts at once (issue 17).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from operator import attrgetter
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
from csm_desktop.store.queries.evidence import CriterionRow

_TEXT = {status: status.value for status in Status}  # an enum's .value costs a call per row
_NOT_STARTED = Status.NOT_STARTED.value
_NOT_YET = Status.NOT_STARTED  # a class attribute look-up per row cost 0.35 µs
_NEEDS_REASON = frozenset(status for status in Status if status.needs_reason)
# A milestone's columns taken from its row as they are (column, ``MilestoneRow`` field), and
# those the import works out per row: what an update sets; a new one adds ``_PLACED`` first.
_COPIED = (
    ("title", "milestone"),
    ("target_day", "target_day"),
    ("started_on", "started_on"),
    ("achieved_on", "achieved_on"),
    ("evidence", "evidence"),
    ("definition_of_done", "definition_of_done"),
    ("first_value", "first_value"),
    ("unlocks", "unlocks"),
    ("success_feature", "success_feature"),
    ("success_threshold", "success_threshold"),
    ("success_window_days", "success_window_days"),
)
_TAKEN = [attrgetter(field) for _column, field in _COPIED]
_DONE = [column for column, _field in _COPIED].index("definition_of_done")
_WORKED_OUT = ("due_on", "template_id", "status", "status_reason")
_FIELDS = (*(column for column, _field in _COPIED), *_WORKED_OUT)
_PLACED = ("account_id", "position", "role_id")
_HISTORY = ("milestone_id", "changed_on", "recorded_at", "from_status", "to_status", "reason")


def _columns(rows: Sequence[MilestoneRow], worked_out: list[tuple[Any, ...]]) -> list[list[Any]]:
    """The ``_FIELDS`` columns of ``rows`` (``worked_out`` holds each one's ``_WORKED_OUT``
    values): the copied ones by ``map`` in C, no tuple per row (an empty definition of done
    is stored as '')."""
    columns = [list(map(take, rows)) for take in _TAKEN]
    if None in columns[_DONE]:
        columns[_DONE] = [text or "" for text in columns[_DONE]]
    return [*columns, *map(list, zip(*worked_out, strict=True))]


class MilestoneImport(ImportChecks):
    """The milestone half of storing a checked workbook, and the look-ups it shares (an
    account's id by name, a role's id, added when new)."""

    # The usage criteria of the milestones this import added, while they are all the book's
    # (``criterion_rows_added``); None once the book holds others.
    added_criteria: list[CriterionRow] | None = None

    def _id(self, account: str) -> int:
        return self.by_key[self.key[account]]

    def _stored(self, rows: Iterable[Any]) -> set[int]:
        """The accounts of ``rows`` (each names its ``account``) that the book held before
        this import: one created by it has nothing stored to match, and a book that held
        none (a new book's 60,000 milestones) needs no look-up at all."""
        if not self.existing:
            return set()
        return {self._id(r.account) for r in rows} - {account_id for account_id, _ in self.created}

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
        for m in io.milestones_of(self.session, self._stored(rows)):
            ladders.setdefault(m.account_id, {}).setdefault((self.key[m.title], m.role_id), m)
            top[m.account_id] = max(top.get(m.account_id, 0), m.position)
        self._load_templates()
        self.recorded_at = dt.datetime.now()  # one import, one moment (and one text to store)
        self.added_criteria = None if self.existing else []  # a new book: all are added here
        for start in range(0, len(rows), io.CHUNK):
            self._store_milestone_chunk(rows[start : start + io.CHUNK], ladders, top)

    def _store_milestone_chunk(
        self,
        rows: list[MilestoneRow],
        ladders: dict[int, dict[tuple[str, int], io.MilestoneRef]],
        top: dict[int, int],
    ) -> None:
        """Rows written a column at a time (``_columns``: a dict or a tuple of every value
        per row cost more than SQLite's inserting); the new milestones' ids named before
        they are inserted (a server reads them back), so their status changes need no
        look-up."""
        new: list[MilestoneRow] = []
        placed: list[tuple[Any, ...]] = []  # a new row's ``_PLACED`` values
        worked_out: list[tuple[Any, ...]] = []  # a new row's ``_WORKED_OUT`` values
        new_history: list[tuple[Any, ...] | None] = []
        updated: list[MilestoneRow] = []
        updated_ids: list[int] = []
        updated_worked_out: list[tuple[Any, ...]] = []
        history: list[tuple[Any, ...]] = []
        # Per distinct name, not per row (60,000 rows name 5,000 accounts, a few roles).
        account_of: dict[str, tuple[io.AccountRef, dt.date | None]] = {}
        role_of: dict[str, int] = {}
        template_of: dict[tuple[int, str, int], int] = {}
        # Per distinct (stored status, reason, row's status and dates): most rows share one.
        changes: dict[tuple[Any, ...], tuple[str, str, tuple[Any, ...]]] = {}
        nothing: dict[tuple[str, int], io.MilestoneRef] = {}
        # New rows with a usage criterion: (index in ``new``, account, row, status).
        criteria: list[tuple[int, io.AccountRef, MilestoneRow, str]] = []
        for row in rows:
            known = account_of.get(row.account)
            if known is None:
                account = self.accounts[self._id(row.account)]
                kickoff = reference_date(account.kickoff_on, account.signed_on)
                known = account_of[row.account] = (account, kickoff)
            account, kickoff = known
            role_id = role_of.get(row.role)
            if role_id is None:
                role_id = role_of[row.role] = self._role(row.role)
            found = ladders.get(account.id, nothing).get((self.key[row.milestone], role_id))
            if found is None:
                previous, template_id, status, reason = None, None, _NOT_STARTED, ""
            else:
                previous, template_id = found.status, found.template_id
                status, reason = previous, found.status_reason
            if account.playbook_id is not None and template_id is None:
                step = (account.playbook_id, row.milestone, role_id)
                template_id = template_of.get(step)
                if template_id is None:
                    template_id = template_of[step] = self._template(
                        account.playbook_id, row, role_id
                    )
            change = None
            if previous != _TEXT[row.status] and not (previous is None and row.status is _NOT_YET):
                case = (previous, reason, row.status, row.achieved_on, row.started_on)
                outcome = changes.get(case)
                if outcome is None:
                    outcome = changes[case] = self._status_change(previous, reason, row)
                status, reason, change = outcome
            values = (due_on(row.due_on, kickoff, row.target_day), template_id, status, reason)
            if found is None:
                position = top[account.id] = top.get(account.id, 0) + 1
                new.append(row)
                placed.append((account.id, position, role_id))
                worked_out.append(values)
                new_history.append(change)
                if row.success_feature is not None:
                    criteria.append((len(new) - 1, account, row, status))
            else:
                updated.append(row)
                updated_ids.append(found.id)
                updated_worked_out.append(values)
                if change is not None:
                    history.append((found.id, *change))
        if updated:
            by_row = zip(*_columns(updated, updated_worked_out), strict=True)
            changed = [
                {"id": id_, **dict(zip(_FIELDS, values, strict=True))}
                for id_, values in zip(updated_ids, by_row, strict=True)
            ]
            io.update_rows(self.session, AccountMilestone, changed)
        ids: Sequence[int] | None = io.next_ids(self.session, AccountMilestone, len(new))
        if new:
            columns = [*map(list, zip(*placed, strict=True)), *_columns(new, worked_out)]
            if ids is not None:
                io.insert_columns(
                    self.session, AccountMilestone, ("id", *_PLACED, *_FIELDS), [ids, *columns]
                )
            else:
                io.insert_columns(self.session, AccountMilestone, (*_PLACED, *_FIELDS), columns)
                if any(change is not None for change in new_history):
                    stored = io.milestone_ids(self.session, {values[0] for values in placed})
                    ids = [stored[(values[0], values[1])] for values in placed]
        if self.added_criteria is not None:
            self._keep_criteria(criteria, ids)
        if ids is not None:
            history += [
                (id_, *change)
                for id_, change in zip(ids, new_history, strict=True)
                if change is not None
            ]
        io.insert_tuples(self.session, StatusChange, _HISTORY, history)

    def _keep_criteria(
        self,
        criteria: list[tuple[int, io.AccountRef, MilestoneRow, str]],
        ids: Sequence[int] | None,
    ) -> None:
        """The new milestones' criteria as ``criterion_rows`` would read them back (not met
        yet, first version); without their ids (a server's), none are kept."""
        if ids is None or self.added_criteria is None:
            self.added_criteria = None
            return
        self.added_criteria += [
            CriterionRow(
                ids[index],
                account.id,
                row.success_feature,
                row.success_threshold,
                row.success_window_days,
                None,
                status,
                1,
                account.kickoff_on,
                account.signed_on,
            )
            for index, account, row, status in criteria
            if row.success_feature is not None
        ]

    def criterion_rows_added(self) -> list[CriterionRow] | None:
        """Every milestone of the book with a usage criterion, as ``criterion_rows`` lists them
        (ladder order), when this import added them all (a new book); None otherwise."""
        if self.added_criteria is None:
            return None
        return sorted(self.added_criteria, key=attrgetter("account_id", "id"))

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
        self, previous: str | None, reason: str, row: MilestoneRow
    ) -> tuple[str, str, tuple[Any, ...]]:
        """(the row's status, its reason, the status change to log: ``_HISTORY`` but the
        milestone's id); ``reason`` is the stored one, kept when the status stays."""
        status = row.status
        if status is Status.ACHIEVED and row.achieved_on is not None:
            on = row.achieved_on
        elif status is Status.IN_PROGRESS and row.started_on is not None:
            on = row.started_on
        else:
            on = self.today
        text = _TEXT[status]
        if status in _NEEDS_REASON:
            reason = reason if previous == text else ""
            reason = reason or f"Imported from {self.source}; the workbook gives no reason."
        else:
            reason = ""
        return text, reason, (on, self.recorded_at, previous, text, reason)
