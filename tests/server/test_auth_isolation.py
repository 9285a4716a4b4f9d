"""Bearer tokens and per-practitioner isolation on every endpoint (issue 6 "Security")."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from icope_server.accounts import create_token, revoke_tokens
from icope_server.codes import BUSINESS_ID_SYSTEM, DEMO_TOKEN
from icope_server.models import ApiToken, utcnow

from .bundles import create, encounter, new_urn, transaction, visit_bundle
from .conftest import running_server

AUTHENTICATED = [
    ("post", "/"),
    ("get", "/Patient?identifier=x"),
    ("get", "/Patient/123"),
    ("get", "/Task"),
    ("put", "/Task/123"),
]


def _code(response) -> str:
    return response.json()["issue"][0]["details"]["coding"][0]["code"]


@pytest.mark.parametrize(("method", "path"), AUTHENTICATED)
def test_missing_and_unknown_tokens_get_401_everywhere(server, method, path):
    anonymous = server.client()
    response = anonymous.request(method, path, json={}, headers={"Idempotency-Key": "k"})
    assert response.status_code == 401
    assert _code(response) == "token-missing"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    intruder = server.client("icp_guessed-token-value")
    assert intruder.request(method, path, json={}).status_code == 401


def test_metadata_needs_no_token(server):
    response = server.client().get("/metadata")
    assert response.status_code == 200
    assert response.json()["resourceType"] == "CapabilityStatement"


def test_revoked_and_expired_tokens_are_refused(server):
    nurse = server.new_practitioner()
    assert nurse.client.get("/Task").status_code == 200
    assert revoke_tokens(server.db, rpps=nurse.rpps) == 1
    revoked = nurse.client.get("/Task")
    assert revoked.status_code == 401
    assert _code(revoked) == "token-invalid"
    expired = server.new_practitioner(expires_at=utcnow() - timedelta(minutes=1))
    response = expired.client.get("/Task")
    assert response.status_code == 401
    assert _code(response) == "token-expired"
    future = server.new_practitioner(expires_at=utcnow() + timedelta(days=30))
    assert future.client.get("/Task").status_code == 200


def test_tokens_are_stored_only_as_their_sha256(server):
    nurse = server.new_practitioner()
    with server.db.read() as session:
        stored = session.scalars(select(ApiToken.token_hash)).all()
    assert hashlib.sha256(nurse.token.encode()).hexdigest() in stored
    assert nurse.token not in stored
    assert len(nurse.token) >= 40


def test_demo_token_is_refused_outside_demo_mode(server):
    create_token(server.db, rpps="10100000099", name="Démo", token=DEMO_TOKEN)
    response = server.client(DEMO_TOKEN).get("/Task")
    assert response.status_code == 401
    with running_server(server.settings.with_changes(demo=True)) as demo:
        assert demo.client(DEMO_TOKEN).get("/Task").status_code == 200


def test_a_practitioner_never_sees_another_ones_records(server):
    nurse, physio = server.new_practitioner(), server.new_practitioner()
    bundle, urns = visit_bundle()
    answer = nurse.post_bundle(bundle).json()
    patient_id = answer["entry"][0]["response"]["location"].split("/")[1]
    by_business_id = f"{BUSINESS_ID_SYSTEM}|{urns['patient']}"
    # reads and searches: 404 and empty results, never the data
    assert nurse.client.get(f"/Patient/{patient_id}").status_code == 200
    stranger = physio.client.get(f"/Patient/{patient_id}")
    assert stranger.status_code == 404
    assert "Martin" not in stranger.text
    search = physio.client.get("/Patient", params={"identifier": by_business_id}).json()
    assert search["total"] == 0 and search["entry"] == []
    # references inside a Bundle: the other practitioner's record does not exist for him
    e = new_urn()
    for reference in (f"Patient/{patient_id}", f"Patient?identifier={by_business_id}"):
        response = physio.post_bundle(transaction(create(encounter(e, reference), e)))
        assert response.status_code == 422
        assert _code(response) == "reference-not-found"
    # the same business identifier is a different record in another practitioner's scope
    mine = physio.post_bundle(bundle).json()
    assert mine["entry"][0]["response"]["location"].split("/")[1] != patient_id
    assert nurse.client.get(f"/Patient/{patient_id}").json()["meta"]["versionId"] == "1"


def test_practitioner_reads_his_own_practitioner_resource(server):
    nurse = server.new_practitioner()
    own = nurse.client.get(f"/Practitioner/{nurse.practitioner_id}").json()
    assert {"system": "https://rpps.esante.gouv.fr", "value": nurse.rpps} in own["identifier"]
    other = server.new_practitioner()
    assert other.client.get(f"/Practitioner/{nurse.practitioner_id}").status_code == 404
