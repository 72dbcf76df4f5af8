"""Which owner in the book is the CSM signed in to a team server.

A CSM signs in as their own database role (``maya``, ``maya_chen``, ``mchen``…) while the
book names owners as people read them ("Maya Chen"). The role is the owner whose name,
folded (case and accents ignored) and with everything but letters and digits dropped, equals
the role's, or else whose first name alone does, when only one owner has that first name.
Anything less certain names nobody: the window then shows the whole team.
"""

from __future__ import annotations

from collections.abc import Iterable

from csm_desktop.domain.text import fold


def _letters(text: str) -> str:
    return "".join(ch for ch in fold(text) if ch.isalnum())


def owner_for_login(login: str | None, owners: Iterable[str]) -> str | None:
    """The owner ``login`` (a database role) names, or None when none does for certain."""
    if not login:
        return None
    wanted = _letters(login)
    if not wanted:
        return None
    names = sorted(set(owners))
    whole = [name for name in names if _letters(name) == wanted]
    if len(whole) == 1:
        return whole[0]
    first = [name for name in names if name.split() and _letters(name.split()[0]) == wanted]
    return first[0] if len(first) == 1 else None
