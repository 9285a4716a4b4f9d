"""Run slow work off the UI thread, with progress and cancellation.

The core takes plain callables (`fn(progress, cancel)`), never a Qt object (STYLE.md §3,
after Dangerzone's progress_callback and Anki's taskman). A `Task` is a QObject created
on the UI thread, so its signals, emitted from a pool thread, are queued and delivered
on the UI thread: slots may touch widgets. `TaskRunner` keeps a reference to every task
until it ends, so a task is never garbage-collected mid-run.

Usage::

    task = Task(lambda progress, cancel: services.sync.sync_now(progress, cancel))
    task.progressed.connect(progress_bar.update)
    task.succeeded.connect(self._on_sync_succeeded)
    task.failed.connect(self._show_error)
    self.tasks.start(task)
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)

ProgressFn = Callable[[int, int, str], None]
TaskFn = Callable[[ProgressFn, threading.Event], Any]


class Task(QObject):
    """One unit of background work; emit-only from the worker, consumed on the UI thread."""

    progressed = Signal(int, int, str)  # done, total, label
    succeeded = Signal(object)  # the function's return value
    failed = Signal(object)  # the exception (never shown raw: map it to a user message)
    finished = Signal()  # after succeeded or failed

    def __init__(self, fn: TaskFn, name: str = "task") -> None:
        super().__init__()
        self._fn = fn
        self.name = name
        self.cancel_event = threading.Event()
        self.done = False

    def cancel(self) -> None:
        self.cancel_event.set()

    def run_here(self) -> None:
        """Run in the calling thread (the pool calls it in a worker thread)."""
        try:
            result = self._fn(self.progressed.emit, self.cancel_event)
        except Exception as exc:  # reported through `failed`; the UI maps it to a message
            log.warning("background task %s failed: %s", self.name, type(exc).__name__)
            self.done = True
            self.failed.emit(exc)
        else:
            self.done = True
            self.succeeded.emit(result)
        self.finished.emit()


class _Runnable(QRunnable):
    def __init__(self, task: Task) -> None:
        super().__init__()
        self._task = task
        self.setAutoDelete(True)

    def run(self) -> None:
        self._task.run_here()


class TaskRunner(QObject):
    """Starts tasks on a thread pool and holds them until they finish."""

    def __init__(self, pool: QThreadPool | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = pool or QThreadPool.globalInstance()
        self._running: set[Task] = set()

    def start(self, task: Task) -> Task:
        self._running.add(task)
        task.finished.connect(lambda: self._running.discard(task))
        self._pool.start(_Runnable(task))
        return task

    def running(self) -> list[Task]:
        return list(self._running)

    def cancel_all(self) -> None:
        for task in list(self._running):
            task.cancel()

    def wait_for_done(self, msecs: int = 30_000) -> bool:
        """Block until the pool is idle (shutdown and tests only)."""
        return self._pool.waitForDone(msecs)
