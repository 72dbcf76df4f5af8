"""Read usage exported as JSON (an array of objects) or JSON Lines (one object per line).

Event exports from Mixpanel, Amplitude, Heap or Segment come as JSON records, often nested
(``{"event": "User Invited", "properties": {"time": 1767225600, "account": "Acme"}}``).
Each record becomes a row; nested objects are flattened to dotted headers
(``properties.account``), which the header synonyms read by their last part; a list of
one value is that value, a longer list is written "A; B" (and then refused as an account,
like any list). The first row of the table is the header: every key in the order first
seen. No SQL and no Qt: file in, the same ``SheetTable`` as a CSV file out.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from csm_desktop.errors import BadFile
from csm_desktop.spreadsheets.guards import DEFAULT_LIMITS, Limits
from csm_desktop.spreadsheets.readers import Cell, Row, SheetTable, read_text_file

JSON_SUFFIXES = (".json", ".jsonl", ".ndjson")
MAX_COLUMNS = 1_000  # more distinct keys than this is not a usage export
MAX_DEPTH = 8


def is_json_file(path: Path) -> bool:
    """A JSON or JSON Lines file, by its name or (for any name) its first character."""
    if path.suffix.casefold() in JSON_SUFFIXES:
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return False
    return head[:1] in (b"[", b"{") and not head.startswith(b"PK")


def read_json_table(
    path: Path, *, limits: Limits = DEFAULT_LIMITS, max_rows: int | None = None
) -> SheetTable:
    """The records of a JSON or JSON Lines file as rows under a header row of their keys."""
    text = read_text_file(path, limits)
    headers: dict[str, int] = {}
    records: list[dict[int, Cell]] = []
    limit = limits.max_rows - 1 if max_rows is None else min(max_rows - 1, limits.max_rows)
    for number, record in _records(path, text):
        if len(records) >= limit:
            if max_rows is None:
                raise BadFile(
                    f"{path.name} has more than {limits.max_rows:,} records; split the file."
                )
            break
        if not isinstance(record, Mapping):
            raise BadFile(
                f"{path.name}, record {number}: not an object with named values. Export the "
                "data as JSON records (one object per event or per row)."
            )
        row: dict[int, Cell] = {}
        for key, value in _flat(record, "", 0):
            position = headers.setdefault(key, len(headers))
            if len(headers) > MAX_COLUMNS:
                raise BadFile(f"{path.name} has more than {MAX_COLUMNS:,} different keys.")
            row[position] = value
        records.append(row)
    width = len(headers)
    rows: list[Row] = [list(headers)]
    for record in records:
        rows.append([record.get(position, "") for position in range(width)])
    return SheetTable(path.name, None, rows, ())


def _records(path: Path, text: str) -> Iterator[tuple[int, Any]]:
    try:
        whole = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            raise BadFile(
                f"{path.name}, line {exc.lineno}: not valid JSON ({exc.msg}). Export it again."
            ) from exc
        yield from _lines(path, text)
        return
    if isinstance(whole, Mapping):
        lists = [v for v in whole.values() if isinstance(v, list) and v and isinstance(v[0], dict)]
        whole = lists[0] if len(lists) == 1 else [whole]  # {"data": [...]} as APIs answer
    if not isinstance(whole, list):
        raise BadFile(f"{path.name} holds a single JSON value, not records. Export it again.")
    yield from enumerate(whole, start=1)


def _lines(path: Path, text: str) -> Iterator[tuple[int, Any]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            raise BadFile(
                f"{path.name}, line {number}: not valid JSON ({exc.msg}). Fix the line or "
                "export the data again."
            ) from exc


def _flat(record: Mapping[str, Any], prefix: str, depth: int) -> Iterator[tuple[str, Cell]]:
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and depth < MAX_DEPTH:
            yield from _flat(value, f"{name}.", depth + 1)
        else:
            yield name, _cell(value)


def _cell(value: Any) -> Cell:
    if value is None:
        return ""
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list) and all(isinstance(item, str | int | float) for item in value):
        return "; ".join(str(item) for item in value) if len(value) != 1 else value[0]
    return json.dumps(value, ensure_ascii=False)[:1000]
