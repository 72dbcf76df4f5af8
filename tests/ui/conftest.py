"""UI-test guards: a modal message box would hang an offscreen test, so record it instead.
(That no background task outlives its test is checked for every widget test, in the
top-level conftest.)"""

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
