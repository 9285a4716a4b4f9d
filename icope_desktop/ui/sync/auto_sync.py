"""Automatic sync: on an interval (15 min by default) and when the server answers again.

A QTimer ticks on the UI thread and asks `sync.scheduler.AutoSyncSchedule` what to do;
the probe (`GET /metadata`) and the sync run as background tasks, never on the UI thread,
never while the app is locked (`can_sync`), never when the practitioner switched
automatic sync off, and never beside another sync (they share `SyncPanel.start_sync`).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from icope_desktop.services.sync import SyncReport, SyncService
from icope_desktop.sync.scheduler import DEFAULT_INTERVAL_S, Action, AutoSyncSchedule
from icope_desktop.ui.sync.sync_panel import SyncPanel
from icope_desktop.ui.tasks import Task, TaskRunner


class AutoSync(QObject):
    def __init__(
        self,
        panel: SyncPanel,
        sync: SyncService,
        runner: TaskRunner,
        *,
        can_sync: Callable[[], bool] = lambda: True,
        interval_s: float = DEFAULT_INTERVAL_S,
        tick_ms: int = 5_000,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.panel = panel
        self.sync = sync
        self.runner = runner
        self.can_sync = can_sync
        self.clock = clock
        self.schedule = AutoSyncSchedule(interval_s=interval_s)
        self.probe_task: Task | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(tick_ms)
        self.timer.timeout.connect(self.tick)
        panel.sync_finished.connect(self._on_sync_finished)

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def enabled(self) -> bool:
        settings = self.sync.server_settings()
        return settings.auto_sync and bool(settings.url) and settings.has_token

    def tick(self) -> Action:
        now = self.clock()
        busy = self.panel.running or self.probe_task is not None
        allowed = self.can_sync() and not busy  # checked first: a locked store is not read
        action = self.schedule.next_action(
            now, enabled=allowed and self.enabled(), allowed=allowed
        )
        if action is Action.SYNC:
            self._sync(now)
        elif action is Action.PROBE:
            self.schedule.started(now)
            task = Task(lambda progress, cancel: self.sync.probe(), name="probe")
            task.succeeded.connect(self._on_probe_succeeded)
            task.failed.connect(lambda _error: self._on_probe_succeeded(False))
            self.probe_task = task
            self.runner.start(task)
        return action

    def _sync(self, now: float) -> None:
        if self.panel.start_sync(unattended=True):
            self.schedule.started(now)

    def _on_probe_succeeded(self, reachable: object) -> None:
        self.probe_task = None
        now = self.clock()
        action = self.schedule.probe_finished(now, reachable=bool(reachable))
        if action is Action.SYNC and self.can_sync() and self.enabled():
            self._sync(now)

    def _on_sync_finished(self, report: SyncReport) -> None:
        now = self.clock()
        self.schedule.last_attempt = now
        self.schedule.sync_finished(now, reached_server=report.reached_server)
