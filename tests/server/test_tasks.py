"""Alert Tasks: assignment by territory, the server-issued cursor, decisions
(issue 6 "Alerts"; clinical spec §4 ALERT_MULTIDOMAIN; docs/SYNC_PROTOCOL.md §5)."""

from __future__ import annotations

import json
import random
import threading
import uuid
from datetime import date

import pytest

from icope_server.accounts import find_account, set_territories
from icope_server.alerts_import import ImportRefusedError, alerts_from_bundle, import_alerts
from icope_server.codes import ICOPE_CS
from icope_server.models import utcnow
from icope_server.tasks import Alert, AlertPerson, alert_task_body, assign_waiting, reassign

from .bundles import transaction

_STEMS = iter(random.sample(range(100, 1000), 900))


def unique_postcode() -> str:
    """A postcode whose first 3 digits no other test of the module uses: territories in
    these tests are 3 digits or longer, so tests never catch each other's alerts."""
    return f"{next(_STEMS)}{random.randint(0, 99):02d}"


def make_alert(postcode: str, *, domains=("cognition", "locomotion", "psychological")) -> Alert:
    person = AlertPerson(
        family="Martin", given=("Jeanne",), birth_date=date(1946, 3, 12), gender="female",
        ins_system=None, ins_value=None, address_line="12 rue des Lilas", postcode=postcode,
        city="Nantes", phone="0240123456",
    )
    return Alert(f"AL-{uuid.uuid4()}", "self-assessment", "Santé.fr", date(2025, 2, 24), person,
                 tuple(domains))


