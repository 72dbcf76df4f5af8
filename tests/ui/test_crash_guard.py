"""The crash guard: a bug in a slot is logged and explained once, and the window lives on."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from csm_desktop.errors import BadInput
from csm_desktop.ui.crash_guard import (
    CrashGuard,
    ensure_log_file,
    install_crash_guard,
    uninstall_crash_guard,
)


@pytest.fixture
def guard(tmp_path: Path) -> Iterator[CrashGuard]:
    previous = sys.excepthook
    installed = install_crash_guard(log_folder=tmp_path)
    yield installed
    uninstall_crash_guard()
    assert sys.excepthook is previous
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "baseFilename", "").startswith(str(tmp_path)):
            root.removeHandler(handler)
            handler.close()


def button_that_runs(qtbot: QtBot, slot: object) -> QPushButton:
    button = QPushButton("Do it")
    button.clicked.connect(slot)
    qtbot.addWidget(button)
    return button


def broken_slot() -> None:
    raise ZeroDivisionError("division by zero in a slot")


@pytest.mark.qt_no_exception_capture
def test_bug_in_a_slot_is_logged_and_shown_once_and_the_app_keeps_running(
    qtbot: QtBot, guard: CrashGuard, tmp_path: Path, message_boxes: Any
) -> None:
    clicks: list[int] = []
    button = button_that_runs(qtbot, broken_slot)
    healthy = button_that_runs(qtbot, lambda: clicks.append(1))

    button.click()
    button.click()  # within the quiet time: logged, no second box
    healthy.click()

    assert guard.caught == 2
    assert clicks == [1]
    assert len(message_boxes.shown) == 1
    kind, title, text = message_boxes.shown[0]
    assert (kind, title) == ("critical", "CSM Desktop: something went wrong")
    assert "(ZeroDivisionError)" in text and str(tmp_path) in text
    assert "you can keep working" in text
    logged = (tmp_path / "csm-desktop.log").read_text(encoding="utf-8")
    assert logged.count("Uncaught exception (bug)") == 2
    assert "ZeroDivisionError: division by zero in a slot" in logged
    message_boxes.shown.clear()  # the critical box was the point of this test


@pytest.mark.qt_no_exception_capture
def test_user_error_escaping_a_slot_is_shown_as_its_plain_message(
    qtbot: QtBot, guard: CrashGuard, message_boxes: Any
) -> None:
    def refuse() -> None:
        raise BadInput("Give the account a name; it cannot be empty.")

    button_that_runs(qtbot, refuse).click()

    assert message_boxes.shown == [
        ("warning", "CSM Desktop", "Give the account a name; it cannot be empty.")
    ]


def test_boxes_come_back_after_the_quiet_time(
    tmp_path: Path, message_boxes: Any, qtbot: QtBot
) -> None:
    now = [100.0]
    guard = CrashGuard(lambda: None, tmp_path, sys.__excepthook__, clock=lambda: now[0])
    error = RuntimeError("boom")
    guard(RuntimeError, error, None)
    now[0] += 1.0
    guard(RuntimeError, error, None)
    now[0] += 3.0
    guard(RuntimeError, error, None)
    assert [kind for kind, _title, _text in message_boxes.shown] == ["critical", "critical"]
    message_boxes.shown.clear()


def test_log_file_handler_is_added_once(tmp_path: Path) -> None:
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        assert ensure_log_file(tmp_path) == tmp_path / "csm-desktop.log"
        ensure_log_file(tmp_path)
        added = [h for h in root.handlers if h not in before]
        assert len(added) == 1
    finally:
        for handler in root.handlers[:]:
            if handler not in before:
                root.removeHandler(handler)
                handler.close()
