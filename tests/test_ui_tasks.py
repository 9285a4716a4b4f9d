"""Task runs off the UI thread and reports back on it."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread

from icope_desktop.ui.tasks import Task, TaskRunner


def test_task_runs_in_worker_and_reports_on_ui_thread(qtbot):
    runner = TaskRunner()
    seen: dict[str, object] = {}

    def work(progress, cancel):
        seen["worker"] = threading.current_thread() is not threading.main_thread()
        progress(1, 2, "moitié")
        return 42

    task = Task(work)
    got: list[object] = []
    task.progressed.connect(lambda d, t, label: got.append((d, t, label)))
    task.succeeded.connect(lambda value: seen.__setitem__("on_ui", QThread.currentThread()))
    with qtbot.waitSignal(task.succeeded, timeout=5000) as blocker:
        runner.start(task)
    assert blocker.args == [42]
    assert seen["worker"] is True
    qtbot.waitUntil(lambda: got == [(1, 2, "moitié")])
    assert seen["on_ui"] is QThread.currentThread()


def test_failure_is_reported_not_raised(qtbot):
    runner = TaskRunner()

    def boom(progress, cancel):
        raise RuntimeError("disk full")

    task = Task(boom)
    with qtbot.waitSignal(task.failed, timeout=5000) as blocker:
        runner.start(task)
    assert isinstance(blocker.args[0], RuntimeError)


def test_cancel_is_seen_by_the_function(qtbot):
    runner = TaskRunner()
    started = threading.Event()

    def wait_for_cancel(progress, cancel):
        started.set()
        return cancel.wait(5)

    task = Task(wait_for_cancel)
    with qtbot.waitSignal(task.succeeded, timeout=6000) as blocker:
        runner.start(task)
        assert started.wait(5)
        task.cancel()
    assert blocker.args == [True]
