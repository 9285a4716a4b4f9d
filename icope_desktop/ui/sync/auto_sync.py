"""Automatic sync: on an interval (15 min by default) and when the server answers again.

A QTimer ticks on the UI thread and asks `sync.scheduler.AutoSyncSchedule` what to do;
the probe (`GET /metadata`) and the sync run as background tasks, never on the UI thread,
never while the app is locked (`can_sync`), never when the practitioner switched
automatic sync off, and never beside another sync (they share `SyncPanel.start_sync`).

The interval is the practitioner's setting (5, 15, 30 or 60 min, `SyncService.
sync_interval_minutes`, read at each tick so a change applies at once) unless a fixed one
is given. An automatic sync waits while the practitioner typed in the last
`TYPING_HOLD_S` seconds (audit item 5: the sync's writes and its status bar changes
should not land mid-sentence); it starts at the first tick after the pause. A manual
"Synchroniser maintenant" always runs.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer

from icope_desktop.services.sync import SyncReport, SyncService
from icope_desktop.sync.scheduler import DEFAULT_INTERVAL_S, Action, AutoSyncSchedule
from icope_desktop.ui.sync.sync_panel import SyncPanel
from icope_desktop.ui.tasks import Task, TaskRunner

TYPING_HOLD_S = 30.0
TYPING = frozenset({QEvent.Type.KeyPress, QEvent.Type.InputMethod})


class TypingWatcher(QObject):
    """When the practitioner last typed, anywhere in the app (an application-wide event
    filter that only looks). The shell's `IdleWatcher` counts mouse moves as activity
    and exposes no time of the last input, so the sync keeps its own."""

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.clock = clock
        self.last_typed: float | None = None
        self._app: QCoreApplication | None = None

    def start(self) -> None:
        app = QCoreApplication.instance()
        if app is not None and self._app is None:
            app.installEventFilter(self)
            self._app = app

    def stop(self) -> None:
        if self._app is not None:
            self._app.removeEventFilter(self)
            self._app = None

    def typed_within(self, seconds: float) -> bool:
        return self.last_typed is not None and self.clock() - self.last_typed < seconds

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in TYPING:
            self.last_typed = self.clock()
        return False


class AutoSync(QObject):
    def __init__(
        self,
        panel: SyncPanel,
        sync: SyncService,
        runner: TaskRunner,
        *,
        can_sync: Callable[[], bool] = lambda: True,
        interval_s: float | None = None,
        tick_ms: int = 5_000,
        clock: Callable[[], float] = time.monotonic,
        typing: TypingWatcher | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.panel = panel
        self.sync = sync
        self.runner = runner
        self.can_sync = can_sync
        self.clock = clock
        self.fixed_interval_s = interval_s
        self.typing = typing if typing is not None else TypingWatcher(clock, self)
        self.schedule = AutoSyncSchedule(interval_s=interval_s or DEFAULT_INTERVAL_S)
        self.probe_task: Task | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(tick_ms)
        self.timer.timeout.connect(self.tick)
        panel.sync_finished.connect(self._on_sync_finished)

    def start(self) -> None:
        self.typing.start()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self.typing.stop()

    def held_back(self) -> bool:
        """Is the practitioner typing? Then an automatic sync waits (manual ones never)."""
        return self.typing.typed_within(TYPING_HOLD_S)

    def enabled(self) -> bool:
        settings = self.sync.server_settings()
        return settings.auto_sync and bool(settings.url) and settings.has_token

    def tick(self) -> Action:
        now = self.clock()
        busy = self.panel.running or self.probe_task is not None
        allowed = self.can_sync() and not busy  # checked first: a locked store is not read
        if allowed and self.fixed_interval_s is None:
            self.schedule.interval_s = self.sync.sync_interval_minutes() * 60.0
        action = self.schedule.next_action(
            now, enabled=allowed and self.enabled(), allowed=allowed
        )
        if action is Action.SYNC:
            if self.held_back():
                return Action.NONE  # due: starts at the first tick after the typing
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
        if action is Action.SYNC and self.can_sync() and self.enabled() and not self.held_back():
            self._sync(now)  # held back, it is due at the next tick (last_attempt is None)

    def _on_sync_finished(self, report: SyncReport) -> None:
        now = self.clock()
        self.schedule.last_attempt = now
        self.schedule.sync_finished(now, reached_server=report.reached_server)
