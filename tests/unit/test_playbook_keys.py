"""The one template-key rule (domain.playbook_keys), with hand-written cases."""

from __future__ import annotations

from csm_desktop.domain.playbook_keys import MAX_BASE, slug, template_key, unique_key


def test_role_and_title_become_lowercase_words_joined_by_dashes() -> None:
    assert template_key("Power user", "First workflow", set()) == "power-user-first-workflow"


def test_accents_are_folded_as_search_folds_them() -> None:
    """Accents go: "Café" → "cafe", "Łódź" → "lodz" (ł has no decomposition),
    "Straße" → "strasse"."""
    assert template_key("Opérateur", "Café Łódź Straße", set()) == "operateur-cafe-lodz-strasse"


def test_other_scripts_are_kept_readable() -> None:
    assert template_key("Администратор", "Обучение", set()) == "администратор-обучение"


def test_punctuation_and_underscores_are_one_dash_and_never_lead_or_trail() -> None:
    assert template_key("Admin", "  SSO / SAML (v2)!  e_mail ", set()) == "admin-sso-saml-v2-e-mail"
    assert slug("--__--") == ""


def test_copy_mark_never_appears_in_a_new_key() -> None:
    """'@' marks a copy's key (playbook_diff.COPY_MARK); a title with '@' must not fake one."""
    assert template_key("Admin", "Invite @team", set()) == "admin-invite-team"


def test_nothing_usable_falls_back_to_milestone() -> None:
    assert template_key("", "!!!", set()) == "milestone"
    assert template_key("", "", {"milestone"}) == "milestone-2"


def test_collisions_take_the_first_free_number_from_two() -> None:
    taken = {"admin-sso", "admin-sso-2", "admin-sso-4"}
    assert template_key("Admin", "SSO", taken) == "admin-sso-3"
    assert template_key("Admin", "SSO", set()) == "admin-sso"


def test_a_differently_written_title_collides_with_the_same_key() -> None:
    """Titles "SSO!" and "sso" fold to the same words, so the second one is numbered."""
    first = template_key("Admin", "SSO!", set())
    assert template_key("admin", "sso", {first}) == "admin-sso-2"


def test_long_titles_are_cut_without_a_trailing_dash() -> None:
    """Role "A" + 30 × "bc " → "a-bc-bc-…"; cut at MAX_BASE = 60 characters: "a-" plus
    19 × "bc-" is 59 characters, the 60th is "b" of the next word."""
    key = template_key("A", "bc " * 30, set())
    assert len(key) == MAX_BASE
    assert key == "a-" + "bc-" * 19 + "b"
    assert template_key("A", "bc " * 19 + "   x", set()).endswith("bc-x")


def test_unique_key_leaves_a_free_key_alone() -> None:
    assert unique_key("sso@Standard v2", {"sso"}) == "sso@Standard v2"
    assert unique_key("sso@Standard v2", {"sso@Standard v2"}) == "sso@Standard v2-2"
