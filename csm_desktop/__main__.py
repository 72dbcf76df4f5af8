"""Allow ``python -m csm_desktop``."""

from csm_desktop.cli import main

raise SystemExit(main())
