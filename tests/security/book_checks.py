"""What every attack test checks besides its own outcome: the book is exactly as it was.

``book_state`` is the ``sqlite3`` dump and ``integrity_check`` verdict; ``one_line_error``
checks the CLI's error output is one line without a traceback.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from csm_desktop.store.backups import read_only_uri


def book_state(path: Path) -> tuple[str, str]:
    """The book's full SQL dump and its integrity verdict, read without changing it."""
    conn = sqlite3.connect(read_only_uri(path), uri=True)
    try:
        dump = "\n".join(conn.iterdump())
        verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
    return dump, verdict


def one_line_error(err: str) -> str:
    """The CLI's error output, checked to be exactly one line without a traceback."""
    assert "Traceback" not in err, err
    assert err.count("\n") == 1, err
    assert err.startswith("error: "), err
    return err.strip()
