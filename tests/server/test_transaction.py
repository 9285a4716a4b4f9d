"""Transaction Bundles: all or nothing, conditional create/update, references, limits
(issue 6 "Service"; docs/SYNC_PROTOCOL.md §4)."""

from __future__ import annotations

import json
import threading

from icope_server.codes import BUSINESS_ID_SYSTEM, ICOPE_CS

from .bundles import (
    create,
    encounter,
    new_urn,
    observation,
    patient,
    transaction,
    upsert,
    visit_bundle,
)


def _locations(response) -> list[str]:
    return [entry["response"]["location"] for entry in response.json()["entry"]]


def _issue_codes(response) -> list[str]:
    return [i["details"]["coding"][0]["code"] for i in response.json()["issue"]]


def test_visit_bundle_is_stored_with_references_resolved(server):
    nurse = server.new_practitioner()
    bundle, urns = visit_bundle()
    response = nurse.post_bundle(bundle)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/fhir+json")
    body = response.json()
    assert body["type"] == "transaction-response"
    assert [e["response"]["status"] for e in body["entry"]] == ["201 Created"] * 12
    patient_id = body["entry"][0]["response"]["location"].split("/")[1]
    encounter_id = body["entry"][2]["response"]["location"].split("/")[1]
    stored = nurse.client.get(f"/Encounter/{encounter_id}").json()
    assert stored["subject"] == {"reference": f"Patient/{patient_id}"}
    assert stored["meta"]["versionId"] == "1"
    found = nurse.client.get(
        "/Patient", params={"identifier": f"{BUSINESS_ID_SYSTEM}|{urns['patient']}"}
    ).json()
    assert [e["resource"]["id"] for e in found["entry"]] == [patient_id]
    gp_ref = found["entry"][0]["resource"]["generalPractitioner"][0]["reference"]
    assert gp_ref == body["entry"][1]["response"]["location"].rsplit("/_history", 1)[0]


def test_same_bundle_twice_changes_nothing_and_answers_same_ids(server):
    nurse = server.new_practitioner()
    bundle, _ = visit_bundle()
    first = nurse.post_bundle(bundle)
    second = nurse.post_bundle(bundle)  # another key: a client that lost the first answer
    assert first.status_code == second.status_code == 200
    assert _locations(first) == _locations(second)
    assert {e["response"]["status"] for e in second.json()["entry"]} == {"200 OK"}
    assert server.count("Observation", nurse.rpps) == 7
    assert server.count("Patient", nurse.rpps) == 1


