"""Reading a book workbook in a background thread while the command loads the book code.

``import-book`` starts ``BookReadAhead`` before it imports SQLAlchemy and opens the book:
python-calamine reads a sheet with the GIL released and the hostile-file checks are mostly
zlib, so the read runs on a second core beside the imports (the same idea as import-usage's
``usage_source.ReadAhead``). This module imports no database code on purpose.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from csm_desktop.services.gc_pause import gc_paused
from csm_desktop.spreadsheets.usage_headers import parse_column_map  # not usage_files: 47 ms

__all__ = ["BookReadAhead", "parse_column_map"]

if TYPE_CHECKING:
    from csm_desktop.spreadsheets.book_workbook import BookReading


class BookReadAhead:
    """``read_book_workbook`` of ``path`` in a daemon thread (a command that stops early does
    not wait for it); ``result`` waits for it and hands the reading over, or raises what the
    read raised (a hostile or unreadable file: ``BadFile``), at the point the command would
    have read the file itself. Python's cyclic collector is paused meanwhile (a million
    objects and no cycles, see ``services.gc_pause``).

    ``checked`` is set once the file's hostile-file checks are done (passed or not): the
    command waits for it before loading the book code. The checks give the GIL up and take
    it back a few times for every MiB (zlib, the CRC) and the imports hold it: side by side
    each of those takes waits for the importing thread's 5 ms switch interval (the
    5,000-account book's check: 0.46–0.55 s alone, 0.75–1.1 s beside a busy thread, on a
    loaded host). Once calamine reads a sheet (one long call without the GIL) the imports
    run beside it instead."""

    def __init__(
        self, path: Path, sheet: str | None = None, column_map: Mapping[str, str] | None = None
    ) -> None:
        self._reading: BookReading | None = None
        self._error: BaseException | None = None
        self.checked = threading.Event()
        self._thread = threading.Thread(
            target=self._run,
            args=(Path(path), sheet, column_map),
            name="book read-ahead",
            daemon=True,
        )
        self._thread.start()

    def _run(self, path: Path, sheet: str | None, column_map: Mapping[str, str] | None) -> None:
        with gc_paused():
            try:
                from csm_desktop.spreadsheets.book_workbook import read_book_workbook

                self._reading = read_book_workbook(
                    path, sheet=sheet, column_map=column_map, checked=self.checked.set
                )
            except BaseException as exc:  # handed to the caller by result()
                self._error = exc
            finally:
                self.checked.set()

    def result(self) -> BookReading:
        """The reading, once done; re-raises what the read raised. Handed over once (the
        thread keeps no reference: the rows are freed when the import is done with them)."""
        self._thread.join()
        error, self._error = self._error, None
        if error is not None:
            raise error
        reading, self._reading = self._reading, None
        if reading is None:
            raise RuntimeError("the read-ahead's reading was already handed over")
        return reading
