"""Tiny .xlsx files written part by part, so a test can say exactly what a hostile file holds."""

from __future__ import annotations

import zipfile
from pathlib import Path

WORKBOOK_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
        '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        "schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
        '" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.'
        'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships"><sheets><sheet name="Usage" sheetId="1" r:id="rId1"'
        "/></sheets></workbook>"
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target='
        '"worksheets/sheet1.xml"/></Relationships>'
    ),
}
SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.'
    b'org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_END = b"</sheetData></worksheet>"


def hand_made_workbook(path: Path, sheet_xml: bytes) -> Path:
    """A workbook whose only sheet (Usage) is ``sheet_xml`` verbatim."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in WORKBOOK_PARTS.items():
            archive.writestr(name, content)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return path


def usage_sheet(*extra_cells: str, dimension: str | None = None) -> bytes:
    """A long-form usage sheet (header, two rows for Acme) plus ``extra_cells`` as raw XML."""
    rows = [
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Account</t></is></c><c r="B1" '
        't="inlineStr"><is><t>Date</t></is></c><c r="C1" t="inlineStr"><is><t>Feature</t></is>'
        '</c><c r="D1" t="inlineStr"><is><t>Count</t></is></c></row>',
    ]
    for row in (2, 3):
        rows.append(
            f'<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>Acme</t></is></c>'
            f'<c r="B{row}" t="inlineStr"><is><t>2026-03-0{row}</t></is></c>'
            f'<c r="C{row}" t="inlineStr"><is><t>login</t></is></c><c r="D{row}"><v>2</v></c></row>'
        )
    head = SHEET_START
    if dimension:
        head = head.replace(b"<sheetData>", f'<dimension ref="{dimension}"/><sheetData>'.encode())
    return head + "".join(rows + list(extra_cells)).encode() + SHEET_END
