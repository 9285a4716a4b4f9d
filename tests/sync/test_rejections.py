"""A refused record is kept, marked and explained, and never blocks the others; a 401
stops the sync and asks for a new token."""

from __future__ import annotations

from datetime import date

import pytest

from icope_desktop.i18n import set_language
from icope_desktop.store.records import EntityKind, SyncStatus
from icope_desktop.store.settings import SettingKey
from icope_desktop.sync import push
from icope_desktop.sync.errors import AuthenticationRequired, DemoTokenRefused
from sync.workload import add_patient, finalized_visit


def test_a_refused_visit_is_isolated_and_explained(desk, live, monkeypatch):
    patients = [add_patient(desk.practice, i) for i in range(4)]
    visits = [finalized_visit(desk.practice, p, date(2025, 3, 3)) for p in patients]
    bad = visits[1]
    original = push.VisitMapper.entries

    def one_bad_visit(self):
        entries = original(self)
        if self.visit.id == bad:  # a status the server's required binding refuses
            entries[0].resource["status"] = "bogus"
        return entries

    monkeypatch.setattr(push.VisitMapper, "entries", one_bad_visit)

    report = desk.sync.sync_now()

    assert report.error is None
    rejected = {(r.entity, r.entity_id) for r in report.rejections}
    assert (EntityKind.VISIT, bad) in rejected
    # its Step 1 act points at the refused Encounter: refused too, for that reason
    assert all(entity in (EntityKind.VISIT, EntityKind.BILLING_LINE) for entity, _ in rejected)
    assert live.count("Encounter", desk.account.rpps) == 3
    for visit_id in visits:
        status = desk.sync.record_status(EntityKind.VISIT, visit_id)
        assert status.status is (SyncStatus.REJECTED if visit_id == bad else SyncStatus.SENT)
    reason = desk.sync.record_status(EntityKind.VISIT, bad).reason
    assert "status" in reason.fr and "status" in reason.en and reason.fr != reason.en
    set_language("en")
    assert reason.get() == reason.en
    assert desk.store.outbox.counts()[SyncStatus.WAITING] == 0
    assert desk.store.visits.get_visit(bad).status.value == "final"  # kept as it was


@pytest.mark.parametrize(
    ("token", "error"),
    [
        ("icp_not-a-real-token", AuthenticationRequired),
        # the documented demo token is never sent by a service not built for demo mode
        ("demo-icope-token-not-for-production", DemoTokenRefused),
    ],
)
def test_a_refused_token_stops_at_once_and_asks_for_a_new_one(desk, token, error):
    add_patient(desk.practice, 1)
    waiting = desk.store.outbox.counts()[SyncStatus.WAITING]
    desk.store.settings.set(SettingKey.API_TOKEN, token)

    report = desk.sync.sync_now()

    assert type(report.error) is error
    assert report.needs_token is (error is AuthenticationRequired)
    assert desk.sleeps.delays == []  # never retried
    assert desk.store.outbox.counts()[SyncStatus.WAITING] == waiting


def test_two_syncs_never_run_at_once(desk):
    from icope_desktop.sync.errors import SyncAlreadyRunning

    assert desk.sync._running.acquire()
    try:
        with pytest.raises(SyncAlreadyRunning):
            desk.sync.sync_now()
        assert desk.sync.is_running
    finally:
        desk.sync._running.release()
    assert not isinstance(desk.sync.sync_now().error, AuthenticationRequired)


def test_close_stops_a_running_sync_before_the_store_is_locked(desk):
    import threading

    from icope_desktop.sync.errors import Cancelled

    for index in range(3):
        add_patient(desk.practice, index)
    started, release = threading.Event(), threading.Event()

    def slow_progress(done, total, label):
        started.set()
        release.wait(5)

    results = []
    worker = threading.Thread(target=lambda: results.append(desk.sync.sync_now(slow_progress)))
    worker.start()
    assert started.wait(5)
    closer = threading.Thread(target=lambda: results.append(desk.sync.close(timeout=5)))
    closer.start()
    release.set()
    worker.join(10)
    closer.join(10)
    report = next(r for r in results if not isinstance(r, bool))
    assert isinstance(report.error, Cancelled)
    assert True in results and not desk.sync.is_running
