"""``OwnSaves``: which version a window's next save, undo or redo expects (issue 16)."""

from __future__ import annotations

import datetime as dt

from csm_desktop.ui.controllers.account_versions import OwnSaves

KEY = ("milestone", 7)
AT = dt.datetime(2026, 11, 26, 14, 2)


def test_undos_of_own_edits_follow_the_chain() -> None:
    """E over 1 leaves 2, F over 2 leaves 3. Undo F (expects 3) leaves 4 = the state of 2,
    so undo E expects 4; it leaves 5 = the state of 1, so redo E expects 5."""
    own = OwnSaves()
    own.edited_over(KEY, 1, "Ravi Patel", AT)
    own.wrote(KEY, 2)
    own.edited_over(KEY, 2, "Ravi Patel", AT)
    own.wrote(KEY, 3)
    assert own.expect(KEY, 3) == 3
    own.wrote(KEY, 4, restores=2)
    assert own.expect(KEY, 2) == 4
    own.wrote(KEY, 5, restores=1)
    assert own.expect(KEY, 1) == 5
    assert own.seen(KEY, 1) == 5 and own.seen(KEY, 9) == 9


def test_someone_elses_version_in_the_chain_breaks_it_and_is_named() -> None:
    """E over 1 leaves 2; Maya makes 3; F over 3 leaves 4; undo F leaves 5 = her state.
    Undo E expects 2, which the row has left (refused), and names Maya."""
    own = OwnSaves()
    own.edited_over(KEY, 1, "Ravi Patel", AT)
    own.wrote(KEY, 2)
    own.edited_over(KEY, 3, "Maya Chen", AT)
    own.wrote(KEY, 4)
    own.wrote(KEY, 5, restores=3)
    assert own.expect(KEY, 2) == 2
    assert own.author_between(KEY, 2) == ("Maya Chen", AT)


def test_a_row_made_again_starts_a_chain_of_its_own() -> None:
    """A metric left at 1, deleted and made again at 1 (its redo restores "1"): no link
    from a version to itself, and the next undo expects the new row's 2."""
    own = OwnSaves()
    own.wrote(KEY, 1)
    own.wrote(KEY, 2, restores=1)
    own.wrote(KEY, 1, restores=1)  # made again: versions start over
    own.wrote(KEY, 2)
    assert own.expect(KEY, 2) == 2 and own.expect(KEY, 1) == 1
