"""A minimal streaming .xlsx writer: sheets of plain cells written row by row into the zip.

openpyxl's write-only mode keeps memory flat but builds an XML element per cell: exporting
50,000 accounts (1.1 million rows) took 386 s (issue 17). The book workbook needs little of
the format, so this writes it directly: inline strings (no shared-string table to hold in
memory), numbers, dates as serial numbers in a ``yyyy-mm-dd`` style, a bold header row,
column widths and the header frozen. The result opens in Excel and LibreOffice and reads
back identically with python-calamine and openpyxl (tests/spreadsheets).

Cells are ``None`` (left empty), ``str``, ``int``, ``float`` or ``datetime.date``; text is
written as given (neutralising formulas is the caller's job) minus the control characters
XML cannot hold.
"""

from __future__ import annotations

import datetime as dt
import functools
import queue
import re
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from csm_desktop.spreadsheets.guards import column_letters

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 (after its 1900 leap-year quirk)
_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")  # what XML 1.0 cannot hold
_HEADER_STYLE = 1

_STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def escape(value: str) -> str:
    """``value`` as XML character data: ``xml.sax.saxutils.escape``, which would import
    ``urllib.request`` (40 ms) into every command that reads or writes a book."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _text(value: str) -> str:
    return escape(_ILLEGAL.sub("", value))


# Short cell texts repeat row after row (account names, feature keys, statuses): each
# distinct one is escaped here, or neutralised by ``book_cells``, once (an export of 10 million
# usage rows, issue 17). Long ones (notes, up to 32,767 characters) are not kept.
SHORT_TEXT = 200  # characters
keep_short_texts = functools.lru_cache(maxsize=1 << 16)


def text_cell(value: str) -> str:
    """A text cell's XML after its reference (``<c r="A2``), escaped (short ones once)."""
    return _inline_short(value) if len(value) <= SHORT_TEXT else _inline_text(value)


def _inline_text(value: str) -> str:
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f'" t="inlineStr"><is><t{space}>{_text(value)}</t></is></c>'


_inline_short = keep_short_texts(_inline_text)


def date_serial(day: dt.date) -> int:
    """Excel's serial number of ``day`` (a date cell holds it, styled as a date)."""
    return (day - _EPOCH).days


DATE_STYLE = 2  # the style of a date cell: ``<c r="B2" s="2"><v>SERIAL</v></c>``


def row_xml(n: int, letters: Sequence[str], cells: Iterable[Any]) -> str:
    """Row ``n``'s XML: its cells in ``letters``' columns, ``None`` left out."""
    r = str(n)  # once, not per cell
    out = [f'<row r="{r}">']
    for letter, value in zip(letters, cells, strict=False):
        if value is None:
            continue
        kind = type(value)
        if kind is str:
            out.append(f'<c r="{letter}{r}{text_cell(value)}')
        elif kind is int or kind is float:
            out.append(f'<c r="{letter}{r}"><v>{value!r}</v></c>')
        elif isinstance(value, dt.date):
            out.append(f'<c r="{letter}{r}" s="{DATE_STYLE}"><v>{_serial(value)}</v></c>')
        else:
            raise TypeError(f"cannot write {value!r} to a sheet")
    out.append("</row>")
    return "".join(out)


_serial = functools.lru_cache(maxsize=1 << 16)(date_serial)  # a book repeats its days


class _Deflating:
    """Bytes written to a zip part by a thread: its checksum, deflate and file writes let go
    of the GIL, so they run beside the rows being made (a 50,000-account export deflates
    over 2 GB of XML, issue 17). At most ``_AHEAD`` chunks wait; the thread's error (a full
    disk) is raised here, at the next write or at the end; leaving on an error (a Cancel)
    lets the thread finish what it holds before the part is closed."""

    _AHEAD = 2

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self._chunks: queue.Queue[bytes | None] = queue.Queue(self._AHEAD)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="xlsx deflate", daemon=True)

    def __enter__(self) -> Callable[[bytes], None]:
        self._thread.start()
        return self._write

    def __exit__(self, *exc: object) -> None:
        self._chunks.put(None)
        self._thread.join()
        if self._error is not None and exc[0] is None:
            raise self._error

    def _write(self, chunk: bytes) -> None:
        if self._error is not None:
            raise self._error
        self._chunks.put(chunk)

    def _run(self) -> None:
        while (chunk := self._chunks.get()) is not None:
            if self._error is None:
                try:
                    self._raw.write(chunk)
                except BaseException as error:  # raised in the writing thread
                    self._error = error


