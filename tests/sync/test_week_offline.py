"""Issue 7: a week of offline work, then one sync: every record on the server, once."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from sqlalchemy import func, select

from icope_desktop.store.records import SyncStatus
from icope_server.models import Account, StoredResource
from sync.workload import PDF, add_patient, finalized_visit

VISITS = 50


def server_counts(live, rpps: str) -> dict[str, int]:
    with live.db.read() as session:
        rows = session.execute(
            select(StoredResource.resource_type, func.count(), func.count(
                StoredResource.business_id.distinct()))
            .join(Account, Account.id == StoredResource.account_id)
            .where(Account.rpps == rpps)
            .group_by(StoredResource.resource_type)
        ).all()
    for kind, count, distinct in rows:
        assert count == distinct, f"{kind}: {count} stored for {distinct} business ids"
    return {kind: count for kind, count, _ in rows}


def expected_counts(patients: int, visits: int, letters: int) -> dict[str, int]:
    """What 50 Step 1 + PHQ-9 visits produce, resource by resource (see workload.py)."""
    return {
        "Patient": patients,
        # the sender, the GP, and the account's own Practitioner made by the server
        "Practitioner": 3,
        "Encounter": visits,
        "QuestionnaireResponse": 2 * visits,
        # step1 altered count + PHQ-9 total + severity band + 6 Step 1 domains
        # + the PHQ-9-refined psychological domain
        "Observation": 10 * visits,
        "Flag": 4 * visits,
        "CarePlan": visits,
        "ChargeItem": 2 * visits,
        "DocumentReference": letters,
        "Communication": letters,
    }


def test_a_week_offline_reaches_the_server_exactly_once(desk, live):
    practice = desk.practice
    start = date(2025, 3, 3)
    patients = [add_patient(practice, i, ins=i % 4 == 0) for i in range(VISITS)]
    visits = [
        finalized_visit(practice, patient, start + timedelta(days=i % 5))
        for i, patient in enumerate(patients)
    ]
    for patient_id in patients[:10]:  # edits offline: sent once, in their last version
        patient = desk.store.patients.get_patient(patient_id)
        desk.store.patients.update_patient(
            patient_id, dataclasses.replace(patient.data, phone="0611223344")
        )
    for visit_id in visits[:8]:
        desk.store.letters.save_letter(visit_id, "gp_letter", "fr", PDF)

    report = desk.sync.sync_now()

    assert report.error is None
    assert report.rejected == 0
    # profile and GP, patients and visits, billing lines, letters
    assert report.sent == 2 + VISITS * 2 + VISITS * 2 + 8
    assert desk.store.outbox.counts()[SyncStatus.WAITING] == 0
    counts = server_counts(live, desk.account.rpps)
    assert counts == expected_counts(VISITS, VISITS, 8)
    stored = desk.account.client.get(
        "/Patient", params={"identifier": f"urn:ietf:rfc:3986|urn:uuid:{patients[3]}"}
    ).json()
    assert stored["entry"][0]["resource"]["telecom"][0]["value"] == "0611223344"

    again = desk.sync.sync_now()
    assert (again.sent, again.rejected, again.error) == (0, 0, None)
    assert server_counts(live, desk.account.rpps) == counts
