"""A teammate changed a few accounts of the Book on show: read only their lines.

Live refresh (issue 16) used to read the whole Book again for every burst of teammates'
changes: on a 50,000-account team book, seconds of a worker and a second of the UI thread
every few seconds (issue 17). The lines of the named accounts are read (``book_rows(only=…)``)
and put in place, keeping the user's selection and scroll position. The whole Book is read
instead when a line would move or is new, or when an older read would land after a newer one.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TYPE_CHECKING

from csm_desktop.ui import workers
from csm_desktop.ui.controllers.host import Host

if TYPE_CHECKING:  # the Book page is built when first asked for (start-up, issue 17)
    from csm_desktop.ui.views.book_view import BookView

UPDATED = "Updated with your team's latest changes"
MOST = 500  # accounts read on their own; past this many the whole Book is read


class BookPatches:
    """Reads the named accounts' Book lines in a worker and puts them in place."""

    def __init__(
        self,
        host: Host,
        view: BookView,
        *,
        read_whole: Callable[[str], None],
        whole_reads: Callable[[], int],
    ) -> None:
        self.host = host
        self.view = view
        self.read_whole = read_whole  # read every line (with a note to say once shown)
        self.whole_reads = whole_reads  # how many whole reads have started so far
        self._started = 0
        self._landed = 0

    def fits(self, accounts: Collection[int]) -> bool:
        """Whether these accounts are few enough to be read on their own."""
        return 0 < len(accounts) <= MOST and self.view.model.total() > 0

    def apply(self, accounts: Collection[int]) -> None:
        """Read the lines of ``accounts`` and put them in place (or read the whole Book)."""
        self._started += 1
        started, whole = self._started, self.whole_reads()
        database, today, only = self.host.database(), self.host.today(), tuple(sorted(accounts))

        def work(_progress: workers.Progress) -> object:
            from csm_desktop.services.book import book_rows  # with the metrics, on the worker

            return book_rows(database, today, only=only)

        def done(rows: object) -> None:
            if self.whole_reads() != whole:
                return  # a whole read started since: it brings these lines too
            assert isinstance(rows, list)
            if started < self._landed or not self.view.replace_rows(accounts, rows):
                self.read_whole(UPDATED)  # an older read landed last, or a line moves
                return
            self._landed = started
            self.host.status(UPDATED, 4000)

        self.host.run_task(work, done, what="Updating the book")
