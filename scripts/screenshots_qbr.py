"""Page images of the QBR (every PDF page, three deck slides) over an enriched demo book.

The demo book has no money values, logos, risks, asks or re-plans, so this script adds what
a CSM would before a QBR: book settings (vendor name, logo, accent colour, currency), the
customer's logo, money per unit on the value metrics, a re-plan of the past-due milestones,
an ask started from a blocked reason and a risk. It then writes the customer edition as a
PDF and as a deck, converts the deck with LibreOffice and saves the images.

It also grabs the account page (offscreen) with its Risks & asks tab and the re-planned
dates in the ladder.

Usage: python scripts/screenshots_qbr.py [OUT_DIR]   (default: docs/screenshots/)
Needs pdftoppm (poppler-utils) and soffice (libreoffice-impress).
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw
from sqlalchemy import select

from csm_desktop.domain.review import parse_quarter
from csm_desktop.services.account_story import add_ask, replan_candidates, replan_milestones
from csm_desktop.services.book_settings import BookSettings, save_book_settings
from csm_desktop.services.demo import create_demo_book
from csm_desktop.services.reports import qbr_data, write_qbr_report
from csm_desktop.store.database import Database, open_database
from csm_desktop.store.models import Account, AccountMilestone, ValueMetric

TODAY = dt.date(2026, 7, 15)
PERIOD = "2026Q2"
DECK_SLIDES = (2, 3, 5)  # executive summary, value realized, adoption


def logo(path: Path, text: str, colour: str) -> Path:
    image = Image.new("RGBA", (360, 120), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 10, 100, 110), radius=22, fill=colour)
    draw.text((120, 38), text, fill=colour, font_size=34)
    image.save(path)
    return path


def enrich(database: Database, folder: Path) -> int:
    """Settings, logos, money, a re-plan, an ask and a risk; returns the account shown."""
    save_book_settings(
        database,
        BookSettings(
            company_name="Northwind Analytics",
            accent_colour="#0F766E",
            currency="EUR",
            logo_path=str(logo(folder / "vendor.png", "Northwind", "#0F766E")),
        ),
    )
    period = parse_quarter(PERIOD)
    with database.session() as session:
        ids = list(session.scalars(select(Account.id).order_by(Account.id)))
    chosen = next(
        i for i in ids
        if replan_candidates(database, i, TODAY)
        and qbr_data(database, i, TODAY, period=period).wins
    )  # fmt: skip
    with database.session() as session:
        account = session.get(Account, chosen)
        account.logo_path = str(logo(folder / "customer.png", account.name.split()[0], "#7c3aed"))
        for metric in session.scalars(select(ValueMetric).where(ValueMetric.account_id == chosen)):
            metric.money_per_unit, metric.rate_per = (
                (55.0, "week") if metric.unit == "hours" else (9.0, "week")
            )
        blocked = session.scalars(
            select(AccountMilestone).where(
                AccountMilestone.account_id == chosen,
                AccountMilestone.status.in_(("not started", "in progress")),
            )
        ).first()
        blocked.status, blocked.status_reason = "blocked", "Waiting for the SSO certificate"
        blocked_id, blocked_title = blocked.id, blocked.title
    late = [c.id for c in replan_candidates(database, chosen, TODAY)]
    replan_milestones(database, late, TODAY + dt.timedelta(days=21), today=TODAY)
    add_ask(
        database, chosen, "ask", "Send the SSO certificate so single sign-on can go live",
        owner="IT security", due_on=TODAY + dt.timedelta(days=10), milestone_id=blocked_id,
        created_on=TODAY,
    )  # fmt: skip
    add_ask(
        database, chosen, "risk", "Two power users move teams in August; name successors",
        owner="Operations lead", due_on=TODAY + dt.timedelta(days=20), created_on=TODAY,
    )  # fmt: skip
    print(f"Account {chosen}: re-planned {len(late)}, blocked “{blocked_title}”")
    return chosen


def grab_account_page(database: Database, account_id: int, folder: Path, target: Path) -> None:
    """The account page with the Risks & asks tab showing, as the CSM sees it."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from csm_desktop.ui import workers
    from csm_desktop.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(database, today=lambda: TODAY, settings=settings)
    window.resize(1400, 800)
    window.show()

    def settle() -> None:
        for _ in range(50):
            workers.wait_all()
            app.processEvents()

    settle()
    window.open_account(account_id)
    settle()
    view = window.account_view
    view.side.setCurrentWidget(view.risks_asks)
    settle()
    window.grab().save(str(target))
    window.close()
    settle()


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="qbr-shots-"))
    database = open_database(folder / "demo.sqlite3")
    try:
        create_demo_book(database, today=TODAY)
        account_id = enrich(database, folder)
        period = parse_quarter(PERIOD)
        pdf = write_qbr_report(database, account_id, TODAY, folder / "qbr.pdf", period=period)
        deck = write_qbr_report(
            database, account_id, TODAY, folder / "qbr.pptx", period=period, format="pptx"
        )
        for old in out_dir.glob("qbr_*.png"):
            old.unlink()
        grab_account_page(database, account_id, folder, out_dir / "qbr_account_page.png")
    finally:
        database.close()
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(out_dir / "qbr_page")],
                   check=True)  # fmt: skip
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{folder}/lo",
         "--convert-to", "pdf", "--outdir", str(folder / "deck"), str(deck)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    for slide in DECK_SLIDES:
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", str(slide), "-l", str(slide),
             "-singlefile", str(folder / "deck" / "qbr.pdf"), str(out_dir / f"qbr_deck_{slide}")],
            check=True,
        )  # fmt: skip
    print("\n".join(sorted(p.name for p in out_dir.glob("qbr_*.png"))))


if __name__ == "__main__":
    default = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else default)
