"""Issue 7: faults between app and server never lose, alter or duplicate anything.

Every test starts from the same prepared week (a copy of one template store) and sends it
through `FaultProxy`; after recovery the server holds every record exactly once, the
outbox is empty, and the local records are exactly what they were.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from icope_desktop.store.records import SyncStatus
from icope_desktop.sync.errors import ServerUnreachable
from sync.conftest import make_desk
from sync.fault_proxy import FAULTS, FaultProxy
from sync.test_week_offline import expected_counts, server_counts
from sync.workload import (
    FAMILY_NAMES,
    PDF,
    add_patient,
    create_store,
    finalized_visit,
    set_up_practice,
)

VISITS = 6
LETTERS = 2


@pytest.fixture(scope="module")
def week_template(tmp_path_factory, tariff_table):
    data_dir = tmp_path_factory.mktemp("week") / "data"
    store = create_store(data_dir, tariff_table)
    practice = set_up_practice(store)
    patients = [add_patient(practice, i, ins=i % 2 == 0) for i in range(VISITS)]
    visits = [
        finalized_visit(practice, p, date(2025, 3, 3) + timedelta(days=i))
        for i, p in enumerate(patients)
    ]
    for visit_id in visits[:LETTERS]:
        store.letters.save_letter(visit_id, "gp_letter", "fr", PDF)
    store.close()
    return data_dir


@pytest.fixture
def small_bundles(monkeypatch):
    """Several Bundles per sync, so a fault can fall in the middle of the batch."""
    monkeypatch.setattr("icope_desktop.sync.push.MAX_ENTRIES", 40)


@pytest.fixture
def proxy(live):
    made = FaultProxy(int(live.url.rsplit(":", 1)[1]), seed=20250304, hold_seconds=1.5)
    yield made
    made.down()


@pytest.fixture
def faulty_desk(tmp_path, week_template, tariff_table, live, proxy):
    desk = make_desk(tmp_path, week_template, tariff_table, live, url=proxy.url)
    yield desk
    desk.store.close()


def snapshot(store) -> dict[str, object]:
    """Every local record a sync must leave untouched (the outbox aside)."""
    visits = []
    ids = {s.id for name in FAMILY_NAMES for s in store.patients.search_patients(name, 1000)}
    for patient_id in ids:
        patient = store.patients.get_patient(patient_id)
        visits.append((patient, [store.visits.get_visit(v.id)
                                 for v in store.visits.list_visits(patient_id)]))
    return {
        "patients": sorted(visits, key=lambda item: str(item[0].id)),
        "billing": store.billing.list_lines(),
        "letters": [store.letters.get_letter(v.id, "gp_letter", "fr")
                    for _p, vs in visits for v in vs],
    }


def assert_exactly_once(desk, live, before) -> None:
    assert desk.store.outbox.counts()[SyncStatus.WAITING] == 0
    assert desk.store.outbox.counts()[SyncStatus.REJECTED] == 0
    assert server_counts(live, desk.account.rpps) == expected_counts(VISITS, VISITS, LETTERS)
    assert snapshot(desk.store) == before


def test_week_template_has_every_patient(faulty_desk):
    assert len(snapshot(faulty_desk.store)["patients"]) == VISITS


@pytest.mark.parametrize("fault", FAULTS)
def test_one_fault_on_the_first_bundle_is_recovered(fault, faulty_desk, live, proxy,
                                                   small_bundles):
    before = snapshot(faulty_desk.store)
    proxy.script([fault])

    report = faulty_desk.sync.sync_now()

    assert report.error is None, report.error
    assert proxy.faults_applied == [fault]
    if fault.startswith("duplicate"):
        assert not faulty_desk.sleeps.delays, "the client saw one good answer: no retry"
    else:
        assert faulty_desk.sleeps.delays, "the failed request was retried after a backoff"
    assert_exactly_once(faulty_desk, live, before)


def test_server_down_mid_batch_then_back(faulty_desk, live, proxy, small_bundles):
    before = snapshot(faulty_desk.store)
    proxy.script([None, "crash"])  # the second Bundle is committed, then the server dies

    first = faulty_desk.sync.sync_now()

    assert isinstance(first.error, ServerUnreachable)
    assert first.sent > 0
    waiting = faulty_desk.store.outbox.counts()[SyncStatus.WAITING]
    assert waiting > 0, "what was not acknowledged stays waiting"
    assert faulty_desk.sync.record_status is not None

    proxy.up()
    second = faulty_desk.sync.sync_now()

    assert second.error is None
    assert second.sent == waiting
    assert_exactly_once(faulty_desk, live, before)


def test_connection_refused_keeps_everything_waiting(faulty_desk, live, proxy):
    before = snapshot(faulty_desk.store)
    waiting = faulty_desk.store.outbox.counts()[SyncStatus.WAITING]
    proxy.down()

    refused = faulty_desk.sync.sync_now()

    assert isinstance(refused.error, ServerUnreachable)
    assert refused.reached_server is False
    assert faulty_desk.store.outbox.counts()[SyncStatus.WAITING] == waiting
    assert len(faulty_desk.sleeps.delays) == 7  # 8 attempts, with backoff in between
    proxy.up()
    assert faulty_desk.sync.sync_now().error is None
    assert_exactly_once(faulty_desk, live, before)


def test_seeded_chaos_converges_to_exactly_once(faulty_desk, live, proxy, small_bundles):
    before = snapshot(faulty_desk.store)
    proxy.chaos(0.3)
    for _attempt in range(6):
        report = faulty_desk.sync.sync_now()
        if proxy._listener is None:  # a `crash` fault: the server comes back
            proxy.up()
        if report.error is None and not faulty_desk.store.outbox.counts()[SyncStatus.WAITING]:
            break
    assert len(proxy.faults_applied) >= 3, proxy.faults_applied
    assert_exactly_once(faulty_desk, live, before)
