"""Pause Python's cyclic garbage collector while a big book is loaded and computed.

Loading a 50,000-account book allocates millions of long-lived objects (600,000 milestones,
their dates and tuples) and creates no reference cycles worth collecting; every 700
allocations the collector nevertheless walks the young objects, and the older generations
again and again as they fill: a third of the ``metrics`` command's time at 50,000 accounts
(21.2 s with the collector, 14.3 s without; issue 17). Reference counting still frees
everything as usual; the collector is switched back on (if it was on) when the block ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Within the block the cyclic collector does not run (it is process-wide: a block in a
    worker thread pauses it for the UI thread too, which only makes both faster)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic collector off while a big book is read, then frozen and back on.

    Paused, it does not walk the ~2 million objects a 50,000-account list makes again and
    again (see above). Switched on again as is, its first pass would walk all of
    them at once (1.8 s, on whichever thread allocates next: the window froze); frozen
    first, they are left out of its passes (reference counting still frees them). A window
    enters and leaves this on its UI thread, so the collector's next pass runs there, where
    the Qt objects among the garbage may be destroyed."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