class XlsxStream:
    """An .xlsx being written to ``path``: ``add_sheet`` per sheet in order, then ``close``.

    Use as a context manager; on an error the zip is closed and the caller drops the file.
    """

    def __init__(self, path: Path) -> None:
        self._zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        self._sheets: list[str] = []

    def __enter__(self) -> XlsxStream:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.close()
        else:
            self._zip.close()

    def add_sheet(
        self,
        name: str,
        header: Sequence[str],
        widths: Sequence[float],
        rows: Iterable[Sequence[Any]],
    ) -> int:
        """Write one sheet: a bold, frozen ``header`` and ``rows``; the data rows written."""
        letters = [column_letters(i) for i in range(1, max(len(header), 1) + 1)]
        written = 0

        def chunks() -> Iterator[str]:
            nonlocal written
            out: list[str] = []
            for written, cells in enumerate(rows, start=1):
                out.append(row_xml(written + 1, letters, cells))
                if len(out) >= 2_000:
                    yield "".join(out)
                    out.clear()
            yield "".join(out)

        self.add_sheet_xml(name, header, widths, chunks())
        return written

    def add_sheet_xml(
        self, name: str, header: Sequence[str], widths: Sequence[float], rows: Iterable[str]
    ) -> None:
        """Write one sheet: a bold, frozen ``header`` and its data rows already as XML
        (``row_xml``'s, numbered from 2), in chunks."""
        self._sheets.append(name)
        number = len(self._sheets)
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
            for i, w in enumerate(widths, start=1)
        )
        head = "".join(
            f'<c r="{column_letters(i)}1" t="inlineStr" s="{_HEADER_STYLE}"><is><t>{_text(h)}'
            "</t></is></c>"
            for i, h in enumerate(header, start=1)
        )
        part = self._zip.open(f"xl/worksheets/sheet{number}.xml", "w", force_zip64=True)
        with part as raw, _Deflating(raw) as write:
            write(
                f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
                '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
                'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
                f'<cols>{cols}</cols><sheetData><row r="1">{head}</row>'.encode()
            )
            for chunk in rows:
                write(chunk.encode())
            write(b"</sheetData></worksheet>")

    def close(self) -> None:
        """Write the workbook's parts that list the sheets, and close the zip."""
        sheets = "".join(
            f'<sheet name="{escape(name).replace(chr(34), "&quot;")}" sheetId="{i}" r:id="rId{i}"/>'
            for i, name in enumerate(self._sheets, start=1)
        )
        relations = "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(self._sheets) + 1)
        )
        styles = len(self._sheets) + 1
        sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{sheet_type}"/>'
            for i in range(1, len(self._sheets) + 1)
        )
        parts = {
            "[Content_Types].xml": f'{_HEAD}<Types xmlns="{_PKG}/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>",
            "_rels/.rels": f'{_HEAD}<Relationships xmlns="{_PKG}/relationships">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
            "xl/workbook.xml": f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
            f"<sheets>{sheets}</sheets></workbook>",
            "xl/_rels/workbook.xml.rels": f'{_HEAD}<Relationships xmlns="{_PKG}/relationships">'
            f'{relations}<Relationship Id="rId{styles}" Type="{_REL}/styles" '
            'Target="styles.xml"/></Relationships>',
            "xl/styles.xml": _STYLES,
        }
        for name, text in parts.items():
            self._zip.writestr(name, text)
        self._zip.close()
