"""OK again after a refused account save (issue 16: nothing overwritten).

Ravi's dialog opened on version 1 and he changed only the owner; Maya raised the ARR
meanwhile (version 2). His save is refused; OK again saves over version 2 what he changed,
the owner, and her ARR stays (it went back to the old value when the dialog re-sent every
field it showed). On a file and, with ``--backend postgresql``, on the server.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from csm_desktop.errors import ConflictError
from csm_desktop.services import account_edits
from csm_desktop.services.account_edits import AccountFields, ContactFields, KickoffFields
from csm_desktop.services.accounts import account_detail
from csm_desktop.store.database import Database

TODAY = dt.date(2026, 11, 26)


def test_ok_again_writes_only_what_the_user_changed(book: Database) -> None:
    opened = AccountFields("Coho Winery", segment="SMB", arr=1000.0, owner="Maya Chen")
    account_id = account_edits.create_account(book, opened, None)
    assert account_detail(book, account_id, TODAY).version == 1
    maya = replace(opened, arr=999_999.0)
    assert account_edits.update_account(book, account_id, maya, seen=1, opened=opened) == 2
    ravi = replace(opened, owner="Ravi Patel")
    with pytest.raises(ConflictError) as refused:
        account_edits.update_account(book, account_id, ravi, seen=1, opened=opened)
    assert refused.value.version == 2
    assert account_edits.update_account(book, account_id, ravi, seen=2, opened=opened) == 3
    detail = account_detail(book, account_id, TODAY)
    assert (detail.arr, detail.owner, detail.segment) == (999_999.0, "Ravi Patel", "SMB")


def test_ok_again_on_a_contact_keeps_a_teammates_change_to_it(book: Database) -> None:
    """Ravi's contact dialog opened on the account's version 2 (after the contact was
    added); he changes the title. Maya changes the e-mail (version 3): Ravi's save is
    refused; OK again writes his title and keeps her e-mail."""
    account_id = account_edits.create_account(book, AccountFields("Coho Winery"), None)
    opened = ContactFields("Dana Lee", email="dana@coho.example", title="IT lead")
    saved = account_edits.add_contact(book, account_id, opened, seen=1)
    contact_id, version = saved.id, saved.version
    maya = replace(opened, email="dana.lee@coho.example")
    version_after_maya = account_edits.update_contact(
        book, contact_id, maya, seen=version, opened=opened
    )
    ravi = replace(opened, title="Head of IT")
    with pytest.raises(ConflictError):
        account_edits.update_contact(book, contact_id, ravi, seen=version, opened=opened)
    account_edits.update_contact(book, contact_id, ravi, seen=version_after_maya, opened=opened)
    (contact,) = account_detail(book, account_id, TODAY).contacts
    assert (contact.email, contact.title) == ("dana.lee@coho.example", "Head of IT")


def test_ok_again_on_a_kickoff_keeps_a_teammates_tick(book: Database) -> None:
    """Ravi's kickoff dialog opened on version 1; he fixes the attendees. Maya ticks "Users
    can sign in" (version 2): Ravi's save is refused; OK again writes his attendees and her
    tick stays (the dialog used to send every criterion back as it opened, unticked)."""
    account_id = account_edits.create_account(book, AccountFields("Coho Winery"), None)
    opened = KickoffFields(
        held_on=None,
        attendees="Ana Smith",
        done_criteria=(("Users can sign in", None), ("First workflow", None)),
    )
    account_edits.save_kickoff(book, account_id, opened, seen=0)
    kickoff = account_detail(book, account_id, TODAY).kickoff
    assert kickoff is not None
    version = account_detail(book, account_id, TODAY).kickoff_version
    maya = account_edits.tick_done_criterion(book, kickoff.done_criteria[0][0], TODAY, seen=version)
    ravi = replace(opened, attendees="Ana Smith, Kenji Tanaka")
    with pytest.raises(ConflictError):
        account_edits.save_kickoff(book, account_id, ravi, seen=version, opened=opened)
    account_edits.save_kickoff(book, account_id, ravi, seen=maya, opened=opened)
    kickoff = account_detail(book, account_id, TODAY).kickoff
    assert kickoff is not None
    assert kickoff.attendees == "Ana Smith, Kenji Tanaka"
    assert [met for _id, _text, met in kickoff.done_criteria] == [TODAY, None]
