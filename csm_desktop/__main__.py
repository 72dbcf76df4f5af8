"""Allow ``python -m csm_desktop`` (and the frozen bundle's entry point)."""

import multiprocessing

from csm_desktop.cli import main

if __name__ == "__main__":
    # Report batches use worker processes; in a frozen bundle they must not restart the app.
    multiprocessing.freeze_support()
    raise SystemExit(main())
