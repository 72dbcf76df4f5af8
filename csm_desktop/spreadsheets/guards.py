"""Refuse hostile or absurd spreadsheet files before any parser sees them.

A .xlsx file is a zip of XML parts, and parsers trust what the zip declares: a zip bomb
inflates until memory runs out, an XML entity bomb expands a few bytes into gigabytes, and a
sheet with millions of rows is materialised in full before anyone can count them. So this
module inflates every part itself, in bounded chunks, and stops at the first sign of
trouble: declared or real sizes beyond the limits, a compression ratio no real workbook has,
an XML document type declaration (the carrier of entity bombs; Office never writes one), or
more rows than Excel itself allows. A sheet's *extent* is checked too: readers allocate a
dense grid from A1 to the farthest cell, so one cell at XFD1048576 in a 1.7 KB file asks
for 17 billion cells (an abort, or tens of GB), and one at CV500000 below ten rows of data
costs gigabytes and half a million blank rows. The declared ``<dimension>`` and every cell
reference are read before any reader runs. Every refusal is a ``BadFile`` whose one-line message
names the file and the part at fault.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path
from typing import NamedTuple

from csm_desktop.errors import BadFile

MiB = 1024 * 1024


class Limits(NamedTuple):
    """How much a usage file may hold; the defaults come from Excel's own limits.

    A named tuple, like the usage source's other records imported before its read-ahead
    starts (``services.usage_source``): ``dataclasses`` costs ~11 ms of imports there."""

    max_rows: int = 1_048_576  # rows per sheet in Excel
    max_cell_chars: int = 32_767  # characters per cell in Excel; a cell this long is absurd
    max_file_bytes: int = 512 * MiB  # the file on disk
    max_unpacked_bytes: int = 1024 * MiB  # all parts of a workbook once inflated
    max_ratio: int = 200  # real workbooks compress 5-50×; deflate's ceiling is ~1032×
    ratio_floor_bytes: int = 32 * MiB  # a part smaller than this is harmless at any ratio
    max_parts: int = 10_000
    chunk_bytes: int = 1 * MiB
    # A grid this big from A1 costs ~1 GB in the reader (calamine: ~40 bytes a cell).
    max_sheet_cells: int = 25_000_000
    # The farthest row may lie this far below the real rows (blank rows between are cheap
    # only up to a point): more means a stray cell, not data.
    stray_row_slack: int = 10_000
    # Up to this many inflated bytes every cell reference is read (exact); beyond, only the
    # last reference of each chunk: rows and cells are in order in every real workbook, and
    # reading all references of a 180,000-row sheet would double the guard's time.
    exact_extent_bytes: int = 1 * MiB


DEFAULT_LIMITS = Limits()

_FORBIDDEN_XML = (b"<!DOCTYPE", b"<!ENTITY")
# "<row" also matches "<rowBreaks", at most one per sheet: harmless for a limit of a million.
_ROW_TAG = b"<row"
_TAIL = 16  # bytes kept from the previous chunk so a tag split across chunks is still seen


def check_file_size(path: Path, limits: Limits = DEFAULT_LIMITS) -> int:
    """The file's size in bytes; refuses a missing, empty or oversized file."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise BadFile(f"Cannot read {path}: {exc.strerror}. Check the file name.") from exc
    if path.is_dir():
        raise BadFile(f"{path} is a folder, not a spreadsheet. Choose a .xlsx or .csv file.")
    if size == 0:
        raise BadFile(f"{path.name} is empty (0 bytes). Export the usage data again.")
    if size > limits.max_file_bytes:
        raise BadFile(
            f"{path.name} is {size // MiB} MiB, more than the {limits.max_file_bytes // MiB} "
            "MiB a usage file may have. Split it into smaller files."
        )
    return size


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound files: .xls, .doc, encrypted .xlsx
# Excel saves a password-protected .xlsx as a compound file holding these two streams; their
# names sit in the file's directory (UTF-16) near the start.
_ENCRYPTED_STREAMS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
_DIRECTORY_SCAN_BYTES = 4 * MiB


def check_not_encrypted(path: Path) -> None:
    """Refuse a password-protected workbook with what to do, before it is taken for an .xls.

    Only looks at compound files (which start with the OLE signature); others pass.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(_DIRECTORY_SCAN_BYTES)
    except OSError:
        return  # the readers say why the file cannot be read
    if head.startswith(OLE_MAGIC) and all(name in head for name in _ENCRYPTED_STREAMS):
        raise BadFile(
            f"{path.name} is encrypted (saved with a password). Open it in Excel, remove the "
            "password (File → Info → Protect Workbook → Encrypt with Password, clear it), "
            "save it, and import it again."
        )


def check_workbook(path: Path, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse a .xlsx/.xlsm that is not a workbook, or is a zip or XML bomb.

    Declared sizes are checked first (cheap), then every part is really inflated with a cap,
    because a zip's declared sizes may lie.
    """
    check_file_size(path, limits)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise BadFile(
            f"{path.name} is not an Excel workbook (.xlsx/.xlsm): it is damaged or another "
            "kind of file. Open it in Excel and save it again as .xlsx or CSV."
        ) from exc
    with archive:
        members = archive.infolist()
        _check_declared(path, members, limits)
        names = {info.filename for info in members}
        if "xl/workbook.xml" not in names:
            raise BadFile(
                f"{path.name} is a zip file but not an Excel workbook (no xl/workbook.xml). "
                "Save the usage data as .xlsx or CSV."
            )
        unpacked = 0
        for info in members:
            if info.is_dir():
                continue
            unpacked = _inflate_part(path, archive, info, unpacked, limits)


