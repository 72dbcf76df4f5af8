"""The font fallback chain of the reports: every script a customer's name can be written in.

A PDF font only draws the characters it has; reportlab does not fall back by itself, so an
account named ``東京テクノロジー株式会社 🚀`` would print as empty boxes in DejaVu Sans. Here a
text is cut into runs, each set in the first font of the chain that has its characters:
DejaVu Sans (Latin, Greek, Cyrillic, Arabic, Hebrew and most symbols), then the CJK fallback
(Chinese, Japanese kana and kanji), the Hangul fallback (Korean), then the symbol fallback
(emoji and pictographs).
A character no font has is printed as a visible replacement mark (□), never silently lost.

Right-to-left script (Arabic, Hebrew) is turned into the order and letter forms a page shows
(``visual_order``: Arabic letters joined with ``arabic_reshaper``, each right-to-left stretch
reversed with its numbers kept left-to-right), and the PDF's text layer maps the joined
forms back to plain letters (``_to_unicode_cmap``), so a reader's search, copy and
``pdftotext`` give the name as it was typed.
The fallback fonts are read from disk only when a text needs them, so a report in Latin
script pays nothing for them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import cache
from typing import Any, NamedTuple

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"
FONT_BOLD_ITALIC = "DejaVuSans-BoldOblique"
CJK_FONT = "CJKFallback"
HANGUL_FONT = "HangulFallback"
SYMBOL_FONT = "SymbolFallback"
REPLACEMENT = "□"
"""What prints for a character no bundled font has (DejaVu has it)."""

_FAMILY_FILES = {
    FONT: "DejaVuSans.ttf",
    FONT_BOLD: "DejaVuSans-Bold.ttf",
    FONT_ITALIC: "DejaVuSans-Oblique.ttf",
    FONT_BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
}
_FALLBACK_FILES = {
    CJK_FONT: "CJKFallback.ttf",
    HANGUL_FONT: "HangulFallback.ttf",
    SYMBOL_FONT: "SymbolFallback.ttf",
}
FALLBACKS = (CJK_FONT, HANGUL_FONT, SYMBOL_FONT)

# Marks that take the font of the letter before them, and invisible joiners that select
# emoji forms: they never start a run of their own and are dropped when no font has them.
_INVISIBLE = {"\u200d", "\u200c", "\ufe0e", "\ufe0f", "\u200b", "\u2060"}


def family_font_paths() -> list[Any]:
    """The font files of the DejaVu Sans family (``font_cache`` ships their metrics)."""
    return [_font_path(file_name) for file_name in _FAMILY_FILES.values()]


def _font_path(file_name: str) -> Any:
    from csm_desktop.paths import resources_dir

    path = resources_dir() / "fonts" / file_name
    if not path.is_file():
        raise FileNotFoundError(
            f"The report font {path} is missing; reinstall CSM Desktop to restore it."
        )
    return path


_RTL = "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc"
_RTL_STRETCH = re.compile(
    f"[{_RTL}](?:[{_RTL} \u00a0\\-.,:;()'\"0-9\u0660-\u0669]*[{_RTL}])?"
    # A number right after right-to-left words belongs to them (Unicode bidi rules W2, N1).
    "(?:[ \u00a0]+[0-9\u0660-\u0669]+(?:[.,:][0-9\u0660-\u0669]+)*)*"
)
_NUMBER = re.compile(r"[0-9\u0660-\u0669]+(?:[.,:][0-9\u0660-\u0669]+)*")
_MIRROR = str.maketrans("()", ")(")


def _reverse_stretch(stretch: str) -> str:
    """A right-to-left stretch in visual order: reversed, numbers kept left-to-right."""
    numbers = _NUMBER.findall(stretch)
    marked = _NUMBER.sub("\x00", stretch)[::-1].translate(_MIRROR)
    for number in reversed(numbers):
        marked = marked.replace("\x00", number, 1)
    return marked


def visual_order(text: str) -> str:
    """``text`` with each right-to-left stretch joined and laid out as it is seen."""
    if not any("\u0590" <= char <= "\u08ff" for char in text):
        return text
    import arabic_reshaper

    return _RTL_STRETCH.sub(
        lambda match: _reverse_stretch(arabic_reshaper.reshape(match.group(0))), text
    )


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap, mended: characters beyond U+FFFF (emoji) are written as
    UTF-16 surrogate pairs (reportlab writes five hex digits, which readers cut to four,
    so 🚀 came back as Ὠ), and Arabic presentation forms map back to their plain letters."""
    entries = []
    for index, code in enumerate(subset):
        char = chr(code)
        if 0xFB50 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF:
            char = unicodedata.normalize("NFKC", char)
        entries.append(f"<{index:02X}> <{char.encode('utf-16-be').hex().upper()}>")
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo",
            f"<< /Registry ({fontname})",
            f"/Ordering ({fontname})",
            "/Supplement 0",
            ">> def",
            f"/CMapName /{fontname} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            f"{len(subset)} beginbfchar",
            *entries,
            "endbfchar",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


