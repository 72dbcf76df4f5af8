"""Allow ``python -m csm_desktop`` (and the frozen bundle's entry point)."""

import gc
import sys

from csm_desktop.cli import main


def run() -> int:
    """``main`` as the whole process: the interpreter's exit follows at once.

    The collector's objects are frozen first: the interpreter's shutdown would otherwise
    walk every object the command made (the modules of SQLAlchemy and the app, ~70,000) in
    several full passes only to free them a moment before the process ends anyway: 0.15 s
    of CPU of a 2 s ``import-usage`` (issue 17). Everything is still released by the
    operating system; objects in reference cycles are simply not finalized one by one,
    which Python never promises at exit anyway."""
    code = main()
    gc.freeze()
    return code


if __name__ == "__main__":
    # Report batches use worker processes; in a frozen bundle they must not restart the app.
    # Elsewhere nothing needs multiprocessing before a batch imports it (12 ms, issue 17).
    if getattr(sys, "frozen", False):
        import multiprocessing

        multiprocessing.freeze_support()
    raise SystemExit(run())
