"""Idempotency-Key: replay of the first success, refusal of a reused key, retention
(issue 6; docs/SYNC_PROTOCOL.md §4.3)."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select, update

from icope_server.codes import BUSINESS_ID_SYSTEM
from icope_server.idempotency import purge_expired
from icope_server.models import IdempotencyRecord, utcnow

from .bundles import (
    create,
    encounter,
    new_urn,
    patient,
    transaction,
    upsert,
    visit_bundle,
)


def test_retry_with_the_same_key_replays_the_first_answer_byte_for_byte(server):
    nurse = server.new_practitioner()
    p = new_urn()
    bundle = transaction(upsert(patient(p), p))
    first = nurse.post_bundle(bundle, key="visit-42")
    # the record changes in between (another batch): a replay must not re-run the Bundle
    nurse.post_bundle(transaction(upsert(patient(p, family="Martin-Leroy"), p)))
    replay = nurse.post_bundle(bundle, key="visit-42")
    assert first.status_code == replay.status_code == 200
    assert replay.content == first.content
    assert replay.headers["Idempotency-Replayed"] == "true"
    assert "Idempotency-Replayed" not in first.headers
    current = nurse.client.get(
        "/Patient", params={"identifier": f"{BUSINESS_ID_SYSTEM}|{p}"}
    ).json()["entry"][0]["resource"]
    assert current["name"][0]["family"] == "Martin-Leroy"  # the replay did not write v1 back


def test_same_key_with_another_payload_is_refused_and_not_processed(server):
    nurse = server.new_practitioner()
    bundle, _ = visit_bundle()
    assert nurse.post_bundle(bundle, key="batch-7").status_code == 200
    other, _ = visit_bundle()
    response = nurse.post_bundle(other, key="batch-7")
    assert response.status_code == 422
    issue = response.json()["issue"][0]
    assert issue["details"]["coding"][0]["code"] == "idempotency-key-reused"
    assert "Idempotency-Key" in issue["details"]["text"]
    assert server.count("Patient", nurse.rpps) == 1


def test_the_same_bundle_re_serialised_is_the_same_request(server):
    nurse = server.new_practitioner()
    bundle, _ = visit_bundle()
    first = nurse.post_bundle(bundle, key="order")
    shuffled = {key: bundle[key] for key in reversed(list(bundle))}
    again = nurse.client.post("/", json=shuffled, headers={"Idempotency-Key": "order"})
    assert again.status_code == 200
    assert again.content == first.content


def test_key_is_required_and_checked(server):
    nurse = server.new_practitioner()
    bundle, _ = visit_bundle()
    missing = nurse.client.post("/", json=bundle)
    assert missing.status_code == 400
    assert missing.json()["issue"][0]["details"]["coding"][0]["code"] == "idempotency-key-missing"
    bad = nurse.client.post("/", json=bundle, headers={"Idempotency-Key": "x" * 256})
    assert bad.status_code == 400
    assert server.count("Patient", nurse.rpps) == 0


def test_an_error_is_not_stored_so_the_same_key_works_once_the_cause_is_gone(server):
    nurse = server.new_practitioner()
    p = new_urn()
    e = new_urn()
    visit = transaction(create(encounter(e, f"Patient?identifier={BUSINESS_ID_SYSTEM}|{p}"), e))
    too_early = nurse.post_bundle(visit, key="late-visit")
    assert too_early.status_code == 422  # its patient has not been synced yet
    assert nurse.post_bundle(transaction(upsert(patient(p), p))).status_code == 200
    retry = nurse.post_bundle(visit, key="late-visit")
    assert retry.status_code == 200
    assert server.count("Encounter", nurse.rpps) == 1


def test_concurrent_requests_with_one_key_process_once(server):
    nurse = server.new_practitioner()
    bundle, _ = visit_bundle()
    results: list = [None] * 8
    start = threading.Barrier(8)

    def post(i: int) -> None:
        client = server.client(nurse.token)
        start.wait()
        results[i] = client.post("/", json=bundle, headers={"Idempotency-Key": "same-key"})

    threads = [threading.Thread(target=post, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.status_code for r in results] == [200] * 8
    assert len({r.content for r in results}) == 1
    assert sum(r.headers.get("Idempotency-Replayed") == "true" for r in results) == 7
    assert server.count("Observation", nurse.rpps) == 7


def test_keys_belong_to_one_practitioner(server):
    nurse, physio = server.new_practitioner(), server.new_practitioner()
    assert nurse.post_bundle(visit_bundle()[0], key="shared-name").status_code == 200
    response = physio.post_bundle(visit_bundle()[0], key="shared-name")
    assert response.status_code == 200
    assert "Idempotency-Replayed" not in response.headers


def test_purge_keeps_keys_for_the_retention_period(server):
    nurse = server.new_practitioner()
    nurse.post_bundle(visit_bundle()[0], key="old-key")
    nurse.post_bundle(visit_bundle()[0], key="recent-key")

    def age(session):
        session.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.key == "old-key")
            .values(created_at=utcnow() - timedelta(days=181))
        )

    server.db.write(age)
    assert purge_expired(server.db, retention_days=180) >= 1
    with server.db.read() as session:
        keys = set(session.scalars(select(IdempotencyRecord.key)))
    assert "old-key" not in keys
    assert "recent-key" in keys
