"""The shipped font metrics: current, equal to reportlab's own parse, and never trusted blindly."""

from __future__ import annotations

import inspect
import shutil
from pathlib import Path

import pytest
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace, TTFontFile

from csm_desktop.reports import font_cache
from csm_desktop.reports.font_cache import _face_from_metrics, load_font, metrics_path
from csm_desktop.reports.fonts import family_font_paths

REWRITE = "out of date: run `python -m csm_desktop.reports.font_cache` and commit the files"


def _same_face(loaded: object, parsed: object) -> None:
    mine, theirs = dict(vars(loaded)), dict(vars(parsed))
    theirs.pop("glyphToChar")  # only the parse reads it (see the test below); a face
    mine.pop("glyphToChar", None)  # parsed after spoiled metrics has it too
    scale, their_scale = mine.pop("_pdfScale"), theirs.pop("_pdfScale")
    assert [scale(v) for v in (0, 1, 517, -2048)] == [their_scale(v) for v in (0, 1, 517, -2048)]
    assert mine.keys() == theirs.keys()
    for key, value in theirs.items():
        assert mine[key] == value, key
        assert type(mine[key]) is type(value), key
        if hasattr(value, "ustr"):
            assert mine[key].ustr == value.ustr, key


@pytest.mark.parametrize("path", family_font_paths(), ids=lambda p: p.name)
def test_the_shipped_metrics_are_those_reportlab_parses_from_the_font(path: Path) -> None:
    face = _face_from_metrics(path, path.read_bytes())
    assert face is not None, f"{metrics_path(path).name} is {REWRITE}"
    _same_face(face, TTFontFace(str(path)))


def test_reportlab_reads_the_glyph_to_characters_table_only_while_parsing() -> None:
    """The metrics leave ``glyphToChar`` out: nothing but the parse (``extractInfo``) of the
    reportlab they are written for may read it, in reportlab or in this app."""
    import reportlab

    readers = []
    for root in (Path(reportlab.__file__).parent, Path(font_cache.__file__).parents[1]):
        for source in root.rglob("*.py"):
            if "glyphToChar" in source.read_text(encoding="utf-8", errors="replace"):
                readers.append(source.relative_to(root.parent).as_posix())
    assert sorted(readers) == ["csm_desktop/reports/font_cache.py", "reportlab/pdfbase/ttfonts.py"]
    methods = [
        name
        for name, method in vars(TTFontFile).items()
        if callable(method) and "glyphToChar" in inspect.getsource(method)
    ]
    assert methods == ["extractInfo"]


def test_equal_values_are_stored_once() -> None:
    """Every width and width pair is one object in the loaded face: marshal wrote repeats as
    references, which is what makes loading cheap."""
    face = _face_from_metrics(family_font_paths()[0], family_font_paths()[0].read_bytes())
    assert face is not None
    widths = list(face.charWidths.values())
    assert len({id(w) for w in widths}) == len(set(widths)) < len(widths) // 4
    pairs = face.hmetrics
    assert len({id(p) for p in pairs}) == len(set(pairs)) < len(pairs) // 2


def test_a_font_from_metrics_is_reportlabs_font_with_the_face_read_not_parsed() -> None:
    path = family_font_paths()[0]
    loaded, parsed = load_font("Body", path), TTFont("Body", str(path))
    assert type(loaded) is TTFont
    mine, theirs = dict(vars(loaded)), dict(vars(parsed))
    _same_face(mine.pop("face"), theirs.pop("face"))
    assert mine.keys() == theirs.keys()
    assert type(mine.pop("encoding")) is type(theirs.pop("encoding"))
    assert type(mine.pop("state")) is type(theirs.pop("state"))
    assert mine == theirs


@pytest.fixture
def font(tmp_path: Path) -> Path:
    """A copy of the regular face and its metrics, to spoil."""
    source = family_font_paths()[0]
    copy = tmp_path / source.name
    shutil.copy(source, copy)
    shutil.copy(metrics_path(source), metrics_path(copy))
    assert _face_from_metrics(copy, copy.read_bytes()) is not None
    return copy


def _spoiled_metrics_are_ignored(font: Path) -> None:
    assert _face_from_metrics(font, font.read_bytes()) is None
    loaded = load_font("Body", font)  # parsed instead, and the same as ever
    _same_face(loaded.face, TTFontFace(str(font)))


def test_a_damaged_metrics_file_is_ignored(font: Path) -> None:
    stored = bytearray(metrics_path(font).read_bytes())
    stored[len(stored) // 2] ^= 0x20
    metrics_path(font).write_bytes(bytes(stored))
    _spoiled_metrics_are_ignored(font)


def test_a_cut_short_metrics_file_is_ignored(font: Path) -> None:
    stored = metrics_path(font).read_bytes()
    metrics_path(font).write_bytes(stored[: len(stored) // 3])
    _spoiled_metrics_are_ignored(font)


def test_metrics_of_another_font_file_are_ignored(font: Path) -> None:
    bold = family_font_paths()[1]
    shutil.copy(metrics_path(bold), metrics_path(font))
    _spoiled_metrics_are_ignored(font)


def test_metrics_of_a_changed_font_file_are_ignored(font: Path) -> None:
    data = bytearray(font.read_bytes())
    data[-1] ^= 0x01  # in the last table's padding: still a font reportlab reads
    font.write_bytes(bytes(data))
    _spoiled_metrics_are_ignored(font)


def test_metrics_written_by_another_reportlab_are_ignored(
    font: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(font_cache, "_reportlab_version", lambda: "0.0-other")
    _spoiled_metrics_are_ignored(font)


def test_metrics_of_another_format_are_ignored(font: Path) -> None:
    stored = metrics_path(font).read_bytes()
    metrics_path(font).write_bytes(b"CSM-TTF-METRICS-0\n" + stored[len(font_cache.FORMAT) :])
    _spoiled_metrics_are_ignored(font)


def test_no_metrics_file_means_the_font_is_parsed(font: Path) -> None:
    metrics_path(font).unlink()
    _spoiled_metrics_are_ignored(font)


def test_write_metrics_writes_what_loads_again(font: Path) -> None:
    metrics_path(font).unlink()
    written = font_cache.write_metrics(font)
    assert written == metrics_path(font)
    assert written.stat().st_mode & 0o777 == 0o644
    face = _face_from_metrics(font, font.read_bytes())
    assert face is not None
    _same_face(face, TTFontFace(str(font)))
    assert {p.name for p in font.parent.iterdir()} == {font.name, written.name}  # no temporary
