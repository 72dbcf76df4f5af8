"""Which book owner a team server's role is (domain/owners.py)."""

from __future__ import annotations

import pytest

from csm_desktop.domain.owners import owner_for_login

OWNERS = ["Maya Chen", "Jonas Keller", "Priya Raman", "José Núñez", "Maya Ortiz"]


@pytest.mark.parametrize(
    ("login", "owner"),
    [
        ("maya_chen", "Maya Chen"),  # the whole name, letters only
        ("MayaChen", "Maya Chen"),
        ("maya.chen", "Maya Chen"),
        ("jonas", "Jonas Keller"),  # a first name only one owner has
        ("jose_nunez", "José Núñez"),  # accents ignored
        ("jose", "José Núñez"),
        ("maya", None),  # two Mayas: not certain, so the team
        ("mchen", None),  # initials are not a name
        ("postgres", None),
        ("", None),
        (None, None),
        ("__", None),
    ],
)
def test_a_role_names_an_owner_only_when_certain(login: str | None, owner: str | None) -> None:
    assert owner_for_login(login, OWNERS) == owner


def test_no_owners_means_nobody() -> None:
    assert owner_for_login("maya", []) is None
