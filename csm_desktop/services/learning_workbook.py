"""The book workbook's ``Renewals`` and ``Feedback`` sheets: export, check and store.

``services.book_workbook`` calls these three functions so the learning loop (issue #18)
moves with the rest of a book: export → import into an empty book → export gives the same
rows. A renewal is one per account and date, and feedback one per account, date and text,
so importing the same workbook twice changes nothing. A feedback row names its milestone by
title and its contact by name, both on the row's account (ignoring case); one naming neither
a milestone nor a contact the account has (or gets from the same workbook) is rejected.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from sqlalchemy.orm import Session

from csm_desktop.domain.text import name_key as _key
from csm_desktop.spreadsheets.book_workbook import BookWorkbook
from csm_desktop.spreadsheets.learning_sheets import FeedbackRow, RenewalRow
from csm_desktop.store.models import Account, Feedback, Renewal
from csm_desktop.store.queries.feedback import citable_names, feedback_entries, feedback_given
from csm_desktop.store.queries.renewals import all_renewals, renewal_on_date

Known = Callable[[str, int, str], bool]
"""(sheet, row, account) → whether the account exists; rejects the row when not."""
Reject = Callable[[str, int, str, object, str], None]
"""(sheet, row, column, value, reason)."""


def export_learning(session: Session, book: BookWorkbook, names: Mapping[int, str]) -> None:
    """Fill the book's renewals and feedback, accounts in ``names`` order, oldest first."""
    order = {account_id: index for index, account_id in enumerate(names)}
    renewals = sorted(
        all_renewals(session), key=lambda r: (order.get(r.account_id, 0), r.renewal_on)
    )
    book.renewals = [
        RenewalRow(names[r.account_id], r.renewal_on, r.outcome, r.arr_before, r.arr_after)
        for r in renewals
        if r.account_id in names
    ]
    rows = feedback_entries(session)
    rows.sort(key=lambda row: (order.get(row[0].account_id, 0), row[0].given_on, row[0].id))
    book.feedback = [
        FeedbackRow(
            names[f.account_id], f.given_on, milestone, contact, f.sentiment, f.text, f.quotable
        )
        for f, milestone, contact in rows
        if f.account_id in names
    ]


def check_learning(
    session: Session, book: BookWorkbook, accepted: BookWorkbook, known: Known, reject: Reject
) -> None:
    """Put the usable renewal and feedback rows of ``book`` into ``accepted``; nothing is
    stored. Runs after the other sheets were checked (``accepted`` holds their rows)."""
    seen: dict[tuple[str, str], int] = {}
    for r in book.renewals:
        if not known("Renewals", r.row, r.account):
            continue
        key = (_key(r.account), r.renewal_on.isoformat())
        if key in seen:
            reject(
                "Renewals", r.row, "Renewal on", r.renewal_on, f"appears twice (row {seen[key]})"
            )
            continue
        for label, value in (("ARR before", r.arr_before), ("ARR after", r.arr_after)):
            if value is not None and value < 0:
                reject("Renewals", r.row, label, value, "cannot be negative")
                break
        else:
            if r.outcome == "churned" and r.arr_after not in (None, 0):
                why = "a churned renewal keeps no ARR: leave it empty or write renewed"
                reject("Renewals", r.row, "ARR after", r.arr_after, why)
                continue
            seen[key] = r.row
            accepted.renewals.append(r)
    if not book.feedback:  # the names below are only for feedback (0.1 s at 5,000 accounts)
        return
    ladders, people = _names_by_account(session, accepted)
    for f in book.feedback:
        if not known("Feedback", f.row, f.account):
            continue
        account = _key(f.account)
        if f.milestone and _key(f.milestone) not in ladders.get(account, set()):
            reject("Feedback", f.row, "Milestone", f.milestone,
                   "is not a milestone on this account's ladder")  # fmt: skip
            continue
        if f.contact and _key(f.contact) not in people.get(account, set()):
            reject("Feedback", f.row, "Contact", f.contact, "is not a contact of this account")
            continue
        accepted.feedback.append(f)


def _names_by_account(
    session: Session, accepted: BookWorkbook
) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Milestone titles and contact names per account: stored ones and the workbook's own."""
    ladders: dict[str, set[str]] = {}
    people: dict[str, set[str]] = {}
    titles, contacts = citable_names(session)
    for account, title in titles:
        ladders.setdefault(_key(account), set()).add(_key(title))
    for account, name in contacts:
        people.setdefault(_key(account), set()).add(_key(name))
    for m in accepted.milestones:
        ladders.setdefault(_key(m.account), set()).add(_key(m.milestone))
    for c in accepted.contacts:
        people.setdefault(_key(c.account), set()).add(_key(c.name))
    return ladders, people


def store_learning(
    session: Session,
    renewals: Iterable[RenewalRow],
    feedback: Iterable[FeedbackRow],
    account_of: Callable[[str], Account],
) -> None:
    """Store checked rows; ``account_of`` gives the stored account of a row's name.

    Call after contacts and milestones were stored (feedback points at them).
    """
    for r in renewals:
        account = account_of(r.account)
        row = renewal_on_date(session, account.id, r.renewal_on)
        if row is None:
            row = Renewal(account_id=account.id, renewal_on=r.renewal_on)
            session.add(row)
        row.outcome = r.outcome
        row.arr_before = r.arr_before
        row.arr_after = None if r.outcome == "churned" else r.arr_after
    session.flush()
    for f in feedback:
        account = account_of(f.account)
        milestone = next(
            (m for m in account.milestones if f.milestone and _key(m.title) == _key(f.milestone)),
            None,
        )
        contact = next(
            (c for c in account.contacts if f.contact and _key(c.name) == _key(f.contact)), None
        )
        text = (f.text or "").strip()
        entry = feedback_given(session, account.id, f.given_on, text)
        if entry is None:
            entry = Feedback(account_id=account.id, given_on=f.given_on, text=text)
            session.add(entry)
        entry.milestone_id = milestone.id if milestone else None
        entry.contact_id = contact.id if contact else None
        entry.sentiment = f.sentiment or "neutral"
        entry.quotable = bool(f.quotable)
