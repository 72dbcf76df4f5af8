"""How the product compares and counts words: one folding rule, one plural rule.

``fold`` is the search rule: "cafe" finds "Café Lumière", "lodz" finds "Łódź Freight",
"STRASSE" finds "Straße". Unicode decomposition strips combining accents; a few letters that
are not decomposable (ł, ø, đ, ß, æ, œ, ı …) get their usual Latin spelling. Case is folded
with ``str.casefold``. Every search box and name match that should ignore accents calls it.

``plural`` writes "1 account", "2 accounts", "1,234 rows", so no message says "1 accounts".
"""

from __future__ import annotations

import unicodedata

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
    decomposed = unicodedata.normalize("NFKD", text.translate(_PLAIN))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``count`` with the noun in the right number: "1 account", "3 accounts", "0 rows"."""
    noun = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{count:,} {noun}"
