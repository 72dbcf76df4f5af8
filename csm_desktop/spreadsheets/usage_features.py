"""Which of a usage file's feature names the book knows, and how each one is stored.

The book's vocabulary (``domain.features``) maps every spelling of a known feature to its
key; a name it does not know is kept as the file spells it, one spelling per feature (by
``feature_match_key``, so "Report Run" and "report_run" in one file stay one feature), and
listed with the nearest known feature, so a typo is seen before it becomes a new feature.
Pure: the preview and the import both ask it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from csm_desktop.domain.features import FeatureVocabulary, feature_match_key

NEAR_CUTOFF = 0.8  # difflib ratio of the match keys: "reprt_run" is near "report_run"


@dataclass(frozen=True, slots=True)
class UnknownFeature:
    """A feature of the file that the book does not know, and the nearest one it knows."""

    name: str
    nearest: str | None = None

    def __str__(self) -> str:
        return f"{self.name} (near {self.nearest})" if self.nearest else self.name


def feature_keys(
    vocabulary: FeatureVocabulary, names: Iterable[str]
) -> tuple[dict[str, str], tuple[UnknownFeature, ...]]:
    """Each name → the key it is stored as, and the names the book does not know."""
    spelled: dict[str, str] = {}
    first_spelling: dict[str, str] = {}  # match key → first spelling seen (sorted order)
    unknown: list[UnknownFeature] = []
    known_keys = {feature_match_key(entry.key): entry.key for entry in vocabulary.entries}
    for name in sorted(set(names)):
        key = vocabulary.resolve(name)
        if key is not None:
            spelled[name] = key
            continue
        match = feature_match_key(name)
        if match not in first_spelling:
            first_spelling[match] = name
            near = difflib.get_close_matches(match, list(known_keys), n=1, cutoff=NEAR_CUTOFF)
            unknown.append(UnknownFeature(name, known_keys[near[0]] if near else None))
        spelled[name] = first_spelling[match]
    return spelled, tuple(unknown)
