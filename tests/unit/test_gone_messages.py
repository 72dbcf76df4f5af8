"""errors.UnknownAccount.gone / BadInput.gone: the one wording of a row deleted since the
screen read it — which row, and what to do — for every kind a service refuses.

The services' own tests pin the account, milestone and value-metric refusals where they
arise; this pins the rest of the family, whose vanished paths a service test rarely reaches.
"""

from __future__ import annotations

import pytest

from csm_desktop.errors import BadInput, UnknownAccount, UserError, Vanished

EXPECTED: dict[Vanished, str] = {
    "milestone": "Milestone #7 no longer exists; refresh the account.",
    "contact": "Contact #7 no longer exists; refresh the account.",
    "criterion": "Criterion #7 no longer exists; refresh the account.",
    "risk or ask": "Risk or ask #7 no longer exists; refresh the account.",
    "renewal": "Renewal #7 no longer exists; refresh the account.",
    "milestone template": "Milestone template #7 no longer exists; refresh the list.",
    "playbook": "Playbook #7 no longer exists; refresh the playbook list.",
    "experiment": "Experiment #7 no longer exists; refresh the list.",
}


@pytest.mark.parametrize("what", sorted(EXPECTED))
def test_each_vanished_row_is_named_with_what_to_do(what: Vanished) -> None:
    refused = BadInput.gone(what, 7)
    assert type(refused) is BadInput and str(refused) == EXPECTED[what]


def test_a_screen_that_differs_says_its_own_next_step() -> None:
    refused = BadInput.gone("playbook", 3, "pick another one")
    assert str(refused) == "Playbook #3 no longer exists; pick another one."


def test_a_gone_account_stays_the_class_the_account_page_goes_back_to_the_book_on() -> None:
    refused = UnknownAccount.gone(42)
    assert type(refused) is UnknownAccount and isinstance(refused, UserError)
    assert str(refused) == "Account #42 no longer exists; refresh the Book."
