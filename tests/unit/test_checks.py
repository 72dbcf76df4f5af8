"""services.checks.choose: the one rule for a word picked from a short list."""

from __future__ import annotations

import pytest

from csm_desktop.errors import BadInput
from csm_desktop.services.checks import choose

KINDS = ("reference", "case study", "review")


def test_a_choice_is_read_ignoring_case_and_surrounding_spaces() -> None:
    assert choose("  Case Study ", KINDS, "advocacy") == "case study"
    assert choose("REVIEW", KINDS, "advocacy") == "review"


@pytest.mark.parametrize("typed", ["blog post", "", "case  study", "reviews"])
def test_anything_else_is_refused_naming_every_choice(typed: str) -> None:
    with pytest.raises(BadInput) as refused:
        choose(typed, KINDS, "advocacy")
    assert str(refused.value) == (
        f"Unknown advocacy “{typed}”; use one of reference, case study, review."
    )
