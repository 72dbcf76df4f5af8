"""Screenshots of the learning loop (issue #18) over the demo book.

The demo book's last-year customers have their renewals decided (``services.demo``), so
this script grabs the dashboard's "Does onboarding pay off?" panel as it is, with the late
first-value renewals listed, and the experiment setup with its sample-size advice.

Usage: python scripts/screenshots_learning.py [OUT_DIR]   (default: docs/screenshots/)
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from csm_desktop.services.demo import create_demo_book
from csm_desktop.services.opening import open_database
from csm_desktop.store.database import Database
from csm_desktop.ui import workers
from csm_desktop.ui.main_window import MainWindow

TODAY = dt.date(2026, 11, 26)


def settle(app: QApplication, window: MainWindow) -> None:
    for _ in range(50):
        workers.wait_all()
        app.processEvents()
    window.repaint()


def experiment_setup(app: QApplication, window: MainWindow, out_dir: Path) -> None:
    """The new-experiment dialog for a message arm, with its sample-size advice."""
    from csm_desktop.domain.experiment_changes import VariantKind

    window.show_experiments()
    settle(app, window)
    controller = window.experiments_controller
    controller.new_experiment()
    settle(app, window)
    dialog = controller.new_dialog
    dialog.name.setText("Shorter first-workflow nudge")
    dialog.hypothesis.setPlainText(
        "A two-line in-app nudge that links straight to the workflow builder gets power users "
        "to their first automated workflow within a week of the nudge."
    )
    dialog.baseline.setValue(50)
    dialog.hoped.setValue(70)
    control, arm = dialog.variants
    control.name.setText("A: current nudge")
    arm.name.setText("B: two-line nudge")
    arm.set_kind(VariantKind.MESSAGE)
    arm.message_milestone.setCurrentIndex(arm.message_milestone.findData("pu-first-workflow"))
    arm.in_app.setPlainText(
        "{contact}, two minutes: build your first workflow here → Workflows › New."
    )
    dialog.resize(860, 1060)
    settle(app, window)
    dialog.grab().save(str(out_dir / "experiment_setup.png"))
    dialog.reject()


def qbr_with_quote(database: Database, out_dir: Path) -> None:
    """Page 2 of a demo account's QBR (executive summary and the customer's quote)."""
    import shutil
    import subprocess

    from sqlalchemy import select

    from csm_desktop.domain.review import ReviewPeriod
    from csm_desktop.services.reports import write_qbr_report
    from csm_desktop.store.models import Feedback

    with database.session() as session:
        praise = session.scalars(
            select(Feedback).where(Feedback.quotable.is_(True)).order_by(Feedback.given_on.desc())
        ).first()
    if praise is None or shutil.which("pdftoppm") is None:
        print("No quotable remark or no pdftoppm: QBR page skipped")
        return
    quarter = (praise.given_on.month - 1) // 3
    start = dt.date(praise.given_on.year, 3 * quarter + 1, 1)
    end = dt.date(start.year + (quarter == 3), (3 * quarter + 3) % 12 + 1, 1) - dt.timedelta(1)
    period = ReviewPeriod(start, end, f"{start.year} Q{quarter + 1}")
    pdf = out_dir / "qbr_quote.pdf"
    write_qbr_report(database, praise.account_id, TODAY, pdf, period=period)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-f", "2", "-l", "2", "-singlefile", str(pdf),
         str(out_dir / "qbr_quote")],
        check=True,
    )  # fmt: skip
    pdf.unlink()


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        database = open_database(Path(tmp) / "demo.sqlite3")
        create_demo_book(database, today=TODAY)
        qbr_with_quote(database, out_dir)
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(database, today=lambda: TODAY, settings=settings)
        window.resize(1400, 900)
        window.show()
        settle(app, window)
        window.show_dashboard()
        settle(app, window)
        window.dashboard_view.long_term.late_tile.clicked.emit()
        settle(app, window)
        window.grab().save(str(out_dir / "dashboard_long_term.png"))
        experiment_setup(app, window, out_dir)
        window.close()
        database.close()
    print(f"Screenshots written to {out_dir}")
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown, where pyqtgraph and PySide6 can crash


if __name__ == "__main__":
    default = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else default)