def pull(practitioner, cursor: str | None = None, count: int | None = None):
    params = {}
    if cursor is not None:
        params["cursor"] = cursor
    if count is not None:
        params["_count"] = count
    response = practitioner.client.get("/Task", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    next_link = next(link["url"] for link in body["link"] if link["relation"] == "next")
    cursor_value = response.headers["ICOPE-Cursor"]
    assert next_link.split("cursor=")[1].split("&")[0] == cursor_value
    return [e["resource"] for e in body["entry"]], cursor_value, body["total"]


def decide(practitioner, task, **changes):
    body = {**task, **changes}
    return practitioner.client.put(f"/Task/{task['id']}", json=body)


CONFIRM = {
    "status": "completed",
    "businessStatus": {"coding": [{"system": ICOPE_CS, "code": "confirmed"}]},
    "output": [{"type": {"coding": [{"system": ICOPE_CS, "code": "step2-planned"}]},
                "valueDateTime": "2025-03-18T10:00:00+01:00"}],
}


def test_new_tasks_appear_once_with_what_the_desktop_needs(server):
    postcode = unique_postcode()
    nurse = server.new_practitioner((postcode[:4],))
    first = import_alerts(server.db, [make_alert(postcode), make_alert(postcode)])
    assert first.created == 2 and first.per_practitioner == {nurse.rpps: 2}
    tasks, cursor, total = pull(nurse)
    assert len(tasks) == total == 2
    task = tasks[0]
    assert task["status"] == "requested" and task["intent"] == "order"
    assert task["owner"]["reference"] == f"Practitioner/{nurse.practitioner_id}"
    assert task["owner"]["identifier"]["value"] == nurse.rpps
    person = task["contained"][0]
    assert task["for"] == {"reference": "#patient"}
    assert person["birthDate"] == "1946-03-12" and person["address"][0]["postalCode"] == postcode
    domains = [i["valueCode"] for i in task["input"]
               if i["type"]["coding"][0]["code"] == "altered-domain"]
    assert domains == ["cognition", "locomotion", "psychological"]
    again, same_cursor, total_again = pull(nurse, cursor)
    assert again == [] and same_cursor == cursor and total_again == 0
    import_alerts(server.db, [make_alert(postcode)])
    later, later_cursor, _ = pull(nurse, cursor)
    assert len(later) == 1 and later[0]["id"] not in {t["id"] for t in tasks}
    assert int(later_cursor) > int(cursor)


def test_importing_the_same_alert_twice_creates_one_task(server):
    postcode = unique_postcode()
    nurse = server.new_practitioner((postcode,))
    alert = make_alert(postcode)
    import_alerts(server.db, [alert])
    second = import_alerts(server.db, [alert])
    assert second.created == 0 and second.already_imported == 1
    assert len(pull(nurse)[0]) == 1


def test_confirm_is_recorded_and_comes_back_in_the_feed(server):
    postcode = unique_postcode()
    nurse = server.new_practitioner((postcode,))
    import_alerts(server.db, [make_alert(postcode)])
    (task,), cursor, _ = pull(nurse)
    response = decide(nurse, task, **CONFIRM)
    assert response.status_code == 200, response.text
    stored = response.json()
    assert stored["status"] == "completed"
    assert stored["businessStatus"]["coding"][0]["code"] == "confirmed"
    assert stored["meta"]["versionId"] == "2" and "end" in stored["executionPeriod"]
    assert stored["contained"] == task["contained"]  # server data kept
    (changed,), _, _ = pull(nurse, cursor)
    assert changed["id"] == task["id"] and changed["meta"]["versionId"] == "2"
    retry = decide(nurse, task, **CONFIRM)
    assert retry.status_code == 200 and retry.json()["meta"]["versionId"] == "2"
    invalidate = decide(nurse, task, status="completed", businessStatus={
        "coding": [{"system": ICOPE_CS, "code": "invalidated"}]},
        statusReason={"text": "déménagé"})
    assert invalidate.status_code == 409
    assert invalidate.json()["issue"][0]["details"]["coding"][0]["code"] == "task-already-decided"


def test_keep_open_needs_a_note_and_never_forces_a_choice(server):
    postcode = unique_postcode()
    nurse = server.new_practitioner((postcode,))
    import_alerts(server.db, [make_alert(postcode)])
    (task,), _, _ = pull(nurse)
    keep_open = {"status": "in-progress",
                 "businessStatus": {"coding": [{"system": ICOPE_CS, "code": "kept-open"}]}}
    without_note = decide(nurse, task, **keep_open)
    assert without_note.status_code == 422
    with_note = decide(nurse, task, **keep_open,
                       note=[{"text": "Injoignable, rappeler la fille la semaine prochaine"}])
    assert with_note.status_code == 200
    assert with_note.json()["status"] == "in-progress"
    invalid_no_reason = decide(nurse, with_note.json(), status="completed",
                               businessStatus={"coding": [{"system": ICOPE_CS,
                                                           "code": "invalidated"}]})
    assert invalid_no_reason.status_code == 422
    reason = {"coding": [{"system": ICOPE_CS, "code": "already-followed"}]}
    invalidated = decide(nurse, with_note.json(), status="completed",
                         businessStatus={"coding": [{"system": ICOPE_CS, "code": "invalidated"}]},
                         statusReason=reason)
    assert invalidated.status_code == 200
    assert invalidated.json()["note"][0]["text"].startswith("Injoignable")
    unknown = decide(nurse, task, status="cancelled")
    assert unknown.status_code in (409, 422)


def test_if_match_protects_against_a_stale_decision(server):
    postcode = unique_postcode()
    nurse = server.new_practitioner((postcode,))
    import_alerts(server.db, [make_alert(postcode)])
    (task,), _, _ = pull(nurse)
    stale = nurse.client.put(f"/Task/{task['id']}", json={**task, **CONFIRM},
                             headers={"If-Match": 'W/"7"'})
    assert stale.status_code == 412
    fresh = nurse.client.put(f"/Task/{task['id']}", json={**task, **CONFIRM},
                             headers={"If-Match": 'W/"1"'})
    assert fresh.status_code == 200 and fresh.headers["ETag"] == 'W/"2"'


def test_a_decision_can_travel_in_a_transaction(server):
    postcode = unique_postcode()
    nurse = server.new_practitioner((postcode,))
    import_alerts(server.db, [make_alert(postcode)])
    (task,), _, _ = pull(nurse)
    entry = {"fullUrl": f"urn:uuid:{uuid.uuid4()}", "resource": {**task, **CONFIRM},
             "request": {"method": "PUT", "url": f"Task/{task['id']}"}}
    response = nurse.post_bundle(transaction(entry))
    assert response.status_code == 200, response.text
    assert response.json()["entry"][0]["response"]["location"] == f"Task/{task['id']}/_history/2"


def test_tasks_of_others_are_invisible(server):
    postcode = unique_postcode()
    nurse = server.new_practitioner((postcode,))
    other = server.new_practitioner((unique_postcode(),))
    import_alerts(server.db, [make_alert(postcode)])
    (task,), _, _ = pull(nurse)
    assert pull(other)[0] == []
    assert other.client.get(f"/Task/{task['id']}").status_code == 404
    assert decide(other, task, **CONFIRM).status_code == 404
    foreign_owner = other.client.get("/Task", params={"owner": task["owner"]["reference"]})
    assert foreign_owner.json()["entry"] == []
    assert nurse.client.get(f"/Task/{task['id']}").json()["status"] == "requested"


def test_assignment_prefers_the_longest_prefix_then_the_least_loaded(server):
    postcode = unique_postcode()
    department = server.new_practitioner((postcode[:3],))
    local_a = server.new_practitioner((postcode[:4],))
    local_b = server.new_practitioner((postcode[:4],))
    report = import_alerts(server.db, [make_alert(postcode) for _ in range(4)])
    assert report.per_practitioner == {local_a.rpps: 2, local_b.rpps: 2}
    assert pull(department)[0] == []


def test_waiting_alert_is_assigned_once_a_territory_exists(server):
    postcode = unique_postcode()
    report = import_alerts(server.db, [make_alert(postcode)])
    assert report.unassigned == 1
    nurse = server.new_practitioner()
    assert pull(nurse)[0] == []
    set_territories(server.db, nurse.rpps, [postcode])
    assert server.db.write(assign_waiting) >= 1
    (task,), _, _ = pull(nurse)
    assert task["owner"]["identifier"]["value"] == nurse.rpps


def test_reassigned_task_leaves_the_previous_owners_inbox_without_data(server):
    postcode = unique_postcode()
    nurse = server.new_practitioner((postcode,))
    alert = make_alert(postcode)
    import_alerts(server.db, [alert])
    (task,), cursor, _ = pull(nurse)
    replacement = server.new_practitioner()
    assert server.db.write(lambda s: reassign(s, alert.key, find_account(s, replacement.rpps)))
    (stub,), _, _ = pull(nurse, cursor)
    assert stub["id"] == task["id"] and stub["status"] == "cancelled"
    assert "contained" not in stub and "Martin" not in str(stub)
    assert nurse.client.get(f"/Task/{task['id']}").status_code == 404
    (moved,), _, _ = pull(replacement)
    assert moved["owner"]["identifier"]["value"] == replacement.rpps


def test_paging_and_bad_cursors(server):
    postcode = unique_postcode()
    nurse = server.new_practitioner((postcode,))
    import_alerts(server.db, [make_alert(postcode) for _ in range(5)])
    seen, cursor = [], None
    while True:
        page, cursor, total = pull(nurse, cursor, count=2)
        seen += [t["id"] for t in page]
        if total <= len(page):
            break
    assert len(seen) == len(set(seen)) == 5
    bad = nurse.client.get("/Task", params={"cursor": "yesterday"})
    assert bad.status_code == 400
    ahead = nurse.client.get("/Task", params={"cursor": str(int(cursor) + 1000)})
    assert ahead.status_code == 410
    unknown = nurse.client.get("/Task", params={"status": "requested"})
    assert unknown.status_code == 400


@pytest.mark.slow
def test_cursor_misses_nothing_while_alerts_arrive_concurrently(server):
    postcode = unique_postcode()
    nurse = server.new_practitioner((postcode,))
    alerts = [make_alert(postcode) for _ in range(30)]
    done = threading.Event()

    def produce() -> None:
        for alert in alerts:
            import_alerts(server.db, [alert])
        done.set()

    producer = threading.Thread(target=produce)
    producer.start()
    seen: set[str] = set()
    cursor: str | None = None
    cursors: list[int] = []
    while True:
        finished = done.is_set()
        page, cursor, _ = pull(nurse, cursor)
        cursors.append(int(cursor))
        seen.update(t["id"] for t in page)
        if finished and not page:
            break
    producer.join()
    assert len(seen) == 30
    assert cursors == sorted(cursors)


def test_alerts_arrive_as_a_fhir_bundle_too(server):
    postcode = unique_postcode()
    nurse = server.new_practitioner((postcode,))
    alert = make_alert(postcode, domains=("cognition", "vitality", "vision", "hearing"))
    task = alert_task_body(alert, f"urn:uuid:{uuid.uuid4()}", None, utcnow())
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": task}]}
    (parsed,) = alerts_from_bundle(json.dumps(bundle), threshold=3, today=date(2025, 3, 5))
    assert parsed == alert
    assert import_alerts(server.db, [parsed]).created == 1
    (pulled,), _, _ = pull(nurse)
    assert pulled["identifier"][1]["value"] == alert.key
    task["input"] = task["input"][2:]  # two altered capacities left: not an alert
    bundle["entry"].append({"resource": {"resourceType": "Patient"}})
    with pytest.raises(ImportRefusedError) as refused:
        alerts_from_bundle(json.dumps(bundle), threshold=3, today=date(2025, 3, 5))
    assert {(p.line, p.column) for p in refused.value.problems} == {
        (0, "altered_domains"), (1, "resource")}
