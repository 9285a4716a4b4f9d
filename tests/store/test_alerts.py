"""Alerts inbox: confirm, invalidate or keep open — never a forced choice; billed once."""

from __future__ import annotations

from datetime import date

import pytest

from icope_desktop.store.billing import ACT_ALERT_DECISION
from icope_desktop.store.errors import AlertAlreadyDecided, InvalidData, RecordNotFound
from icope_desktop.store.records import (
    AlertDecision,
    EntityKind,
    PulledAlertTask,
    SyncStatus,
)
from store.factories import patient_data


def pulled(server_id: str, patient_id=None, status: str = "requested", **payload):
    return PulledAlertTask(
        server_id=server_id,
        raised_on=date(2025, 3, 1),
        source="self-assessment",
        altered_domains=("cognition", "vitality", "hearing"),
        patient_id=patient_id,
        server_status=status,
        payload=payload or {"resourceType": "Task", "id": server_id},
    )


@pytest.fixture
def patient_id(repos):
    return repos.patients.create_patient(patient_data())


def test_upsert_by_server_id(repos, patient_id):
    report = repos.alerts.upsert_pulled([pulled("T1", patient_id), pulled("T2")])
    assert (report.created, report.updated) == (2, 0)
    report = repos.alerts.upsert_pulled([pulled("T1", patient_id, note="updated")])
    assert (report.created, report.updated) == (0, 1)
    tasks = {t.server_id: t for t in repos.alerts.list_open()}
    assert set(tasks) == {"T1", "T2"}
    assert tasks["T1"].payload == {"note": "updated"}
    assert tasks["T1"].altered_domains == ("cognition", "vitality", "hearing")


def test_keep_open_with_a_note_and_a_reminder_bills_nothing(repos, practitioner_id, patient_id):
    repos.alerts.upsert_pulled([pulled("T1", patient_id)])
    [task] = repos.alerts.list_open()
    repos.alerts.decide(
        task.id,
        AlertDecision.OPEN,
        by=practitioner_id,
        note="Patiente absente, rappeler",
        reminder_on=date(2025, 3, 20),
    )
    [still_open] = repos.alerts.list_open()
    assert still_open.decision is AlertDecision.OPEN
    assert still_open.decision_note == "Patiente absente, rappeler"
    assert still_open.reminder_on == date(2025, 3, 20)
    assert repos.billing.list_lines() == []
    assert repos.outbox.record_status(EntityKind.ALERT_TASK, task.id).status is SyncStatus.WAITING


@pytest.mark.parametrize("decision", [AlertDecision.CONFIRM, AlertDecision.INVALIDATE])
def test_deciding_bills_the_act_once(repos, practitioner_id, patient_id, decision):
    repos.alerts.upsert_pulled([pulled("T1", patient_id)])
    [task] = repos.alerts.list_open()
    repos.alerts.decide(task.id, AlertDecision.OPEN, by=practitioner_id)  # first, keep open
    repos.alerts.decide(task.id, decision, by=practitioner_id, note="vu au domicile")
    assert repos.alerts.list_open() == []
    [line] = repos.billing.list_lines()
    assert (line.act_code, line.source_kind, line.source_id) == (
        ACT_ALERT_DECISION,
        "alert_task",
        task.id,
    )
    with pytest.raises(AlertAlreadyDecided):
        repos.alerts.decide(task.id, AlertDecision.INVALIDATE, by=practitioner_id)
    assert len(repos.billing.list_lines()) == 1
    assert repos.audit.list_events(entity_id=task.id)[0].details == {
        "decision": decision.value,
        "billed": True,
    }


def test_a_decision_needs_a_local_patient_but_keeping_open_does_not(repos, practitioner_id):
    repos.alerts.upsert_pulled([pulled("T9")])
    [task] = repos.alerts.list_open()
    repos.alerts.decide(task.id, AlertDecision.OPEN, by=practitioner_id, note="à identifier")
    with pytest.raises(InvalidData):
        repos.alerts.decide(task.id, AlertDecision.CONFIRM, by=practitioner_id)
    patient_id = repos.patients.create_patient(patient_data(birth_name="Alerte"))
    repos.alerts.link_patient(task.id, patient_id)
    repos.alerts.decide(task.id, AlertDecision.CONFIRM, by=practitioner_id)
    assert repos.alerts.get_task(task.id).patient_id == patient_id


def test_a_pull_never_overwrites_an_unsynced_local_decision(repos, practitioner_id, patient_id):
    repos.alerts.upsert_pulled([pulled("T1", patient_id)])
    [task] = repos.alerts.list_open()
    repos.alerts.decide(task.id, AlertDecision.CONFIRM, by=practitioner_id)
    report = repos.alerts.upsert_pulled([pulled("T1", patient_id, status="requested")])
    assert report.kept_local_decision == 1
    assert repos.alerts.get_task(task.id).decision is AlertDecision.CONFIRM


def test_alerts_closed_on_the_server_leave_the_inbox(repos, patient_id):
    repos.alerts.upsert_pulled([pulled("T1", patient_id), pulled("T2", patient_id)])
    repos.alerts.upsert_pulled([pulled("T2", patient_id, status="completed")])
    assert [t.server_id for t in repos.alerts.list_open()] == ["T1"]


def test_reminders_due_first(repos, practitioner_id, patient_id):
    repos.alerts.upsert_pulled([pulled(f"T{n}", patient_id) for n in range(3)])
    tasks = {t.server_id: t.id for t in repos.alerts.list_open()}
    repos.alerts.decide(tasks["T2"], AlertDecision.OPEN, by=practitioner_id,
                        reminder_on=date(2025, 3, 15))
    repos.alerts.decide(tasks["T1"], AlertDecision.OPEN, by=practitioner_id,
                        reminder_on=date(2025, 3, 12))
    assert [t.server_id for t in repos.alerts.list_open()] == ["T1", "T2", "T0"]


def test_unknown_ids_are_refused(repos, practitioner_id):
    with pytest.raises(RecordNotFound):
        repos.alerts.decide(__import__("uuid").uuid4(), AlertDecision.OPEN, by=practitioner_id)
    with pytest.raises(RecordNotFound):
        repos.alerts.upsert_pulled([pulled("T1", __import__("uuid").uuid4())])
