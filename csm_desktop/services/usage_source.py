"""A usage file, vetted once and read once: the source an import works from.

The hostile-file checks (``spreadsheets.guards``), the choice of sheet, the read of its
cells and the file's digest happen here, in that order, so the rest of the import never
opens the file again. This module imports no database code on purpose: the command line
starts ``read_ahead`` before it loads SQLAlchemy and opens the book, and the read (mostly
python-calamine and zlib, which release the GIL) overlaps that work on a second core.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

from csm_desktop.errors import BadFile
from csm_desktop.spreadsheets.guards import DEFAULT_LIMITS, Limits, check_workbook
from csm_desktop.spreadsheets.json_rows import is_json_file, read_json_table
from csm_desktop.spreadsheets.ods_guard import check_ods, is_ods
from csm_desktop.spreadsheets.readers import SheetTable, file_kind, read_table, sheet_names
from csm_desktop.spreadsheets.usage_layout import HEADER_SCAN_ROWS, find_header_row


@dataclass(frozen=True, slots=True)
class UsageSource:
    """What an import needs from the file: its sheets, the chosen sheet's cells, its digest."""

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
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


class ReadAhead:
    """``read_usage_source`` with the read in a background thread; ``result`` waits for it.

    The hostile-file checks and the choice of sheet run at once, in the caller's thread
    (they are Python work that would only contend for the GIL), so a refused file fails
    here; the read itself (python-calamine, which releases the GIL) runs beside the caller.
    A failure of the read is raised by ``result`` in the caller's thread. The thread is a
    daemon: a command that stops early (no book, say) does not wait for a read nobody uses.
    """

    def __init__(self, path: Path, sheet: str | None, limits: Limits = DEFAULT_LIMITS) -> None:
        self.path, self.sheet = Path(path), sheet
        self._names, chosen = vet_and_choose_sheet(self.path, sheet, limits)
        self._source: UsageSource | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._run, args=(chosen, limits), name="usage read-ahead", daemon=True
        )
        self._thread.start()

    def _run(self, chosen: str | None, limits: Limits) -> None:
        try:
            table = read_usage_table(self.path, chosen, limits=limits)
            digest = file_sha256(self.path)
            self._source = UsageSource(self.path, self.sheet, self._names, table, digest)
        except BaseException as exc:  # handed to the caller by result()
            self._error = exc

    def result(self) -> UsageSource:
        """The source, once read; re-raises what the read raised."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._source is not None
        return self._source
