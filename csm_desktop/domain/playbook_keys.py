"""The one rule for naming a new milestone template's key.

A key is how a CSM names a step where a title is not precise enough (an experiment's ordering
is typed as template keys, one per line), so it must be easy to type and never change under
an accent: it is the role and the title folded the way search folds names (``text.fold``:
"Café" → "cafe", "Łódź" → "lodz"), every run of anything that is not a letter or digit made
one ``-``, at most ``MAX_BASE`` characters. Letters of other scripts are kept ("Обучение"
stays readable). An empty result becomes ``milestone``. A key already taken gets ``-2``,
``-3``… (the first free one), so a key is unique in the book.

The editor's "new milestone" and the book-workbook import both call ``template_key``; a copy
of a shared template keeps its lineage key (``playbook_diff.copy_key``) and only goes through
``unique_key``.
"""

from __future__ import annotations

import re
from collections.abc import Container

from csm_desktop.domain.text import fold

# Long titles make long keys nobody types; the suffix for uniqueness comes on top.
MAX_BASE = 60
FALLBACK = "milestone"

_SEPARATORS = re.compile(r"[\W_]+")


def slug(text: str) -> str:
    """``text`` as lowercase unaccented words joined by ``-`` (may be empty)."""
    return _SEPARATORS.sub("-", fold(text)).strip("-")


def unique_key(wanted: str, taken: Container[str]) -> str:
    """``wanted`` itself if free, else the first of ``wanted-2``, ``wanted-3``… not taken."""
    key, n = wanted, 2
    while key in taken:
        key, n = f"{wanted}-{n}", n + 1
    return key


def template_key(role: str, title: str, taken: Container[str]) -> str:
    """The key of a new template for ``title`` done by ``role``, unique against ``taken``."""
    base = slug(f"{role} {title}")[:MAX_BASE].rstrip("-") or FALLBACK
    return unique_key(base, taken)