def test_twenty_concurrent_identical_bundles_store_everything_once(server):
    nurse = server.new_practitioner()
    bundle, _ = visit_bundle()
    results: list = [None] * 20
    start = threading.Barrier(20)

    def post(i: int) -> None:
        client = server.client(nurse.token)
        start.wait()
        results[i] = client.post("/", json=bundle, headers={"Idempotency-Key": f"k-{i}"})

    threads = [threading.Thread(target=post, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.status_code for r in results] == [200] * 20, [r.text[:300] for r in results]
    assert len({tuple(_locations(r)) for r in results}) == 1
    for rtype, expected in [("Patient", 1), ("Practitioner", 2), ("Encounter", 1),
                            ("QuestionnaireResponse", 1), ("Observation", 7), ("ChargeItem", 1)]:
        assert server.count(rtype, nurse.rpps) == expected, rtype


def test_one_invalid_entry_stores_nothing_and_names_entry_and_field(server):
    nurse = server.new_practitioner()
    bundle, _ = visit_bundle()
    del bundle["entry"][5]["resource"]["status"]  # an Observation without its status
    response = nurse.post_bundle(bundle)
    assert response.status_code == 422
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    issue = outcome["issue"][0]
    assert issue["expression"] == ["Bundle.entry[5].resource.status"]
    assert issue["details"]["text"].startswith("Entrée 5 (Observation) : le champ « status »")
    assert "Entry 5 (Observation): field 'status' is required" in issue["diagnostics"]
    for rtype in ("Patient", "Practitioner", "Encounter", "Observation", "ChargeItem"):
        assert server.count(rtype, nurse.rpps) == (1 if rtype == "Practitioner" else 0), rtype


def test_every_bad_entry_is_listed_without_echoing_patient_data(server):
    nurse = server.new_practitioner()
    p = new_urn()
    bad_patient = patient(p, family="Zébulonne", birth_date="1948-13-40", gender="woman")
    bad_obs = observation(new_urn(), p, p, ICOPE_CS, "step1-cognition", valueInteger="trois")
    response = nurse.post_bundle(transaction(upsert(bad_patient, p),
                                             create(bad_obs, bad_obs["identifier"][0]["value"])))
    assert response.status_code == 422
    expressions = {e for i in response.json()["issue"] for e in i["expression"]}
    assert expressions == {
        "Bundle.entry[0].resource.birthDate",
        "Bundle.entry[0].resource.gender",
        "Bundle.entry[1].resource.valueInteger",
    }
    for secret in ("Zébulonne", "1948-13-40", "woman", "trois"):
        assert secret not in response.text


def test_reference_to_nothing_refuses_the_bundle(server):
    nurse = server.new_practitioner()
    bundle, _ = visit_bundle()
    bundle["entry"][2]["resource"]["subject"]["reference"] = new_urn()  # not in the Bundle
    response = nurse.post_bundle(bundle)
    assert response.status_code == 422
    assert _issue_codes(response) == ["reference-not-found"]
    expression = response.json()["issue"][0]["expression"]
    assert expression == ["Bundle.entry[2].resource.subject.reference"]
    assert server.count("Patient", nurse.rpps) == 0


def test_conditional_reference_reaches_a_patient_synced_earlier(server):
    nurse = server.new_practitioner()
    p = new_urn()
    first = nurse.post_bundle(transaction(upsert(patient(p), p)))
    patient_id = first.json()["entry"][0]["response"]["location"].split("/")[1]
    e = new_urn()
    later = encounter(e, f"Patient?identifier={BUSINESS_ID_SYSTEM}|{p}")
    response = nurse.post_bundle(transaction(create(later, e)))
    assert response.status_code == 200, response.text
    encounter_id = response.json()["entry"][0]["response"]["location"].split("/")[1]
    stored = nurse.client.get(f"/Encounter/{encounter_id}").json()
    assert stored["subject"]["reference"] == f"Patient/{patient_id}"
    literal = encounter(new_urn(), f"Patient/{patient_id}")
    again = nurse.post_bundle(transaction(create(literal, literal["identifier"][0]["value"])))
    assert again.status_code == 200


def test_conditional_update_versions_only_real_changes(server):
    nurse = server.new_practitioner()
    p = new_urn()
    first = nurse.post_bundle(transaction(upsert(patient(p), p)))
    assert first.json()["entry"][0]["response"]["status"] == "201 Created"
    changed = nurse.post_bundle(transaction(upsert(patient(p, family="Martin-Leroy"), p)))
    assert changed.json()["entry"][0]["response"]["location"].endswith("/_history/2")
    same = nurse.post_bundle(transaction(upsert(patient(p, family="Martin-Leroy"), p)))
    assert same.json()["entry"][0]["response"]["location"].endswith("/_history/2")
    assert same.json()["entry"][0]["response"]["status"] == "200 OK"


def test_business_identifier_is_required_and_must_match_the_condition(server):
    nurse = server.new_practitioner()
    p = new_urn()
    resource = patient(p)
    resource["identifier"] = []
    missing = nurse.post_bundle(transaction(upsert(resource, p)))
    assert missing.status_code == 422
    assert _issue_codes(missing) == ["identifier-missing"]
    mismatch = create(patient(p), p)
    mismatch["request"]["ifNoneExist"] = f"identifier={BUSINESS_ID_SYSTEM}|{new_urn()}"
    response = nurse.post_bundle(transaction(mismatch))
    assert response.status_code == 400
    assert _issue_codes(response) == ["conditional-mismatch"]


def test_unsupported_types_and_methods_are_refused(server):
    nurse = server.new_practitioner()
    org = {"resourceType": "Organization", "name": "CCAS"}
    entry = {"resource": org, "request": {"method": "POST", "url": "Organization"}}
    response = nurse.post_bundle(transaction(entry))
    assert response.status_code == 422
    assert _issue_codes(response) == ["resource-type-not-supported"]
    task = {"resourceType": "Task", "status": "requested", "intent": "order"}
    response = nurse.post_bundle(transaction({"resource": task,
                                              "request": {"method": "POST", "url": "Task"}}))
    assert response.status_code == 405
    put_patient = nurse.client.put("/Patient/abc", json=patient(new_urn()))
    assert put_patient.status_code == 405
    assert put_patient.json()["resourceType"] == "OperationOutcome"


def test_not_a_transaction_malformed_json_and_wrong_media_type(server):
    nurse = server.new_practitioner()
    batch = {"resourceType": "Bundle", "type": "batch", "entry": []}
    assert nurse.post_bundle(batch).status_code == 400
    garbage = nurse.client.post("/", content=b"{not json", headers={"Idempotency-Key": "g1"})
    assert garbage.status_code == 400
    assert _issue_codes(garbage) == ["malformed-json"]
    xml = nurse.client.post("/", content=b"<Bundle/>",
                            headers={"Idempotency-Key": "x1", "Content-Type": "application/xml"})
    assert xml.status_code == 415


def test_request_over_ten_megabytes_is_refused_with_413(server):
    nurse = server.new_practitioner()
    bundle, _ = visit_bundle()
    bundle["entry"][0]["resource"]["text"] = {"status": "generated",
                                              "div": "<div>" + "x" * (10 * 1024 * 1024) + "</div>"}
    response = nurse.post_bundle(bundle)
    assert response.status_code == 413
    assert _issue_codes(response) == ["payload-too-large"]

    def chunks():  # no Content-Length: the limit applies while streaming
        payload = json.dumps(bundle).encode()
        for start in range(0, len(payload), 1 << 20):
            yield payload[start:start + (1 << 20)]

    streamed = nurse.client.post("/", content=chunks(), headers={"Idempotency-Key": "big"})
    assert streamed.status_code == 413
    assert server.count("Patient", nurse.rpps) == 0


def test_nul_characters_are_refused_not_a_server_error(server):
    """PostgreSQL text cannot hold U+0000; FHIR strings exclude control characters."""
    nurse = server.new_practitioner()
    bundle, _ = visit_bundle()
    bundle["entry"][0]["resource"]["identifier"].append({"system": "urn:x", "value": "a\x00b"})
    response = nurse.post_bundle(bundle)
    assert response.status_code == 400
    search = nurse.client.get("/Patient", params={"identifier": "urn:x|a\x00b"})
    assert search.status_code == 400
    assert server.count("Patient", nurse.rpps) == 0
