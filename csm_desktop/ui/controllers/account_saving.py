"""The account page's saves: one queue, the versions its own saves left, dialogs that
save on OK (issue 16).

``PageSaves`` is what every edit of the account page shares. Saves run off the UI thread,
one at a time in the order asked, through the page's ``WorkQueue`` (the Value panel uses
the same one, so an undo never overtakes its edit); what a dialog offers is read the same
way before it opens. ``OwnSaves`` remembers the versions the window's own saves left, so a
second edit made before the page has reloaded saves over them and undo follows the chain
of its own edits. A refusal over someone else's change reloads the page and says who and
when; the dialogs keep what was typed (``SavesOnOk``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from csm_desktop.errors import ConflictError
from csm_desktop.services.opening import Database
from csm_desktop.ui.controllers.account_versions import WindowSaves
from csm_desktop.ui.dialogs.messages import show_failure
from csm_desktop.ui.views.account_view import AccountView

if TYPE_CHECKING:
    from csm_desktop.ui.dialogs.save_refusals import SavesOnOk


class PageSaves(QObject):
    """The saving machinery of the account page's controller."""

    changed = Signal(int)  # the account (id) was edited: reload it and the Book

    def __init__(
        self,
        view: AccountView,
        database: Callable[[], Database],
        today: Callable[[], dt.date],
        parent: QObject | None = None,
        saves: WindowSaves | None = None,
    ) -> None:
        super().__init__(parent)
        self.view = view
        self.database = database
        self.today = today
        # The window's (a page of its own when none is given): the versions its own saves
        # left, so a second edit made before the page has reloaded saves over them and undo
        # follows the chain of its own edits; the queue every save runs in (the Value
        # panel's and Today's too); Edit → Undo.
        self.saves = saves or WindowSaves.of_its_own(self)
        self.own = self.saves.own
        self.queue = self.saves.queue
        self.undo_stack = self.saves.undo_stack

    @property
    def _parent_widget(self) -> QWidget:
        return self.view

    def _seen(self, kind: str, row_id: int, shown: int | None) -> int | None:
        """The latest version of the row this window knows: shown, or left by its own save."""
        return self.own.seen((kind, row_id), shown)

    def _left(self, kind: str, row_id: int, version: int | None) -> None:
        self.own.wrote((kind, row_id), version)

    def _account_id(self) -> int | None:
        return self.view.detail.id if self.view.detail else None

    def _emit_changed(self) -> None:
        account_id = self._account_id()
        if account_id is not None:
            self.changed.emit(account_id)

    @property
    def busy(self) -> bool:
        """A save of the page is still running (or queued)."""
        return self.queue.busy

    def _queue(
        self,
        what: str,
        work: Callable[[], Any],
        saved: Callable[[Any], None] | None = None,
    ) -> None:
        """Run ``work`` off the UI thread behind the page's other saves; then ``saved`` (by
        default the page reloads)."""
        saved = saved or (lambda _result: self._emit_changed())
        self.queue.add(what, work, saved, self._save_failed(what))

    def _save_failed(self, what: str) -> Callable[[BaseException], None]:
        """What a failed save ``what`` does: refused over someone else's change, the page
        reloads to show it and the refusal says who and when; any other failure is shown."""
        from csm_desktop.ui.dialogs.save_refusals import save_failed

        return save_failed(self._parent_widget, what, self._emit_changed)

    def _read_then(self, what: str, read: Callable[[], Any], then: Callable[[Any], None]) -> None:
        """Read what a dialog offers off the UI thread (behind the page's saves), then open
        it with ``then`` while the same account is still on show."""
        account_id = self._account_id()

        def show(result: Any) -> None:
            if self._account_id() == account_id:
                then(result)

        def failed(exc: BaseException) -> None:
            show_failure(self._parent_widget, what, exc)

        self.queue.add(what, read, show, failed)

    def _save_on_ok(
        self,
        dialog: SavesOnOk,
        what: str,
        read: Callable[[], Callable[[int | None], Any]],
        key: tuple[str, int],
        shown: int | None,
        saved: Callable[[Any], None] | None = None,
    ) -> None:
        """Make the dialog's OK save what was typed: ``read()`` reads it (UI thread) and
        returns the work that saves it over a version (``work(seen)``), which runs in the
        page's queue, after the page's own saves still under way. The version of the row
        ``key`` it leaves (its result, or the result's ``version``) is recorded as this
        window's own.

        Refused over someone else's change: the page reloads to show it, the dialog stays
        open with the user's edit, and OK again saves over the version now shown."""
        seen: list[int | None] = [shown]

        def refused(exc: ConflictError) -> None:
            if exc.version is not None:
                seen[0] = exc.version
            self._emit_changed()

        def save() -> Callable[[], Any]:
            work = read()

            def job() -> Any:
                # The version is asked when the save runs, behind the page's earlier saves:
                # one's own save that ended since the dialog opened (or was still running
                # when OK was pressed) moved it on, and must not read as a teammate's
                # (review finding 5).
                result = work(self._seen(*key, seen[0]))
                left = result if isinstance(result, int) else getattr(result, "version", None)
                if isinstance(left, int):
                    self._left(*key, left)
                return result

            return job

        dialog.save, dialog.queue = save, self.queue
        dialog.saved, dialog.refused, dialog.saving_what = saved, refused, what
