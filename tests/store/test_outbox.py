"""Outbox: written with the change, one waiting row per record, exactly-once marking."""

from __future__ import annotations

import dataclasses

from icope_desktop.store.records import EntityKind, SyncStatus
from store.factories import patient_data


def test_pending_in_write_order_with_stable_keys(repos, practitioner_id):
    first = repos.patients.create_patient(patient_data(birth_name="Un"))
    second = repos.patients.create_patient(patient_data(birth_name="Deux"))
    pending = repos.outbox.pending()
    assert [(i.entity, i.entity_id) for i in pending] == [
        (EntityKind.PRACTITIONER, practitioner_id),
        (EntityKind.PATIENT, first),
        (EntityKind.PATIENT, second),
    ]
    assert len({i.key for i in pending}) == 3
    assert pending[1].idempotency_key == f"{pending[1].key}-1"
    assert [i.entity_id for i in repos.outbox.pending(limit=1)] == [practitioner_id]


def test_mark_sent_only_the_revision_that_was_sent(repos):
    patient_id = repos.patients.create_patient(patient_data())
    [item] = repos.outbox.pending()
    data = repos.patients.get_patient(patient_id).data
    repos.patients.update_patient(patient_id, dataclasses.replace(data, city="Angers"))
    assert repos.outbox.mark_sent(item) == 0  # changed while in flight: send again
    [again] = repos.outbox.pending()
    assert again.id == item.id and again.revision == 2
    assert again.idempotency_key != item.idempotency_key
    assert repos.outbox.mark_sent([again]) == 1
    assert repos.outbox.pending() == []
    assert repos.outbox.record_status(EntityKind.PATIENT, patient_id).status is SyncStatus.SENT
    assert repos.outbox.mark_sent(again) == 0  # a retry is harmless


def test_a_rejected_record_keeps_its_reason_and_blocks_nothing(repos):
    bad = repos.patients.create_patient(patient_data(birth_name="Rejeté"))
    good = repos.patients.create_patient(patient_data(birth_name="Accepté"))
    items = {i.entity_id: i for i in repos.outbox.pending()}
    assert repos.outbox.mark_rejected(items[bad], "Patient.birthDate: invalid")
    assert [i.entity_id for i in repos.outbox.pending()] == [good]
    status = repos.outbox.record_status(EntityKind.PATIENT, bad)
    assert (status.status, status.reason) == (SyncStatus.REJECTED, "Patient.birthDate: invalid")
    assert repos.outbox.counts() == {
        SyncStatus.WAITING: 1,
        SyncStatus.SENT: 0,
        SyncStatus.REJECTED: 1,
    }

    data = repos.patients.get_patient(bad).data  # the user fixes the record
    repos.patients.update_patient(bad, dataclasses.replace(data, city="Laval"))
    assert repos.outbox.record_status(EntityKind.PATIENT, bad).status is SyncStatus.WAITING
    assert {i.entity_id for i in repos.outbox.pending()} == {bad, good}


def test_retry_a_rejected_record_without_editing_it(repos):
    patient_id = repos.patients.create_patient(patient_data())
    [item] = repos.outbox.pending()
    repos.outbox.mark_rejected(item, "server down for maintenance")
    repos.outbox.retry_rejected(EntityKind.PATIENT, patient_id)
    assert [i.entity_id for i in repos.outbox.pending()] == [patient_id]


def test_failed_attempts_are_counted(repos):
    repos.patients.create_patient(patient_data())
    [item] = repos.outbox.pending()
    repos.outbox.note_failed_attempt(item)
    repos.outbox.note_failed_attempt(item)
    assert repos.outbox.pending()[0].attempts == 2


def test_sync_cursor_round_trip(repos, clock):
    assert repos.sync_state.get("tasks").cursor is None
    repos.sync_state.save("tasks", "cursor-42")
    state = repos.sync_state.get("tasks")
    assert (state.cursor, state.last_sync_at) == ("cursor-42", clock.now)
    assert repos.sync_state.last_sync_at() == clock.now
