"""When to sync unattended: on an interval, and when connectivity comes back.

DESIGN.md "Sync" / issue 7: automatic sync every N minutes (15 by default), and as soon
as the server answers again after being unreachable; while offline, the server is probed
cheaply (`GET /metadata`) with a growing delay so a laptop without network does not wake
up every few seconds. This module is the pure decision (no timer, no thread, no Qt): the
UI drives it with a QTimer and runs the probe and the sync as background tasks (STYLE.md
§3), so it is tested without waiting.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

DEFAULT_INTERVAL_S = 15 * 60
FIRST_PROBE_S = 30.0
MAX_PROBE_S = 10 * 60.0


class Action(StrEnum):
    NONE = "none"
    PROBE = "probe"
    SYNC = "sync"


@dataclass
class AutoSyncSchedule:
    """State of unattended sync; times are `time.monotonic()` seconds (never wall time)."""

    interval_s: float = DEFAULT_INTERVAL_S
    online: bool = True
    last_attempt: float | None = None
    next_probe: float = 0.0
    probe_delay: float = FIRST_PROBE_S
    busy: bool = False

    def next_action(self, now: float, *, enabled: bool, allowed: bool) -> Action:
        """`allowed` is False while the app is locked or a sync is running elsewhere."""
        if not enabled or not allowed or self.busy:
            return Action.NONE
        if not self.online:
            return Action.PROBE if now >= self.next_probe else Action.NONE
        if self.last_attempt is None or now - self.last_attempt >= self.interval_s:
            return Action.SYNC
        return Action.NONE

    def started(self, now: float) -> None:
        self.busy = True
        self.last_attempt = now

    def sync_finished(self, now: float, *, reached_server: bool) -> None:
        self.busy = False
        if reached_server:
            self._back_online()
        else:
            self._went_offline(now)

    def probe_finished(self, now: float, *, reachable: bool) -> Action:
        """After a probe: SYNC at once when the server is back, else wait longer."""
        self.busy = False
        if reachable:
            self._back_online()
            self.last_attempt = None
            return Action.SYNC
        self._went_offline(now)
        return Action.NONE

    def _back_online(self) -> None:
        self.online = True
        self.probe_delay = FIRST_PROBE_S

    def _went_offline(self, now: float) -> None:
        if self.online:
            self.online = False
            self.probe_delay = FIRST_PROBE_S
        else:
            self.probe_delay = min(MAX_PROBE_S, self.probe_delay * 2)
        self.next_probe = now + self.probe_delay
