"""The folding and plural rules every search and count message uses."""

from __future__ import annotations

import pytest

from csm_desktop.domain.text import fold, plural


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("cafe", "Café Lumière SARL"),
        ("lodz", "Łódź Freight Sp. z o.o."),
        ("LODZ", "łódź"),
        ("odegard", "Zoë Ødegård"),
        ("strasse", "Hauptstraße"),
        ("θαλασσα", "Θάλασσα Shipping"),
    ],
)
def test_fold_finds_the_name_without_accents_or_case(typed: str, name: str) -> None:
    assert fold(typed) in fold(name)


def test_fold_keeps_letters_that_are_not_accents() -> None:
    assert fold("Café") == "cafe"
    assert fold("Łódź") == "lodz"
    assert fold("ACC-1040") == "acc-1040"
    assert fold("cafe") not in fold("Cofe")


def test_plural_says_one_account_and_many_accounts() -> None:
    assert plural(1, "account") == "1 account"
    assert plural(0, "account") == "0 accounts"
    assert plural(1234, "row") == "1,234 rows"
    assert plural(2, "activity", "activities") == "2 activities"
