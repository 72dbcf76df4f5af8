"""No lost updates through the services (issue 16): two people edit the same account.

Ravi's screen read each row at some version; Maya (the same book opened a second time,
another engine) saves first. Ravi's save over the version he saw is refused naming her, her
change stays, and Ravi's undo never overwrites what she did after his edit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from csm_desktop.domain.vocabulary import Direction, Status
from csm_desktop.errors import ConflictError
from csm_desktop.services import account_edits
from csm_desktop.services.account_edits import AccountFields, KickoffFields
from csm_desktop.services.accounts import account_detail
from csm_desktop.services.value_metrics import (
    MetricSnapshot,
    account_metrics,
    reapply,
    record_measurement,
    revert,
    save_metric,
)
from csm_desktop.store.authorship import sign_as
from csm_desktop.store.database import Database
from csm_desktop.store.models import (
    AccountMilestone,
    MilestoneTemplate,
    Playbook,
    PlaybookStep,
    Role,
)
from tests.store.test_versions import open_again

K = dt.date(2026, 3, 2)
TODAY = dt.date(2026, 4, 1)
HOURS = MetricSnapshot("Hours on reporting", "h", Direction.LOWER, 10.0, K, 4.0)


@pytest.fixture
def team(book: Database) -> Iterator[tuple[Database, Database, int]]:
    yield from acme_team(book)


def acme_team(book: Database) -> Iterator[tuple[Database, Database, int]]:
    """(Ravi's book, Maya's book, the account): Acme with one milestone, SSO."""
    maya = open_again(book)
    sign_as(book.engine, "Ravi Patel")
    sign_as(maya.engine, "Maya Chen")
    with book.session() as session:
        admin = session.scalars(select(Role).where(Role.name == "Administrator")).one()
        playbook = Playbook(name="Standard", version=1)
        template = MilestoneTemplate(key="sso", title="SSO", role=admin, target_day=7)
        playbook.steps = [PlaybookStep(template=template, position=1)]
        session.add(playbook)
        session.flush()
        playbook_id = playbook.id
    account_id = account_edits.create_account(
        book, AccountFields(name="Acme", kickoff_on=K, signed_on=K), playbook_id
    )
    yield book, maya, account_id
    maya.close()


def sso(book: Database, account_id: int) -> tuple[int, int]:
    """(id, version) of the SSO milestone as a screen reads it."""
    (step,) = account_detail(book, account_id, TODAY).ladder
    assert step.version is not None
    return step.id, step.version


def test_a_status_saved_over_someone_elses_is_refused_and_theirs_stays(
    team: tuple[Database, Database, int],
) -> None:
    """Both screens show SSO not started (version 1). Maya marks it achieved (version 2);
    Ravi's "blocked" over version 1 is refused naming her; SSO stays achieved; after
    reloading (version 2) his edit saves."""
    ravi, maya, account_id = team
    milestone, seen = sso(ravi, account_id)
    assert seen == 1
    account_edits.set_status(maya, milestone, Status.ACHIEVED, on=TODAY, seen=seen)
    with pytest.raises(ConflictError, match=r"^“SSO” was changed by Maya Chen at \d\d:\d\d"):
        account_edits.set_status(ravi, milestone, Status.BLOCKED, on=TODAY, reason="IT", seen=seen)
    assert account_edits.milestone_state(ravi, milestone).status is Status.ACHIEVED
    _id, now = sso(ravi, account_id)
    assert now == 2
    account_edits.set_status(ravi, milestone, Status.BLOCKED, on=TODAY, reason="IT", seen=now)
    assert account_edits.milestone_state(maya, milestone).status is Status.BLOCKED


def test_undo_after_someone_elses_later_change_is_refused(
    team: tuple[Database, Database, int],
) -> None:
    """Ravi marks SSO in progress (version 2, his undo expects 2); Maya then moves its due
    date (version 3). Ravi's undo is refused naming her: status in progress and her date
    stay. Without her change the undo would have worked (second milestone state)."""
    ravi, maya, account_id = team
    milestone, seen = sso(ravi, account_id)
    before = account_edits.set_status(ravi, milestone, Status.IN_PROGRESS, on=TODAY, seen=seen)
    assert before.left_at == 2
    account_edits.set_due_date(maya, milestone, dt.date(2026, 4, 20), on=TODAY, seen=2)
    with pytest.raises(ConflictError, match="changed by Maya Chen"):
        account_edits.restore_milestone(ravi, milestone, before, on=TODAY)
    state = account_edits.milestone_state(ravi, milestone)
    assert (state.status, state.due_on) == (Status.IN_PROGRESS, dt.date(2026, 4, 20))


def test_undo_and_redo_of_ones_own_edit_still_work(team: tuple[Database, Database, int]) -> None:
    """Status to achieved (v2), undo (v3: not started), redo over v3 (v4: achieved)."""
    ravi, _maya, account_id = team
    milestone, seen = sso(ravi, account_id)
    before = account_edits.set_status(ravi, milestone, Status.ACHIEVED, on=TODAY, seen=seen)
    undone_at = account_edits.restore_milestone(ravi, milestone, before, on=TODAY)
    assert undone_at == 3
    assert account_edits.milestone_state(ravi, milestone).status is Status.NOT_STARTED
    again = account_edits.set_status(ravi, milestone, Status.ACHIEVED, on=TODAY, seen=undone_at)
    assert again.left_at == 4


def test_account_details_saved_over_someone_elses_are_refused(
    team: tuple[Database, Database, int],
) -> None:
    """Both read Acme at version 2 (created: 1; its playbook set: 2). Maya sets 40 seats
    (3); Ravi's segment edit over version 2 is refused; seats stay 40."""
    ravi, maya, account_id = team
    seen = account_detail(ravi, account_id, TODAY).version
    assert seen == 2
    account_edits.update_account(maya, account_id, AccountFields("Acme", seats=40), seen=seen)
    with pytest.raises(ConflictError, match=r"^“Acme” was changed by Maya Chen"):
        account_edits.update_account(
            ravi, account_id, AccountFields("Acme", segment="SMB"), seen=seen
        )
    detail = account_detail(ravi, account_id, TODAY)
    assert (detail.seats, detail.segment, detail.version) == (40, None, 3)


