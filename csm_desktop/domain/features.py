"""The book's feature vocabulary (DESIGN §9) and the one rule for when two names are the same.

Usage exports spell one feature many ways ("User Invited", "user_invited", "userInvited",
"Usér-invited"); criteria, adoption and reports must all count them as one. Every place
that compares feature names asks ``feature_match_key``; every place that shows a feature to a
person asks ``FeatureVocabulary.display_name`` so internal keys never reach a customer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from csm_desktop.domain.text import fold

_SEPARATORS = re.compile(r"[\s_\-.]+")
ALIAS_SEPARATOR = ";"


def feature_match_key(name: str) -> str:
    """The form in which two feature names are compared: case, accents, spaces, ``_``, ``-``
    and ``.`` ignored, so camelCase, snake_case and "Title Case" spellings meet."""
    return _SEPARATORS.sub("", fold(name.strip()))


def display_name_from_key(key: str) -> str:
    """A readable name for a key nobody named yet: "integration_dashboard" → "Integration
    dashboard", "userInvited" → "User invited"."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", key.strip())
    words = _SEPARATORS.sub(" ", spaced).strip().lower()
    return words[:1].upper() + words[1:] if words else key


def split_aliases(text: str) -> list[str]:
    """Aliases as written in the workbook's Features sheet or the app: ``;``-separated."""
    return [alias.strip() for alias in text.split(ALIAS_SEPARATOR) if alias.strip()]


@dataclass(frozen=True, slots=True)
class FeatureEntry:
    """One feature: the key usage rows store, the name people read, other spellings."""

    key: str
    display_name: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.display_name.strip() or display_name_from_key(self.key)


@dataclass(slots=True)
class FeatureVocabulary:
    """The features a book knows, looked up by any spelling of their key, name or aliases."""

    entries: list[FeatureEntry] = field(default_factory=list)
    _by_match: dict[str, FeatureEntry] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        for entry in self.entries:
            self._index(entry)

    def _index(self, entry: FeatureEntry) -> None:
        # The key wins over another entry's alias; the first entry wins among aliases.
        for spelling in (entry.key, entry.display_name, *entry.aliases):
            match = feature_match_key(spelling)
            if match and (match not in self._by_match or spelling == entry.key):
                self._by_match[match] = entry

    def add(self, entry: FeatureEntry) -> None:
        self.entries.append(entry)
        self._index(entry)

    def resolve(self, name: str) -> str | None:
        """The stored key for any spelling of a known feature, or None when unknown."""
        entry = self._by_match.get(feature_match_key(name))
        return entry.key if entry else None

    def display_name(self, key_or_name: str) -> str:
        """What a person reads for a feature: its display name, or a readable form of an
        unknown key; never the raw key of a known feature."""
        entry = self._by_match.get(feature_match_key(key_or_name))
        return entry.label if entry else display_name_from_key(key_or_name)

    def keys(self) -> list[str]:
        return [entry.key for entry in self.entries]

    @classmethod
    def from_keys(cls, keys: Iterable[str]) -> FeatureVocabulary:
        return cls([FeatureEntry(key) for key in keys])
