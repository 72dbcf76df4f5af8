"""``OwnSaves``: which version a window's next save, undo or redo expects (issue 16)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from csm_desktop.ui.controllers.account_versions import OwnSaves, RowMoves, WindowSaves

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


def test_row_moves_follow_a_row_put_back_again_and_again() -> None:
    moves = RowMoves()
    moves.moved(7, 9)  # an undone removal put row 7 back as 9
    moves.moved(9, 12)  # … removed again, and put back as 12
    assert (moves.now(7), moves.now(9), moves.now(12), moves.now(3)) == (12, 12, 12, 3)
    assert (moves.first(12), moves.first(9), moves.first(3)) == (7, 7, 3)
    moves.moved(5, 5)  # put back under its own id: nothing moved
    assert moves.now(5) == 5


def test_a_row_id_given_again_by_a_book_file_is_a_new_row() -> None:
    """SQLite gives a removed row's id to the next new row when it was the largest: the new
    row (made by an edit, or by another row put back) starts no line of moves."""
    moves = RowMoves()
    moves.moved(7, 9)
    moves.moved(9, 7)  # row 9 removed and put back as 7, the id the first row had
    assert moves.now(7) == 7 and moves.now(9) == 7
    moves.moved(4, 6)
    moves.fresh(6)  # … 6 removed, and a new ask made, given id 6
    assert (moves.now(6), moves.first(6)) == (6, 6)
    moves.clear()
    assert moves.now(4) == 4


def test_another_book_forgets_the_moves_of_the_last_one(qtbot: Any) -> None:
    """Row ids of another book number from 1 again: a move remembered from the last book
    would send an undo to the wrong row."""
    from PySide6.QtCore import QObject

    owner = QObject()
    saves = WindowSaves.of_its_own(owner)
    saves.moves("value_metric").moved(1, 2)
    saves.moves("account_ask").moved(3, 4)
    saves.forget()
    assert saves.moves("value_metric").now(1) == 1
    assert saves.moves("account_ask").now(3) == 3