@cache
def register_fonts() -> str:
    """Register the DejaVu Sans family once per process; returns the body font name.

    The regular face is read now; bold, oblique and bold oblique when a text first uses
    them (``_register_on_first_use``), many reports never set italics. Each face comes from
    its shipped metrics when they are valid (``font_cache``), else is parsed.
    """
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics, ttfonts

    from csm_desktop.reports.font_cache import load_font

    ttfonts.makeToUnicodeCMap = _to_unicode_cmap
    pdfmetrics.registerFont(load_font(FONT, _font_path(_FAMILY_FILES[FONT])))
    for file_name in (*_FAMILY_FILES.values(), *_FALLBACK_FILES.values()):
        _font_path(file_name)  # a missing face or fallback is a broken install: say so now
    _register_on_first_use(pdfmetrics)
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC
    )
    # <b> and <i> inside paragraphs find the family through these mappings.
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT_BOLD)
    addMapping(FONT, 0, 1, FONT_ITALIC)
    addMapping(FONT, 1, 1, FONT_BOLD_ITALIC)
    return FONT


def load_faces(*names: str) -> None:
    """Register the family and read these faces of it now rather than on first use: a
    caller about to freeze the collector's objects (``gc_pause.freeze_start_up``) keeps
    their glyph tables (~36,000 objects for bold and oblique) out of its later passes."""
    from reportlab.pdfbase import pdfmetrics

    register_fonts()
    for name in names:
        pdfmetrics.getFont(name)


def _register_on_first_use(pdfmetrics: Any) -> None:
    """reportlab's ``getFont`` calls ``findFontAndRegister`` for a name it does not have
    yet (for its own standard fonts); the family's other faces are read there, on first
    use, and every other name goes on to reportlab's own lookup."""
    from csm_desktop.reports.font_cache import load_font

    own_lookup = pdfmetrics.findFontAndRegister

    def find_and_register(name: str) -> Any:
        file_name = _FAMILY_FILES.get(name)
        if file_name is None:
            return own_lookup(name)
        pdfmetrics.registerFont(load_font(name, _font_path(file_name)))
        return pdfmetrics.getFont(name)  # the registered one, should another thread win

    pdfmetrics.findFontAndRegister = find_and_register


@cache
def _fallback(name: str) -> frozenset[int]:
    """Register a fallback font on first need; the code points it can draw."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    font = TTFont(name, str(_font_path(_FALLBACK_FILES[name])))
    pdfmetrics.registerFont(font)
    # No bold or italic cut exists: bold and italic runs use the regular face.
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(name, bold, italic, name)
    return frozenset(font.face.charToGlyph)


@cache
def _base_coverage() -> frozenset[int]:
    from reportlab.pdfbase import pdfmetrics

    register_fonts()
    return frozenset(pdfmetrics.getFont(FONT).face.charToGlyph)


@cache
def _font_for(code: int) -> str | None:
    """The first font of the chain that draws ``code`` (None: none does)."""
    if code in _base_coverage():
        return None
    for name in FALLBACKS:
        if code in _fallback(name):
            return name
    return REPLACEMENT


class Run(NamedTuple):
    """A piece of text and the fallback font it needs (None: the paragraph's own font).
    (A named tuple, not a frozen dataclass: defining one cost a first report ~1.2 ms at import.)"""

    text: str
    font: str | None


def runs(text: str) -> Iterator[Run]:
    """``text`` cut into runs by the font that can draw them, in order.

    Pure ASCII and the other scripts DejaVu covers come back as one run with no font, so
    the common case costs one scan.
    """
    text = unicodedata.normalize("NFC", text)
    if text.isascii():
        if text:
            yield Run(text, None)
        return
    text = visual_order(text)
    current: list[str] = []
    font: str | None = None
    for char in text:
        code = ord(char)
        if code < 0x80:
            wanted: str | None = None
        elif char in _INVISIBLE or unicodedata.combining(char):
            if _font_for(code) != font:
                continue  # a joiner or mark the current run's font lacks draws nothing
            wanted = font
        else:
            wanted = _font_for(code)
            if wanted == REPLACEMENT:
                char, wanted = REPLACEMENT, None
        if wanted != font and current:
            yield Run("".join(current), font)
            current = []
        font = wanted
        current.append(char)
    if current:
        yield Run("".join(current), font)


def string_width(text: str, font: str, size: float) -> float:
    """The width of ``text`` in points when drawn with fallback runs from ``font``."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return float(sum(stringWidth(run.text, run.font or font, size) for run in runs(text)))


def draw_string(
    canvas: Any, x: float, y: float, text: str, font: str, size: float, anchor: str = "start"
) -> None:
    """Draw ``text`` on a reportlab canvas with fallback runs; anchor start, middle or end."""
    width = string_width(text, font, size)
    if anchor == "end":
        x -= width
    elif anchor == "middle":
        x -= width / 2
    for run in runs(text):
        face = run.font or font
        canvas.setFont(face, size)
        canvas.drawString(x, y, run.text)
        x += canvas.stringWidth(run.text, face, size)


def label(
    x: float,
    y: float,
    text: str,
    font: str,
    size: float,
    colour: Any,
    anchor: str = "start",
) -> Any:
    """A chart label (a reportlab ``Group`` of ``String``s) with fallback runs."""
    from reportlab.graphics.shapes import Group, String
    from reportlab.pdfbase.pdfmetrics import stringWidth

    width = string_width(text, font, size)
    if anchor == "end":
        x -= width
    elif anchor == "middle":
        x -= width / 2
    group = Group()
    for run in runs(text):
        face = run.font or font
        group.add(String(x, y, run.text, fontName=face, fontSize=size, fillColor=colour))
        x += stringWidth(run.text, face, size)
    return group


def fit(text: str, font: str, size: float, width: float) -> str:
    """``text`` cut with an ellipsis so it fits ``width`` points on one line."""
    if string_width(text, font, size) <= width:
        return text
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if string_width(text[:middle] + "…", font, size) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + "…"
