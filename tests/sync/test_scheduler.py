"""When automatic sync runs: interval, connectivity back, probes with backoff, never twice
at once, never while locked or switched off (issue 7 "When")."""

from __future__ import annotations

from icope_desktop.sync.scheduler import FIRST_PROBE_S, MAX_PROBE_S, Action, AutoSyncSchedule


def test_syncs_at_start_then_on_the_interval():
    schedule = AutoSyncSchedule(interval_s=900)
    assert schedule.next_action(0, enabled=True, allowed=True) is Action.SYNC
    schedule.started(0)
    assert schedule.next_action(1, enabled=True, allowed=True) is Action.NONE  # busy
    schedule.sync_finished(5, reached_server=True)
    assert schedule.next_action(899, enabled=True, allowed=True) is Action.NONE
    assert schedule.next_action(900, enabled=True, allowed=True) is Action.SYNC


def test_never_when_switched_off_or_locked():
    schedule = AutoSyncSchedule()
    assert schedule.next_action(0, enabled=False, allowed=True) is Action.NONE
    assert schedule.next_action(0, enabled=True, allowed=False) is Action.NONE


def test_offline_probes_with_growing_delays_then_syncs_when_back():
    schedule = AutoSyncSchedule(interval_s=900)
    schedule.started(0)
    schedule.sync_finished(1, reached_server=False)
    assert not schedule.online
    assert schedule.next_action(1 + FIRST_PROBE_S - 1, enabled=True, allowed=True) is Action.NONE
    now = 1 + FIRST_PROBE_S
    delays = []
    for _ in range(8):
        assert schedule.next_action(now, enabled=True, allowed=True) is Action.PROBE
        schedule.started(now)
        assert schedule.probe_finished(now, reachable=False) is Action.NONE
        delays.append(schedule.next_probe - now)
        now = schedule.next_probe
    assert delays[:3] == [2 * FIRST_PROBE_S, 4 * FIRST_PROBE_S, 8 * FIRST_PROBE_S]
    assert delays[-1] == MAX_PROBE_S
    schedule.started(now)
    assert schedule.probe_finished(now, reachable=True) is Action.SYNC
    assert schedule.online
    assert schedule.next_action(now, enabled=True, allowed=True) is Action.SYNC
