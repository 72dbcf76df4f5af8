"""UI-test guards: a modal message box would hang an offscreen test, so record it instead;
and no background task outlives its test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox


class MessageBoxes:
    """Every message box a test made, as (kind, title, text)."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str, str]] = []
        self.answer = QMessageBox.StandardButton.Yes

    def texts(self) -> list[str]:
        return [text for _kind, _title, text in self.shown]


@pytest.fixture(autouse=True)
def message_boxes(monkeypatch: pytest.MonkeyPatch) -> Iterator[MessageBoxes]:
    boxes = MessageBoxes()

    def recorder(kind: str) -> Any:
        def show(_parent: Any, title: str, text: str, *args: Any, **kwargs: Any) -> Any:
            boxes.shown.append((kind, title, text))
            return boxes.answer

        return show

    for kind in ("warning", "critical", "information", "question", "about"):
        monkeypatch.setattr(QMessageBox, kind, recorder(kind))
    yield boxes
    unexpected = [box for box in boxes.shown if box[0] == "critical"]
    assert not unexpected, f"a bug was shown to the user: {unexpected}"


@pytest.fixture(autouse=True)
def no_task_outlives_its_test() -> Iterator[None]:
    """Wait for the pool to drain after each test, as the app does at shutdown: a window's
    task still loading rows when the test's window is deleted must not run on into the next
    test (a garbage collection there crashed the worker once, in CI)."""
    yield
    from csm_desktop.ui.workers import wait_all

    assert wait_all(30_000), "a background task was still running 30 s after its test"
