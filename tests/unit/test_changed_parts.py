"""The one rule of what a dialog's save writes (``domain.changed_parts``, issue 16)."""

from __future__ import annotations

from csm_desktop.domain.changed_parts import changed_parts


def parts(fields: tuple[str, int, int]) -> dict[str, object]:
    """Name alone; a baseline value and its day as one part."""
    name, value, day = fields
    return {"name": name, "baseline": (value, day)}


def test_only_the_parts_that_differ_from_what_was_opened() -> None:
    """Opened ("Acme", 10 on day 1); edited ("Acme", 10 on day 2): the baseline part only,
    whole, with both its fields."""
    assert changed_parts(("Acme", 10, 2), ("Acme", 10, 1), parts) == {"baseline": (10, 2)}
    assert changed_parts(("Acme", 10, 1), ("Acme", 10, 1), parts) == {}


def test_every_part_without_what_was_opened() -> None:
    assert changed_parts(("Acme", 10, 1), None, parts) == {"name": "Acme", "baseline": (10, 1)}
