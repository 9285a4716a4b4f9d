"""Audit item 1: a record corrected A → B → A reaches the server as A.

The third Bundle is byte-identical to the first; the server keeps idempotency keys 180
days, so a key made of the bytes alone made it replay its first answer and store nothing
while the desktop marked the record sent. The key now also carries the outbox rows'
identity and revision (bundles.py)."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace

from sqlalchemy import select

from icope_desktop.store.records import EntityKind, SyncStatus
from icope_desktop.sync.bundles import idempotency_key
from icope_desktop.sync.identifiers import urn
from icope_server.models import StoredResource
from sync.workload import add_patient


def server_family(live, patient_id) -> str:
    with live.db.read() as session:
        content = session.scalars(select(StoredResource.content).where(
            StoredResource.resource_type == "Patient",
            StoredResource.business_id == urn(patient_id))).one()
    return json.loads(content)["name"][0]["family"]


def rename(desk, patient_id, birth_name: str) -> None:
    patient = desk.store.patients.get_patient(patient_id)
    identity = replace(patient.data.identity, birth_name=birth_name)
    desk.store.patients.update_patient(patient_id, replace(patient.data, identity=identity))


def test_a_retry_keeps_its_key_and_a_new_revision_gets_a_new_one():
    body = b'{"resourceType":"Bundle"}'
    row = uuid.uuid4()
    assert idempotency_key(body, [(row, 1)]) == idempotency_key(body, [(row, 1)])
    assert idempotency_key(body, [(row, 1)]) != idempotency_key(body, [(row, 2)])
    assert idempotency_key(body, [(row, 1)]) != idempotency_key(body, [(uuid.uuid4(), 1)])


def test_a_name_corrected_back_and_forth_ends_as_typed_on_the_server(desk, live):
    patient_id = add_patient(desk.practice, 3)
    assert desk.sync.sync_now().error is None  # the practice's GP and profile go first
    rename(desk, patient_id, "Aubert")
    assert desk.sync.sync_now().sent == 1
    assert server_family(live, patient_id) == "Aubert"

    rename(desk, patient_id, "Bernier")
    assert desk.sync.sync_now().sent == 1
    assert server_family(live, patient_id) == "Bernier"

    rename(desk, patient_id, "Aubert")
    report = desk.sync.sync_now()
    assert report.error is None and report.sent == 1
    assert server_family(live, patient_id) == "Aubert"
    assert desk.sync.record_status(EntityKind.PATIENT, patient_id).status is SyncStatus.SENT
