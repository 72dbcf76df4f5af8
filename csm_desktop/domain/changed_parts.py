"""What a dialog's save writes: only the parts the user changed from what it opened with.

In team mode (issue 16) a save refused over a teammate's change keeps the dialog open, and
OK again saves over the version now stored. The dialog still shows what it opened with for
every part the user did not touch; writing those back would undo the teammate's change
without telling anyone. So a save made from a dialog that knows what it opened with writes
only the parts that differ from it, and the stored row keeps the rest. The account,
contact, kickoff and value-metric saves all ask this one rule (``services.account_edits``,
``services.value_metrics``); each says what its parts are (a part may be several fields
that only make sense together, e.g. a baseline and the day it was measured).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

Fields = TypeVar("Fields")
Value = TypeVar("Value")


def changed_parts(
    edited: Fields, opened: Fields | None, parts: Callable[[Fields], Mapping[str, Value]]
) -> dict[str, Value]:
    """The parts of ``edited`` (by name, as ``parts`` reads them) that differ from
    ``opened``; every part when ``opened`` is None (a new row, or a save that did not come
    from a dialog)."""
    now = parts(edited)
    if opened is None:
        return dict(now)
    before = parts(opened)
    return {part: value for part, value in now.items() if value != before[part]}
