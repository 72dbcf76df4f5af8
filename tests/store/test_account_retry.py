"""OK again after a refused save from a dialog (issue 16: nothing overwritten).

Ravi's dialog opened on version 1 and he changed only the owner; Maya raised the ARR
meanwhile (version 2). His save is refused; OK again saves over version 2 what he changed,
the owner, and her ARR stays (it went back to the old value when the dialog re-sent every
field it showed). The same for a contact, a kickoff and a value metric (the rule is
``domain.changed_parts``); a measurement and a risk or ask add a row, so OK again adds just
that. On a file and, with ``--backend postgresql``, on the server.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from csm_desktop.domain.vocabulary import Direction
from csm_desktop.errors import ConflictError
from csm_desktop.services import account_edits, value_by_name
from csm_desktop.services.account_edits import AccountFields, ContactFields, KickoffFields
from csm_desktop.services.account_story import add_ask, list_asks, resolve_ask
from csm_desktop.services.accounts import account_detail
from csm_desktop.services.value_metrics import (
    MetricSnapshot,
    account_metrics,
    record_measurement,
    save_metric,
)
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


HOURS = MetricSnapshot("Hours on reporting", "h", Direction.LOWER, 10.0, TODAY, 4.0)
NOV = [dt.date(2026, 11, day) for day in (20, 24, 25)]


def test_ok_again_on_a_value_metric_keeps_a_teammates_measurement(book: Database) -> None:
    """Hours (baseline 10 h on 26 Nov, target 4 h) with 6 h measured on 20 Nov: version 2.
    Ravi's dialog opens on it and he sets the target to 3 h. Maya records 8 h on 24 Nov
    and sets the unit "hours" (versions 3 and 4). His save over 2 is refused; OK again
    over 4 writes his target, and her 8 h and her unit stay (the dialog re-sent the one
    measurement it opened with, deleting hers)."""
    account_id = account_edits.create_account(book, AccountFields("Coho Winery"), None)
    save_metric(book, account_id, HOURS, on=TODAY)
    record_measurement(book, account_id, HOURS.name, 6.0, NOV[0], on=TODAY, seen=1)
    (opened,) = account_metrics(book, account_id)
    assert opened.version == 2
    record_measurement(book, account_id, HOURS.name, 8.0, NOV[1], on=TODAY, seen=2)
    hers = replace(opened, unit="hours", measurements=((NOV[0], 6.0), (NOV[1], 8.0)))
    save_metric(book, account_id, hers, replacing=HOURS.name, on=TODAY, seen=3, opened=opened)
    ravi = replace(opened, target=3.0)
    with pytest.raises(ConflictError) as refused:
        save_metric(book, account_id, ravi, replacing=HOURS.name, on=TODAY, seen=2, opened=opened)
    assert refused.value.version == 4
    change = save_metric(
        book, account_id, ravi, replacing=HOURS.name, on=TODAY, seen=4, opened=opened,
        row=opened.id,
    )  # fmt: skip
    assert change.left_at == 5
    (metric,) = account_metrics(book, account_id)
    assert (metric.target, metric.unit, metric.baseline) == (3.0, "hours", 10.0)
    assert metric.measurements == ((NOV[0], 6.0), (NOV[1], 8.0))


def test_ok_again_on_a_value_metric_takes_both_baseline_fields_as_one(book: Database) -> None:
    """Ravi's dialog moves the baseline's day to 20 Nov (the value stays 10 h); Maya sets
    the baseline to 12 h on 26 Nov. OK again writes the baseline Ravi's dialog shows, 10 h
    on 20 Nov, whole: never Maya's 12 h with Ravi's day, which nobody measured."""
    account_id = account_edits.create_account(book, AccountFields("Coho Winery"), None)
    save_metric(book, account_id, HOURS, on=TODAY)
    (opened,) = account_metrics(book, account_id)
    maya = replace(opened, baseline=12.0)
    save_metric(book, account_id, maya, replacing=HOURS.name, on=TODAY, seen=1, opened=opened)
    ravi = replace(opened, baseline_on=NOV[0])
    save_metric(book, account_id, ravi, replacing=HOURS.name, on=TODAY, seen=2, opened=opened)
    (metric,) = account_metrics(book, account_id)
    assert (metric.baseline, metric.baseline_on, metric.version) == (10.0, NOV[0], 3)


def test_ok_again_on_a_measurement_adds_only_that_measurement(book: Database) -> None:
    """The measurement dialog opened on version 1. Maya records 8 h on 24 Nov (2); Ravi's
    6 h on 25 Nov over 1 is refused; over 2 it is added next to hers (a measurement is
    written onto the metric as stored, never the ones the panel showed)."""
    account_id = account_edits.create_account(book, AccountFields("Coho Winery"), None)
    save_metric(book, account_id, HOURS, on=TODAY)
    record_measurement(book, account_id, HOURS.name, 8.0, NOV[1], on=TODAY, seen=1)
    with pytest.raises(ConflictError):
        record_measurement(book, account_id, HOURS.name, 6.0, NOV[2], on=TODAY, seen=1)
    record_measurement(book, account_id, HOURS.name, 6.0, NOV[2], on=TODAY, seen=2)
    (metric,) = account_metrics(book, account_id)
    assert metric.measurements == ((NOV[1], 8.0), (NOV[2], 6.0))


def test_ok_again_on_a_new_ask_adds_it_once_and_keeps_the_teammates_change(
    book: Database,
) -> None:
    """The account is at version 1 with no asks. Maya adds "Security review" (2) and
    resolves it (3). Ravi's new ask over 1 is refused and adds nothing; OK again over 3
    adds his ask once, and hers stays resolved (an ask dialog only ever adds a row)."""
    account_id = account_edits.create_account(book, AccountFields("Coho Winery"), None)
    hers = add_ask(book, account_id, "ask", "Security review", created_on=TODAY, seen=1)
    assert resolve_ask(book, hers.id, TODAY, seen=hers.version) == 3
    with pytest.raises(ConflictError):
        add_ask(book, account_id, "risk", "Champion leaves", created_on=TODAY, seen=1)
    assert add_ask(book, account_id, "risk", "Champion leaves", created_on=TODAY, seen=3)[1] == 4
    asks = [(e.text, e.resolved_on) for e in list_asks(book, account_id)]
    assert asks == [("Champion leaves", None), ("Security review", TODAY)]


def test_the_commands_metric_edit_writes_only_the_options_given(
    book: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``value set --target 3`` reads Hours (6 h measured on 20 Nov), then Maya's 8 h on
    24 Nov lands before the command writes (the read is made to return the metric as it
    was). Only the target is written: her 8 h stays."""
    account_id = account_edits.create_account(book, AccountFields("Coho Winery"), None)
    save_metric(book, account_id, HOURS, on=TODAY)
    record_measurement(book, account_id, HOURS.name, 6.0, NOV[0], on=TODAY)
    read_before = account_metrics(book, account_id)
    record_measurement(book, account_id, HOURS.name, 8.0, NOV[1], on=TODAY)
    monkeypatch.setattr(value_by_name, "account_metrics", lambda _db, _id: read_before)
    value_by_name.set_metric_by_name(book, "Coho Winery", HOURS.name, on=TODAY, target=3.0)
    (metric,) = account_metrics(book, account_id)
    assert (metric.target, metric.measurements) == (3.0, ((NOV[0], 6.0), (NOV[1], 8.0)))