def _check_declared(path: Path, members: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(members) > limits.max_parts:
        raise BadFile(
            f"{path.name} holds {len(members)} parts; no real workbook has that many. "
            "It was refused as a possible zip bomb."
        )
    declared = 0
    for info in members:
        if info.flag_bits & 0x1:
            raise BadFile(
                f"{path.name} is password-protected ({info.filename} is encrypted). "
                "Remove the password in Excel and save it again."
            )
        declared += info.file_size
        _check_ratio(path, info.filename, info.file_size, info.compress_size, limits, "declares")
    if declared > limits.max_unpacked_bytes:
        raise BadFile(
            f"{path.name} declares {declared // MiB} MiB of content once unpacked, more than "
            f"{limits.max_unpacked_bytes // MiB} MiB. It was refused as a possible zip bomb; "
            "split the data into smaller files."
        )


def _check_ratio(
    path: Path, part: str, inflated: int, compressed: int, limits: Limits, verb: str
) -> None:
    if inflated > limits.ratio_floor_bytes and inflated > limits.max_ratio * max(compressed, 1):
        raise BadFile(
            f"{path.name}: part {part} {verb} {inflated // MiB} MiB from {compressed} bytes "
            f"(more than {limits.max_ratio}× compression). It was refused as a zip bomb."
        )


def _inflate_part(
    path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, unpacked: int, limits: Limits
) -> int:
    """Inflate one part with a cap; returns the running total of inflated bytes."""
    name = info.filename
    is_xml = name.endswith((".xml", ".rels", ".vml"))
    is_sheet = name.startswith("xl/worksheets/") and name.endswith(".xml")
    part_bytes = 0
    rows = 0
    tail = b""
    extent = SheetExtent(exact=True)
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(limits.chunk_bytes):
                part_bytes += len(chunk)
                unpacked += len(chunk)
                if unpacked > limits.max_unpacked_bytes:
                    raise BadFile(
                        f"{path.name}: part {name} inflates beyond "
                        f"{limits.max_unpacked_bytes // MiB} MiB in all. It was refused as a "
                        "possible zip bomb; split the data into smaller files."
                    )
                _check_ratio(path, name, part_bytes, info.compress_size, limits, "inflates to")
                if is_xml:
                    # A marker cut at the chunk boundary lies in ``seam``; one wholly inside
                    # the tail or the chunk is seen there. Markers are shorter than _TAIL.
                    # Every marker holds "!", rare in a sheet and found at memchr speed
                    # ("<!" is not: "<" starts every tag, 40 ms for a 45 MB sheet).
                    seam = tail + chunk[:_TAIL]
                    if (b"!" in chunk or b"!" in seam) and any(
                        marker in chunk or marker in seam for marker in _FORBIDDEN_XML
                    ):
                        raise BadFile(
                            f"{path.name}: part {name} contains an XML document type "
                            "declaration, which Excel never writes (a possible entity bomb). "
                            "The file was refused; export it again from the source system."
                        )
                    if is_sheet:
                        if part_bytes > limits.exact_extent_bytes:
                            extent.exact = False
                        extent.feed(chunk, seam, first=part_bytes == len(chunk))
                        rows += chunk.count(_ROW_TAG) + seam.count(_ROW_TAG)
                        rows -= tail.count(_ROW_TAG) + chunk[:_TAIL].count(_ROW_TAG)
                        if rows > limits.max_rows:
                            raise BadFile(
                                f"{path.name}: sheet part {name} has more than "
                                f"{limits.max_rows:,} rows, more than Excel allows. "
                                "Split the data into smaller files."
                            )
                    tail = chunk[-_TAIL:]
        if is_sheet:
            extent.check(path, name, rows, limits)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise BadFile(
            f"{path.name}: part {name} cannot be unpacked ({exc}). The file is damaged; "
            "open it in Excel and save it again."
        ) from exc
    return unpacked


# ---- sheet extents --------------------------------------------------------------------------

# A cell or row reference: ``r="CV500000"`` on a cell, ``r="500000"`` on a row. The patterns
# start with the literal ``r=`` so the regular-expression engine can skip ahead quickly.
_REFERENCE = re.compile(rb"""r=["']([A-Za-z]*)([0-9]+)["']""")
_DIMENSION = re.compile(
    rb"""<(?:\w+:)?dimension\s+ref=["'](?:[A-Za-z]+[0-9]+:)?([A-Za-z]+)([0-9]+)["']"""
)
_MAX_LETTERS, _MAX_DIGITS = 3, 7  # XFD, 1048576


def column_number(letters: str) -> int:
    """``A`` → 1, ``CV`` → 100, ``XFD`` → 16384 (the one rule; 0-based callers go through
    ``usage_headers.column_letter`` and ``column_from_letters``)."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def column_letters(number: int) -> str:
    """1 → ``A``, 100 → ``CV``, 16384 → ``XFD``."""
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


class SheetExtent:
    """The farthest row and column a sheet part refers to, gathered chunk by chunk."""

    def __init__(self, *, exact: bool) -> None:
        self.exact = exact
        self.max_row = 0
        self.max_column = 0
        self.declared: tuple[str, int] | None = None
        self.absurd: bytes | None = None  # a reference beyond XFD1048576

    def _see(self, letters: bytes, digits: bytes) -> None:
        if len(letters) > _MAX_LETTERS or len(digits) > _MAX_DIGITS:
            self.absurd = letters + digits
            return
        self.max_row = max(self.max_row, int(digits))
        if letters:
            self.max_column = max(self.max_column, column_number(letters.decode("ascii")))

    def feed(self, chunk: bytes, seam: bytes, *, first: bool) -> None:
        # The pattern's literal found first at memchr speed: a sheet without a <dimension>
        # (the app's own export) cost the regular expression a scan of its first MiB (10 ms).
        if first and b"dimension" in chunk and (declared := _DIMENSION.search(chunk)):
            letters, digits = declared.group(1), declared.group(2)
            if len(letters) > _MAX_LETTERS or len(digits) > _MAX_DIGITS:
                self.absurd = letters + digits
            else:
                self.declared = (letters.decode("ascii").upper(), int(digits))
        for text in (chunk, seam):
            if not self.exact:
                last = text.rfind(b'r="')
                if last >= 0 and (found := _REFERENCE.match(text, last)):
                    self._see(found.group(1), found.group(2))
                continue
            references = _REFERENCE.findall(text)
            if not references:
                continue
            all_letters, all_digits = zip(*references, strict=True)
            # The longest spelling (leading zeros aside) is the biggest number; among equals,
            # the greatest text. Each row's number repeats in every cell: compare it once.
            longest = max(set(all_digits), key=lambda digits: (len(digits.lstrip(b"0")), digits))
            widest = max(set(all_letters), key=lambda letters: (len(letters), letters.upper()))
            self._see(widest, longest)

    def check(self, path: Path, part: str, rows: int, limits: Limits) -> None:
        """Refuse the part when its grid would be absurd (see the module docstring)."""
        where = f"{path.name}: sheet part {part}"
        if self.absurd is not None:
            raise BadFile(
                f"{where} refers to a cell beyond Excel's last one "
                f"({self.absurd.decode('ascii', 'replace')[:20]}). The file is damaged or "
                "hostile; export it again from the source system."
            )
        if self.declared is not None:
            letters, row = self.declared
            if row * column_number(letters) > limits.max_sheet_cells:
                raise BadFile(
                    f"{where} declares a size up to cell {letters}{row} "
                    f"({row * column_number(letters):,} cells), far more than a usage file "
                    "holds. Delete the empty rows and columns, save it again, and import it."
                )
        cells = self.max_row * max(self.max_column, 1)
        farthest = f"{column_letters(max(self.max_column, 1))}{self.max_row}"  # the grid's corner
        if cells > limits.max_sheet_cells:
            raise BadFile(
                f"{where} reaches cell {farthest} ({cells:,} cells from A1), far more than a "
                "usage file holds. Delete the stray cells (Ctrl+End in Excel shows the last "
                "one), save it again, and import it."
            )
        if self.max_row > rows * 2 + limits.stray_row_slack:
            raise BadFile(
                f"{where} has a stray cell at {farthest}, far below its {rows:,} rows of "
                "data. Delete it (Ctrl+End in Excel shows it), save the file again, and "
                "import it."
            )


def check_zip_parts(path: Path, archive: zipfile.ZipFile, limits: Limits = DEFAULT_LIMITS) -> None:
    """The zip checks of ``check_workbook`` for any zip-based spreadsheet (e.g. .ods, vetted
    by ``ods_guard``): declared sizes, then every part inflated with a cap, no DTD."""
    members = archive.infolist()
    _check_declared(path, members, limits)
    unpacked = 0
    for info in members:
        if not info.is_dir():
            unpacked = _inflate_part(path, archive, info, unpacked, limits)
