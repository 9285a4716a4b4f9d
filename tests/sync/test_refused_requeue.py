"""Audit item 4: a refused record goes again once what it depends on is fixed.

A GP letter is refused (locally, before sending) while its patient has no GP or the GP
has no secure address; adding the address to the GP's record, or a GP to the patient's,
queues the letter again and the next sync delivers it to the server. The refused list
names each record in words, and "Renvoyer les envois refusés" queues them all again."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from icope_desktop.store.records import EntityKind, GpData, SyncStatus
from icope_desktop.sync.fhir_letters import NO_GP, NO_GP_EMAIL
from sync.workload import PDF, add_patient, finalized_visit


def letter_for(desk, patient_id):
    visit_id = finalized_visit(desk.practice, patient_id, date(2025, 3, 3))
    return desk.store.letters.save_letter(visit_id, "gp_letter", "fr", PDF)


def status(desk, letter_id):
    return desk.sync.record_status(EntityKind.LETTER, letter_id)


def test_a_letter_refused_for_its_gps_address_goes_once_the_gp_is_fixed(desk, live):
    gp_id = desk.store.gps.create_gp(GpData("Quéré", "Anne", city="Nantes"))
    patient_id = add_patient(desk.practice, 6)
    patient = desk.store.patients.get_patient(patient_id)
    desk.store.patients.update_patient(patient_id, replace(patient.data, gp_id=gp_id))
    letter_id = letter_for(desk, patient_id)

    first = desk.sync.sync_now()
    assert first.error is None and first.rejected == 1
    assert (status(desk, letter_id).status, status(desk, letter_id).reason) == (
        SyncStatus.REJECTED, NO_GP_EMAIL)
    [refused] = desk.sync.refused_records()
    assert refused.what.fr == "Courrier au médecin traitant, PETIT-6 Simone (visite du 03/03/2025)"
    assert refused.reason == NO_GP_EMAIL

    gp = desk.store.gps.get_gp(gp_id)
    desk.store.gps.update_gp(gp_id, replace(gp.data, email="anne.quere@medecin.mssante.fr"))
    assert status(desk, letter_id).status is SyncStatus.WAITING
    assert desk.sync.refused_records() == []

    second = desk.sync.sync_now()
    assert (second.error, second.rejected) == (None, 0)
    assert status(desk, letter_id).status is SyncStatus.SENT
    assert live.count("Communication", desk.account.rpps) == 1


def test_a_letter_refused_for_want_of_a_gp_goes_once_the_patient_has_one(desk, live):
    patient_id = add_patient(desk.practice, 7)
    patient = desk.store.patients.get_patient(patient_id)
    desk.store.patients.update_patient(patient_id, replace(patient.data, gp_id=None))
    letter_id = letter_for(desk, patient_id)
    other = letter_for(desk, add_patient(desk.practice, 8))  # another patient's, sent
    assert desk.sync.sync_now().rejected == 1
    assert status(desk, letter_id).reason == NO_GP
    assert status(desk, other).status is SyncStatus.SENT

    desk.store.patients.update_patient(
        patient_id, replace(patient.data, gp_id=desk.practice.gp_id))
    assert status(desk, letter_id).status is SyncStatus.WAITING
    assert desk.sync.sync_now().rejected == 0
    assert status(desk, letter_id).status is SyncStatus.SENT
    assert live.count("Communication", desk.account.rpps) == 2


def test_retry_rejected_queues_every_refused_record_again(desk):
    patient_id = add_patient(desk.practice, 9)
    patient = desk.store.patients.get_patient(patient_id)
    desk.store.patients.update_patient(patient_id, replace(patient.data, gp_id=None))
    letter_id = letter_for(desk, patient_id)
    assert desk.sync.sync_now().rejected == 1

    assert desk.sync.retry_rejected() == 1
    assert status(desk, letter_id).status is SyncStatus.WAITING
    assert desk.sync.refused_records() == []
