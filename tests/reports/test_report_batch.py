"""Batch export of QBR reports: worker processes, progress, cancel, safe names, atomic files."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hand_book import CYRILLIC, HOSTILE, TODAY
from sqlalchemy import select

from csm_desktop.errors import Cancelled, UnknownAccount
from csm_desktop.services.progress import progress_of
from csm_desktop.services.reports import (
    BatchIncomplete,
    write_qbr_batch,
    write_qbr_report,
)
from csm_desktop.store.database import Database, open_database
from csm_desktop.store.models import Account

DEMO_TODAY = dt.date(2026, 6, 30)
Book = tuple[Database, dict[str, int]]


@pytest.fixture(scope="module")
def demo_book(
    tmp_path_factory: pytest.TempPathFactory, demo_template: Callable[[dt.date], Path]
) -> Iterator[tuple[Database, list[int]]]:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    shutil.copyfile(demo_template(DEMO_TODAY), path)
    database = open_database(path)
    with database.session() as session:
        ids = list(session.scalars(select(Account.id).order_by(Account.id)))
    yield database, ids
    database.close()


def test_a_batch_uses_worker_processes_and_reports_progress(
    demo_book: tuple[Database, list[int]], tmp_path: Path, read_pdf: Callable[[object], str]
) -> None:
    database, ids = demo_book
    chosen = ids[
        20:26
    ]  # Åkerlund & Berg AB … Nordlys Energi AS: names with & and non-Latin letters
    seen: list[tuple[int, int]] = []
    written = write_qbr_batch(
        database,
        chosen,
        DEMO_TODAY,
        tmp_path,
        progress=progress_of(lambda d, t, _: seen.append((d, t))),
        workers=2,
    )
    assert [p.name for p in written] == [
        "Åkerlund & Berg AB - QBR 2026-06-30.pdf",
        "Łódź Freight Sp. z o.o - QBR 2026-06-30.pdf",
        "Müller & Söhne GmbH - QBR 2026-06-30.pdf",
        "Zoë Ødegård Design - QBR 2026-06-30.pdf",
        "Café Lumière SARL - QBR 2026-06-30.pdf",
        "Nordlys Energi AS - QBR 2026-06-30.pdf",
    ]
    assert seen == [(n, 6) for n in range(7)]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in written)
    assert "Müller & Söhne GmbH has achieved" in read_pdf(written[2])


def test_a_cancelled_batch_stops_and_leaves_only_whole_files(
    demo_book: tuple[Database, list[int]], tmp_path: Path
) -> None:
    database, ids = demo_book
    done: list[int] = []
    with pytest.raises(Cancelled) as raised:
        write_qbr_batch(
            database,
            ids,
            DEMO_TODAY,
            tmp_path,
            progress=progress_of(
                lambda d, _t, _text: done.append(d), lambda: bool(done) and done[-1] >= 2
            ),
            workers=2,
        )
    files = sorted(tmp_path.iterdir())
    assert 2 <= len(raised.value.written) < len(ids)
    assert all(path.suffix == ".pdf" and path.stat().st_size > 10_000 for path in files)
    assert {p.name for p in files} == {p.name for p in raised.value.written}


def test_accounts_that_cannot_be_reported_do_not_stop_the_others(
    hand_book: Book, tmp_path: Path
) -> None:
    database, ids = hand_book
    chosen = [ids[HOSTILE], ids["Echo (no kickoff)"], ids[CYRILLIC]]
    with pytest.raises(BatchIncomplete) as raised:
        write_qbr_batch(database, chosen, TODAY, tmp_path, internal=True)
    assert str(raised.value).startswith(
        "1 of 3 reports were not written — Echo (no kickoff): Echo (no kickoff) has no kickoff"
    )
    assert sorted(p.name for p in raised.value.written) == [
        "Zoë's _Bakery_ & Co - QBR internal 2026-04-15.pdf",
        "Ленинград Logistics - QBR internal 2026-04-15.pdf",
    ]


def test_unknown_account_ids_are_refused_before_anything_is_written(
    hand_book: Book, tmp_path: Path
) -> None:
    database, ids = hand_book
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(UnknownAccount, match="refresh the Book"):
        write_qbr_batch(database, [ids[HOSTILE], 9999], TODAY, folder)
    assert list(folder.iterdir()) == []


def test_a_failed_report_keeps_the_previous_file_and_leaves_no_temporary(
    hand_book: Book, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database, ids = hand_book
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "qbr.pdf"
    target.write_bytes(b"the report of last quarter")

    def broken(_data: object, path: object) -> None:
        Path(str(path)).write_bytes(b"%PDF-1.4 half")
        raise RuntimeError("layout failed")

    monkeypatch.setattr("csm_desktop.reports.qbr.write_qbr", broken)
    with pytest.raises(RuntimeError, match="layout failed"):
        write_qbr_report(database, ids[HOSTILE], TODAY, target)
    assert [p.name for p in folder.iterdir()] == ["qbr.pdf"]
    assert target.read_bytes() == b"the report of last quarter"


def test_a_batch_writes_decks_too(demo_book: tuple[Database, list[int]], tmp_path: Path) -> None:
    from pptx import Presentation

    database, ids = demo_book
    written = write_qbr_batch(database, ids[20:22], DEMO_TODAY, tmp_path, format="pptx")
    assert [p.name for p in written] == [
        "Åkerlund & Berg AB - QBR 2026-06-30.pptx",
        "Łódź Freight Sp. z o.o - QBR 2026-06-30.pptx",
    ]
    slides = list(Presentation(str(written[0])).slides)
    assert slides[1].shapes[0].text_frame.text == "Executive summary"


_KEY = re.compile(r"\b[A-Za-z0-9]+_[A-Za-z0-9_]+\b")


def test_no_feature_key_with_an_underscore_reaches_a_customer(
    demo_book: tuple[Database, list[int]], tmp_path: Path, read_pdf: Callable[[object], str]
) -> None:
    """The demo ladders unlock keys such as ``integration_dashboard``; every customer-facing
    text of five accounts (PDF and deck, notes included) uses display names instead."""
    from pptx import Presentation

    database, ids = demo_book
    for account_id in ids[:5]:
        pdf = write_qbr_report(database, account_id, DEMO_TODAY, tmp_path / f"{account_id}.pdf")
        deck = write_qbr_report(
            database, account_id, DEMO_TODAY, tmp_path / f"{account_id}.pptx", format="pptx"
        )
        texts = [read_pdf(pdf)]
        for slide in Presentation(str(deck)).slides:
            texts.append(slide.notes_slide.notes_text_frame.text)
            for shape in slide.shapes:
                if shape.has_text_frame:
                    texts.append(shape.text_frame.text)
                if shape.has_table:
                    texts += [c.text for row in shape.table.rows for c in row.cells]
                if shape.has_chart:
                    texts += [s.name for s in shape.chart.plots[0].series]
        found = sorted({key for text in texts for key in _KEY.findall(text)})
        assert found == [], f"account {account_id}: {found}"
