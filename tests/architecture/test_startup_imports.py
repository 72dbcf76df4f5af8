"""The window module starts without the heavy libraries (DESIGN §7 start-up target).

pyqtgraph (charts), reportlab (PDFs), openpyxl (spreadsheets), alembic (migrations) and
psycopg (team servers; 0.14 s) are imported only when their work is first asked for.
Importing the main window in a fresh interpreter must not pull any of them in; the
start-up benchmark measures the time, this test keeps the discipline in CI.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HEAVY = ("pyqtgraph", "reportlab", "openpyxl", "alembic", "psycopg")
ROOT = Path(__file__).resolve().parents[2]

PROBE = f"""
import json, sys
import csm_desktop.ui.main_window
import csm_desktop.app
print(json.dumps(sorted(name for name in {HEAVY!r} if name in sys.modules)))
"""


def test_importing_the_window_loads_no_chart_pdf_spreadsheet_or_migration_library() -> None:
    environment = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


def test_the_probe_would_see_a_heavy_import() -> None:
    """The same probe run after importing openpyxl reports it: the check can fail."""
    result = subprocess.run(
        [sys.executable, "-c", "import openpyxl\n" + PROBE],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == ["openpyxl"]


def test_todays_service_does_not_load_the_account_page_service() -> None:
    """The Today list, read before the window's first lines show, needs a contact's plain
    values, not the account page's service with its renewals, evidence and timeline
    (about 20 ms of start-up, issue 17), nor PostgreSQL's dialect (~20 modules, about
    20 ms) on a book file, nor the evidence and feedback services or every metrics module
    (experiment figures, touchpoint logging: ~25 ms more)."""
    probe = (
        "import sys\nimport csm_desktop.services.today_stream\n"
        "print(any(name in sys.modules for name in "
        "('csm_desktop.services.accounts', 'sqlalchemy.dialects.postgresql', 'psycopg', "
        "'csm_desktop.services.evidence', 'csm_desktop.services.feedback', "
        "'csm_desktop.domain.metrics.portfolio')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.strip().splitlines()[-1] == "False"
