"""The DejaVu faces' parsed metrics, shipped next to the fonts so a report need not parse them.

reportlab reads a TrueType font in pure Python (tables, character map, widths, glyph
offsets): about 0.28 G instructions for the three faces a QBR sets, a quarter of a first
report's cold time. ``write_metrics`` stores what that parse leaves on reportlab's face
(``TTFontFace.__dict__`` without the font's bytes and the glyph-to-characters table only the
parse reads) in ``<font>.metrics`` with ``marshal`` (plain values only: loading runs no
code); ``load_font`` rebuilds the face from it. Equal numbers and width pairs are stored
once (marshal writes a reference for each repeat), so loading makes ~20,000 objects per face
fewer: with the table left out, 3 faces load in a third of the time.

A metrics file is used only when all of this holds, else the font is parsed as before (a
missing, damaged or stale file costs time, never a wrong PDF): its own digest matches its
contents, it was written for this format and this reportlab version, and it was made from
a font file with the same length and CRC-32 as the one on disk (a check against a stale
file, not an attacker: whoever can change the font can change its metrics; a cryptographic
digest of the three faces' 2 MB cost ~8 ms of a first report). Nothing is written at run time (the
files are part of the install: no cache folder, no race between processes);
``tests/reports/test_font_cache.py`` fails when they are out of date, naming the command
that writes them again:

    python -m csm_desktop.reports.font_cache
"""

from __future__ import annotations

import marshal
import os
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

FORMAT = b"CSM-TTF-METRICS-2\n"
SUFFIX = ".metrics"
_DIGEST_SIZE = 12
_MARSHAL_VERSION = 4  # readable by every Python 3 that runs the app
_NOT_STORED = ("_ttf_data", "filename", "_pdfScale", "glyphToChar")
"""The font's bytes and path (of this install) and a function: set again on load; and
``glyphToChar``, which reportlab's parse builds to fill ``charWidths`` and never reads
afterwards (the test pins that down for the reportlab the metrics are written for)."""
_SHARED = ("charToGlyph", "charWidths", "hmetrics", "glyphPos")
"""The big tables whose equal values are stored once (``_shared``)."""
_REQUIRED = {
    "name": bytes,
    "charToGlyph": dict,
    "charWidths": dict,
    "hmetrics": list,
    "glyphPos": list,
    "table": dict,
    "unitsPerEm": int,
}


def metrics_path(font_path: Path) -> Path:
    return font_path.with_name(font_path.name + SUFFIX)


def _digest(data: bytes) -> bytes:
    return len(data).to_bytes(8, "big") + zlib.crc32(data).to_bytes(4, "big")


def _reportlab_version() -> str:
    import reportlab

    return str(reportlab.Version)


def _scale(units_per_em: int) -> Callable[[float], float]:
    """reportlab's font-unit to 1/1000 em conversion (``TTFontFile.extractInfo``)."""
    if units_per_em == 1000:
        return lambda x: x
    factor = 1000 / units_per_em
    return lambda x: x * factor


def _shared(table: Any) -> Any:
    """``table`` (a dict or list of numbers or number pairs) with equal values one object:
    marshal writes an object met again as a reference, which loads without a new object."""
    seen: dict[tuple[type, Any], Any] = {}

    def one(value: Any) -> Any:
        if isinstance(value, tuple):
            value = tuple(map(one, value))
        return seen.setdefault((type(value), value), value)

    if isinstance(table, dict):
        return {key: one(value) for key, value in table.items()}
    return [one(value) for value in table]


def _payload(face: Any, font_digest: bytes) -> bytes:
    from reportlab.pdfbase.ttfonts import TTFNameBytes

    values = {k: v for k, v in vars(face).items() if k not in _NOT_STORED}
    values.update((k, _shared(values[k])) for k in _SHARED)
    names = {k: bytes(v) for k, v in values.items() if isinstance(v, TTFNameBytes)}
    plain = {k: v for k, v in values.items() if k not in names}
    stored = {
        "reportlab": _reportlab_version(),
        "font": font_digest,
        "face": plain,
        "names": names,
    }
    return marshal.dumps(stored, _MARSHAL_VERSION)


def write_metrics(font_path: Path) -> Path:
    """Parse ``font_path`` with reportlab and store the face's metrics next to it."""
    from reportlab.pdfbase.ttfonts import TTFontFace

    data = font_path.read_bytes()
    payload = _payload(TTFontFace(str(font_path)), _digest(data))
    target = metrics_path(font_path)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".tmp")
    with os.fdopen(handle, "wb") as out:
        out.write(FORMAT + _digest(payload) + payload)
    os.chmod(temporary, 0o644)  # mkstemp makes it private; it ships like the fonts
    os.replace(temporary, target)
    return target


def _face_from_metrics(font_path: Path, data: bytes) -> Any | None:
    """The face stored for this font file, or None when there is no usable metrics file."""
    from reportlab.pdfbase.ttfonts import TTFNameBytes, TTFontFace

    try:
        stored = metrics_path(font_path).read_bytes()
    except OSError:
        return None
    head = len(FORMAT)
    digest, payload = stored[head : head + _DIGEST_SIZE], stored[head + _DIGEST_SIZE :]
    if not stored.startswith(FORMAT) or _digest(payload) != digest:
        return None
    try:
        values = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    if (
        not isinstance(values, dict)
        or values.get("reportlab") != _reportlab_version()
        or values.get("font") != _digest(data)
        or not isinstance(values.get("face"), dict)
        or not isinstance(values.get("names"), dict)
    ):
        return None
    attributes = {**values["face"]}
    attributes.update((k, TTFNameBytes(v)) for k, v in values["names"].items())
    if not all(isinstance(attributes.get(k), kind) for k, kind in _REQUIRED.items()):
        return None
    face = TTFontFace.__new__(TTFontFace)
    face.__dict__.update(attributes)
    face._ttf_data = data
    face.filename = str(font_path)
    face._pdfScale = _scale(attributes["unitsPerEm"])
    return face


def load_font(name: str, font_path: Path) -> Any:
    """reportlab's ``TTFont(name, font_path)``, its face read from the shipped metrics when
    they are valid for this font file and this reportlab, else parsed."""
    from fnmatch import fnmatch
    from weakref import WeakKeyDictionary

    from reportlab import rl_config
    from reportlab.pdfbase.ttfonts import TTEncoding, TTFont

    try:
        data = font_path.read_bytes()
    except OSError:
        data = None  # reportlab says what is wrong with the file
    face = _face_from_metrics(font_path, data) if data is not None else None
    if face is None:
        return TTFont(name, str(font_path))
    # What TTFont.__init__ does besides parsing (tests/reports/test_font_cache compares them).
    font = TTFont.__new__(TTFont)
    font.fontName = name
    font.face = face
    font.encoding = TTEncoding()
    font.state = WeakKeyDictionary()
    font._asciiReadable = rl_config.ttfAsciiReadable
    font.shapable = not any(fnmatch(name, glob) for glob in rl_config.unShapedFontGlob)
    return font


def main() -> None:
    from csm_desktop.reports.fonts import family_font_paths

    for path in family_font_paths():
        print(f"wrote {write_metrics(path)}")


if __name__ == "__main__":
    main()
