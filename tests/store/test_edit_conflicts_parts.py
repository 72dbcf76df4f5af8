"""No lost updates for what has no version of its own (issue 16): contacts, risks and asks
are saved over their account's version, done criteria over their kickoff's, and moving it
on; a re-plan checks every milestone it moves.

Ravi and Maya are two engines on one book (a file, or the server with ``--backend
postgresql``). Acme is at version 2 when created (its playbook set), its one milestone SSO
at version 1 (see ``test_edit_conflicts``).
"""

from __future__ import annotations

import datetime as dt
import pickle
from collections.abc import Iterator

import pytest

from csm_desktop.domain.vocabulary import Status
from csm_desktop.errors import ConflictError
from csm_desktop.services import account_edits
from csm_desktop.services.account_edits import ContactFields, KickoffFields
from csm_desktop.services.account_story import (
    add_ask,
    delete_ask,
    list_asks,
    replan_candidates,
    replan_milestones,
    resolve_ask,
)
from csm_desktop.services.accounts import account_detail
from csm_desktop.store.database import Database
from tests.store.test_edit_conflicts import TODAY, K, acme_team, sso


@pytest.fixture
def team(book: Database) -> Iterator[tuple[Database, Database, int]]:
    yield from acme_team(book)


ACME = r"^“Acme” was changed by Maya Chen at \d\d:\d\d"


def version(book: Database, account_id: int) -> int | None:
    return account_detail(book, account_id, TODAY).version


def test_a_contact_is_saved_over_the_accounts_version_and_moves_it_on(
    team: tuple[Database, Database, int],
) -> None:
    """Ravi adds Ana over version 2 (→ 3). Maya, reading 3, renames her Ana Lima (→ 4).
    Ravi's edit of Ana over 3 is refused naming Maya, and so is removing her: Ana Lima
    stays. Over 4 his edit saves (→ 5)."""
    ravi, maya, account_id = team
    ana, left = account_edits.add_contact(ravi, account_id, ContactFields("Ana"), seen=2)
    assert left == 3
    assert account_edits.update_contact(maya, ana, ContactFields("Ana Lima"), seen=3) == 4
    with pytest.raises(ConflictError, match=ACME):
        account_edits.update_contact(ravi, ana, ContactFields("Ana B."), seen=3)
    with pytest.raises(ConflictError, match=ACME):
        account_edits.remove_contact(ravi, ana, seen=3)
    with pytest.raises(ConflictError, match=ACME):
        account_edits.add_contact(ravi, account_id, ContactFields("Bo"), seen=3)
    detail = account_detail(ravi, account_id, TODAY)
    assert [c.name for c in detail.contacts] == ["Ana Lima"] and detail.version == 4
    assert account_edits.update_contact(ravi, ana, ContactFields("Ana B."), seen=4) == 5


def test_a_contact_edit_refuses_a_stale_account_dialog_in_turn(
    team: tuple[Database, Database, int],
) -> None:
    """Both read Acme at 2; Maya adds a contact (→ 3); Ravi's details over 2 are refused
    (the page he saved from did not show her contact)."""
    ravi, maya, account_id = team
    account_edits.add_contact(maya, account_id, ContactFields("Ana"), seen=2)
    with pytest.raises(ConflictError, match=ACME):
        account_edits.update_account(
            ravi, account_id, account_edits.AccountFields("Acme", seats=9), seen=2
        )
    assert account_detail(ravi, account_id, TODAY).seats is None


def test_a_done_criterion_is_ticked_over_the_kickoffs_version(
    team: tuple[Database, Database, int],
) -> None:
    """Kickoff saved with two criteria (kickoff version 1). Maya ticks the first (→ 2);
    Ravi's tick of the second over 1 is refused naming her; over 2 it saves (→ 3), and
    Maya's kickoff dialog over 2 is then refused: her dialog did not show his tick."""
    ravi, maya, account_id = team
    fields = KickoffFields(K, "Ana", done_criteria=(("Reports run", None), ("SSO on", None)))
    account_edits.save_kickoff(ravi, account_id, fields, seen=0)
    kickoff = account_detail(ravi, account_id, TODAY).kickoff
    assert kickoff is not None
    (first, _t1, _m1), (second, _t2, _m2) = kickoff.done_criteria
    assert account_edits.tick_done_criterion(maya, first, TODAY, seen=1) == 2
    with pytest.raises(ConflictError, match=r"^The kickoff of Acme was changed by Maya Chen"):
        account_edits.tick_done_criterion(ravi, second, TODAY, seen=1)
    assert account_edits.tick_done_criterion(ravi, second, TODAY, seen=2) == 3
    with pytest.raises(ConflictError, match="changed by Ravi Patel"):
        account_edits.save_kickoff(maya, account_id, fields, seen=2)
    kickoff = account_detail(maya, account_id, TODAY).kickoff
    assert kickoff is not None
    assert [met for _id, _text, met in kickoff.done_criteria] == [TODAY, TODAY]


