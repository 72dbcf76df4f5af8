"""How the product compares and counts words: one folding rule, one plural rule.

``fold`` is the search rule: "cafe" finds "Café Lumière", "lodz" finds "Łódź Freight",
"STRASSE" finds "Straße". Unicode decomposition strips combining accents; a few letters that
are not decomposable (ł, ø, đ, ß, æ, œ, ı …) get their usual Latin spelling. Case is folded
with ``str.casefold``. Every search box and name match that should ignore accents calls it.

``did_you_mean`` picks the name a mistyped or shortened one most likely meant.

``name_key`` is the exact-name rule: "acme corp " is "Acme Corp", accents still count.

``plural`` writes "1 account", "2 accounts", "1,234 rows", so no message says "1 accounts".
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable

# Letters without a decomposition that people type without the mark.
_PLAIN = str.maketrans(
    {
        "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ð": "d", "Ð": "d",
        "þ": "th", "Þ": "th", "ß": "ss", "ẞ": "ss", "æ": "ae", "Æ": "ae", "œ": "oe",
        "Œ": "oe", "ı": "i", "ħ": "h", "Ħ": "h", "ŧ": "t", "Ŧ": "t",
    }
)  # fmt: skip


def fold(text: str) -> str:
    """``text`` without case or accents, for comparing what people type with names."""
    if text.isascii():  # nothing to decompose or strip (most names): 20× quicker
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text.translate(_PLAIN))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()


def name_order(name: str) -> str:
    """Where a name sorts among others (the Book's Name column and its first screenful):
    case ignored."""
    return name.casefold()


def name_key(name: str) -> str:
    """How a name typed or read from a file meets a stored name (accounts, milestone titles,
    roles, contacts, playbooks, experiments): case and surrounding space ignored, accents kept
    (a look-up is exact; ``fold`` is for searching). The usage import, its preview, the book
    workbook import and every look-up by name ask it."""
    return name.strip().casefold()


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``count`` with the noun in the right number: "1 account", "3 accounts", "0 rows"."""
    noun = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{count:,} {noun}"


def did_you_mean(typed: str, names: Iterable[str]) -> str | None:
    """The one name ``typed`` most likely meant: the only name that starts with it or
    contains it as a word (ignoring case and accents), else the closest spelling; None when
    nothing is close or several are equally likely."""
    wanted = fold(typed.strip())
    if not wanted:
        return None
    by_fold = {fold(name): name for name in names}
    starting = [name for key, name in by_fold.items() if key.startswith(wanted)]
    if len(starting) == 1:
        return starting[0]
    words = [name for key, name in by_fold.items() if wanted in key.split()]
    if len(words) == 1:
        return words[0]
    if starting or words:
        return None
    close = difflib.get_close_matches(wanted, list(by_fold), n=2, cutoff=0.75)
    return by_fold[close[0]] if len(close) == 1 else None