def test_a_kickoff_someone_else_saved_first_is_not_overwritten(
    team: tuple[Database, Database, int],
) -> None:
    """Neither saw a kickoff (0). Maya saves hers; Ravi's save "over no kickoff" is refused.
    After reloading (version 1) he changes only an answer: that is version 2, and Maya's
    next save over version 1 is refused in turn."""
    ravi, maya, account_id = team
    assert account_detail(ravi, account_id, TODAY).kickoff_version == 0
    account_edits.save_kickoff(maya, account_id, KickoffFields(K, "Ana", "Reports run"), seen=0)
    with pytest.raises(ConflictError, match=r"^The kickoff of Acme was changed by Maya Chen"):
        account_edits.save_kickoff(ravi, account_id, KickoffFields(K, "Ravi"), seen=0)
    seen = account_detail(ravi, account_id, TODAY).kickoff_version
    assert seen == 1
    answered = KickoffFields(K, "Ana", "Reports run", answers={"Administrator": "No tickets"})
    account_edits.save_kickoff(ravi, account_id, answered, seen=seen)
    assert account_detail(maya, account_id, TODAY).kickoff_version == 2
    with pytest.raises(ConflictError, match="changed by Ravi Patel"):
        account_edits.save_kickoff(maya, account_id, KickoffFields(K, "Maya"), seen=1)
    kickoff = account_detail(maya, account_id, TODAY).kickoff
    assert kickoff is not None and kickoff.attendees == "Ana"


def test_a_measurement_over_someone_elses_is_refused_and_undo_keeps_theirs(
    team: tuple[Database, Database, int],
) -> None:
    """Ravi adds Hours (v1) and records 8 h on 1 Apr (v2). Maya, seeing v2, records 6 h on
    2 Apr (v3). Ravi's 7 h over v2 is refused; his undo of 8 h (expects v2) is refused too:
    both measurements stay. Maya's own undo (expects v3) works and redo after it too."""
    ravi, maya, account_id = team
    save_metric(ravi, account_id, HOURS, on=TODAY)
    mine = record_measurement(ravi, account_id, HOURS.name, 8.0, TODAY, on=TODAY, seen=1)
    assert mine.left_at == 2
    (seen_by_maya,) = account_metrics(maya, account_id)
    assert seen_by_maya.version == 2
    theirs = record_measurement(
        maya, account_id, HOURS.name, 6.0, TODAY + dt.timedelta(1), on=TODAY, seen=2
    )
    with pytest.raises(ConflictError, match=r"^“Hours on reporting” was changed by Maya Chen"):
        record_measurement(ravi, account_id, HOURS.name, 7.0, TODAY, on=TODAY, seen=2)
    with pytest.raises(ConflictError, match="changed by Maya Chen"):
        revert(ravi, mine, on=TODAY)
    (metric,) = account_metrics(ravi, account_id)
    assert metric.measurements == ((TODAY, 8.0), (TODAY + dt.timedelta(1), 6.0))
    undone = revert(maya, theirs, on=TODAY)
    assert undone == (metric.id, 4)
    redone = reapply(maya, theirs, on=TODAY, seen=undone.version)
    assert redone.left_at == 5
    (metric,) = account_metrics(ravi, account_id)
    assert (len(metric.measurements), metric.version) == (2, 5)


def test_every_change_records_who_made_it_in_the_timeline(
    team: tuple[Database, Database, int],
) -> None:
    """Maya achieves SSO, Ravi adds a value metric: the timeline names each."""
    ravi, maya, account_id = team
    milestone, seen = sso(ravi, account_id)
    account_edits.set_status(maya, milestone, Status.ACHIEVED, on=TODAY, seen=seen)
    save_metric(ravi, account_id, HOURS, on=TODAY)
    by = {(e.kind, e.by) for e in account_detail(ravi, account_id, TODAY).timeline}
    assert by == {("status", "Maya Chen"), ("value", "Ravi Patel")}
    with ravi.session() as session:
        row = session.get(AccountMilestone, milestone)
        assert row is not None and row.changed_by == "Maya Chen"


def test_todays_lines_carry_the_milestone_version_they_read(
    team: tuple[Database, Database, int],
) -> None:
    """SSO (due 9 Mar = K 2 Mar + 7) is overdue on 1 Apr: Today's lines about it (the
    account's only milestone) read version 1. Maya marks it in progress (version 2): a
    fresh list reads 2, and "Mark achieved" over the line's old version 1 is refused
    naming her."""
    from csm_desktop.services.today import today_list

    ravi, maya, account_id = team
    milestone, _seen = sso(ravi, account_id)

    def versions() -> set[int | None]:
        return {i.milestone_version for i in today_list(ravi, TODAY) if i.nudge.milestone_id}

    assert versions() == {1}
    account_edits.set_status(maya, milestone, Status.IN_PROGRESS, on=TODAY, seen=1)
    assert versions() == {2}
    with pytest.raises(ConflictError, match="“SSO” was changed by Maya Chen"):
        account_edits.set_status(ravi, milestone, Status.ACHIEVED, on=TODAY, seen=1)
    assert account_edits.milestone_state(ravi, milestone).status is Status.IN_PROGRESS
