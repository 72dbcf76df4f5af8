"""Long work off the UI thread: run a function in the thread pool, deliver on the main thread.

The function receives a ``Progress`` it may call to report progress and ask whether the
user pressed Cancel. Results and errors come back through Qt signals, which are queued to
the thread the ``Task`` object lives in (the main thread), so slots may touch widgets.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections import deque
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QEventLoop, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QWidget

from csm_desktop.services.progress import Cancelled

if TYPE_CHECKING:
    from csm_desktop.services.opening import Database

log = logging.getLogger(__name__)


class Progress:
    """Handed to the work function: report ``(done, total, text)`` and check for Cancel.

    The window's implementation of ``services.progress.Progress``, so it can be handed to
    any service's long job as it is.
    """

    def __init__(self, task: Task) -> None:
        self._task = task

    def __call__(self, done: int, total: int, text: str = "", /) -> None:
        """Report progress. Never raises: work that has already committed must not be
        reported as cancelled; call ``check()`` where stopping is still safe."""
        self._task.progressed.emit(done, total, text)

    def send(self, value: Any) -> None:
        """Hand a partial result to the UI thread (``on_partial``) while the work goes on."""
        self._task.keep(value)
        self._task.partial.emit(value)

    def check(self) -> None:
        """Raise ``Cancelled`` if the user pressed Cancel (only where nothing is stored yet)."""
        if self._task.cancel_requested:
            raise Cancelled

    @property
    def cancelled(self) -> bool:
        return self._task.cancel_requested


class Task(QObject):
    """One piece of background work and its outcome."""

    progressed = Signal(int, int, str)  # done, total, what is happening now
    partial = Signal(object)  # a part of the result, sent while the work goes on
    succeeded = Signal(object)  # the function's return value
    failed = Signal(object)  # the exception (a UserError is for the user, else a bug)
    cancelled = Signal()  # the user's Cancel took effect; nothing was stored
    finished = Signal()  # always emitted last, whatever the outcome

    def __init__(self, work: Callable[[Progress], Any]) -> None:
        super().__init__()  # no Qt parent: see start()
        self._work = work
        self._cancel = threading.Event()
        self.released = threading.Event()  # the pool thread holds no reference any more
        self._kept: list[Any] = []  # what the work handed over: see keep()
        self.heard = False  # ``finished`` has reached the UI thread

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def _finished_heard(self) -> None:
        self.heard = True
        _forget_finished()

    def keep(self, value: Any) -> None:
        """Hold ``value`` until the task is let go of on the UI thread. Else the pool
        thread's reference could be the last one: the value would be freed there, and
        freeing a Python object whose method a slot was connected to makes PySide
        disconnect it, off the UI thread (SIGBUS in ``QMetaObject::Connection``)."""
        self._kept.append(value)

    def run(self) -> None:
        """Runs on a pool thread; only emits signals, never touches widgets."""
        outcome = self._outcome()
        self.keep(outcome)
        self._deliver(outcome)

    def _outcome(self) -> tuple[str, Any]:
        try:
            return "succeeded", self._work(Progress(self))
        except Cancelled:
            return "cancelled", None
        except Exception as exc:
            if not _is_user_error(exc):
                log.error("Background task failed:\n%s", traceback.format_exc())
            return "failed", exc

    def _deliver(self, outcome: tuple[str, Any]) -> None:
        kind, value = outcome
        if kind == "succeeded":
            self.succeeded.emit(value)
        elif kind == "failed":
            self.failed.emit(value)
        else:
            self.cancelled.emit()
        self.finished.emit()


def _is_user_error(exc: BaseException) -> bool:
    from csm_desktop.errors import UserError

    return isinstance(exc, UserError)


class _LetGo(QObject):
    """Lives on the UI thread; a pool thread that has let go of its task says so here, and
    the finished tasks are dropped there. The UI thread usually hears ``finished`` before
    the pool thread lets go, and the task (its result, or a failure's traceback with every
    frame's locals) then stayed until some later task ended."""

    released = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.released.connect(self._forget, Qt.ConnectionType.QueuedConnection)

    def _forget(self) -> None:
        _forget_finished()


class _Runnable(QRunnable):
    def __init__(self, task: Task, let_go: _LetGo) -> None:
        super().__init__()
        self._task: Task | None = task
        self._let_go = let_go

    def run(self) -> None:
        assert self._task is not None
        released = self._task.released
        try:
            self._task.run()
        finally:
            self._task = None  # never the last reference: _running holds the task
            released.set()
            self._let_go.released.emit()  # never deleted: not the task's object


_running: set[Task] = set()


@cache
def _let_go() -> _LetGo:
    """The one ``_LetGo``: made on the UI thread by the first ``start``, kept for good."""
    return _LetGo()


def start(task: Task, pool: QThreadPool | None = None) -> Task:
    """Start ``task`` in the pool.

    The task has no Qt parent and is kept here until it has finished and the pool thread
    has let go of it, so its Qt object is always deleted on the UI thread and never while
    the pool thread emits from it. (Parented to the window, it used to be deleted with a
    closing window while its pool thread was still emitting: SIGSEGV under load.)"""
    _running.add(task)
    task.finished.connect(task._finished_heard)
    (pool or QThreadPool.globalInstance()).start(_Runnable(task, _let_go()))
    return task


def _forget_finished() -> None:
    """On the UI thread: drop the tasks that are over, the UI thread having heard their
    ``finished`` and the pool thread having let go of them (whichever comes last calls
    this: ``Task._finished_heard``, ``_LetGo``)."""
    for task in [task for task in _running if task.heard and task.released.is_set()]:
        _running.discard(task)


def run(
    work: Callable[[Progress], Any],
    on_success: Callable[[Any], Any],
    *,
    what: str,
    owner: QObject,
    shown_over: Any = None,
    on_failure: Callable[[BaseException], Any] | None = None,
    on_progress: Callable[[int, int, str], Any] | None = None,
    on_finished: Callable[[], Any] | None = None,
    on_partial: Callable[[Any], Any] | None = None,
) -> Task:
    """Start ``work``: its result goes to ``on_success``; a failure is shown as ``what``
    failing, over the widget ``shown_over`` (default: ``owner``), unless ``on_failure``
    handles it; ``on_partial`` receives what the work sends before it ends. Everything is
    connected before the task starts, so a quick task cannot finish unheard. Nothing is
    called once ``owner`` has been deleted."""
    from csm_desktop.ui.dialogs.messages import show_failure

    task = Task(work)
    window = owner if shown_over is None else shown_over
    shown: QWidget | None = window if isinstance(window, QWidget) else None
    failed = on_failure or (lambda exc: show_failure(shown, what, exc))
    task.succeeded.connect(_while_alive(owner, on_success))
    task.failed.connect(_while_alive(owner, failed))
    if on_progress is not None:
        task.progressed.connect(_while_alive(owner, on_progress))
    if on_partial is not None:
        task.partial.connect(_while_alive(owner, on_partial))
    if on_finished is not None:
        task.finished.connect(_while_alive(owner, on_finished))
    return start(task)


_listening_since = 0  # bumped by ``stop_listening``: older tasks' outcomes go unheard


def _while_alive(owner: QObject, slot: Callable[..., Any]) -> Callable[..., None]:
    """``slot``, called only while ``owner`` still exists (checked on the UI thread, where
    the owner is deleted): a window closed while its work ran hears nothing of it."""
    started = _listening_since

    def call(*args: Any) -> None:
        if started == _listening_since and shiboken6.isValid(owner):
            slot(*args)

    return call


def stop_listening() -> None:
    """What tasks started so far still deliver goes unheard (a test's window is gone: its
    late outcomes must not reach the next test)."""
    global _listening_since
    _listening_since += 1
    _busy_queues.clear()  # their next jobs wait for outcomes that will go unheard


def run_account_edit(
    account_id: int | None,
    database: Database,
    work: Callable[[Database], Any],
    changed: Callable[[int], Any],
    *,
    what: str,
    owner: QObject,
    shown_over: QWidget,
) -> Task | None:
    """Run an edit of the account on show (``work(database)``) in a worker: on success
    ``changed(account_id)`` lets the page reload; a refusal is shown over ``shown_over``.
    With no account on show (``account_id`` None) nothing runs."""
    if account_id is None:
        return None
    return run(
        lambda progress: work(database),
        lambda _result: changed(account_id),
        what=what,
        owner=owner,
        shown_over=shown_over,
    )


def wait_all(timeout_ms: int = 10000) -> bool:
    """Wait for the global pool to drain (used at shutdown and in tests)."""
    return QThreadPool.globalInstance().waitForDone(timeout_ms)


def cancel_all() -> None:
    """Ask every running task to stop where it safely can (the window is closing: a task
    streaming to it would otherwise wait for a window that no longer paints)."""
    for task in list(_running):
        task.cancel()


_Job = tuple[str, Callable[[], Any], Callable[[Any], None], Callable[[BaseException], None]]


class WorkQueue(QObject):
    """Runs database work off the UI thread, one job at a time, in the order asked.

    An edit, its undo and its redo share one queue, so they reach the book in the order
    the CSM asked for them; ``busy_changed`` lets panels turn their buttons off meanwhile.
    """

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs: deque[_Job] = deque()
        self.busy = False
        self.busy_changed.connect(
            lambda busy: _busy_queues.add(self) if busy else _busy_queues.discard(self)
        )

    def add(
        self,
        what: str,
        work: Callable[[], Any],
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None],
    ) -> None:
        self._jobs.append((what, work, on_success, on_failure))
        if not self.busy:
            self.busy = True
            self.busy_changed.emit(True)
            self._next()

    def _next(self) -> None:
        if not self._jobs:
            self.busy = False
            self.busy_changed.emit(False)
            return
        what, work, on_success, on_failure = self._jobs.popleft()
        run(
            lambda _progress: work(),
            on_success,
            what=what,
            owner=self,
            on_failure=on_failure,
            on_finished=self._next,
        )


_busy_queues: set[WorkQueue] = set()  # queues with a job running or waiting (saves, mostly)


def work_queued() -> bool:
    """Whether some ``WorkQueue`` still here has a job running or waiting (a deleted one's
    jobs are unheard and never go on)."""
    for queue in [queue for queue in _busy_queues if not shiboken6.isValid(queue)]:
        _busy_queues.discard(queue)
    return bool(_busy_queues)


def finish_queued_work(timeout_ms: int) -> bool:
    """Let every job queued in a ``WorkQueue`` run to its end (the event loop turns meanwhile,
    as each job starts only once the one before it is heard); False when some are still
    queued after ``timeout_ms``. A window calls it before it closes or leaves its book: a
    save the CSM made must not be dropped because it waited behind another."""
    if not work_queued():
        return True
    loop = QEventLoop()
    check = QTimer(interval=50)
    check.timeout.connect(lambda: loop.quit() if not work_queued() else None)
    QTimer.singleShot(timeout_ms, loop.quit)
    check.start()
    loop.exec()
    check.stop()
    return not work_queued()
