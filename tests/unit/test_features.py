"""The feature vocabulary's one matching rule and the names people read."""

from csm_desktop.domain.features import (
    FeatureEntry,
    FeatureVocabulary,
    display_name_from_key,
    feature_match_key,
    fold,
    split_aliases,
)


def test_spellings_of_one_feature_share_a_match_key() -> None:
    spellings = ["User Invited", "user_invited", "userInvited", "USER-INVITED", " Usér invited "]
    assert {feature_match_key(s) for s in spellings} == {"userinvited"}


def test_fold_removes_case_and_accents_including_letters_without_decomposition() -> None:
    assert fold("Łódź Café Lumière Ødegård") == "lodz cafe lumiere odegard"


def test_unnamed_keys_read_as_words() -> None:
    assert display_name_from_key("integration_dashboard") == "Integration dashboard"
    assert display_name_from_key("workflowSchedule") == "Workflow schedule"


def test_vocabulary_resolves_key_name_and_aliases_to_the_key() -> None:
    vocabulary = FeatureVocabulary(
        [FeatureEntry("user_invited", "Invite a teammate", ("Invite sent", "member_added"))]
    )
    for spelling in ["User Invited", "invite a teammate", "Invite-Sent", "memberAdded"]:
        assert vocabulary.resolve(spelling) == "user_invited"
    assert vocabulary.resolve("report_exported") is None
    assert vocabulary.display_name("user_invited") == "Invite a teammate"
    assert vocabulary.display_name("report_exported") == "Report exported"


def test_a_key_wins_over_another_features_alias() -> None:
    vocabulary = FeatureVocabulary(
        [FeatureEntry("export", "", ("report",)), FeatureEntry("report", "Reports")]
    )
    assert vocabulary.resolve("report") == "report"
    assert vocabulary.resolve("export") == "export"


def test_aliases_are_semicolon_separated_and_trimmed() -> None:
    assert split_aliases(" Invite sent ; member_added;;") == ["Invite sent", "member_added"]


def test_feature_names_fold_by_the_one_search_rule() -> None:
    """Feature matching and search share ``domain.text.fold``: "Þróun Straße" and "throun
    strasse" are one feature, as they are one name in a search box."""
    from csm_desktop.domain import text

    assert fold is text.fold
    assert feature_match_key("Þróun Straße") == feature_match_key("throun_strasse")
