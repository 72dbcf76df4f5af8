"""A usage file, vetted once and read once: the source an import works from.

The hostile-file checks (``spreadsheets.guards``), the choice of sheet, the read of its
cells and the file's digest happen here, in that order, so the rest of the import never
opens the file again. This module imports no database code on purpose: the command line
starts ``ReadAhead`` before it loads SQLAlchemy and opens the book, and the checks and the
read (mostly zlib and python-calamine, which release the GIL) overlap that work on a second
core.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import NamedTuple

from csm_desktop.errors import BadFile
from csm_desktop.services.gc_pause import gc_paused
from csm_desktop.spreadsheets.guards import DEFAULT_LIMITS, Limits, check_workbook
from csm_desktop.spreadsheets.json_rows import is_json_file, read_json_table
from csm_desktop.spreadsheets.ods_guard import check_ods, is_ods
from csm_desktop.spreadsheets.readers import SheetTable, file_kind, read_table, sheet_names


class UsageSource(NamedTuple):
    """What an import needs from the file: its sheets, the chosen sheet's cells, its digest.
    (A named tuple: see ``guards.Limits``.)"""

    path: Path
    sheet: str | None  # as asked for (None: detected); the table says which was read
    sheet_names: tuple[str, ...]
    table: SheetTable
    sha256: str


def read_usage_source(
    path: Path, sheet: str | None = None, *, limits: Limits = DEFAULT_LIMITS
) -> UsageSource:
    """Vet ``path``, pick the sheet (given, "Usage", or the first with a usage header), read
    its cells and hash the file. Raises ``BadFile`` for a hostile or unreadable file."""
    names, chosen = vet_and_choose_sheet(path, sheet, limits)
    table = read_usage_table(path, chosen, limits=limits)
    return UsageSource(path, sheet, names, table, file_sha256(path))


def read_usage_table(
    path: Path,
    sheet: str | None,
    *,
    limits: Limits = DEFAULT_LIMITS,
    max_rows: int | None = None,
) -> SheetTable:
    """One sheet of a vetted workbook, a CSV file, or the records of a JSON file."""
    if is_json_file(path):
        return read_json_table(path, limits=limits, max_rows=max_rows)
    return read_table(path, sheet, limits=limits, max_rows=max_rows, vetted=True)


def vet_and_choose_sheet(
    path: Path, sheet: str | None, limits: Limits
) -> tuple[tuple[str, ...], str | None]:
    """Run the hostile-file checks once and pick the sheet: given, "Usage", or the first
    whose top rows hold a usage header."""
    if file_kind(path, limits) == "csv":
        return (), None
    if is_ods(path):
        check_ods(path, limits)
    else:
        check_workbook(path, limits)
    names = sheet_names(path, limits, vetted=True)
    if sheet is not None or len(names) <= 1:
        return names, sheet
    for name in names:
        if name.strip().casefold() == "usage":
            return names, name
    from csm_desktop.spreadsheets.usage_layout import HEADER_SCAN_ROWS, find_header_row

    for name in names:
        top = read_table(path, name, limits=limits, max_rows=HEADER_SCAN_ROWS, vetted=True)
        try:
            find_header_row(top.rows, top.where)
        except BadFile:
            continue
        return names, name
    return names, names[0]


def file_sha256(path: Path) -> str:
    """The file's SHA-256, recorded with the import (which file was this?)."""
    import hashlib  # here, after the read: OpenSSL's start-up is not on the way to it

    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


class ReadAhead:
    """``read_usage_source`` in a background thread: ``vetted`` and ``result`` wait for it.

    The hostile-file checks and the choice of sheet run first in that thread, then the read
    (both mostly zlib and python-calamine, which release the GIL), beside the caller's
    imports of the book code. ``vetted`` waits for the checks only and raises what they
    raised, so the command refuses a hostile file before it opens or backs up the book;
    ``result`` hashes the file on the caller's thread, which has nothing else to do while the
    read runs (hashing releases the GIL), then waits for the read and hands the source over
    (the thread keeps no reference, so the cells are freed when the import is done with
    them). Python's cyclic collector is
    paused from the start (a million cells and no cycles: each pass would walk them all
    again; meanwhile the caller loads SQLAlchemy and the models, ~70,000 objects that the
    collector would also walk over and over as they are made). The thread is a daemon: a
    command that stops early (no book, say) does not wait for a read nobody uses.
    """

    def __init__(self, path: Path, sheet: str | None, limits: Limits = DEFAULT_LIMITS) -> None:
        self.path, self.sheet = Path(path), sheet
        self._read: tuple[tuple[str, ...], SheetTable] | None = None
        self._error: BaseException | None = None
        self.checked = threading.Event()
        """Set once the hostile-file checks are done, passed or not."""
        self._thread = threading.Thread(
            target=self._run, args=(limits,), name="usage read-ahead", daemon=True
        )
        self._thread.start()

    def _run(self, limits: Limits) -> None:
        with gc_paused():
            self._vet_and_read(limits)

    def _vet_and_read(self, limits: Limits) -> None:
        try:
            names, chosen = vet_and_choose_sheet(self.path, self.sheet, limits)
        except BaseException as exc:  # handed to the caller by vetted() and result()
            self._error = exc
            return
        finally:
            self.checked.set()
        try:
            self._read = (names, read_usage_table(self.path, chosen, limits=limits))
        except BaseException as exc:  # handed to the caller by result()
            self._error = exc

    def vetted(self) -> None:
        """Wait for the hostile-file checks; re-raises what they (or a read already over)
        raised."""
        self.checked.wait()
        if self._error is not None:
            raise self._error

    def result(self) -> UsageSource:
        """The source, once read; re-raises what the checks or the read raised."""
        self.vetted()  # a hostile file is not hashed
        digest = file_sha256(self.path)  # while the read may still run
        self._thread.join()
        if self._error is not None:
            raise self._error
        read, self._read = self._read, None
        if read is None:
            raise RuntimeError("the read-ahead's source was already handed over")
        names, table = read
        return UsageSource(self.path, self.sheet, names, table, digest)