def test_asks_are_saved_over_the_accounts_version(team: tuple[Database, Database, int]) -> None:
    """Ravi keeps an ask over 2 (→ 3); Maya resolves it over 3 (→ 4). Ravi's delete over 3
    is refused naming her, and so is a new ask: the ask stays, resolved."""
    ravi, maya, account_id = team
    ask, left = add_ask(ravi, account_id, "ask", "Sign the DPA", created_on=TODAY, seen=2)
    assert left == version(ravi, account_id) == 3
    assert resolve_ask(maya, ask, TODAY, seen=3) == 4
    with pytest.raises(ConflictError, match=ACME):
        delete_ask(ravi, ask, seen=3)
    with pytest.raises(ConflictError, match=ACME):
        add_ask(ravi, account_id, "risk", "Budget", created_on=TODAY, seen=3)
    assert [(e.id, e.resolved_on) for e in list_asks(ravi, account_id)] == [(ask, TODAY)]
    assert delete_ask(ravi, ask, seen=4) == 5
    assert list_asks(maya, account_id) == [] and version(maya, account_id) == 5


def test_a_replan_checks_every_milestone_it_moves(team: tuple[Database, Database, int]) -> None:
    """SSO (due 9 Mar) is past due on 1 Apr: the re-plan dialog reads it at version 1.
    Maya re-plans it for 20 Apr (→ 2). Ravi's re-plan for 27 Apr over 1 is refused naming
    her; her date stays and nothing of his is logged. Read again (2), his re-plan saves."""
    ravi, maya, account_id = team
    (candidate,) = replan_candidates(ravi, account_id, TODAY)
    assert (candidate.version, candidate.due_on) == (1, dt.date(2026, 3, 9))
    seen = {candidate.id: 1}
    replan_milestones(maya, [candidate.id], dt.date(2026, 4, 20), today=TODAY, seen=seen)
    with pytest.raises(ConflictError, match=r"^“SSO” was changed by Maya Chen"):
        replan_milestones(ravi, [candidate.id], dt.date(2026, 4, 27), today=TODAY, seen=seen)
    step = account_detail(ravi, account_id, TODAY).ladder[0]
    assert (step.replanned_on, step.version) == (dt.date(2026, 4, 20), 2)
    timeline = account_detail(ravi, account_id, TODAY).timeline
    assert sum("re-planned" in line.text for line in timeline) == 1
    moved = replan_milestones(
        ravi, [candidate.id], dt.date(2026, 4, 27), today=TODAY, seen={candidate.id: 2}
    )
    assert {i: state.left_at for i, state in moved.items()} == {candidate.id: 3}
    assert moved[candidate.id].replanned_on == dt.date(2026, 4, 20)  # the state replaced
    assert sso(maya, account_id) == (candidate.id, 3)


def test_a_replan_over_a_milestone_someone_closed_names_them(
    team: tuple[Database, Database, int],
) -> None:
    """Maya marks SSO achieved after the dialog read it: the re-plan is refused naming her
    (not "no longer open"), SSO stays achieved."""
    ravi, maya, account_id = team
    (candidate,) = replan_candidates(ravi, account_id, TODAY)
    account_edits.set_status(maya, candidate.id, Status.ACHIEVED, on=TODAY, seen=1)
    with pytest.raises(ConflictError, match="changed by Maya Chen"):
        replan_milestones(
            ravi, [candidate.id], dt.date(2026, 4, 27), today=TODAY, seen={candidate.id: 1}
        )
    assert account_edits.milestone_state(ravi, candidate.id).status is Status.ACHIEVED


def test_a_kickoff_with_answers_saves_again(team: tuple[Database, Database, int]) -> None:
    """Saved with answers for Administrator and Power user (version 1); saved again with the
    Administrator's answer changed, the Power user's dropped and an Executive's added
    (version 2). Replacing answer rows used to insert the new Administrator answer before
    deleting the old one: the one-answer-per-role constraint refused every second save."""
    ravi, _maya, account_id = team
    first = {"Administrator": "No tickets", "Power user": "Reports run"}
    account_edits.save_kickoff(ravi, account_id, KickoffFields(K, "Ana", answers=first), seen=0)
    again = {"Administrator": "No tickets at all", "Executive sponsor": "Renewal"}
    account_edits.save_kickoff(ravi, account_id, KickoffFields(K, "Ana", answers=again), seen=1)
    detail = account_detail(ravi, account_id, TODAY)
    assert detail.kickoff is not None and detail.kickoff_version == 2
    assert dict(detail.kickoff.answers) == again


def test_a_refusal_over_ones_own_change_says_you(team: tuple[Database, Database, int]) -> None:
    """Maya's own earlier save (another window of hers, or one whose answer the connection
    lost) refuses her stale one too: the refusal says it was her, not only her name."""
    _ravi, maya, account_id = team
    add_ask(maya, account_id, "ask", "Sign the DPA", created_on=TODAY, seen=2)
    with pytest.raises(ConflictError) as refused:
        add_ask(maya, account_id, "ask", "Sign the DPA", created_on=TODAY, seen=2)
    assert refused.value.yours and refused.value.changed_by == "Maya Chen"
    assert str(refused.value).startswith("“Acme” was changed by you (Maya Chen) at ")
    assert str(refused.value).endswith(", after this screen read it — reload to see it.")
    again = pickle.loads(pickle.dumps(refused.value))  # as a worker process hands it over
    assert (str(again), again.yours) == (str(refused.value), True)
