"""The folding and plural rules every search and count message uses."""

from __future__ import annotations

import pytest

from csm_desktop.domain.text import did_you_mean, fold, plural


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


def test_did_you_mean_finds_the_one_name_meant() -> None:
    names = [
        "Summit Outdoor Co",
        "Café Lumière SARL",
        "Łódź Freight Sp. z o.o.",
        "Tailspin Freight",
    ]
    assert did_you_mean("Summit", names) == "Summit Outdoor Co"
    assert did_you_mean("cafe lumiere", names) == "Café Lumière SARL"
    assert did_you_mean("Sumit Outdoor Co", names) == "Summit Outdoor Co"  # a typo
    assert did_you_mean("Freight", names) is None  # two accounts: no guess
    assert did_you_mean("Contoso", names) is None


def test_name_key_is_exact_but_for_case_and_surrounding_space() -> None:
    """The look-up rule: "  ACME corp " is "Acme Corp"; "Café" is not "Cafe" (search folds
    accents, a look-up by name does not); inner spaces count."""
    from csm_desktop.domain.text import name_key

    assert name_key("  ACME corp ") == name_key("Acme Corp")
    assert name_key("Café") != name_key("Cafe")
    assert name_key("Acme  Corp") != name_key("Acme Corp")
