"""How a customer-facing QBR words the book's facts: capabilities, wins, owners.

Customer-facing text never shows an internal feature key (``integration_dashboard``): a key
the vocabulary knows prints by its display name, a key-shaped word nobody named gets a
readable name, and a capability the CSM wrote as words is printed as written.
"""

from __future__ import annotations

import re

from csm_desktop.domain.features import FeatureVocabulary

_KEY_SHAPED = re.compile(r"^[A-Za-z0-9]+(?:[._\-][A-Za-z0-9]+)+$|^[a-z]+(?:[A-Z][a-z0-9]+)+$")


def looks_like_key(text: str) -> bool:
    """One token joined with ``_``, ``.`` or ``-``, or in camelCase: how systems name events."""
    return bool(_KEY_SHAPED.match(text.strip()))


def capability_name(text: str | None, vocabulary: FeatureVocabulary) -> str:
    """What a customer reads for a milestone's unlocked capability or a feature."""
    if not text or not text.strip():
        return ""
    text = text.strip()
    if vocabulary.resolve(text) is not None or looks_like_key(text):
        return vocabulary.display_name(text)
    return text


def can_now_do(capability: str) -> str:
    """A win framed as what the customer can now do: ``You can now use Alert routing.``"""
    if not capability:
        return ""
    return f"You can now use {capability}."


def owner_text(name: str | None, fallback: str) -> str:
    """A person's name, or who to ask for when nobody holds the role yet."""
    return name.strip() if name and name.strip() else fallback
