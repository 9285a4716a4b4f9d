"""An alert's handling is billed only for a decision the server accepted: the
`alert-decision` ChargeItem names its Task, which must be the caller's and confirmed or
invalidated by him (docs/SYNC_PROTOCOL.md §7.4; DESIGN.md "Billing")."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from icope_server.accounts import find_account
from icope_server.alerts_import import import_alerts
from icope_server.codes import BUSINESS_ID_SYSTEM
from icope_server.models import AlertTask, BillingLine
from icope_server.tasks import reassign

from .bundles import charge_item, create, new_urn, patient, transaction, upsert
from .test_tasks import CONFIRM, decide, make_alert, pull, unique_postcode

ALERT_LABEL = "Traitement d'une alerte"


def alert_charge(urn: str, patient_ref: str, task_id: str | None) -> dict:
    item = charge_item(urn, patient_ref, code="alert-decision", label=ALERT_LABEL, amount=None)
    if task_id is not None:
        item["supportingInformation"] = [{"reference": f"Task/{task_id}"}]
    return item


def decision_entry(task: dict) -> dict:
    return {"fullUrl": f"urn:uuid:{uuid.uuid4()}", "resource": {**task, **CONFIRM},
            "request": {"method": "PUT", "url": f"Task/{task['id']}"}}


def codes(response) -> list[str]:
    return [i["details"]["coding"][0]["code"] for i in response.json()["issue"]]


def one_alert(server):
    postcode = unique_postcode()
    nurse = server.new_practitioner((postcode,))
    alert = make_alert(postcode)
    import_alerts(server.db, [alert])
    (task,), _, _ = pull(nurse)
    return nurse, alert, task


def billed(server, act_id: str) -> list[str]:
    with server.db.read() as session:
        return list(session.scalars(select(BillingLine.status).where(
            BillingLine.act_id == act_id)))


def test_decision_and_its_act_in_one_bundle_are_accepted_in_any_order(server):
    nurse, _alert, task = one_alert(server)
    p, c = new_urn(), new_urn()
    # the ChargeItem comes before the decision: the server decides first anyway
    bundle = transaction(upsert(patient(p), p), create(alert_charge(c, p, task["id"]), c),
                         decision_entry(task))
    response = nurse.post_bundle(bundle)
    assert response.status_code == 200, response.text
    assert billed(server, c) == ["pending"]
    with server.db.read() as session:
        assert session.get(AlertTask, task["id"]).status == "confirmed"
    # a retry of the same Bundle changes nothing and bills once
    assert nurse.post_bundle(bundle).status_code == 200
    assert billed(server, c) == ["pending"]


def test_an_act_after_a_separate_decision_is_accepted(server):
    nurse, _alert, task = one_alert(server)
    assert decide(nurse, task, **CONFIRM).status_code == 200
    p, c = new_urn(), new_urn()
    response = nurse.post_bundle(transaction(upsert(patient(p), p),
                                             create(alert_charge(c, p, task["id"]), c)))
    assert response.status_code == 200, response.text
    assert billed(server, c) == ["pending"]


def test_the_act_of_a_reassigned_alert_is_refused_with_its_decision(server):
    nurse, alert, task = one_alert(server)
    other = server.new_practitioner()
    assert server.db.write(lambda s: reassign(s, alert.key, find_account(s, other.rpps)))
    p, c = new_urn(), new_urn()
    # alone: the act names an alert that is no longer his
    alone = nurse.post_bundle(transaction(upsert(patient(p), p),
                                          create(alert_charge(c, p, task["id"]), c)))
    assert alone.status_code == 422
    assert codes(alone) == ["alert-not-yours"]
    issue = alone.json()["issue"][0]
    assert "réattribuée" in issue["details"]["text"] and "reassigned" in issue["diagnostics"]
    assert issue["expression"] == ["Bundle.entry[1].resource.supportingInformation"]
    # with the decision: the decision is refused, so is the whole Bundle
    together = nurse.post_bundle(transaction(upsert(patient(p), p),
                                             create(alert_charge(c, p, task["id"]), c),
                                             decision_entry(task)))
    assert together.status_code == 404
    assert billed(server, c) == []
    assert server.count("ChargeItem", nurse.rpps) == 0


def test_the_act_of_an_undecided_or_kept_open_alert_is_refused(server):
    nurse, _alert, task = one_alert(server)
    p, c = new_urn(), new_urn()
    refused = nurse.post_bundle(transaction(upsert(patient(p), p),
                                            create(alert_charge(c, p, task["id"]), c)))
    assert refused.status_code == 422 and codes(refused) == ["alert-not-decided"]
    kept = decide(nurse, task, status="in-progress", businessStatus={
        "coding": [{"system": "https://icope.example/fhir/CodeSystem/icope",
                    "code": "kept-open"}]}, note=[{"text": "rappeler lundi"}])
    assert kept.status_code == 200, kept.text
    again = nurse.post_bundle(transaction(upsert(patient(p), p),
                                          create(alert_charge(c, p, task["id"]), c)))
    assert again.status_code == 422 and codes(again) == ["alert-not-decided"]
    assert billed(server, c) == []


def test_the_act_must_name_a_known_task_of_the_caller(server):
    nurse, _alert, task = one_alert(server)
    stranger = server.new_practitioner()
    assert decide(nurse, task, **CONFIRM).status_code == 200
    p, c = new_urn(), new_urn()
    missing = stranger.post_bundle(transaction(upsert(patient(p), p),
                                               create(alert_charge(c, p, None), c)))
    assert missing.status_code == 422 and codes(missing) == ["alert-task-missing"]
    foreign = stranger.post_bundle(transaction(upsert(patient(p), p),
                                               create(alert_charge(c, p, task["id"]), c)))
    assert foreign.status_code == 422 and codes(foreign) == ["alert-not-yours"]
    unknown = stranger.post_bundle(transaction(
        upsert(patient(p), p), create(alert_charge(c, p, str(uuid.uuid4())), c)))
    assert unknown.status_code == 422 and codes(unknown) == ["alert-task-not-found"]
    assert billed(server, c) == []


def test_other_acts_need_no_task(server):
    nurse = server.new_practitioner()
    p, c = new_urn(), new_urn()
    item = charge_item(c, f"Patient?identifier={BUSINESS_ID_SYSTEM}|{p}")
    response = nurse.post_bundle(transaction(upsert(patient(p), p), create(item, c)))
    assert response.status_code == 200, response.text
