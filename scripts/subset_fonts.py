"""Make the compact fallback fonts in resources/fonts from the Debian font packages.

Run once by a developer when the fonts change (needs ``pip install fonttools`` and
``apt-get install fonts-droid-fallback fonts-symbola``); the results are committed, so
neither fontTools nor the packages are needed to build or run the app. The reports use
DejaVu Sans first, then these two for what it lacks (see ``csm_desktop/reports/fonts.py``):

- ``CJKFallback.ttf``: Droid Sans Fallback (Apache-2.0) cut to the Chinese, Japanese and
  Korean blocks; TrueType outlines, which reportlab can embed (Noto CJK is CFF, which it
  cannot).
- ``HangulFallback.ttf``: NanumGothic (SIL OFL 1.1, from ``fonts-nanum``) cut to Hangul;
  renamed, as the OFL asks of a modified font whose name is reserved.
- ``SymbolFallback.ttf``: Symbola (free for any use) cut to emoji, pictographs, dingbats and
  miscellaneous symbols.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

OUT = Path(__file__).resolve().parent.parent / "resources" / "fonts"
CJK = (
    "U+2E80-2FDF,U+3000-30FF,U+3100-31FF,U+3200-33FF,U+3400-4DBF,U+4E00-9FFF,"
    "U+A960-A97F,U+AC00-D7FF,U+F900-FAFF,U+FE30-FE4F,U+FF00-FFEF"
)
HANGUL = "U+1100-11FF,U+3130-318F,U+A960-A97F,U+AC00-D7A3,U+D7B0-D7FF"
SYMBOLS = (
    "U+2300-23FF,U+2460-24FF,U+25A0-27BF,U+2900-297F,U+2B00-2BFF,U+1F000-1F0FF,"
    "U+1F100-1F1FF,U+1F300-1F6FF,U+1F700-1F7FF,U+1F900-1F9FF,U+1FA70-1FAFF"
)


def rename(target: str, family: str) -> None:
    """Give a cut font its own family name (the OFL reserves the original's)."""
    path = OUT / target
    font = TTFont(path)
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 3, 4, 6, 16, 17, 18, 21, 22):
            names.removeNames(nameID=record.nameID)
    for name_id, value in ((1, family), (2, "Regular"), (3, f"{family}-Regular"), (4, family),
                           (6, family)):  # fmt: skip
        names.setName(value, name_id, 3, 1, 0x409)
        names.setName(value, name_id, 1, 0, 0)
    font.save(path)


def cut(source: str, target: str, ranges: str) -> None:
    subset.main(
        [
            source,
            f"--unicodes={ranges}",
            f"--output-file={OUT / target}",
            "--layout-features=",
            "--no-hinting",
            "--desubroutinize",
            "--name-IDs=*",
            "--name-legacy",
        ]
    )
    print(target, (OUT / target).stat().st_size // 1024, "KiB")


if __name__ == "__main__":
    cut("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", "CJKFallback.ttf", CJK)
    cut("/usr/share/fonts/truetype/nanum/NanumGothic.ttf", "HangulFallback.ttf", HANGUL)
    rename("HangulFallback.ttf", "CSM Hangul Fallback")
    cut("/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf", "SymbolFallback.ttf", SYMBOLS)
    sys.exit(0)
