"""Pause Python's cyclic garbage collector while a big book is loaded and computed.

Loading a 50,000-account book allocates millions of long-lived objects (600,000 milestones,
their dates and tuples) and creates no reference cycles worth collecting; every 700
allocations the collector nevertheless walks the young objects, and the older generations
again and again as they fill: a third of the ``metrics`` command's time at 50,000 accounts
(21.2 s with the collector, 14.3 s without; issue 17). Reference counting still frees
everything as usual; the collector is switched back on (if it was on) when the last block
ends. Blocks may overlap across threads (the window reads Today while the Book loads); the
window's own collector (``ui.ui_thread_gc``) asks ``is_paused`` before it collects, and
``freezes`` to know whether a freeze may have pinned garbage since it last collected the
frozen objects too.
"""

from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pauses = 0  # blocks in progress, on any thread
_was_enabled = False  # the collector's state when the first of them began
_freezes = 0  # ``gc.freeze()`` calls made here so far


def freezes() -> int:
    """How many times this module froze the collector's objects so far."""
    return _freezes


def _freeze() -> None:
    global _freezes
    gc.freeze()
    _freezes += 1


def is_paused() -> bool:
    """Whether some block asked for no collection now."""
    return _pauses > 0


def _pause() -> None:
    global _pauses, _was_enabled
    with _lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1


def _resume(*, freeze: bool) -> None:
    global _pauses
    with _lock:
        _pauses -= 1
        if freeze:
            _freeze()
        if _pauses == 0 and _was_enabled:
            gc.enable()


@contextmanager
def gc_paused() -> Iterator[None]:
    """Within the block the cyclic collector does not run (it is process-wide: a block in a
    worker thread pauses it for the UI thread too, which only makes both faster)."""
    _pause()
    try:
        yield
    finally:
        _resume(freeze=False)


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic collector off while a big book is read, then frozen and back on.

    Paused, it does not walk the ~2 million objects a 50,000-account list makes again and
    again (see above). Switched on again as is, its first pass would walk all of them at
    once (1.8 s in the window: it froze); frozen first, they are left out of its passes
    (reference counting still frees them). Reference cycles that died inside the block (a
    reading's SQL statements) are frozen with them: the window collects those when the user
    is away (``ui.ui_thread_gc``); a command exits soon anyway."""
    _pause()
    try:
        yield
    finally:
        _resume(freeze=True)


@functools.cache
def freeze_start_up() -> None:
    """Once per process, inside a paused block, after its first big imports and reads: keep
    the collector off what they made for good (a first QBR's reportlab modules and configured
    mappers: ~70,000 objects; in the window, whatever else is alive then).

    Switched on again, the collector's first pass would walk all of them at once: ~0.02 s of
    CPU, a tenth of a first report's cold cost. Frozen, they are never walked (reference
    counting still frees them); cycles made later are collected as usual. Two threads racing
    here at most freeze twice, which is harmless."""
    with _lock:
        _freeze()
